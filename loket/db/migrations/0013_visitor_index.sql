-- Loket schema version 13. Other desks' visitors on an enrolled PC (docs/sync-staff.md): a keyed search index, not
-- their files.  Per visitor of another desk the hub sends HMAC-SHA256 keys (made with the
-- deployment's subject key) of the V-nummer, the BSN and each name part joined with the
-- date of birth; the PC keeps the first 8 bytes of each as an integer.  No names, numbers,
-- addresses, visits or referrals of those visitors are kept here.
CREATE TABLE visitor_elsewhere (
    ref        INTEGER PRIMARY KEY,
    visitor_id TEXT NOT NULL UNIQUE,   -- the hub's id: to fetch the file on opening
    desk_id    TEXT                    -- where the file lives ("a file at IND-loket Den Haag")
);
CREATE TABLE visitor_index (
    key INTEGER NOT NULL,
    ref INTEGER NOT NULL,
    PRIMARY KEY (key, ref)
) WITHOUT ROWID;
CREATE INDEX visitor_index_ref ON visitor_index (ref);

-- Files of other desks fetched from the hub when staff opened them: kept while this desk
-- works with them, removed again by a later sync unless this desk now holds the file.
CREATE TABLE visitor_fetched (
    visitor_id TEXT PRIMARY KEY,
    fetched_at TEXT NOT NULL
);
