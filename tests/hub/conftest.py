"""The hub tests share one throwaway PostgreSQL cluster per session (tests/pg.py); each test
gets a database of its own in it.  Without PostgreSQL installed they are skipped."""

from __future__ import annotations

import itertools

import pytest

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
