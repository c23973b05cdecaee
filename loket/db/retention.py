"""SQL for retention, erasure and the right of access.

Anonymisation works on a set of visitors given as a SQL subquery (`visitor_ids`, returning
visitor ids, with its own parameters), so that the periodic run and the erasure of one
visitor share the same statements.  Each function returns how many rows it changed.
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def expired_visitors_sql(cutoff: str, *, anonymised: bool | None = None) -> tuple[str, tuple]:
    """Visitors with no activity since `cutoff`: not in `last_activity_at`, and no visit,
    referral status change or letter since, whichever module forgot to touch the visitor."""
    extra = " AND v.anonymised_at IS NULL" if anonymised is False else ""
    sql = (
        f"SELECT v.id FROM visitor v WHERE coalesce(v.last_activity_at, v.created_at) < ?{extra}"
        " AND NOT EXISTS (SELECT 1 FROM visit x WHERE x.visitor_id = v.id AND x.arrived_at >= ?)"
        " AND NOT EXISTS (SELECT 1 FROM referral r JOIN visit x ON x.id = r.visit_id"
        "   WHERE x.visitor_id = v.id AND r.status_changed_at >= ?)"
        " AND NOT EXISTS (SELECT 1 FROM letter l WHERE l.visitor_id = v.id AND l.created_at >= ?)"
    )
    return sql, (cutoff, cutoff, cutoff, cutoff)


def visitor_list_sql(ids: list[str]) -> tuple[str, tuple]:
    return f"SELECT id FROM visitor WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids)


def one_visitor_sql(visitor_id: str) -> tuple[str, tuple]:
    return "SELECT id FROM visitor WHERE id = ?", (visitor_id,)


def _changes(db: Database) -> int:
    return int(db.scalar("SELECT changes()"))


def clear_visits(db: Database, visitor_ids: tuple[str, tuple]) -> int:
    """Free text of visits goes; date, desk, topic, status and needs stay for statistics."""
    sub, params = visitor_ids
    stamp = db.stamp(new=False)
    db.execute(
        "UPDATE visit SET summary = '', outcome = '', brought_by_org = NULL,"
        " brought_by_contact = NULL, updated_at = ?, workstation = ?"
        f" WHERE visitor_id IN ({sub}) AND (summary != '' OR outcome != ''"
        " OR brought_by_org IS NOT NULL OR brought_by_contact IS NOT NULL)",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    changed = _changes(db)
    visits = f"SELECT id FROM visit WHERE visitor_id IN ({sub})"
    db.execute(f"DELETE FROM visit_health WHERE visit_id IN ({visits})", params)
    changed += _changes(db)
    db.execute(
        "UPDATE visit_need SET note = '', updated_at = ?, workstation = ?"
        f" WHERE note != '' AND visit_id IN ({visits})",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    return changed + _changes(db)


def clear_referrals(db: Database, visitor_ids: tuple[str, tuple]) -> int:
    """Notes and reasons go; service, status and dates stay (outcome statistics)."""
    sub, params = visitor_ids
    stamp = db.stamp(new=False)
    referrals = (
        "SELECT r.id FROM referral r JOIN visit v ON v.id = r.visit_id"
        f" WHERE v.visitor_id IN ({sub})"
    )
    db.execute(
        "UPDATE referral SET note = '', reason = NULL, escalation_note = NULL,"
        f" updated_at = ?, workstation = ? WHERE id IN ({referrals})"
        " AND (note != '' OR reason IS NOT NULL OR escalation_note IS NOT NULL)",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    changed = _changes(db)
    db.execute(
        "UPDATE referral_event SET note = '', updated_at = ?, workstation = ?"
        f" WHERE note != '' AND referral_id IN ({referrals})",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    return changed + _changes(db)


def clear_letters(db: Database, visitor_ids: tuple[str, tuple]) -> int:
    """The stored PDF (names, addresses) goes; template, languages and checksum stay."""
    sub, params = visitor_ids
    stamp = db.stamp(new=False)
    db.execute(
        f"UPDATE letter SET pdf = NULL, updated_at = ?, workstation = ?"
        f" WHERE pdf IS NOT NULL AND visitor_id IN ({sub})",
        (stamp["updated_at"], stamp["workstation"], *params),
    )
    return _changes(db)


def delete_old_drafts(db: Database, cutoff: str) -> int:
    db.execute("DELETE FROM draft WHERE updated_at < ?", (cutoff,))
    return _changes(db)


def unlinked_drafts(db: Database) -> list[sqlite3.Row]:
    """Drafts not tied to a visitor record (an unsaved registration may name anyone)."""
    return db.all("SELECT id, payload FROM draft WHERE visitor_id IS NULL")


def delete_drafts(db: Database, ids: list[str]) -> int:
    for draft_id in ids:
        db.execute("DELETE FROM draft WHERE id = ?", (draft_id,))
    return len(ids)


def visitors_to_anonymise(db: Database, visitor_ids: tuple[str, tuple]) -> list[sqlite3.Row]:
    sub, params = visitor_ids
    return db.all(
        "SELECT id, v_number, bsn, given_names, family_name FROM visitor"
        f" WHERE id IN ({sub}) AND anonymised_at IS NULL",
        params,
    )


def anonymise_visitor(db: Database, visitor_id: str, at: str) -> None:
    """Names, numbers, birth date and contact details go; language and the tombstone stay."""
    stamp = db.stamp(new=False)
    db.execute(
        "UPDATE visitor SET given_names = '', family_name = '', latin_given_names = '',"
        " latin_family_name = '', date_of_birth = NULL,"
        " v_number = NULL, bsn = NULL, phone = NULL, email = NULL, address = NULL,"
        " postal_code = NULL, city = NULL, anonymised_at = ?, updated_at = ?, workstation = ?"
        " WHERE id = ?",
        (at, stamp["updated_at"], stamp["workstation"], visitor_id),
    )
    db.execute("DELETE FROM draft WHERE visitor_id = ?", (visitor_id,))


def optimise_search_index(db: Database) -> None:
    """Merge the full-text index so that removed names leave no tokens behind."""
    db.execute("INSERT INTO visitor_fts(visitor_fts) VALUES ('optimize')")


# -- right of access -------------------------------------------------------------------------
def dossier_visits(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT v.*, d.name AS desk_name, h.note AS health_note,"
        " h.legal_ground AS health_legal_ground"
        " FROM visit v JOIN desk d ON d.id = v.desk_id"
        " LEFT JOIN visit_health h ON h.visit_id = v.id"
        " WHERE v.visitor_id = ? ORDER BY v.arrived_at",
        (visitor_id,),
    )


def dossier_needs(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT n.visit_id, n.need_code, n.note, coalesce(t.label_nl, n.need_code) AS label_nl,"
        " coalesce(t.label_en, n.need_code) AS label_en"
        " FROM visit_need n JOIN visit v ON v.id = n.visit_id"
        " LEFT JOIN need t ON t.code = n.need_code WHERE v.visitor_id = ?"
        " ORDER BY n.visit_id, n.need_code",
        (visitor_id,),
    )


def dossier_referrals(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT r.id, r.visit_id, r.handover, r.status, r.status_changed_at, r.follow_up_date,"
        " r.reason, r.note, r.created_at, s.name AS service_name, o.name AS organisation_name"
        " FROM referral r JOIN visit v ON v.id = r.visit_id"
        " JOIN service s ON s.id = r.service_id JOIN organisation o ON o.id = s.organization_id"
        " WHERE v.visitor_id = ? ORDER BY r.created_at",
        (visitor_id,),
    )


def dossier_referral_events(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT e.referral_id, e.from_status, e.to_status, e.at, e.note"
        " FROM referral_event e JOIN referral r ON r.id = e.referral_id"
        " JOIN visit v ON v.id = r.visit_id WHERE v.visitor_id = ? ORDER BY e.at",
        (visitor_id,),
    )


def dossier_consents(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT c.referral_id, c.share_name, c.share_contact, c.share_needs, c.share_summary,"
        " c.given_at FROM referral_consent c JOIN referral r ON r.id = c.referral_id"
        " JOIN visit v ON v.id = r.visit_id WHERE v.visitor_id = ?",
        (visitor_id,),
    )


def dossier_letters(db: Database, visitor_id: str) -> list[sqlite3.Row]:
    return db.all(
        "SELECT id, visit_id, template, languages, large_print, sha256, created_at,"
        " pdf IS NOT NULL AS pdf_kept FROM letter WHERE visitor_id = ? ORDER BY created_at",
        (visitor_id,),
    )
