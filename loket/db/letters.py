"""SQL for letters: gathering what a letter says about a visit, and the archive of letters given.

The gathering queries read the directory and referral tables directly (read-only), so the
letters do not depend on how the directory or referral use cases are organised.
"""

from __future__ import annotations

import sqlite3

from loket.db.connection import Database


def visit(db: Database, visit_id: str) -> sqlite3.Row | None:
    return db.one(
        """
        SELECT v.id, v.visit_date, v.follow_up_date, v.summary, v.language, v.staff_id,
               v.visitor_id, v.desk_id,
               p.given_names, p.family_name, p.latin_given_names, p.latin_family_name,
               p.v_number, p.bsn, p.preferred_language,
               p.anonymised_at,
               d.code AS desk_code, d.name AS desk_name, d.city AS desk_city,
               d.address AS desk_address,
               d.postal_code AS desk_postal_code, d.phone AS desk_phone,
               s.display_name AS staff_name, s.phone AS staff_phone
        FROM visit v
        JOIN visitor p ON p.id = v.visitor_id
        JOIN desk d ON d.id = v.desk_id
        LEFT JOIN staff s ON s.id = v.staff_id
        WHERE v.id = ?
        """,
        (visit_id,),
    )


def visit_needs(db: Database, visit_id: str) -> list[sqlite3.Row]:
    return db.all(
        """
        SELECT vn.need_code, n.label_nl FROM visit_need vn
        JOIN need n ON n.code = vn.need_code
        WHERE vn.visit_id = ? ORDER BY n.sort_order, n.code
        """,
        (visit_id,),
    )


def referrals(db: Database, visit_id: str) -> list[sqlite3.Row]:
    """The visit's referrals that still stand, with their service and organisation."""
    return db.all(
        """
        SELECT r.id, r.handover, r.status, r.follow_up_date, r.location_id, r.service_id,
               s.name AS service_name, s.organization_id,
               o.name AS organisation_name
        FROM referral r
        JOIN service s ON s.id = r.service_id
        JOIN organisation o ON o.id = s.organization_id
        WHERE r.visit_id = ? AND r.status NOT IN ('declined', 'cancelled')
        ORDER BY r.created_at, r.id
        """,
        (visit_id,),
    )


def location(
    db: Database, service_id: str, location_id: str | None, city: str | None = None
) -> sqlite3.Row | None:
    """The referral's own location, else the service's location in the desk's `city`, else
    its only location.  A service with several locations, none in the desk's city, gives
    None: a letter must not send an Amsterdam visitor to another city's address."""
    if location_id:
        row = db.one("SELECT * FROM location WHERE id = ?", (location_id,))
        if row is not None:
            return row
    rows = db.all(
        """
        SELECT l.* FROM service_at_location sal JOIN location l ON l.id = sal.location_id
        WHERE sal.service_id = ?
        ORDER BY lower(trim(coalesce(l.city, ''))) = lower(trim(coalesce(?, ''))) DESC,
                 l.location_type = 'physical' DESC, l.city, l.id
        """,
        (service_id, city),
    )
    if len(rows) == 1:
        return rows[0]
    here = [r for r in rows if city and (r["city"] or "").casefold() == city.strip().casefold()]
    return here[0] if here else None


def phones(
    db: Database, service_id: str, location_id: str | None, organisation_id: str
) -> list[sqlite3.Row]:
    """Phone numbers, the most specific first: service, then location, then organisation.
    Only this place's: a phone of the service or organisation at another location is left
    out."""
    return db.all(
        """
        SELECT number, extension, description,
               CASE WHEN service_id = :s OR service_at_location_id IS NOT NULL THEN 0
                    WHEN location_id = :l THEN 1 ELSE 2 END AS rank
        FROM phone
        WHERE (service_id = :s AND service_at_location_id IS NULL
               AND (location_id IS NULL OR location_id IS :l))
           OR service_at_location_id IN
              (SELECT id FROM service_at_location WHERE service_id = :s AND location_id IS :l)
           OR (location_id = :l AND :l IS NOT NULL AND service_id IS NULL
               AND service_at_location_id IS NULL)
           OR (organization_id = :o AND location_id IS NULL AND service_id IS NULL
               AND service_at_location_id IS NULL)
        ORDER BY rank, number
        """,
        {"s": service_id, "l": location_id, "o": organisation_id},
    )


