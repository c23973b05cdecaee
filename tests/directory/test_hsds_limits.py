"""Partner-import zips within limits, and spreadsheet formulas in the partner export."""

from __future__ import annotations

import zipfile

import pytest

from loket.db import directory as repo
from loket.directory import hsds_zip
from loket.directory.hsds_clean import guard, unguard
from loket.directory.transfer import ImportFailed, export_dir, import_path
from tests.directory.test_hsds_io import empty_db, files_of, read_rows, snapshot  # noqa: F401
from tests.helpers import context, insert_row

ORGS = "id,name\norg-z,Stichting Zip\n"


@pytest.fixture
def admin(empty_db):  # noqa: F811
    return context(empty_db, "beheerder")


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(hsds_zip, "MAX_ENTRY_BYTES", 200_000)
    monkeypatch.setattr(hsds_zip, "MAX_TOTAL_BYTES", 300_000)
    monkeypatch.setattr(hsds_zip, "MAX_RATIO", 50)
    monkeypatch.setattr(hsds_zip, "_RATIO_FROM", 1_000)


def make_zip(path, entries: list[tuple[str, str]]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries:
            zf.writestr(name, text)
    return path


def test_a_highly_compressible_entry_is_refused_with_its_sizes(
    admin,
    empty_db,  # noqa: F811
    tmp_path,
    small_caps,
):
    bomb = ORGS + "".join(f"org-{i},{'A' * 50}\n" for i in range(4_000))  # ~240 kB, packs tiny
    path = make_zip(tmp_path / "bomb.zip", [("organizations.csv", bomb)])
    before = snapshot(empty_db)
    with pytest.raises(ImportFailed) as caught:
        import_path(admin, path)
    message = str(caught.value)
    assert caught.value.field == "organizations.csv" and "organizations.csv" in message
    info = zipfile.ZipFile(path).getinfo("organizations.csv")
    assert hsds_zip._mb(info.file_size) in message  # the unpacked size
    assert hsds_zip._mb(info.compress_size) in message  # and the packed one
    assert snapshot(empty_db) == before


def test_the_declared_size_is_not_trusted(admin, empty_db, tmp_path, small_caps, monkeypatch):  # noqa: F811
    path = make_zip(tmp_path / "lie.zip", [("organizations.csv", ORGS + "x," + "B" * 250_000)])
    real = zipfile.ZipFile.infolist

    def lying(self):
        infos = real(self)
        for info in infos:
            info.file_size = 10  # a zip that says its entry is small
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    monkeypatch.setattr(hsds_zip, "MAX_RATIO", 10_000)  # only the size cap can stop it
    with pytest.raises(ImportFailed) as caught:
        import_path(admin, path)
    assert "organizations.csv" in str(caught.value)


def test_an_ignored_large_entry_is_never_read(admin, empty_db, tmp_path, small_caps, monkeypatch):  # noqa: F811
    path = make_zip(
        tmp_path / "extra.zip",
        [("data/organizations.csv", ORGS), ("data/huge-extension.csv", "C" * 1_000_000)],
    )
    read = []
    real_open = zipfile.ZipFile.open

    def watched(self, name, *args, **kwargs):
        read.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watched)
    result = import_path(admin, path)
    assert read == ["data/organizations.csv"]
    assert [(p.level, p.file) for p in result.report.problems] == [
        ("ignored", "huge-extension.csv")
    ]
    assert repo.get(empty_db, "organisation", "org-z")["name"] == "Stichting Zip"


def test_a_zip_with_a_duplicate_entry_is_refused(admin, empty_db, tmp_path):  # noqa: F811
    path = tmp_path / "dup.zip"
    with pytest.warns(UserWarning):  # zipfile itself says the name is duplicated
        make_zip(path, [("organizations.csv", ORGS), ("organizations.csv", "id,name\nx,Y\n")])
    before = snapshot(empty_db)
    with pytest.raises(ImportFailed) as caught:
        import_path(admin, path)
    assert caught.value.field == "organizations.csv"
    assert snapshot(empty_db) == before


def test_a_backslash_folder_and_its_files_are_read(admin, empty_db, tmp_path):  # noqa: F811
    path = make_zip(
        tmp_path / "windows.zip",
        [
            ("export\\organizations.csv", ORGS),
            ("export\\services.csv", "id,organization_id,name\nsvc-z,org-z,Hulp\n"),
            ("other\\services.csv", "id,organization_id,name\nsvc-other,org-z,Niet deze\n"),
        ],
    )
    import_path(admin, path)
    assert repo.get(empty_db, "service", "svc-z")["name"] == "Hulp"
    assert repo.get(empty_db, "service", "svc-other") is None


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-4.89", "-4.89"),  # a number stays as it is
        ("-2+A1", "'-2+A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ("＠A1", "'＠A1"),
        ("\tx", "'\tx"),
        ("'=already quoted", "''=already quoted"),
        ("+31 20 123 4567", "+31 20 123 4567"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
    ],
)
def test_formula_cells_are_guarded_and_read_back(value, written):
    assert guard(value) == written
    assert unguard(written) == value


def test_partner_export_neutralises_formulas_and_round_trips(admin, empty_db, tmp_path):  # noqa: F811
    insert_row(
        empty_db,
        "organisation",
        id="org-f",
        name="@Home Stichting",
        description='=HYPERLINK("http://evil","klik")',
    )
    insert_row(
        empty_db,
        "service",
        id="svc-f",
        organization_id="org-f",
        name="Spreekuur",
        description="＝1+1 en -verder",
        fees_description="+gratis",
    )
    insert_row(empty_db, "phone", id="ph-f", service_id="svc-f", number="+31 20 123 4567")
    first = tmp_path / "first"
    export_dir(admin, first)
    orgs = read_rows(first / "organizations.csv")
    assert orgs[1][1] == "'@Home Stichting" and orgs[1][3].startswith("'=HYPERLINK")
    services = {r[0]: r for r in read_rows(first / "services.csv")}
    header = services["id"]
    svc = dict(zip(header, services["svc-f"], strict=True))
    assert (svc["description"], svc["fees_description"]) == ("'＝1+1 en -verder", "'+gratis")
    assert "+31 20 123 4567" in (first / "phones.csv").read_text(encoding="utf-8")
    before = snapshot(empty_db)
    assert import_path(admin, first).changed == 0  # our own export reads back as it was
    assert snapshot(empty_db) == before
    second = tmp_path / "second"
    export_dir(admin, second)
    assert files_of(second) == files_of(first)
    assert repo.get(empty_db, "organisation", "org-f")["name"] == "@Home Stichting"
