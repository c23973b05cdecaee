"""Every table of the schema, classified for the hub (a test fails for a table left out).

- MUTABLE: synced both ways, changed field by field; an edit is checked against the base
  value the PC saw and becomes a conflict when the hub's value moved on.
- APPEND_ONLY: records written once (visits, needs, referral events, letters, audit rows);
  two PCs never make the same one, so they cannot conflict.  AUDIT rows go to the hub, which
  verifies each PC's chain, but are not pulled back: every PC keeps its own chain.
- LOCAL: this PC only (settings, drafts, the sync bookkeeping itself).
- DERIVED: rebuilt locally by triggers from synced rows (search index, name keys, tallies).

Imports nothing, so both `loket.db` and `loket.sync` can read it.
"""

from __future__ import annotations

MUTABLE = (
    "desk",
    "staff",
    "need",
    "topic",
    "visitor",
    "visit_health",
    "organisation",
    "service",
    "location",
    "service_at_location",
    "service_need",
    "service_language",
    "phone",
    "schedule",
    "required_document",
    "referral",
    "referral_consent",
    "appointment",
    "directory_translation",
)
APPEND_ONLY = ("visit", "visit_need", "referral_event", "letter", "audit_log")
AUDIT = "audit_log"
LOCAL = (
    "setting",
    "draft",
    "sync_state",
    "sync_conflict",
    "sync_outbox",
    "sync_batch",
    "sync_apply",
    "sync_checkpoint",
    # "possibly the same visitor": this PC's own finds and the hub's (pulled in as tasks);
    # the merge itself travels as ordinary changes (visitor.merged_into, the moved rows)
    "merge_task",
    # partner import reports belong with the audit row of the import, which stays with the
    # PC that ran it; the directory rows the import changed travel as ordinary changes
    "import_report",
    # other desks' visitors: their keyed index, and the files fetched on opening (kept only
    # while this desk works with them), see docs/sync-staff.md
    "visitor_elsewhere",
    "visitor_index",
    "visitor_fetched",
)
DERIVED = (
    "visitor_search",
    "visitor_fts",
    "visitor_fts_data",
    "visitor_fts_idx",
    "visitor_fts_docsize",
    "visitor_fts_config",
    "visitor_name_key",
    "referral_outcome_tally",
)

SYNCED = MUTABLE + APPEND_ONLY
# Pulled from the hub to every PC (the audit trail stays with the PC that wrote it).
PULLED = tuple(t for t in SYNCED if t != AUDIT)

# The tables whose rows make up one visitor's file, and how a row names its visitor:
# itself, a column, or the visit or referral (by that column) it belongs to.  A PC holds
# the files of its own desk whole; of other desks' visitors only a keyed index
# (docs/sync-staff.md).  Listed parents first.
FILE_TABLES = {
    "visitor": ("self", None),
    "visit": ("column", "visitor_id"),
    "letter": ("column", "visitor_id"),
    "visit_health": ("visit", "visit_id"),
    "visit_need": ("visit", "visit_id"),
    "referral": ("visit", "visit_id"),
    "appointment": ("visit", "visit_id"),
    "referral_event": ("referral", "referral_id"),
    "referral_consent": ("referral", "referral_id"),
}

# The key column of a synced table (the others are keyed by `id`).
KEY_COLUMN = {"visit_health": "visit_id"}

# Columns of a synced table that stay on the PC: sign-in bookkeeping is per PC.
LOCAL_COLUMNS = {"staff": ("failed_logins", "lockouts", "locked_until")}

# Row stamps: taken from the change that applied, never a conflict of their own.
STAMP_COLUMNS = ("created_at", "updated_at", "workstation")

# A column whose first setting anonymises the row: that change wins and needs no base.
ERASE_COLUMN = {"visitor": "anonymised_at"}

# Columns whose larger value wins (ISO times of the last activity, from any PC).
GREATEST_COLUMNS = {"visitor": ("last_activity_at",)}


def key_column(table: str) -> str:
    return KEY_COLUMN.get(table, "id")


def classification(table: str) -> str | None:
    for name, group in (
        ("mutable", MUTABLE),
        ("append-only", APPEND_ONLY),
        ("local", LOCAL),
        ("derived", DERIVED),
    ):
        if table in group:
            return name
    return None
