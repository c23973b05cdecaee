"""A small referral log whose every number is worked out by hand in tests/reports/test_exports.py.

Period under test: 2026-01-01 .. 2026-02-28, "today" 2026-03-01.

visitor P (Ayşe Yılmaz, V 1234567890)   visitor Q (=HYPERLINK name, dangerous numbers)
  visit 1  2026-01-10 ZWL  needs debts, housing
     R1  Org A / Svc A1  warm  completed  proposed 01-10 sent 01-11 accepted 01-12
                                          completed 01-20   follow-up 2026-02-01
  visit 2  2026-02-03 ZWL  needs debts
     R2  =Org B / +Svc B  cold  sent      proposed 02-03 sent 02-04   follow-up 2026-02-10
                                          (open, follow-up passed: overdue)
  visit 3  2026-01-15 -X (desk "-X")  needs =cmd (a need code starting with "=")
     R3  Org A / Svc A1  cold  declined   proposed 01-15 declined 01-16  (staff "@staff")
  visit 0  2025-12-31 ZWL  needs legal — outside the period
     R0  Org A / Svc A1  cold  proposed   proposed 2025-12-31
"""

from __future__ import annotations

from loket.clock import new_id
from tests.helpers import make_staff

DATE_FROM = "2026-01-01"
DATE_TO = "2026-02-28"
TODAY = "2026-03-01"


def _insert(db, table: str, **values) -> str:
    values.setdefault("id", new_id())
    row = {**values, **db.stamp()}
    cols = ", ".join(row)
    db.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})", row)
    return values["id"]


def build(db) -> dict:
    supervisor = make_staff(db, "supervisor", "supervisor")
    make_staff(db, "balie", "balie")
    ids: dict = {"supervisor": supervisor}
    with db.transaction():
        zwl = db.scalar("SELECT id FROM desk WHERE code = 'ZWL'")
        evil_desk = _insert(db, "desk", code="-X", name="-X desk", city="Nergens")
        evil_staff = _insert(
            db,
            "staff",
            username="atstaff",
            display_name="@staff",
            role="balie",
            password_hash="x",
            language="nl",
        )
        _insert(db, "need", code="=cmd", label_nl="=cmd", label_en="=cmd", sort_order=99)
        org_a = _insert(db, "organisation", name="Org A")
        org_b = _insert(db, "organisation", name="=Org B")
        svc_a = _insert(db, "service", organization_id=org_a, name="Svc A1", warm_handover=1)
        svc_b = _insert(db, "service", organization_id=org_b, name="+Svc B")
        p = _insert(
            db,
            "visitor",
            given_names="Ayşe",
            family_name="Yılmaz",
            date_of_birth="1980-05-01",
            v_number="1234567890",
            bsn="111222333",
            phone="+31612345678",
        )
        q = _insert(
            db,
            "visitor",
            given_names='=HYPERLINK("http://x")',
            family_name="\tTab",
            date_of_birth="1990-01-02",
            v_number="-123",
            bsn="@456",
            phone="\r789",
        )

        def visit(visitor, desk, day, needs, staff=None):
            vid = _insert(
                db,
                "visit",
                visitor_id=visitor,
                desk_id=desk,
                staff_id=staff or supervisor.id,
                visit_date=day,
                arrived_at=f"{day}T09:00:00Z",
                status="done",
                summary="vertrouwelijke notitie",
            )
            for code in needs:
                _insert(db, "visit_need", visit_id=vid, need_code=code, note="notitie")
            return vid

        def referral(visit_id, service, handover, steps, follow_up=None, staff=None):
            status = steps[-1][0]
            rid = _insert(
                db,
                "referral",
                visit_id=visit_id,
                service_id=service,
                staff_id=staff or supervisor.id,
                handover=handover,
                status=status,
                status_changed_at=f"{steps[-1][1]}T10:00:00Z",
                follow_up_date=follow_up,
                note="vrije tekst",
                reason="reden",
            )
            prev = None
            for i, (to, day) in enumerate(steps):
                _insert(
                    db,
                    "referral_event",
                    referral_id=rid,
                    from_status=prev,
                    to_status=to,
                    at=f"{day}T10:{i:02d}:00Z",
                    staff_id=supervisor.id,
                    note="",
                )
                prev = to
            return rid

        v1 = visit(p, zwl, "2026-01-10", ("debts", "housing"))
        v2 = visit(p, zwl, "2026-02-03", ("debts",))
        v3 = visit(q, evil_desk, "2026-01-15", ("=cmd",), staff=evil_staff)
        v0 = visit(p, zwl, "2025-12-31", ("legal",))
        ids["R1"] = referral(
            v1,
            svc_a,
            "warm",
            [
                ("proposed", "2026-01-10"),
                ("sent", "2026-01-11"),
                ("accepted", "2026-01-12"),
                ("completed", "2026-01-20"),
            ],
            follow_up="2026-02-01",
        )
        ids["R2"] = referral(
            v2,
            svc_b,
            "cold",
            [("proposed", "2026-02-03"), ("sent", "2026-02-04")],
            follow_up="2026-02-10",
        )
        ids["R3"] = referral(
            v3,
            svc_a,
            "cold",
            [("proposed", "2026-01-15"), ("declined", "2026-01-16")],
            staff=evil_staff,
        )
        ids["R0"] = referral(v0, svc_a, "cold", [("proposed", "2025-12-31")])
    ids.update(org_a=org_a, org_b=org_b, svc_a=svc_a, svc_b=svc_b, p=p, q=q)
    return ids
