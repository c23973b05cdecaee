"""The hub's checkpoints as a PC keeps them: every PC's last audit seq and head hash, in the
hub's own hash chain.  Rows cut off this PC's audit trail after a checkpoint named them are
detectable here, from outside the trail itself."""

from __future__ import annotations

import json

from loket.db import audit as audit_repo
from loket.db import outbox
from loket.db.connection import Database
from loket.sync.receive import checkpoint_hash


def problems(db: Database) -> list[str]:
    """Short English findings; empty when the checkpoints hold and agree with this PC."""
    found = []
    prev = "0" * 64
    mine = None
    for cp in outbox.checkpoints(db):
        if cp["prev_hash"] != prev or checkpoint_hash(cp) != cp["hash"]:
            found.append(f"checkpoint {cp['seq']} does not continue the hub's chain")
        prev = cp["hash"]
        head = json.loads(cp["heads"]).get(outbox.sync_workstation(db))
        if head and head["seq"]:
            mine = head
    if mine is not None:
        local = audit_repo.hash_at(db, mine["seq"])
        if local is None:
            found.append(f"audit row {mine['seq']} named by the hub's checkpoint is missing")
        elif local != mine["head"]:
            found.append(f"audit row {mine['seq']} differs from the hub's checkpoint")
    return found
