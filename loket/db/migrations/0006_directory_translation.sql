-- Translations of the partner directory's free text (papers to bring such as "Huurcontract",
-- notes on opening hours such as "alleen op afspraak", "2e verdieping") into the letter
-- languages.  Keyed by the Dutch text, so a paper many services ask for is translated once.
CREATE TABLE directory_translation (
    id          TEXT PRIMARY KEY,
    source_text TEXT NOT NULL,
    lang        TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL,
    UNIQUE (source_text, lang)
);
