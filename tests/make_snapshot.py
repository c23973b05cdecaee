"""Write tests/data/schema_vN.sqlite: a small database at schema version N.

Run once per schema version, when the version after it is added:
    python tests/make_snapshot.py N
The rows are written with plain SQL that is valid at version 1, so every snapshot holds the
same people; test_migrations.py migrates each snapshot to the newest version.
"""

from __future__ import annotations

import sys
from pathlib import Path

from loket.db.connection import Database
from loket.db.migrate import migrate

ROWS = [
    "INSERT INTO setting VALUES ('workstation', 'ws-snapshot', '2025-01-01T00:00:00Z',"
    " '2025-01-01T00:00:00Z', 'ws-snapshot')",
    "INSERT INTO desk (id, code, name, city, created_at, updated_at, workstation) VALUES"
    " ('d1', 'ZWL', 'IND-loket Zwolle', 'Zwolle', '2025-01-01T00:00:00Z',"
    " '2025-01-01T00:00:00Z', 'ws-snapshot')",
    "INSERT INTO need (id, code, label_nl, label_en, created_at, updated_at, workstation)"
    " VALUES ('n1', 'debts', 'Schulden of geld', 'Debts or money', '2025-01-01T00:00:00Z',"
    " '2025-01-01T00:00:00Z', 'ws-snapshot')",
    "INSERT INTO visitor (id, given_names, family_name, date_of_birth, v_number,"
    " preferred_language, created_at, updated_at, workstation) VALUES ('v1', 'Ayşe',"
    " 'Al-Hassan', '1980-05-01', '1234567890', 'tr', '2025-01-01T00:00:00Z',"
    " '2025-01-01T00:00:00Z', 'ws-snapshot')",
    "INSERT INTO visitor (id, given_names, family_name, date_of_birth, v_number,"
    " preferred_language, created_at, updated_at, workstation) VALUES ('v2', 'محمد',"
    " 'الحلبي', '1975-02-03', '2234567890', 'ar', '2025-01-01T00:00:00Z',"
    " '2025-01-01T00:00:00Z', 'ws-snapshot')",
    "INSERT INTO visit (id, visitor_id, desk_id, visit_date, arrived_at, status, created_at,"
    " updated_at, workstation) VALUES ('vi1', 'v1', 'd1', '2025-01-02',"
    " '2025-01-02T09:00:00Z', 'done', '2025-01-02T09:00:00Z', '2025-01-02T09:00:00Z',"
    " 'ws-snapshot')",
    "INSERT INTO visit_need (id, visit_id, need_code, note, created_at, updated_at,"
    " workstation) VALUES ('vn1', 'vi1', 'debts', '', '2025-01-02T09:00:00Z',"
    " '2025-01-02T09:00:00Z', 'ws-snapshot')",
]


def make(version: int, out: Path) -> None:
    if out.exists():
        out.unlink()
    db = Database(out)
    migrate(db, target=1)
    with db.transaction():
        for sql in ROWS:
            db.execute(sql)
    migrate(db, target=version)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("VACUUM")
    db.close()
    for leftover in out.parent.glob(out.name + ".v*.premigrate"):
        leftover.unlink()


if __name__ == "__main__":
    n = int(sys.argv[1])
    make(n, Path(__file__).parent / "data" / f"schema_v{n}.sqlite")
