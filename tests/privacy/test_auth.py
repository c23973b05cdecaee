"""Sign-in, lock-out, screen lock, user switch and account management."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from loket.clock import to_iso, utcnow
from loket.context import Context
from loket.db import staff as staff_repo
from loket.errors import AuthenticationFailed, ConflictError, ValidationError
from loket.privacy import accounts, auth
from tests.helpers import PASSWORD, context, make_staff


def _actions(db, since: int = 0) -> list[tuple]:
    return [
        tuple(r)
        for r in db.all(
            "SELECT action, result, actor FROM audit_log WHERE seq > ? ORDER BY seq", (since,)
        )
    ]


def _last_seq(db) -> int:
    return db.scalar("SELECT coalesce(max(seq), 0) FROM audit_log")


def test_login_sets_user_and_desk_and_logs(db):
    make_staff(db, "anna", "balie")
    ctx = Context(db=db)
    start = _last_seq(db)
    staff = auth.login(ctx, "ANNA", PASSWORD)
    assert ctx.user == staff and ctx.desk is not None and ctx.desk.code == "ZWL"
    auth.logout(ctx)
    assert ctx.user is None
    assert _actions(db, start) == [("login", "ok", "anna"), ("logout", "ok", "anna")]


def test_unknown_name_and_wrong_password_give_the_same_message(db):
    make_staff(db, "anna", "balie")
    with pytest.raises(AuthenticationFailed) as unknown:
        auth.login(Context(db=db), "nobody", PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        auth.login(Context(db=db), "anna", "wrong password")
    assert str(unknown.value) == str(wrong.value)
    rows = db.all("SELECT actor, result, detail FROM audit_log WHERE action = 'login'")
    assert [tuple(r)[:2] for r in rows] == [(None, "failed"), ("anna", "failed")]
    assert "nobody" not in rows[0]["detail"]  # a typed name may be a misplaced password


def test_lockout_after_five_failures_then_doubling(db):
    make_staff(db, "anna", "balie")
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(AuthenticationFailed):
            auth.login(Context(db=db), "anna", "wrong")
    row = staff_repo.by_username(db, "anna")
    assert row["lockouts"] == 1 and row["locked_until"] > to_iso(utcnow())
    first_lock = row["locked_until"]
    # Locked: even the right password is refused, with the same message.
    with pytest.raises(AuthenticationFailed):
        auth.login(Context(db=db), "anna", PASSWORD)
    refused = db.one("SELECT result FROM audit_log WHERE action = 'login' ORDER BY seq DESC")
    assert refused["result"] == "refused"
    # Let the lock expire, fail five more times: the second lock lasts twice as long.
    past = to_iso(utcnow() - timedelta(seconds=1))
    staff_repo.set_login_state(db, row["id"], failed=0, lockouts=1, locked_until=past)
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(AuthenticationFailed):
            auth.login(Context(db=db), "anna", "wrong")
    row = staff_repo.by_username(db, "anna")
    assert row["lockouts"] == 2
    first = utcnow() + auth.BASE_LOCK
    assert row["locked_until"] > to_iso(first + timedelta(seconds=30))
    assert first_lock < row["locked_until"]


def test_success_resets_failures(db):
    make_staff(db, "anna", "balie")
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(AuthenticationFailed):
            auth.login(Context(db=db), "anna", "wrong")
    auth.login(Context(db=db), "anna", PASSWORD)
    assert staff_repo.by_username(db, "anna")["failed_logins"] == 0


def test_lock_unlock_and_switch_user(db):
    ctx = context(db, "balie", "anna")
    make_staff(db, "bert", "balie")
    start = _last_seq(db)
    auth.lock(ctx, reason="idle")
    with pytest.raises(AuthenticationFailed):
        auth.unlock(ctx, "wrong")
    assert ctx.user.username == "anna"
    auth.unlock(ctx, PASSWORD)
    with pytest.raises(AuthenticationFailed):
        auth.switch_user(ctx, "bert", "wrong")
    assert ctx.user.username == "anna"  # a failed switch keeps the current user
    auth.switch_user(ctx, "bert", PASSWORD)
    assert ctx.user.username == "bert"
    assert _actions(db, start) == [
        ("session.lock", "ok", "anna"),
        ("session.unlock", "failed", "anna"),
        ("session.unlock", "ok", "anna"),
        ("login", "failed", "bert"),
        ("logout", "ok", "anna"),
        ("login", "ok", "bert"),
    ]


def test_change_own_password(db):
    ctx = context(db, "balie", "anna")
    with pytest.raises(ValidationError):
        auth.change_own_password(ctx, "wrong", "a new password")
    with pytest.raises(ValidationError):
        auth.change_own_password(ctx, PASSWORD, "short")
    auth.change_own_password(ctx, PASSWORD, "a new password")
    auth.login(Context(db=db), "anna", "a new password")
    with pytest.raises(AuthenticationFailed):
        auth.login(Context(db=db), "anna", PASSWORD)


def test_first_run_creates_the_administrator_only_once(tmp_path):
    from loket.db.connection import Database
    from loket.db.migrate import migrate
    from loket.errors import PermissionDenied

    db = Database(tmp_path / "new.sqlite")
    migrate(db)
    ctx = Context(db=db)
    admin = auth.create_account(
        ctx,
        username="beheer",
        display_name="Beheer",
        role="beheerder",
        password="long enough",
        first_run=True,
    )
    assert admin.role == "beheerder"
    with pytest.raises(PermissionDenied):
        auth.create_account(
            Context(db=db),
            username="second",
            display_name="Second",
            role="beheerder",
            password="long enough",
            first_run=True,
        )
    db.close()


def test_account_management(db):
    admin = context(db, "beheerder", "admin0")
    with pytest.raises(ValidationError) as err:
        accounts.create_account(
            admin, username="bad name!", display_name="", role="boss", password="short"
        )
    assert set(err.value.errors) == {"username", "display_name", "role", "password"}
    new = accounts.create_account(
        admin, username="clara", display_name="Clara", role="balie", password="long enough"
    )
    assert accounts.change_role(admin, new.id, "supervisor").role == "supervisor"
    accounts.set_active(admin, new.id, False)
    with pytest.raises(AuthenticationFailed):
        auth.login(Context(db=db), "clara", "long enough")
    last = db.one("SELECT actor, result, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert (last["actor"], last["result"]) == ("clara", "refused") and "inactive" in last[2]
    accounts.set_active(admin, new.id, True)
    accounts.reset_password(admin, new.id, "brand new secret")
    auth.login(Context(db=db), "clara", "brand new secret")
    names = [s.username for s in accounts.list_accounts(admin)]
    assert "clara" in names and "admin0" in names


def test_last_administrator_cannot_be_removed(db):
    admin = context(db, "beheerder", "admin0")
    with pytest.raises(ConflictError):
        accounts.change_role(admin, admin.user.id, "balie")
    with pytest.raises(ConflictError):
        accounts.set_active(admin, admin.user.id, False)
    second = accounts.create_account(
        admin,
        username="admin1",
        display_name="Admin Twee",
        role="beheerder",
        password="long enough",
    )
    accounts.set_active(admin, second.id, False)
    assert staff_repo.by_id(db, second.id)["active"] == 0


def test_cli_accounts_and_settings(db, monkeypatch, capsys):
    from loket import settings
    from loket.cli import main

    make_staff(db, "admin0", "beheerder")
    make_staff(db, "anna", "balie")
    monkeypatch.setenv("LOKET_PASSWORD", PASSWORD)
    monkeypatch.setenv("LOKET_NEW_PASSWORD", "fresh and long")
    args = ["--user", "admin0"]
    assert (
        main(
            [
                "account",
                "create",
                "dirk",
                "--name",
                "Dirk",
                "--role",
                "balie",
                "--desk",
                "ZWL",
                *args,
            ]
        )
        == 0
    )
    assert main(["account", "role", "dirk", "supervisor", *args]) == 0
    assert staff_repo.by_username(db, "dirk")["role"] == "supervisor"
    assert main(["account", "deactivate", "dirk", *args]) == 0
    assert main(["account", "list", *args]) == 0
    assert "dirk\tDirk\tsupervisor" in capsys.readouterr().out
    assert main(["setting", "lock_minutes", "9", *args]) == 0
    assert settings.lock_minutes(db) == 9
    assert main(["setting", "lock_minutes", "0", *args]) == 2  # out of range
    assert main(["account", "list", "--user", "anna"]) == 2  # counter staff are refused


def test_this_pcs_desk_wins_over_the_accounts_desk(db):
    from loket import settings
    from loket.db import reference

    admin = context(db, "beheerder", "admin0")
    make_staff(db, "anna", "balie", desk_code="ZWL")
    amsterdam = reference.desk_by_code(db, "AMS")
    if amsterdam is None:
        amsterdam = next(d for d in reference.desks(db) if d["code"] != "ZWL")
    settings.store_internal(admin, "workstation.desk", amsterdam["id"])
    ctx = Context(db=db)
    auth.login(ctx, "anna", PASSWORD)
    assert ctx.desk.id == amsterdam["id"]


def db_phone(folder: str) -> str | None:
    from loket.db.connection import Database

    db = Database(Path(folder) / "loket.sqlite")
    try:
        return db.scalar("SELECT phone FROM desk WHERE code = 'ZWL'")
    finally:
        db.close()


def test_cli_first_admin_only_on_an_empty_database(tmp_path, monkeypatch):
    from loket.cli import main

    monkeypatch.setenv("LOKET_NEW_PASSWORD", "long enough")
    monkeypatch.setenv("LOKET_PASSWORD", "long enough")
    folder = str(tmp_path / "new")
    assert main(["--data-dir", folder, "init"]) == 0
    first = [
        "--data-dir",
        folder,
        "account",
        "first-admin",
        "beheer",
        "--name",
        "Beheer",
        "--desk",
        "ZWL",
        "--desk-phone",
        "038 456 7890",
    ]
    assert main([*first[:-1], "no number"]) != 0  # checked before anything is written
    assert main(first) == 0
    assert db_phone(folder) == "+31384567890"
    assert main(["--data-dir", folder, "account", "list", "--user", "beheer"]) == 0
    assert main([*first[:4], "tweede", *first[5:]]) == 2  # there is an account now


class _CountingHasher:
    """Wraps the module's Argon2 hasher and counts the password checks."""

    def __init__(self, real):
        self.real, self.verified = real, 0

    def verify(self, hashed, password):
        self.verified += 1
        return self.real.verify(hashed, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_every_failed_sign_in_does_the_same_argon2_work(db, monkeypatch):
    anna = make_staff(db, "anna", "balie")
    make_staff(db, "gone", "balie")
    db.execute("UPDATE staff SET active = 0 WHERE username = 'gone'")
    counting = _CountingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", counting)
    cases = [("nobody", PASSWORD), ("gone", PASSWORD), ("anna", "wrong password")]
    later = to_iso(utcnow() + timedelta(hours=1))
    for name, password in cases:
        before = counting.verified
        with pytest.raises(AuthenticationFailed):
            auth.login(Context(db=db), name, password)
        assert counting.verified == before + 1, name
    staff_repo.set_login_state(db, anna.id, failed=0, lockouts=1, locked_until=later)
    before = counting.verified
    with pytest.raises(AuthenticationFailed):
        auth.login(Context(db=db), "anna", PASSWORD)
    assert counting.verified == before + 1, "a locked account skipped the password hash"


@pytest.mark.parametrize("common", ["password1", "welkom01", "12345678", "qwertyuiop", "anna2026x"])
def test_common_passwords_are_refused(db, common):
    admin = context(db, "beheerder", "admin0")
    with pytest.raises(ValidationError) as err:
        accounts.create_account(
            admin, username="anna2026x", display_name="Anna", role="balie", password=common
        )
    assert "password" in err.value.errors
    assert staff_repo.by_username(db, "anna2026x") is None


def test_changing_own_password_locks_after_repeated_wrong_current_passwords(db):
    make_staff(db, "anna", "balie")
    ctx = Context(db=db)
    auth.login(ctx, "anna", PASSWORD)
    for _attempt in range(auth.MAX_FAILURES):
        with pytest.raises(ValidationError) as wrong:
            auth.change_own_password(ctx, "a wrong guess", "a brand new passphrase")
    # Locked now: even the right current password is refused, and so is signing in.
    with pytest.raises(ValidationError) as err:
        auth.change_own_password(ctx, PASSWORD, "a brand new passphrase")
    # The last wrong guess already says the account is locked; so does the right one now.
    assert err.value.errors["old_password"] == wrong.value.errors["old_password"]
    assert err.value.errors["old_password"] != auth._("The current password is not correct.")
    with pytest.raises(AuthenticationFailed):
        auth.login(Context(db=db), "anna", PASSWORD)


@pytest.mark.parametrize(
    "bad", ["Anna\u202eJansen", "Anna\nJansen", "Anna\x1b[31m", "A" * 10_000, "   "]
)
def test_staff_display_names_follow_the_rules_of_names(db, bad):
    admin = context(db, "beheerder", "admin0")
    with pytest.raises(ValidationError) as err:
        accounts.create_account(
            admin, username="anna", display_name=bad, role="balie", password="another long one"
        )
    assert "display_name" in err.value.errors
    assert staff_repo.by_username(db, "anna") is None
