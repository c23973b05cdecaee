-- Loket schema version 5: the Latin name on the visitor's IND document, and name keys.
-- latin_given_names / latin_family_name: the name as the V-nummer letter or residence card
-- writes it.  Existing visitors get an empty Latin name: nothing is guessed into a record.
-- visitor_name_key: the matching keys of both spellings (loket.counter.names.keys), kept by
-- triggers through loket_name_keys(), which every connection Loket opens registers.  A name
-- lookup is a range on its primary key, never a scan of all visitors.

ALTER TABLE visitor ADD COLUMN latin_given_names TEXT NOT NULL DEFAULT '';
ALTER TABLE visitor ADD COLUMN latin_family_name TEXT NOT NULL DEFAULT '';

CREATE TABLE visitor_name_key (
    key        TEXT NOT NULL,
    visitor_id TEXT NOT NULL,  -- kept by the triggers below (no foreign key: it would need
                               -- an index on visitor_id to check deletions)
    PRIMARY KEY (key, visitor_id)
) WITHOUT ROWID;
-- No second index on visitor_id: the triggers delete a visitor's keys by recomputing the old
-- ones (the function is deterministic), which walks the primary key; the table stays half
-- the size.

CREATE TRIGGER visitor_name_key_ai AFTER INSERT ON visitor BEGIN
    INSERT OR IGNORE INTO visitor_name_key (key, visitor_id)
    SELECT value, new.id FROM json_each(loket_name_keys(new.given_names, new.family_name,
                                                        new.latin_given_names,
                                                        new.latin_family_name));
END;
CREATE TRIGGER visitor_name_key_au AFTER UPDATE OF given_names, family_name,
                                                   latin_given_names, latin_family_name
                                                   ON visitor BEGIN
    DELETE FROM visitor_name_key
     WHERE visitor_id = old.id
       AND key IN (SELECT value FROM json_each(loket_name_keys(old.given_names, old.family_name,
                                                               old.latin_given_names,
                                                               old.latin_family_name)));
    INSERT OR IGNORE INTO visitor_name_key (key, visitor_id)
    SELECT value, new.id FROM json_each(loket_name_keys(new.given_names, new.family_name,
                                                        new.latin_given_names,
                                                        new.latin_family_name));
END;
CREATE TRIGGER visitor_name_key_ad AFTER DELETE ON visitor BEGIN
    DELETE FROM visitor_name_key
     WHERE visitor_id = old.id
       AND key IN (SELECT value FROM json_each(loket_name_keys(old.given_names, old.family_name,
                                                               old.latin_given_names,
                                                               old.latin_family_name)));
END;

-- The search line holds the Latin name too.
DROP TRIGGER visitor_ai;
DROP TRIGGER visitor_au;
CREATE TRIGGER visitor_ai AFTER INSERT ON visitor BEGIN
    INSERT INTO visitor_search(visitor_id, text)
    VALUES (new.id, loket_search_text(new.given_names, new.family_name, new.v_number,
                                      new.bsn, new.date_of_birth, new.phone,
                                      new.latin_given_names, new.latin_family_name));
END;
CREATE TRIGGER visitor_au AFTER UPDATE OF given_names, family_name, v_number, bsn,
                                          date_of_birth, phone, latin_given_names,
                                          latin_family_name ON visitor BEGIN
    UPDATE visitor_search
       SET text = loket_search_text(new.given_names, new.family_name, new.v_number,
                                    new.bsn, new.date_of_birth, new.phone,
                                    new.latin_given_names, new.latin_family_name)
     WHERE visitor_id = new.id;
END;

-- Keys for the visitors registered before this version (from the names they have).
INSERT OR IGNORE INTO visitor_name_key (key, visitor_id)
SELECT j.value, v.id FROM visitor v,
       json_each(loket_name_keys(v.given_names, v.family_name, '', '')) j
 ORDER BY 1, 2;
