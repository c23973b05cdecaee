"""Every role × use case: the core decides, and every refusal lands in the audit log."""

from __future__ import annotations

import pytest

from loket import settings
from loket.counter import intake
from loket.directory import browse as directory
from loket.errors import PermissionDenied
from loket.privacy import accounts, audit, backup, chain_check, restore, retention
from loket.privacy import rights as visitor_rights
from loket.privacy.permissions import ROLES
from tests.helpers import context, make_staff, visitor

ALL = set(ROLES)
SUPER = {"supervisor", "beheerder"}
ADMIN = {"beheerder"}


def _register(ctx, env):
    intake.register_visitor(
        ctx,
        intake.Visitor(given_names="Sara", family_name="Haile", v_number="5555555555"),
        confirmed_new=True,
    )


def _export_identifiable(ctx, env):
    exports = pytest.importorskip("loket.reports.exports")
    exports.export_referrals(
        ctx,
        date_from="2026-01-01",
        date_to="2026-12-31",
        fmt="csv",
        out_path=env["tmp"] / "out.csv",
        identifiable=True,
        reason="court order",
    )


def _restore(ctx, env):
    copy = backup.make_backup(ctx.db.path, env["tmp"] / "copy.sqlite")
    restore.restore_database(ctx, copy)


def _export_pseudonymised(ctx, env):
    exports = pytest.importorskip("loket.reports.exports")
    exports.export_referrals(
        ctx,
        date_from="2026-01-01",
        date_to="2026-12-31",
        fmt="csv",
        out_path=env["tmp"] / "out.csv",
    )


def _health(ctx, env):
    v = intake.save_visit(
        ctx, intake.Visit(visitor_id=env["visitor"].id, topic_code="residence_permit")
    )
    intake.set_health(ctx, v.id, "Diabetes", "explicit_consent")


def _letter(ctx, env):
    from loket.letters import service as letters
    from tests.letters_support import letter_visit

    _owner, visit_id = letter_visit(ctx.db)
    template = next(
        n for n in letters.template_names() if not letters.get_template(n).needs_appointment
    )
    letters.produce(ctx, visit_id, template, "nl")


USE_CASES = [
    ("register visitor", _register, ALL),
    ("view visitor", lambda ctx, env: intake.get_visitor(ctx, env["visitor"].id), ALL),
    (
        "edit directory",
        lambda ctx, env: directory.save_organisation(ctx, name="Taalhuis Zwolle"),
        SUPER,
    ),
    ("identifiable export", _export_identifiable, SUPER),
    ("browse audit trail", lambda ctx, env: audit.entries(ctx), SUPER),
    ("verify audit chain", lambda ctx, env: chain_check.check_chain(ctx), SUPER),
    ("backup", lambda ctx, env: backup.backup(ctx, env["tmp"] / "b.sqlite"), SUPER),
    ("right of access", lambda ctx, env: visitor_rights.dossier(ctx, env["visitor"].id), SUPER),
    (
        "erase visitor",
        lambda ctx, env: visitor_rights.erase_visitor(ctx, env["visitor"].id, "asked at the desk"),
        SUPER,
    ),
    ("list accounts", lambda ctx, env: accounts.list_accounts(ctx), ADMIN),
    (
        "create account",
        lambda ctx, env: accounts.create_account(
            ctx, username="nieuw", display_name="Nieuw", role="balie", password="long enough"
        ),
        ADMIN,
    ),
    (
        "change role",
        lambda ctx, env: accounts.change_role(ctx, env["other"].id, "supervisor"),
        ADMIN,
    ),
    (
        "deactivate account",
        lambda ctx, env: accounts.set_active(ctx, env["other"].id, False),
        ADMIN,
    ),
    (
        "reset password",
        lambda ctx, env: accounts.reset_password(ctx, env["other"].id, "another long one"),
        ADMIN,
    ),
    ("change a setting", lambda ctx, env: settings.set_setting(ctx, "lock_minutes", "10"), ADMIN),
    ("run retention", lambda ctx, env: retention.run(ctx, dry_run=True), ADMIN),
    ("restore", _restore, ADMIN),
    ("export pseudonymised", _export_pseudonymised, SUPER),
    ("record health details", _health, ALL),
    ("produce a letter", _letter, ALL),
    (
        "anonymise a visitor",
        lambda ctx, env: retention.anonymise(
            ctx, retention.repo.one_visitor_sql(env["visitor"].id), "request"
        ),
        SUPER,
    ),
    (
        "store the last retention run",
        lambda ctx, env: settings.store_internal(ctx, "retention.last_run", "2026-01-01"),
        ADMIN,
    ),
    (
        "store this PC's desk",
        lambda ctx, env: settings.store_internal(ctx, "workstation.desk", "x"),
        ADMIN,
    ),
    (
        "find duplicates",
        lambda ctx, env: intake.find_duplicates(
            ctx, intake.Visitor(given_names="A", family_name="B", v_number="5555555555")
        ),
        ALL,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "call", "allowed"), USE_CASES, ids=[u[0] for u in USE_CASES])
def test_role_can_or_cannot(db, tmp_path, role, name, call, allowed):
    admin = context(db, "beheerder", "admin0")
    env = {"tmp": tmp_path, "visitor": visitor(admin), "other": make_staff(db, "other", "balie")}
    ctx = context(db, role, f"user_{role}")
    before = db.scalar("SELECT max(seq) FROM audit_log")
    if role in allowed:
        call(ctx, env)
        if name == "restore":
            return  # the connection was closed and the file replaced
    else:
        with pytest.raises(PermissionDenied):
            call(ctx, env)
        refused = db.all(
            "SELECT * FROM audit_log WHERE seq > ? AND result = 'refused' AND actor = ?",
            (before, ctx.user.username),
        )
        assert refused, f"{name}: the refusal was not logged"


def test_counter_staff_grants_exclude_sensitive_rights():
    from loket.privacy.permissions import GRANTS, Permission

    for perm in (
        Permission.EXPORT_IDENTIFIABLE,
        Permission.DIRECTORY_EDIT,
        Permission.ACCOUNTS_MANAGE,
    ):
        assert perm not in GRANTS["balie"]
    assert Permission.ACCOUNTS_MANAGE not in GRANTS["supervisor"]


def test_anonymous_context_is_refused(db):
    from loket.context import Context

    with pytest.raises(PermissionDenied):
        audit.entries(Context(db=db))


def test_internal_setting_is_audited(db):
    ctx = context(db, "beheerder", "admin0")
    settings.store_internal(ctx, "retention.last_run", "2026-02-03")
    row = db.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert (row["action"], row["object_id"]) == ("setting.update", "retention.last_run")


def test_duplicates_shown_are_audited(db):
    from loket.context import Context

    ctx = context(db, "balie", "balie0")
    known = visitor(ctx, v_number="5555555555")
    matches = intake.find_duplicates(
        ctx, intake.Visitor(given_names="X", family_name="Y", v_number="5555555555")
    )
    assert [m.visitor.id for m in matches] == [known.id]
    rows = db.all("SELECT * FROM audit_log WHERE action = 'visitor.duplicate_shown'")
    assert [r["object_id"] for r in rows] == [known.id]
    with pytest.raises(PermissionDenied):
        intake.find_duplicates(Context(db=db), intake.Visitor(v_number="5555555555"))
