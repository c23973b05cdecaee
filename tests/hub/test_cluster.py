"""The test cluster itself: it runs, on 127.0.0.1, and is a PostgreSQL 15 or newer."""

from __future__ import annotations


def test_cluster_answers_on_loopback(hub_dsn):
    import psycopg

    with psycopg.connect(hub_dsn) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        address = conn.execute("SELECT inet_server_addr()::text").fetchone()[0]
        fsync = conn.execute("SHOW fsync").fetchone()[0]
    assert int(version) >= 150000
    assert address.startswith("127.0.0.1")
    assert fsync == "off"
