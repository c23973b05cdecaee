-- Loket schema version 4: the follow-ups list reads only the open referrals.
-- Nearly every referral older than a few weeks is closed, yet referral_follow_up holds them
-- all: the count and the first page of "follow-ups due" walked most of the referral table
-- (1.5 s on a million referrals).  This partial index holds only the open ones, in the
-- list's order, with the columns its filters read (status too: SQLite 3.40 re-checks it),
-- so the count is an index-only count and a page starts on it.  Its WHERE must stay word
-- for word the one in loket/db/referrals.py (_OPEN_DUE), or SQLite will not use it.

CREATE INDEX referral_open_follow_up
    ON referral(follow_up_date, created_at, id, staff_id, visit_id, status)
    WHERE status IN ('proposed', 'sent', 'accepted') AND follow_up_date IS NOT NULL;
