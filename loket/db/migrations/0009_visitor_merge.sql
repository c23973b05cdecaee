-- Loket schema version 9: one visitor instead of two.
-- visitor.merged_into: the visitor this file was merged into (NULL for a file in use).  The
-- merged-away row stays, so that an id another PC still holds resolves to the kept visitor.
-- merge_task: "possibly the same visitor", found by the same V-nummer or BSN, or the name
-- rules with the same date of birth; staff decide (merge or dismiss), never Loket itself.
-- visitor_a < visitor_b, so a pair has one task.

ALTER TABLE visitor ADD COLUMN merged_into TEXT REFERENCES visitor(id);
CREATE INDEX visitor_merged_into ON visitor(merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE merge_task (
    id          TEXT PRIMARY KEY,
    visitor_a   TEXT NOT NULL REFERENCES visitor(id),
    visitor_b   TEXT NOT NULL REFERENCES visitor(id),
    reason      TEXT NOT NULL CHECK (reason IN ('v_number', 'bsn', 'name_dob')),
    desk_id     TEXT REFERENCES desk(id),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
    kept_id     TEXT REFERENCES visitor(id),
    decided_at  TEXT,
    decided_by  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    workstation TEXT NOT NULL,
    CHECK (visitor_a < visitor_b),
    UNIQUE (visitor_a, visitor_b)
);
CREATE INDEX merge_task_open ON merge_task(status, created_at);
CREATE INDEX merge_task_b ON merge_task(visitor_b);
