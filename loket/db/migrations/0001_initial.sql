-- Loket schema version 1: every entity of the design card.
-- Conventions: UUID text keys, created_at/updated_at in UTC ISO 8601 ("2026-11-28T18:03:22Z"),
-- and the workstation that wrote the row.  Directory tables use Open Referral HSDS 3 names.

CREATE TABLE setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);

CREATE TABLE desk (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL,
    address     TEXT,
    postal_code TEXT,
    phone       TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('balie', 'supervisor', 'beheerder')),
    desk_id       TEXT REFERENCES desk(id),
    phone         TEXT,
    language      TEXT NOT NULL DEFAULT 'nl',
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    lockouts      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    workstation   TEXT NOT NULL
);

-- Reference data: the needs taxonomy and the topics (reasons for a visit).
CREATE TABLE need (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    label_nl    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);

CREATE TABLE topic (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    label_nl    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);

CREATE TABLE visitor (
    id                   TEXT PRIMARY KEY,
    given_names          TEXT NOT NULL DEFAULT '',
    family_name          TEXT NOT NULL DEFAULT '',
    date_of_birth        TEXT,
    v_number             TEXT,
    bsn                  TEXT,
    phone                TEXT,
    email                TEXT,
    address              TEXT,
    postal_code          TEXT,
    city                 TEXT,
    preferred_language   TEXT NOT NULL DEFAULT 'nl',
    interpreter_needed   INTEGER NOT NULL DEFAULT 0,
    interpreter_language TEXT,
    last_activity_at     TEXT,
    anonymised_at        TEXT,
    created_by           TEXT REFERENCES staff(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    workstation          TEXT NOT NULL
);
CREATE INDEX visitor_v_number ON visitor(v_number) WHERE v_number IS NOT NULL;
CREATE INDEX visitor_bsn ON visitor(bsn) WHERE bsn IS NOT NULL;
CREATE INDEX visitor_dob ON visitor(date_of_birth);
CREATE INDEX visitor_last_activity ON visitor(last_activity_at);

CREATE TABLE visit (
    id                   TEXT PRIMARY KEY,
    visitor_id           TEXT NOT NULL REFERENCES visitor(id),
    desk_id              TEXT NOT NULL REFERENCES desk(id),
    staff_id             TEXT REFERENCES staff(id),
    visit_date           TEXT NOT NULL,           -- local date, YYYY-MM-DD
    arrived_at           TEXT NOT NULL,           -- UTC timestamp
    status               TEXT NOT NULL DEFAULT 'waiting'
                         CHECK (status IN ('waiting', 'in_progress', 'done')),
    topic_code           TEXT REFERENCES topic(code),
    language             TEXT,
    interpreter_needed   INTEGER NOT NULL DEFAULT 0,
    interpreter_language TEXT,
    brought_by_org       TEXT,
    brought_by_contact   TEXT,
    referent_involved    INTEGER NOT NULL DEFAULT 0,
    summary              TEXT NOT NULL DEFAULT '',
    outcome              TEXT NOT NULL DEFAULT '',
    follow_up_date       TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    workstation          TEXT NOT NULL
);
CREATE INDEX visit_visitor ON visit(visitor_id, visit_date);
CREATE INDEX visit_desk_date ON visit(desk_id, visit_date);
CREATE INDEX visit_follow_up ON visit(follow_up_date) WHERE follow_up_date IS NOT NULL;

-- Health details (AVG art. 9) live apart from the visit so that no list query can pick them up.
CREATE TABLE visit_health (
    visit_id     TEXT PRIMARY KEY REFERENCES visit(id) ON DELETE CASCADE,
    note         TEXT NOT NULL,
    legal_ground TEXT NOT NULL,
    recorded_by  TEXT REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    workstation  TEXT NOT NULL
);

CREATE TABLE visit_need (
    id          TEXT PRIMARY KEY,
    visit_id    TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,
    need_code   TEXT NOT NULL REFERENCES need(code),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL,
    UNIQUE (visit_id, need_code)
);
CREATE INDEX visit_need_code ON visit_need(need_code);

-- Partner directory, Open Referral HSDS 3 field names.
CREATE TABLE organisation (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    alternate_name  TEXT,
    description     TEXT NOT NULL DEFAULT '',
    email           TEXT,
    website         TEXT,
    legal_status    TEXT,
    to_verify       INTEGER NOT NULL DEFAULT 0,  -- contact details not yet checked ("te controleren")
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    workstation     TEXT NOT NULL
);

CREATE TABLE service (
    id                      TEXT PRIMARY KEY,
    organization_id         TEXT NOT NULL REFERENCES organisation(id),
    name                    TEXT NOT NULL,
    alternate_name          TEXT,
    description             TEXT NOT NULL DEFAULT '',
    url                     TEXT,
    email                   TEXT,
    status                  TEXT NOT NULL DEFAULT 'active'
                            CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
    interpretation_services TEXT,
    application_process     TEXT,
    fees_description        TEXT,
    eligibility_description TEXT,
    assured_date            TEXT,        -- HSDS: the date the data was last checked
    assurer_email           TEXT,
    warm_handover           INTEGER NOT NULL DEFAULT 0,
    is_escalation           INTEGER NOT NULL DEFAULT 0,  -- e.g. the national multiproblem desk
    to_verify               INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    workstation             TEXT NOT NULL
);
CREATE INDEX service_org ON service(organization_id);

CREATE TABLE location (
    id              TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organisation(id),
    location_type   TEXT NOT NULL DEFAULT 'physical',
    name            TEXT,
    alternate_name  TEXT,
    description     TEXT,
    transportation  TEXT,
    latitude        REAL,
    longitude       REAL,
    address_1       TEXT,
    address_2       TEXT,
    city            TEXT,
    region          TEXT,
    state_province  TEXT,
    postal_code     TEXT,
    country         TEXT NOT NULL DEFAULT 'NL',
    accessibility   TEXT,
    to_verify       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    workstation     TEXT NOT NULL
);
CREATE INDEX location_city ON location(city);

CREATE TABLE service_at_location (
    id          TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES service(id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES location(id) ON DELETE CASCADE,
    description TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL,
    UNIQUE (service_id, location_id)
);
CREATE INDEX service_at_location_location ON service_at_location(location_id);

CREATE TABLE service_need (
    id          TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES service(id) ON DELETE CASCADE,
    need_code   TEXT NOT NULL REFERENCES need(code),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL,
    UNIQUE (service_id, need_code)
);
CREATE INDEX service_need_code ON service_need(need_code);

CREATE TABLE service_language (
    id          TEXT PRIMARY KEY,
    service_id  TEXT REFERENCES service(id) ON DELETE CASCADE,
    location_id TEXT REFERENCES location(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,          -- ISO 639 code
    name        TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);
CREATE INDEX service_language_service ON service_language(service_id);

CREATE TABLE phone (
    id                     TEXT PRIMARY KEY,
    organization_id        TEXT REFERENCES organisation(id) ON DELETE CASCADE,
    service_id             TEXT REFERENCES service(id) ON DELETE CASCADE,
    location_id            TEXT REFERENCES location(id) ON DELETE CASCADE,
    service_at_location_id TEXT REFERENCES service_at_location(id) ON DELETE CASCADE,
    number                 TEXT NOT NULL,
    extension              TEXT,
    type                   TEXT,
    description            TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    workstation            TEXT NOT NULL
);
CREATE INDEX phone_service ON phone(service_id);
CREATE INDEX phone_location ON phone(location_id);

CREATE TABLE schedule (
    id                     TEXT PRIMARY KEY,
    service_id             TEXT REFERENCES service(id) ON DELETE CASCADE,
    location_id            TEXT REFERENCES location(id) ON DELETE CASCADE,
    service_at_location_id TEXT REFERENCES service_at_location(id) ON DELETE CASCADE,
    freq                   TEXT,
    byday                  TEXT,     -- e.g. "MO,TU,WE"
    opens_at               TEXT,     -- "09:00"
    closes_at              TEXT,
    description            TEXT,
    notes                  TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    workstation            TEXT NOT NULL
);
CREATE INDEX schedule_service ON schedule(service_id);

CREATE TABLE required_document (
    id          TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES service(id) ON DELETE CASCADE,
    document    TEXT NOT NULL,
    uri         TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);
CREATE INDEX required_document_service ON required_document(service_id);

-- Referrals and their status history.
CREATE TABLE referral (
    id                TEXT PRIMARY KEY,
    visit_id          TEXT NOT NULL REFERENCES visit(id),
    service_id        TEXT NOT NULL REFERENCES service(id),
    location_id       TEXT REFERENCES location(id),
    staff_id          TEXT REFERENCES staff(id),
    handover          TEXT NOT NULL DEFAULT 'cold' CHECK (handover IN ('warm', 'cold')),
    status            TEXT NOT NULL DEFAULT 'proposed'
                      CHECK (status IN ('proposed', 'sent', 'accepted', 'declined',
                                        'completed', 'no_show', 'cancelled')),
    status_changed_at TEXT NOT NULL,
    follow_up_date    TEXT,
    reason            TEXT,          -- why declined or cancelled
    note              TEXT NOT NULL DEFAULT '',
    escalation_note   TEXT,          -- for escalation: local escalation that was tried
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    workstation       TEXT NOT NULL
);
CREATE INDEX referral_visit ON referral(visit_id);
CREATE INDEX referral_service ON referral(service_id, status);
CREATE INDEX referral_follow_up ON referral(follow_up_date) WHERE follow_up_date IS NOT NULL;
CREATE INDEX referral_created ON referral(created_at);

CREATE TABLE referral_event (
    id          TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referral(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    at          TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff(id),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);
CREATE INDEX referral_event_referral ON referral_event(referral_id, at);

-- What the visitor agreed may be shared with a partner for a warm handover.
CREATE TABLE referral_consent (
    id            TEXT PRIMARY KEY,
    referral_id   TEXT NOT NULL UNIQUE REFERENCES referral(id) ON DELETE CASCADE,
    share_name    INTEGER NOT NULL DEFAULT 0,
    share_contact INTEGER NOT NULL DEFAULT 0,
    share_needs   INTEGER NOT NULL DEFAULT 0,
    share_summary INTEGER NOT NULL DEFAULT 0,
    given_at      TEXT NOT NULL,
    recorded_by   TEXT REFERENCES staff(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    workstation   TEXT NOT NULL
);

CREATE TABLE letter (
    id                 TEXT PRIMARY KEY,
    visit_id           TEXT NOT NULL REFERENCES visit(id),
    visitor_id         TEXT NOT NULL REFERENCES visitor(id),
    staff_id           TEXT REFERENCES staff(id),
    template           TEXT NOT NULL,
    languages          TEXT NOT NULL,      -- e.g. "ar,nl": visitor's language first
    catalogue_versions TEXT NOT NULL DEFAULT '{}',   -- JSON {lang: revision}
    large_print        INTEGER NOT NULL DEFAULT 0,
    sha256             TEXT NOT NULL,
    pdf                BLOB,               -- kept so that a reprint is identical
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    workstation        TEXT NOT NULL
);
CREATE INDEX letter_visitor ON letter(visitor_id);
CREATE INDEX letter_visit ON letter(visit_id);

-- Unsaved forms, written every few seconds so that nothing typed is lost.
CREATE TABLE draft (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,            -- 'visitor' or 'visit'
    staff_id    TEXT REFERENCES staff(id),
    visitor_id  TEXT,
    payload     TEXT NOT NULL,            -- JSON
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);

-- Append-only, hash-chained audit trail (BIO 8.15).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    actor       TEXT,                 -- staff username, or NULL for the system
    action      TEXT NOT NULL,
    object_type TEXT,
    object_id   TEXT,
    result      TEXT NOT NULL,        -- 'ok', 'refused', 'failed'
    origin      TEXT NOT NULL,        -- workstation
    subject_ref TEXT,                 -- keyed hash of V-nummer or BSN, never the number
    detail      TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