def schedules(db: Database, service_id: str, location_id: str | None) -> list[sqlite3.Row]:
    rows = db.all(
        """
        SELECT byday, opens_at, closes_at, description FROM schedule
        WHERE (service_id = ? AND service_at_location_id IS NULL
               AND (location_id IS NULL OR location_id IS ?))
           OR service_at_location_id IN
              (SELECT id FROM service_at_location WHERE service_id = ? AND location_id IS ?)
        ORDER BY opens_at, byday
        """,
        # the service's own hours and its hours at this location, never another location's
        (service_id, location_id, service_id, location_id),
    )
    if not rows and location_id:
        rows = db.all(
            "SELECT byday, opens_at, closes_at, description FROM schedule"
            " WHERE location_id = ? AND service_id IS NULL AND service_at_location_id IS NULL"
            " ORDER BY opens_at, byday",  # the location's own hours, not another service's
            (location_id,),
        )
    return rows


def documents(db: Database, service_id: str) -> list[str]:
    rows = db.all(
        "SELECT document FROM required_document WHERE service_id = ? ORDER BY created_at, rowid",
        (service_id,),
    )
    return [r["document"] for r in rows]


def languages(db: Database, service_id: str, location_id: str | None) -> list[str]:
    rows = db.all(
        """
        SELECT DISTINCT code FROM service_language
        WHERE (service_id = :s AND (location_id IS NULL OR location_id IS :l))
           OR (location_id = :l AND :l IS NOT NULL AND service_id IS NULL)
        ORDER BY code
        """,
        # the service's languages (everywhere or here) and the place's own; not those the
        # service speaks at another place, nor another service's here
        {"s": service_id, "l": location_id},
    )
    return [r["code"] for r in rows]


def service_need_codes(db: Database, service_id: str) -> set[str]:
    rows = db.all("SELECT need_code FROM service_need WHERE service_id = ?", (service_id,))
    return {r["need_code"] for r in rows}


# -- the archive of letters given ---------------------------------------------------------


def insert_letter(db: Database, values: dict) -> None:
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    db.execute(f"INSERT INTO letter ({columns}) VALUES ({marks})", values)


def get_letter(db: Database, letter_id: str) -> sqlite3.Row | None:
    return db.one("SELECT * FROM letter WHERE id = ?", (letter_id,))


def letters_for_visit(db: Database, visit_id: str) -> list[sqlite3.Row]:
    return db.all(
        """
        SELECT id, visit_id, visitor_id, staff_id, template, languages, catalogue_versions,
               large_print, sha256, appointment_id, created_at
        FROM letter WHERE visit_id = ? ORDER BY created_at DESC, rowid DESC
        """,
        (visit_id,),
    )


# -- phone numbers letters print (desk phone, staff member's direct number) ---------------------


def desk_by_code(db: Database, code: str) -> sqlite3.Row | None:
    return db.one("SELECT id, code, name, phone FROM desk WHERE code = ?", (code,))


def desk_phone(db: Database, desk_id: str) -> str | None:
    return db.scalar("SELECT phone FROM desk WHERE id = ?", (desk_id,))


def set_desk_phone(db: Database, desk_id: str, phone: str | None) -> int:
    stamp = db.stamp(new=False)
    cur = db.execute(
        "UPDATE desk SET phone = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (phone, stamp["updated_at"], stamp["workstation"], desk_id),
    )
    return cur.rowcount


def staff_by_username(db: Database, username: str) -> sqlite3.Row | None:
    return db.one("SELECT id, username, phone FROM staff WHERE username = ?", (username,))


def set_staff_phone(db: Database, staff_id: str, phone: str | None) -> int:
    stamp = db.stamp(new=False)
    cur = db.execute(
        "UPDATE staff SET phone = ?, updated_at = ?, workstation = ? WHERE id = ?",
        (phone, stamp["updated_at"], stamp["workstation"], staff_id),
    )
    return cur.rowcount
