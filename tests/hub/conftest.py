"""The hub tests share one throwaway PostgreSQL cluster per session (tests/pg.py); each test
gets a database of its own in it.  Without PostgreSQL installed they are skipped."""

from __future__ import annotations

import itertools

import pytest

from loket.db.connection import Database
from tests.pg import Cluster, find_bindir

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster():
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (CI installs Debian's postgresql)")
    cluster = Cluster(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def hub_dsn(pg_cluster):
    """A fresh, empty database in the session's cluster."""
    import psycopg

    name = f"hub_{next(_names)}"
    with psycopg.connect(pg_cluster.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"host=127.0.0.1 port={pg_cluster.port} user=postgres dbname={name}"


@pytest.fixture
def hub(hub_dsn):
    """A hub with its schema, and an admin connection to it."""
    import psycopg

    from loket.sync.enroll import init_hub

    conn = psycopg.connect(hub_dsn, autocommit=True)
    init_hub(conn)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def pc_template(template_db, tmp_path_factory):
    """The seeded template with the deployment's staff accounts (made once, at the hub's
    side, as enrolment hands them out): every PC starts from a copy."""
    from tests.helpers import copy_database, make_staff

    folder = tmp_path_factory.mktemp("pc-template")
    path = copy_database(template_db, folder)
    db = Database(path)
    for role in ("balie", "supervisor", "beheerder"):
        make_staff(db, role, role)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def make_pc(tmp_path, pc_template, hub, hub_dsn):
    """make_pc(name, desk) -> an enrolled PC: a copy of the seeded template database with a
    workstation id of its own, in a folder of its own."""
    from loket.sync.enroll import install, issue_pc
    from tests.pcs import new_pc

    made = []

    def factory(name: str = "pc1", desk: str = "ZWL"):
        db = new_pc(pc_template, tmp_path / name)
        install(db, issue_pc(hub, name=name, desk_code=desk, dsn=hub_dsn))
        made.append(db)
        return db

    yield factory
    for db in made:
        db.close()
