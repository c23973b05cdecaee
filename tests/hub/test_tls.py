"""Mutual TLS with PostgreSQL's own `cert` method (clientcert=verify-full): a PC signs in
with the key and certificate of its enrolment, over a server certificate it verifies; a
missing certificate, or another PC's, is refused and the PC says so."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from loket.context import system_context
from loket.sync.enroll import init_hub, install, issue_pc
from loket.sync.run import sync_now
from tests import helpers
from tests.pcs import new_pc
from tests.pg import Cluster, find_bindir

HBA = b"""host all postgres 127.0.0.1/32 trust
hostssl all all 127.0.0.1/32 cert clientcert=verify-full
"""


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    from loket.sync.authority import make_authority

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed")
    authority = tmp_path_factory.mktemp("authority")
    make_authority(authority, "127.0.0.1")
    cluster = Cluster(bindir)
    try:
        cluster.init()
        for name in ("server.crt", "server.key", "ca.crt"):
            cluster.put_file(name, (authority / name).read_bytes())
        cluster.put_file("pg_hba.conf", HBA)
        cluster.start(
            "-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=ca.crt"
        )
        admin_dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres"
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            init_hub(conn)
        yield cluster, authority, admin_dsn
    finally:
        cluster.remove()


def _pc(tls_hub, pc_template, folder, name):
    cluster, authority, admin_dsn = tls_hub
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        bundle = issue_pc(conn, name=name, desk_code="ZWL", authority=authority,
                          dsn=f"host=127.0.0.1 port={cluster.port} dbname=postgres")  # fmt: skip
    db = new_pc(pc_template, folder)
    install(db, bundle)
    return db


def test_a_pc_syncs_over_mutual_tls(tls_hub, pc_template, tmp_path):
    a = _pc(tls_hub, pc_template, tmp_path / "a", "ZWL-1")
    try:
        assert (a.path.parent / "sync" / "pc.key").stat().st_mode & 0o077 == 0
        helpers.visitor(helpers.context(a))
        result = sync_now(system_context(a))
        assert result.ok, result.error
        assert result.waiting == 0
    finally:
        a.close()


def test_no_certificate_or_another_pcs_is_refused(tls_hub, pc_template, tmp_path):
    a = _pc(tls_hub, pc_template, tmp_path / "a", "ZWL-1")
    b = _pc(tls_hub, pc_template, tmp_path / "b", "ZWL-2")
    try:
        helpers.visitor(helpers.context(b))
        mine = b.path.parent / "sync"
        for name in ("pc.crt", "pc.key"):  # b shows a's certificate
            shutil.copy(a.path.parent / "sync" / name, mine / name)
        result = sync_now(system_context(b))
        assert not result.ok and result.error_code == "certificate"
        assert result.waiting > 0
        (mine / "pc.crt").unlink()  # and none at all
        result = sync_now(system_context(b))
        assert not result.ok and result.error_code == "certificate", result.error
    finally:
        a.close()
        b.close()
