-- Loket schema version 5: outcome counts per service and location, kept as referrals change.
-- Routing shows how often referrals to a service ended "completed", at the location in the
-- visitor's city and nationally.  Counting them from the referral table walks every referral
-- of a service (tens of thousands at a million visitors, for each suggestion); this table
-- holds the counts, kept up to date by triggers in the same transaction as the change.
-- It is derived data: rebuilding it is DELETE + the INSERT ... SELECT below.
-- location_id '' = a referral without a location (a national service).

CREATE TABLE referral_outcome_tally (
    service_id  TEXT NOT NULL,
    location_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (service_id, location_id, status)
) WITHOUT ROWID;

INSERT INTO referral_outcome_tally (service_id, location_id, status, n)
SELECT service_id, COALESCE(location_id, ''), status, count(*) FROM referral
WHERE status IN ('completed', 'declined', 'no_show')
GROUP BY service_id, COALESCE(location_id, ''), status;

CREATE TRIGGER referral_outcome_tally_insert AFTER INSERT ON referral
WHEN NEW.status IN ('completed', 'declined', 'no_show')
BEGIN
    INSERT INTO referral_outcome_tally (service_id, location_id, status, n)
    VALUES (NEW.service_id, COALESCE(NEW.location_id, ''), NEW.status, 1)
    ON CONFLICT (service_id, location_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER referral_outcome_tally_delete AFTER DELETE ON referral
WHEN OLD.status IN ('completed', 'declined', 'no_show')
BEGIN
    UPDATE referral_outcome_tally SET n = n - 1
    WHERE service_id = OLD.service_id AND location_id = COALESCE(OLD.location_id, '')
      AND status = OLD.status;
END;

CREATE TRIGGER referral_outcome_tally_update
AFTER UPDATE OF status, service_id, location_id ON referral
WHEN OLD.status IS NOT NEW.status OR OLD.service_id IS NOT NEW.service_id
  OR OLD.location_id IS NOT NEW.location_id
BEGIN
    UPDATE referral_outcome_tally SET n = n - 1
    WHERE OLD.status IN ('completed', 'declined', 'no_show')
      AND service_id = OLD.service_id AND location_id = COALESCE(OLD.location_id, '')
      AND status = OLD.status;
    INSERT INTO referral_outcome_tally (service_id, location_id, status, n)
    SELECT NEW.service_id, COALESCE(NEW.location_id, ''), NEW.status, 1
    WHERE NEW.status IN ('completed', 'declined', 'no_show')
    ON CONFLICT (service_id, location_id, status) DO UPDATE SET n = n + 1;
END;
