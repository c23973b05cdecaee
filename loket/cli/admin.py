"""Administration subcommands: backup, restore, check, audit, retention, the visitor's rights.

Each one that reads or changes data signs in like the app (`--user NAME`, the password from
LOKET_PASSWORD or a prompt), and the core checks the role; `check` needs no account because
it reports nothing but whether the file is sound.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from loket.cli.common import add_user_argument, anonymous_context, open_database, user_context
from loket.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help=_("copy the database to a file, with a checksum"))
    p.add_argument("--out", required=True, metavar="FILE")
    add_user_argument(p)
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser(
        "backup-passphrase",
        help=_(
            "set the passphrase that seals the key copy beside every backup "
            "(from LOKET_BACKUP_PASSPHRASE or a prompt)"
        ),
    )
    add_user_argument(p)
    p.set_defaults(func=cmd_backup_passphrase)

    p = subparsers.add_parser(
        "restore",
        help=_("check a backup and put it in place of the database (the old file is kept)"),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--without-checksum",
        action="store_true",
        help=_("accept a backup that has no checksum file beside it"),
    )
    p.add_argument(
        "--other-installation",
        action="store_true",
        help=_("put a backup of another Loket installation in place (its accounts and key)"),
    )
    add_user_argument(p)
    p.set_defaults(func=cmd_restore)

    p = subparsers.add_parser("check", help=_("check the database for damage"))
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser("audit", help=_("the audit trail: verify the chain, list rows"))
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = audit_sub.add_parser("verify", help=_("check that no row was edited, removed or moved"))
    v.add_argument(
        "--against",
        metavar="FILE",
        help=_("a backup to compare with (default: the newest automatic backup)"),
    )
    add_user_argument(v)
    v.set_defaults(func=cmd_audit_verify)
    ls = audit_sub.add_parser("list", help=_("list rows, newest first"))
    ls.add_argument("--actor")
    ls.add_argument("--action", help=_("action, or the start of one (e.g. 'export')"))
    ls.add_argument("--result", choices=("ok", "refused", "failed"))
    ls.add_argument("--since", metavar="DATE")
    ls.add_argument("--until", metavar="DATE")
    ls.add_argument("--object-id")
    ls.add_argument("--subject", metavar="NUMBER", help=_("V-nummer or BSN"))
    ls.add_argument("--limit", type=int, default=100)
    add_user_argument(ls)
    ls.set_defaults(func=cmd_audit_list)

    p = subparsers.add_parser("retention", help=_("remove personal data whose period has passed"))
    ret_sub = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    r = ret_sub.add_parser("run", help=_("apply the retention periods now"))
    r.add_argument("--dry-run", action="store_true", help=_("only count what would change"))
    add_user_argument(r)
    r.set_defaults(func=cmd_retention_run)

    p = subparsers.add_parser(
        "visitor-access", help=_("export everything about one visitor (PDF and JSON)")
    )
    p.add_argument("visitor_id", metavar="VISITOR_ID")
    p.add_argument("--out", required=True, metavar="FILE")
    add_user_argument(p)
    p.set_defaults(func=cmd_access)

    p = subparsers.add_parser("visitor-erase", help=_("anonymise one visitor now, on request"))
    p.add_argument("visitor_id", metavar="VISITOR_ID")
    p.add_argument(
        "--reason",
        required=True,
        help=_("why, not who: never the visitor's name or numbers (it stays in the audit trail)"),
    )
    p.add_argument(
        "--category",
        default="request",
        choices=["request", "consent_withdrawn", "objection", "unlawful", "other"],
    )
    add_user_argument(p)
    p.set_defaults(func=cmd_erase)


def cmd_backup(args: Namespace) -> int:
    from loket.privacy import backup

    db = open_database(args)
    ctx = user_context(args, db)
    path = backup.backup(ctx, args.out)
    print(
        _("Backup written: {path} (checksum in {checksum})").format(
            path=path, checksum=backup.checksum_path(path)
        )
    )
    if not backup.key_copy_path(path).exists():
        print(backup.no_key_copy_message(), file=sys.stderr)
    return 0


def cmd_backup_passphrase(args: Namespace) -> int:
    from loket.cli.common import read_passphrase
    from loket.privacy import backup

    db = open_database(args)
    ctx = user_context(args, db)
    backup.set_passphrase(ctx, read_passphrase(confirm=True))
    print(
        _(
            "Backup passphrase set. Every backup from now on carries the key sealed with it "
            "(FILE.key); keep the passphrase somewhere safe, apart from the backups."
        )
    )
    return 0


def cmd_restore(args: Namespace) -> int:
    import functools

    from loket.cli.common import read_passphrase
    from loket.db.connection import Database
    from loket.paths import database_path
    from loket.privacy import audit, restore
    from loket.privacy.permissions import Permission

    live = database_path(args.data_dir)
    source = Path(args.file)
    checksum = not args.without_checksum
    restore.verify_backup(source, require_checksum=checksum)
    ask = functools.cache(read_passphrase)  # asked once, however often it is needed
    db = None
    try:
        db = Database(live)
        ctx = user_context(args, db)
    except (sqlite3.DatabaseError, audit.KeyProblem):
        if db is not None:
            db.close()
        # The live database is too damaged to sign in against, or its key is lost (a new
        # PC): check the account in a private copy of the (already verified) backup, opened
        # with the backup's own key.
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / "probe.sqlite"
            shutil.copyfile(source, probe)
            db = Database(probe)
            try:
                try:
                    audit._key(db)
                except audit.KeyProblem:
                    audit.use_key(db, restore.backup_key(source, probe, passphrase=ask))
                ctx = user_context(args, db)
                ctx.require(Permission.RESTORE, object_type="database")
            finally:
                db.close()
                audit._KEYS.clear()
        kept = restore.restore(live, source, require_checksum=checksum, passphrase=ask)
        restore.record_restore(live, ctx.user, kept)
    else:
        kept = restore.restore_database(
            ctx,
            source,
            require_checksum=checksum,
            other_installation=args.other_installation,
            passphrase=ask,
        )
    print(
        _("Restored {source}. The previous database was kept as {kept}.").format(
            source=source, kept=kept
        )
    )
    return 0


def cmd_check(args: Namespace) -> int:
    from loket.db.connection import Database
    from loket.paths import database_path
    from loket.privacy import backup

    path = database_path(args.data_dir)
    try:
        db = Database(path)
        problems = backup.check(anonymous_context(db))
    except sqlite3.DatabaseError as err:
        problems = [str(err)]
    if problems:
        for problem in problems[:20]:
            print(problem, file=sys.stderr)
        print(backup.damaged_message(path, command=True), file=sys.stderr)
        return 1
    print(_("The database is sound: {path}").format(path=path))
    report, key_ok = key_report(db)
    print(report, file=sys.stdout if key_ok else sys.stderr)
    return 0 if key_ok else 1


def key_report(db) -> tuple[str, bool]:
    """Where the subject key is kept and whether backups carry a sealed copy of it; False
    when the key the audit trail was written with is missing or damaged."""
    from loket.db import audit as audit_repo
    from loket.privacy import audit, backup

    try:
        if audit_repo.uses_key(db):
            audit.chain_key(db)  # the key is there and readable (never made anew)
        where = audit.key_location(db)
        copy = backup.has_key_copy(db)
    except audit.KeyProblem as err:
        return str(err), False
    lines = [_("The key of the audit trail is kept {where}.").format(where=where)]
    lines.append(
        _("Backups carry a copy of it sealed with the backup passphrase.")
        if copy
        else _(
            "Backups carry no copy of it: no backup passphrase is set "
            "(loket backup-passphrase --user NAME)."
        )
    )
    return "\n".join(lines), True


def cmd_audit_verify(args: Namespace) -> int:
    from loket.privacy import chain_check

    db = open_database(args)
    ctx = user_context(args, db)
    problem = chain_check.check_chain(ctx, earlier=Path(args.against) if args.against else None)
    if problem is not None:
        print(problem.describe(), file=sys.stderr)
        return 1
    print(_("The audit trail is intact."))
    return 0


def cmd_audit_list(args: Namespace) -> int:
    from loket.privacy import audit

    db = open_database(args)
    ctx = user_context(args, db)
    rows = audit.entries(
        ctx,
        actor=args.actor,
        action=args.action,
        result=args.result,
        since=args.since,
        until=args.until,
        object_id=args.object_id,
        subject=args.subject,
        limit=args.limit,
    )
    for row in rows:
        print(
            "\t".join(
                str(row[c] if row[c] is not None else "-")
                for c in (
                    "seq",
                    "at",
                    "actor",
                    "action",
                    "object_type",
                    "object_id",
                    "result",
                    "origin",
                    "detail",
                )
            )
        )
    return 0


def cmd_retention_run(args: Namespace) -> int:
    from loket.privacy import retention

    db = open_database(args)
    ctx = user_context(args, db)
    result = retention.run(ctx, dry_run=args.dry_run)
    head = _("Would change (dry run):") if result.dry_run else _("Changed:")
    print(head)
    for kind in (*retention.RECORD_TYPES, "draft"):
        print(
            f"  {kind}: {result.counts.get(kind, 0)} ("
            + _("activity before {cutoff}").format(cutoff=result.cutoffs[kind])
            + ")"
        )
    return 0


def cmd_access(args: Namespace) -> int:
    from loket.privacy import rights as visitor_rights

    db = open_database(args)
    ctx = user_context(args, db)
    pdf, data = visitor_rights.access_export(ctx, args.visitor_id, args.out)
    print(_("Written: {pdf} and {json}").format(pdf=pdf, json=data))
    return 0


def cmd_erase(args: Namespace) -> int:
    from loket.privacy import rights as visitor_rights

    db = open_database(args)
    ctx = user_context(args, db)
    counts = visitor_rights.erase_visitor(ctx, args.visitor_id, args.reason, category=args.category)
    print(_("The visitor's data was removed ({n} records changed).").format(n=sum(counts.values())))
    return 0
