"""A local hub for a demo with two counter PCs, in one command (`make hub-demo`).

Starts a PostgreSQL cluster in demo-hub/pg on 127.0.0.1 (mutual TLS, the hub's own
certificate authority in demo-hub/authority), makes the hub, fills PC 1 with demo data and
syncs it, then enrols an empty PC 2 whose first pull brings the desks, the directory, the
accounts and the visitors.  `make hub-demo-stop` stops the cluster.  As root the server
runs as the `postgres` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg import Cluster, find_bindir  # noqa: E402

FOLDER = ROOT / "demo-hub"
HBA = b"host all postgres 127.0.0.1/32 trust\nhostssl all all 127.0.0.1/32 cert\n"


def loket(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "loket", *args], check=True, cwd=ROOT)


def main() -> int:
    if "--stop" in sys.argv:
        state = FOLDER / "cluster.json"
        if state.exists():
            info = json.loads(state.read_text())
            cluster = Cluster.__new__(Cluster)
            cluster.__dict__.update(
                bindir=Path(info["bindir"]), data=Path(info["data"]), as_root=info["as_root"],
                log=Path(info["data"]).parent / "server.log", started=True,
            )  # fmt: skip
            cluster.stop()
            state.unlink()
        print(f"The hub is stopped; remove {FOLDER} to start again.")
        return 0
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed (Debian: apt-get install postgresql).")
        return 1
    if FOLDER.exists():
        print(f"{FOLDER} exists: `make hub-demo-stop` and remove it first.")
        return 1
    from loket.sync.authority import make_authority

    FOLDER.mkdir()
    authority = FOLDER / "authority"
    make_authority(authority, "127.0.0.1")
    cluster = Cluster(bindir, FOLDER / "pg")
    cluster.init()
    for name in ("server.crt", "server.key", "ca.crt"):
        cluster.put_file(name, (authority / name).read_bytes())
    cluster.put_file("pg_hba.conf", HBA)
    cluster.start(
        "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=ca.crt"
    )
    (FOLDER / "cluster.json").write_text(
        json.dumps({"bindir": str(bindir), "data": str(cluster.data), "as_root": cluster.as_root})
    )
    admin = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres"
    pc_dsn = f"host=127.0.0.1 port={cluster.port} dbname=postgres"
    loket("hub", "init", "--dsn", admin, "--authority", str(authority))
    pc1, pc2 = FOLDER / "pc1", FOLDER / "pc2"
    loket("--data-dir", str(pc1), "demo", "--visitors", "50")
    loket("--data-dir", str(pc2), "sync", "status")  # an empty, migrated database
    for pc, name in ((pc1, "ZWL-1"), (pc2, "ZWL-2")):
        bundle = FOLDER / f"{name}.json"
        loket("hub", "enroll", "--dsn", admin, "--name", name, "--desk", "ZWL",
              "--pc-dsn", pc_dsn, "--authority", str(authority), "--out", str(bundle))  # fmt: skip
        if pc is pc1:
            subprocess.run(
                [sys.executable, "-m", "loket", "--data-dir", str(pc), "sync", "enroll",
                 str(bundle), "--user", "beheerder"],
                check=True, cwd=ROOT, env={**__import__("os").environ, "LOKET_PASSWORD": "demo"},
            )  # fmt: skip
            loket("--data-dir", str(pc), "sync", "now")
        else:
            _enroll_empty(pc, bundle)
            loket("--data-dir", str(pc), "sync", "now")
    print(
        f"\nThe hub runs on 127.0.0.1:{cluster.port} (TLS, one certificate per PC).\n"
        f"  PC 1: python -m loket --data-dir {pc1}\n"
        f"  PC 2: python -m loket --data-dir {pc2}\n"
        "Sign in with balie / demo on either; each syncs every minute, or now with\n"
        f"  python -m loket --data-dir {pc2} sync now\n"
        "Stop the hub with `make hub-demo-stop`."
    )
    return 0


def _enroll_empty(folder: Path, bundle: Path) -> None:
    """An empty PC has no administrator account yet to sign in with: its enrolment is
    installed directly (what `loket sync enroll` does after the sign-in)."""
    from loket.db.connection import Database
    from loket.sync.enroll import install

    db = Database(folder / "loket.sqlite")
    try:
        install(db, json.loads(bundle.read_text()))
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
