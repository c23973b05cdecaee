-- Loket schema version 2: full-text visitor search.
-- visitor_search holds one folded line of text per visitor (names without case or accents,
-- V-nummer, BSN, birth date, phone digits).  It has an INTEGER PRIMARY KEY so that its rowids,
-- which the FTS5 index refers to, survive VACUUM.  loket_fold() is registered on every
-- connection the application opens; triggers keep both tables current.

CREATE TABLE visitor_search (
    rowid      INTEGER PRIMARY KEY,
    visitor_id TEXT NOT NULL UNIQUE REFERENCES visitor(id) ON DELETE CASCADE,
    text       TEXT NOT NULL
);

CREATE VIRTUAL TABLE visitor_fts USING fts5(
    text, content='visitor_search', content_rowid='rowid', tokenize='trigram'
);

CREATE TRIGGER visitor_search_ai AFTER INSERT ON visitor_search BEGIN
    INSERT INTO visitor_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER visitor_search_ad AFTER DELETE ON visitor_search BEGIN
    INSERT INTO visitor_fts(visitor_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER visitor_search_au AFTER UPDATE ON visitor_search BEGIN
    INSERT INTO visitor_fts(visitor_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO visitor_fts(rowid, text) VALUES (new.rowid, new.text);
END;

CREATE TRIGGER visitor_ai AFTER INSERT ON visitor BEGIN
    INSERT INTO visitor_search(visitor_id, text)
    VALUES (new.id, loket_search_text(new.given_names, new.family_name, new.v_number,
                                      new.bsn, new.date_of_birth, new.phone));
END;
CREATE TRIGGER visitor_au AFTER UPDATE OF given_names, family_name, v_number, bsn,
                                          date_of_birth, phone ON visitor BEGIN
    UPDATE visitor_search
       SET text = loket_search_text(new.given_names, new.family_name, new.v_number,
                                    new.bsn, new.date_of_birth, new.phone)
     WHERE visitor_id = new.id;
END;
CREATE TRIGGER visitor_ad AFTER DELETE ON visitor BEGIN
    DELETE FROM visitor_search WHERE visitor_id = old.id;
END;

-- Visitors registered before this version get their search line now.
INSERT INTO visitor_search (visitor_id, text)
SELECT id, loket_search_text(given_names, family_name, v_number, bsn, date_of_birth, phone)
  FROM visitor;
