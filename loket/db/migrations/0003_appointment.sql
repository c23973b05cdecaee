-- Loket schema version 3: appointments, so the "Afspraak" letter is made from a stored record
-- (and a reprint or a second letter shows the same date, place and contact person).
-- starts_at is the local date and time of the appointment ("2026-12-03T10:30"), as the
-- visitor reads it on the letter; bring is a JSON list of the papers to bring.

CREATE TABLE appointment (
    id             TEXT PRIMARY KEY,
    visit_id       TEXT NOT NULL REFERENCES visit(id),
    referral_id    TEXT REFERENCES referral(id),
    starts_at      TEXT NOT NULL,
    place          TEXT NOT NULL,
    contact_person TEXT NOT NULL DEFAULT '',
    bring          TEXT NOT NULL DEFAULT '[]',
    staff_id       TEXT REFERENCES staff(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    workstation    TEXT NOT NULL
);
CREATE INDEX appointment_visit ON appointment(visit_id, starts_at);
CREATE INDEX appointment_referral ON appointment(referral_id) WHERE referral_id IS NOT NULL;

-- The letter made from an appointment points at it (NULL for the other letters).
ALTER TABLE letter ADD COLUMN appointment_id TEXT REFERENCES appointment(id);
