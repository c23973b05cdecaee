"""HSDS 3 export and import: round trip, idempotence, and refusal of broken data."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from loket.context import Context, system_context
from loket.db import directory as repo
from loket.db.connection import Database
from loket.db.migrate import migrate
from loket.directory import hsds, seed
from loket.directory.transfer import ImportFailed, check_path, export_dir, import_path
from loket.errors import PermissionDenied
from loket.i18n import _
from tests.helpers import context, insert_row


def snapshot(db) -> dict:
    """Every directory row, timestamps included: 'unchanged' means byte for byte."""
    return {t: [tuple(r) for r in db.all(f"SELECT * FROM {t} ORDER BY id")] for t in repo.TABLES}


def files_of(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def read_rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture
def editor(db) -> Context:
    return context(db, "supervisor")


@pytest.fixture
def empty_db(tmp_path):
    """A database with the needs taxonomy but no partner directory."""
    database = Database(tmp_path / "empty.sqlite")
    migrate(database)
    seed.load_reference(database)
    yield database
    database.close()


@pytest.fixture
def exported(editor, tmp_path):
    out = tmp_path / "export"
    export_dir(editor, out)
    return out


def test_seed_directory_is_loaded(db):
    assert db.scalar("SELECT count(*) FROM service") >= 20
    cities = {r["city"] for r in db.all("SELECT DISTINCT city FROM location")}
    assert {"Amsterdam", "Den Haag", "'s-Hertogenbosch", "Zwolle"} <= cities
    escalation = db.all(
        "SELECT s.id FROM service s JOIN service_need n ON n.service_id = s.id"
        " WHERE s.is_escalation = 1 AND n.need_code = 'multiple_problems'"
    )
    assert len(escalation) == 1


def test_export_writes_hsds_files_with_spec_columns(exported):
    names = {p.name for p in exported.iterdir()}
    for required in (
        "datapackage.json",
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "service_at_location.csv",
        "languages.csv",
        "phones.csv",
        "addresses.csv",
        "schedules.csv",
        "attributes.csv",
        "taxonomy_terms.csv",
    ):
        assert required in names
    for spec in hsds.FILES:
        assert tuple(read_rows(exported / spec.name)[0]) == spec.columns
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {s.name for s in hsds.FILES}
    # Our own fields travel as attributes, never as extra columns.
    header = read_rows(exported / "services.csv")[0]
    assert "warm_handover" not in header and "needs" not in header
    terms = {row[0]: row[1] for row in read_rows(exported / "taxonomy_terms.csv")[1:]}
    used = {terms[row[2]] for row in read_rows(exported / "attributes.csv")[1:]}
    assert {"need.debts", "warm_handover", "escalation", "to_verify"} <= used


RICH = [
    {
        "id": "svc-rich",
        "name": 'Spreekuur, "met" komma\'s',
        "status": "temporarily closed",
        "description": "Twee regels:\nregel twee",
        "assured_date": "2026-01-15",
        "fees_description": "Gratis",
        "eligibility_description": "Iedereen",
        "interpretation_services": "Tolkentelefoon",
        "organization": {
            "id": "org-rich",
            "name": "Stichting Rijk",
            "email": "info@example.org",
            "phones": [{"id": "ph-org", "number": "038 111 2222"}],
            "attributes": [{"taxonomy_term": {"code": "to_verify"}}],
        },
        "service_at_locations": [
            {
                "id": "sal-rich",
                "description": "Op afspraak",
                "location": {
                    "id": "loc-rich",
                    "name": "Kantoor",
                    "latitude": 52.5125,
                    "longitude": 6.0944,
                    "addresses": [
                        {"address_1": "Straat 1", "postal_code": "8011 AB", "city": "Zwolle"}
                    ],
                    "accessibility": [{"description": "Lift aanwezig"}],
                    "languages": [{"id": "lang-loc", "code": "ti", "name": "Tigrinya"}],
                },
            }
        ],
        "languages": [{"id": "lang-svc", "code": "ar"}],
        "schedules": [
            {
                "id": "sch-1",
                "byday": "MO,TU",
                "opens_at": "09:00",
                "closes_at": "12:00",
                "freq": "WEEKLY",
            }
        ],
        "required_documents": [{"id": "doc-1", "document": "Verblijfsdocument"}],
        "attributes": [
            {"taxonomy_term": {"code": "need.health"}},
            {"taxonomy_term": {"code": "escalation"}},
        ],
    }
]


def test_round_trip_gives_identical_files(editor, db, empty_db, tmp_path):
    source = tmp_path / "rich.json"
    source.write_text(json.dumps(RICH), encoding="utf-8")
    import_path(editor, source)
    first = tmp_path / "first"
    export_dir(editor, first)
    assert "Lift aanwezig" in (first / "accessibility.csv").read_text(encoding="utf-8")
    assert "MO,TU" in (first / "schedules.csv").read_text(encoding="utf-8")
    ctx = context(empty_db, "beheerder")
    import_path(ctx, first)
    again = tmp_path / "again"
    export_dir(ctx, again)
    assert files_of(again) == files_of(first)
    assert snapshot(empty_db)["location"] != []
    rich = repo.get(empty_db, "service", "svc-rich")
    assert (rich["status"], rich["is_escalation"], rich["description"]) == (
        "temporarily closed",
        1,
        "Twee regels:\nregel twee",
    )
    assert repo.get(empty_db, "location", "loc-rich")["latitude"] == 52.5125


def test_a_second_link_between_the_same_service_and_location_is_refused(editor, exported, db):
    rows = read_rows(exported / "service_at_location.csv")
    rows[1][0] = "another-link-id"
    write_rows(exported / "service_at_location.csv", rows)
    before = snapshot(db)
    result = import_path(editor, exported)
    assert [(p.file, p.row, p.field) for p in result.report.refusals] == [
        ("service_at_location.csv", 2, "id")
    ]
    assert result.changed == 0 and snapshot(db) == before


def test_importing_twice_changes_nothing(editor, exported, db):
    before = snapshot(db)
    result = import_path(editor, exported)
    assert result.changed == 0
    assert snapshot(db) == before
    result = import_path(editor, exported)
    assert result.changed == 0
    assert snapshot(db) == before


def test_zip_and_changes_are_applied(editor, exported, db, tmp_path):
    rows = read_rows(exported / "organizations.csv")
    rows[1][1] = "Hernoemde organisatie"
    write_rows(exported / "organizations.csv", rows)
    (exported / "extra_file.csv").write_text("whatever,columns\n1,2\n", encoding="utf-8")
    archive = tmp_path / "dir.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in exported.iterdir():
            zf.write(path, f"partners/{path.name}")
    import_path(editor, archive)
    assert repo.get(db, "organisation", rows[1][0])["name"] == "Hernoemde organisatie"


def test_foreign_data_with_unknown_columns_and_missing_optional_files(editor, db, tmp_path):
    folder = tmp_path / "foreign"
    folder.mkdir()
    write_rows(
        folder / "organizations.csv",
        [
            ["id", "name", "tax_status", "description"],
            ["org-x", "Stichting Buurthulp", "ANBI", "Helpt in de buurt"],
        ],
    )
    write_rows(
        folder / "services.csv",
        [
            ["id", "organization_id", "name", "status", "wait_time"],
            ["svc-x", "org-x", "Formulierenhulp", "active", "1 week"],
        ],
    )
    (folder / "notes.txt").write_text("not HSDS", encoding="utf-8")
    import_path(editor, folder)
    service = repo.get(db, "service", "svc-x")
    assert service["name"] == "Formulierenhulp" and service["organization_id"] == "org-x"


def test_json_import_with_nested_organisation_and_locations(editor, db, tmp_path):
    data = [
        {
            "id": "svc-j",
            "name": "Inloopspreekuur",
            "status": "active",
            "organization": {"id": "org-j", "name": "Buurthuis De Brug"},
            "service_at_locations": [
                {"location": {"id": "loc-j", "name": "De Brug", "addresses": [{"city": "Zwolle"}]}}
            ],
            "languages": [{"code": "ar", "name": "Arabisch"}],
            "attributes": [
                {"taxonomy_term": {"code": "need.debts"}},
                {"taxonomy_term": {"code": "warm_handover"}},
                {"taxonomy_term": {"code": "other", "taxonomy": "someone-else"}},
            ],
        }
    ]
    path = tmp_path / "services.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_path(editor, path)
    assert repo.get(db, "location", "loc-j")["city"] == "Zwolle"
    assert repo.get(db, "service", "svc-j")["warm_handover"] == 1
    assert [r["need_code"] for r in repo.service_needs(db, "svc-j")] == ["debts"]
    assert repo.languages_of(db, "svc-j") == {"ar"}
    before = snapshot(db)
    assert import_path(editor, path).changed == 0
    assert snapshot(db) == before


def _break_unreadable(folder):
    text = (folder / "services.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines.append('broken-id,"unterminated\n')
    (folder / "services.csv").write_text("".join(lines), encoding="utf-8")
    return "services.csv", len(lines), None


def _break_missing_column(folder):
    rows = read_rows(folder / "organizations.csv")
    col = rows[0].index("name")
    write_rows(folder / "organizations.csv", [r[:col] + r[col + 1 :] for r in rows])
    return "organizations.csv", 1, "name"


def _break_missing_value(folder):
    rows = read_rows(folder / "services.csv")
    rows[3][rows[0].index("name")] = ""
    write_rows(folder / "services.csv", rows)
    return "services.csv", 4, "name"


def _break_unknown_reference(folder):
    rows = read_rows(folder / "service_at_location.csv")
    rows[2][rows[0].index("location_id")] = "00000000-0000-0000-0000-000000000000"
    write_rows(folder / "service_at_location.csv", rows)
    return "service_at_location.csv", 3, "location_id"


def _break_encoding(folder):
    rows = read_rows(folder / "locations.csv")
    rows[2][rows[0].index("name")] = "Bibliothèque"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / "locations.csv").write_bytes(buf.getvalue().encode("latin-1"))
    return "locations.csv", 3, None


def _break_duplicate_id(folder):
    rows = read_rows(folder / "phones.csv")
    rows.append(list(rows[1]))
    write_rows(folder / "phones.csv", rows)
    return "phones.csv", len(rows), "id"


def _set_cell(folder, name: str, row: int, column: str, value: str):
    rows = read_rows(folder / name)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(folder / name, rows)
    return name, row, column


def _break_bidi_override_in_a_name(folder):
    return _set_cell(folder, "organizations.csv", 3, "name", "Gemeente \u202eadretsmA")


def _break_control_character_in_free_text(folder):
    return _set_cell(folder, "services.csv", 2, "description", "Hulp\x07 bij schulden")


def _break_language_code(folder):
    return _set_cell(folder, "languages.csv", 2, "code", "<b>")


def _break_phone(folder):
    return _set_cell(folder, "phones.csv", 2, "number", "bel ons maar")


def _break_email(folder):
    return _set_cell(folder, "services.csv", 3, "email", "geen-adres")


def _break_url(folder):
    return _set_cell(folder, "services.csv", 2, "url", "javascript:alert(1)")


def _break_postcode(folder):
    rows = read_rows(folder / "addresses.csv")
    row = next(i for i, r in enumerate(rows[1:], start=2) if r[rows[0].index("country")] == "NL")
    return _set_cell(folder, "addresses.csv", row, "postal_code", "ABCD 12")


def _change_an_organisation(folder):
    """A valid change elsewhere in the same import."""
    rows = read_rows(folder / "organizations.csv")
    rows[1][rows[0].index("description")] = "Gewijzigd"
    write_rows(folder / "organizations.csv", rows)
    return rows[1][rows[0].index("id")]


@pytest.mark.parametrize("breaker", [_break_unreadable, _break_missing_column, _break_encoding])
def test_a_package_that_cannot_be_read_is_refused_and_nothing_changes(
    editor, exported, db, breaker
):
    # A valid change elsewhere in the same import must not land either.
    _change_an_organisation(exported)
    file, row, field = breaker(exported)
    before = snapshot(db)
    with pytest.raises(ImportFailed) as caught:
        import_path(editor, exported)
    err = caught.value
    assert (err.file, err.row, err.field) == (file, row, field)
    assert file in str(err) and str(row) in str(err)
    if field:
        assert field in str(err)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "breaker",
    [
        _break_missing_value,
        _break_unknown_reference,
        _break_duplicate_id,
        _break_bidi_override_in_a_name,
        _break_control_character_in_free_text,
        _break_language_code,
        _break_phone,
        _break_email,
        _break_url,
        _break_postcode,
    ],
)
def test_a_refused_record_is_left_out_and_the_valid_ones_land(editor, exported, db, breaker):
    changed = _change_an_organisation(exported)
    file, row, field = breaker(exported)
    before = snapshot(db)
    result = import_path(editor, exported)
    refused = [(p.file, p.row, p.field) for p in result.report.refusals]
    assert (file, row, field) in refused
    assert result.refused >= 1
    # Only the valid change landed; the refused record (and whatever it names: its phones,
    # its address, its links) stayed exactly as it was.
    after = snapshot(db)
    assert repo.get(db, "organisation", changed)["description"] == "Gewijzigd"
    differs = {
        (table, row[0]) for table in repo.TABLES for row in set(before[table]) ^ set(after[table])
    }
    assert differs == {("organisation", changed)}


def test_unknown_need_in_attributes_is_refused(editor, exported, db):
    rows = read_rows(exported / "taxonomy_terms.csv")
    code_col = rows[0].index("code")
    term = next(r for r in rows[1:] if r[code_col] == "need.debts")
    term[code_col] = "need.gardening"
    write_rows(exported / "taxonomy_terms.csv", rows)
    before = snapshot(db)
    needs_before = [tuple(r) for r in db.all("SELECT * FROM service_need ORDER BY id")]
    result = import_path(editor, exported)
    assert result.report.refusals and {p.file for p in result.report.refusals} == {"attributes.csv"}
    # the services keep their needs: a refused need is no reason to drop the ones they have
    assert snapshot(db) == before
    assert [tuple(r) for r in db.all("SELECT * FROM service_need ORDER BY id")] == needs_before


def test_broken_json_names_the_service_and_field(editor, db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            [
                {"id": "a", "name": "A", "organization": {"id": "o", "name": "O"}},
                {"id": "b", "name": "B", "organization": {"id": "o2"}},
            ]
        ),
        encoding="utf-8",
    )
    result = import_path(editor, path)
    # o2 has no name: refused; service b cannot stand without it and is refused too
    assert [(p.file, p.row, p.field, p.value) for p in result.report.refusals] == [
        ("bad.json", 2, "organization.name", None),
        ("bad.json", 2, "organization_id", "o2"),
    ]
    assert repo.get(db, "service", "a")["name"] == "A"
    assert repo.get(db, "service", "b") is None and repo.get(db, "organisation", "o2") is None


@pytest.mark.parametrize(
    ("services", "row", "field"),
    [
        # The repeat has no organisation of its own: still "duplicate id", not "required".
        (
            [
                {"id": "a", "name": "A", "organization": {"id": "o", "name": "O"}},
                {"id": "a", "name": "A2"},
            ],
            2,
            "id",
        ),
        (
            [
                {"id": "a", "name": "A", "organization": {"id": "o", "name": "O"}},
                {"id": "b", "name": "B", "organization": {"id": "o", "name": "Other"}},
            ],
            2,
            "organization.id",
        ),
    ],
)
def test_a_duplicate_id_in_json_is_named_as_such(editor, db, tmp_path, services, row, field):
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    before = snapshot(db)
    with pytest.raises(ImportFailed) as caught:
        import_path(editor, path)
    assert (caught.value.file, caught.value.row, caught.value.field) == ("dup.json", row, field)
    assert caught.value.problem == _("duplicate id {id}: already used in row {other}").format(
        id=services[1]["organization"]["id"] if field != "id" else "a", other=1
    )
    assert snapshot(db) == before


def test_json_import_checks_fields_like_a_manual_edit(editor, db, tmp_path):
    good = {"id": "svc-z", "name": "Spreekuur", "organization": {"id": "org-z", "name": "Z"}}
    cases = [
        ({**good, "organization": {"id": "org-z", "name": "Z\u202e"}}, "organization.name"),
        ({**good, "languages": [{"code": "<b>"}]}, "languages[0].code"),
        ({**good, "phones": [{"number": "<script>"}]}, "phones[0].number"),
        ({**good, "email": "a@"}, "email"),
        ({**good, "url": "ftp//nergens"}, "url"),
    ]
    before = snapshot(db)
    for service, field in cases:
        path = tmp_path / "checks.json"
        path.write_text(json.dumps([service]), encoding="utf-8")
        checked = check_path(editor, path)
        assert ("checks.json", 1, field) in [
            (p.file, p.row, p.field) for p in checked.report.refusals
        ]
        assert snapshot(db) == before
    # the service lands without its refused phone
    path.write_text(json.dumps([cases[2][0]]), encoding="utf-8")
    result = import_path(editor, path)
    assert result.refused == 1
    assert repo.get(db, "service", "svc-z")["name"] == "Spreekuur"
    assert repo.children(db, "phone", "service_id", "svc-z") == []


def test_import_needs_directory_edit_but_seed_is_trusted(db, exported):
    with pytest.raises(PermissionDenied):
        import_path(context(db, "balie"), exported)
    with pytest.raises(PermissionDenied):
        import_path(system_context(db), exported)
    before = snapshot(db)
    import_path(system_context(db), seed.seed_dir() / "directory.json", trusted=True)
    assert snapshot(db) == before


def test_cli_partners_export_and_import(db, data_dir, tmp_path, monkeypatch):
    from loket.cli import main

    context(db, "supervisor", username="chef")
    context(db, "balie", username="baliemw")
    monkeypatch.setenv("LOKET_PASSWORD", "correct horse")
    out = tmp_path / "cli-export"
    assert (
        main(
            ["--data-dir", str(data_dir), "partners", "export", "--out", str(out), "--user", "chef"]
        )
        == 0
    )
    assert (out / "services.csv").exists()
    assert (
        main(["--data-dir", str(data_dir), "partners", "import", str(out), "--user", "baliemw"])
        == 2
    )
    assert (
        main(["--data-dir", str(data_dir), "partners", "import", str(out), "--user", "chef"]) == 0
    )


def test_seeding_again_keeps_corrections_and_adds_what_is_missing(editor, db):
    from loket.directory import browse as directory

    sid = db.scalar("SELECT id FROM service WHERE name = 'Taalhuis Zwolle'")
    detail = directory.get_service(editor, sid)
    directory.save_service(
        editor,
        directory.ServiceEdit(
            id=sid,
            organization_id=detail.organization_id,
            name="Taalhuis Zwolle (Stadkamer)",
            description="Gecorrigeerd",
            needs=["low_literacy"],
            languages=["nl", "ar"],
            location_ids=[loc.id for loc in detail.locations],
        ),
    )
    directory.mark_checked(editor, sid)
    gone = db.scalar("SELECT id FROM service WHERE name = 'Opvang van asielzoekers'")
    with db.transaction():
        db.execute("DELETE FROM service WHERE id = ?", (gone,))
    before = snapshot(db)
    seed.load_directory(db)
    after = snapshot(db)
    kept = directory.get_service(editor, sid)
    assert (kept.name, kept.description, kept.needs, kept.languages, kept.stale) == (
        "Taalhuis Zwolle (Stadkamer)",
        "Gecorrigeerd",
        ["low_literacy"],
        ["ar", "nl"],
        False,
    )
    assert repo.get(db, "service", gone) is not None
    assert len(after["service"]) == len(before["service"]) + 1
    assert [r for r in after["service"] if r[0] == sid] == [
        r for r in before["service"] if r[0] == sid
    ]
    seed.load_directory(db)
    assert snapshot(db) == after


def test_seed_has_mental_health_care_and_digisterker_in_every_desk_city(db):
    import uuid

    desk_cities = {r["city"] for r in db.all("SELECT city FROM desk")}
    for need, name_like in (("health", "%(GGZ)%"), ("digital_skills", "Digisterker%")):
        rows = db.all(
            "SELECT s.id, s.to_verify, l.city, l.address_1, s.url, s.email FROM service s"
            " JOIN service_need n ON n.service_id = s.id AND n.need_code = ?"
            " JOIN service_at_location sal ON sal.service_id = s.id"
            " JOIN location l ON l.id = sal.location_id WHERE s.name LIKE ?",
            (need, name_like),
        )
        assert {r["city"] for r in rows} == desk_cities
        for r in rows:
            assert uuid.UUID(r["id"]).version == 5
            assert r["to_verify"] == 1 and not (r["address_1"] or r["url"] or r["email"])
            assert not db.all("SELECT 1 FROM phone WHERE service_id = ?", (r["id"],))


def test_cli_import_counts_in_the_singular_and_plural(db, data_dir, tmp_path, monkeypatch, capsys):
    from loket import i18n
    from loket.cli import main

    context(db, "supervisor", username="chef")
    monkeypatch.setenv("LOKET_PASSWORD", "correct horse")
    monkeypatch.setenv("LOKET_LANG", "nl")
    before = i18n.language()
    out = tmp_path / "cli-export"
    base = ["--data-dir", str(data_dir), "partners"]
    try:
        assert main([*base, "export", "--out", str(out), "--user", "chef"]) == 0
        rows = read_rows(out / "organizations.csv")
        rows[1][rows[0].index("description")] = "Gewijzigd"
        write_rows(out / "organizations.csv", rows)
        capsys.readouterr()
        assert main([*base, "import", str(out), "--user", "chef"]) == 0
        assert "Import klaar: 1 record toegevoegd of gewijzigd" in capsys.readouterr().out
        for row in (1, 2):
            rows[row][rows[0].index("description")] = f"Opnieuw {row}"
        write_rows(out / "organizations.csv", rows)
        assert main([*base, "import", str(out), "--user", "chef"]) == 0
        assert "Import klaar: 2 records toegevoegd of gewijzigd" in capsys.readouterr().out
    finally:
        i18n.set_language(before)


# -- what the data no longer lists -----------------------------------------------------------
def _drop_first_row(path, **match) -> list[str]:
    """Remove the first data row whose columns equal `match`; return it."""
    rows = read_rows(path)
    for i, row in enumerate(rows[1:], start=1):
        if all(row[rows[0].index(col)] == value for col, value in match.items()):
            write_rows(path, rows[:i] + rows[i + 1 :])
            return dict(zip(rows[0], row, strict=True))
    raise AssertionError(f"no row with {match} in {path.name}")


@pytest.fixture
def phones(db) -> dict[str, str]:
    """Phones with each kind of owner, on two organisations of the directory."""
    sal = db.one(
        "SELECT sal.id, sal.service_id, sal.location_id, l.organization_id FROM"
        " service_at_location sal JOIN location l ON l.id = sal.location_id"
        " WHERE l.organization_id IS NOT NULL ORDER BY sal.id LIMIT 1"
    )
    other_org = db.scalar(
        "SELECT id FROM organisation WHERE id <> ? ORDER BY id LIMIT 1", (sal["organization_id"],)
    )
    made = {
        "org": insert_row(
            db, "phone", id="ph-org", organization_id=sal["organization_id"], number="+31201000001"
        ),
        "other_org": insert_row(
            db, "phone", id="ph-other", organization_id=other_org, number="+31201000002"
        ),
        "svc1": insert_row(
            db, "phone", id="ph-svc-1", service_id=sal["service_id"], number="+31201000003"
        ),
        "svc2": insert_row(
            db, "phone", id="ph-svc-2", service_id=sal["service_id"], number="+31201000004"
        ),
        "org_at_location": insert_row(
            db,
            "phone",
            id="ph-org-loc",
            organization_id=sal["organization_id"],
            location_id=sal["location_id"],
            number="+31201000005",
        ),
        "link": insert_row(
            db,
            "phone",
            id="ph-link",
            service_at_location_id=sal["id"],
            service_id=sal["service_id"],
            number="+31201000006",
        ),
    }
    return made | {
        "org_id": sal["organization_id"],
        "other_org_id": other_org,
        "service_id": sal["service_id"],
        "sal_id": sal["id"],
    }


@pytest.fixture
def exported_phones(editor, phones, tmp_path):
    out = tmp_path / "export-phones"
    export_dir(editor, out)
    return out


def test_a_phone_the_data_no_longer_lists_is_deleted(editor, exported_phones, phones, db):
    _drop_first_row(exported_phones / "phones.csv", id=phones["svc1"])
    before = snapshot(db)
    result = import_path(editor, exported_phones)
    assert repo.get(db, "phone", phones["svc1"]) is None
    assert result.counts[("phone", "deleted")] == 1 and result.deleted == 1
    after = snapshot(db)
    assert len(after["phone"]) == len(before["phone"]) - 1
    assert {t: rows for t, rows in after.items() if t != "phone"} == {
        t: rows for t, rows in before.items() if t != "phone"
    }
    assert import_path(editor, exported_phones).changed == 0  # and again: nothing more goes
    details = db.all("SELECT detail FROM audit_log WHERE action = 'directory.import' ORDER BY seq")
    assert [json.loads(d["detail"])["deleted"] for d in details][-2:] == [1, 0]


def test_keep_unlisted_deletes_nothing(editor, exported_phones, phones, db):
    _drop_first_row(exported_phones / "phones.csv", id=phones["svc1"])
    before = snapshot(db)
    assert import_path(editor, exported_phones, keep_unlisted=True).deleted == 0
    assert snapshot(db) == before


def test_a_file_with_only_its_header_describes_nothing(editor, exported_phones, phones, db):
    """Many tools write every HSDS file, also for records they do not keep."""
    header = read_rows(exported_phones / "phones.csv")[0]
    write_rows(exported_phones / "phones.csv", [header])
    before = snapshot(db)
    assert import_path(editor, exported_phones).deleted == 0
    assert snapshot(db) == before


def test_without_the_file_nothing_of_that_kind_is_deleted(editor, exported, db):
    (exported / "phones.csv").unlink()
    (exported / "schedules.csv").unlink()
    before = snapshot(db)
    assert import_path(editor, exported).changed == 0
    assert snapshot(db) == before


def test_an_owner_not_in_the_data_keeps_its_records(editor, exported_phones, phones, db):
    """Only owners the data holds are described in full: a file of one organisation
    leaves the phones of the others alone."""
    rows = read_rows(exported_phones / "organizations.csv")
    ids = rows[0].index("id")
    write_rows(
        exported_phones / "organizations.csv",
        [rows[0]] + [r for r in rows[1:] if r[ids] == phones["org_id"]],
    )
    _drop_first_row(exported_phones / "phones.csv", id=phones["org"])
    _drop_first_row(exported_phones / "phones.csv", id=phones["other_org"])
    result = import_path(editor, exported_phones)
    assert repo.get(db, "phone", phones["org"]) is None  # its organisation is in the data
    assert repo.get(db, "phone", phones["other_org"]) is not None  # its organisation is not
    assert result.deleted == 1


def test_only_a_records_own_owner_can_drop_it(editor, exported_phones, phones, db, tmp_path):
    """A phone of an organisation at one of its locations belongs to that location; a
    phone of a service's link to a location belongs to that link: the organisation's or the
    service's own list does not cover them."""
    # dropped from the phones: the organisation's and the service's own phone, the
    # organisation's phone at a location the data does not hold, and the link's phone
    # (its link stays in the data, but the phones file no longer lists a phone for it)
    for key in ("org", "svc1", "org_at_location"):
        _drop_first_row(exported_phones / "phones.csv", id=phones[key])
    location = db.scalar("SELECT location_id FROM phone WHERE id = ?", (phones["org_at_location"],))
    _drop_first_row(exported_phones / "locations.csv", id=location)
    result = import_path(editor, exported_phones)
    assert repo.get(db, "phone", phones["org"]) is None
    assert repo.get(db, "phone", phones["svc1"]) is None
    assert repo.get(db, "phone", phones["org_at_location"]) is not None
    assert repo.get(db, "phone", phones["link"]) is not None
    assert result.counts[("phone", "deleted")] == 2
    # JSON: the service's own "phones" list leaves the phone of its link alone
    service = {
        "id": phones["service_id"],
        "name": repo.get(db, "service", phones["service_id"])["name"],
        "organization_id": repo.get(db, "service", phones["service_id"])["organization_id"],
        "phones": [],
    }
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    result = import_path(editor, path)
    assert repo.get(db, "phone", phones["svc2"]) is None
    assert repo.get(db, "phone", phones["link"]) is not None
    assert result.counts[("phone", "deleted")] == 1


def test_a_dropped_link_takes_its_phones_and_schedules(editor, exported, db):
    sal_rows = read_rows(exported / "service_at_location.csv")
    sal_id = sal_rows[1][sal_rows[0].index("id")]
    db.execute(
        "INSERT INTO phone (id, service_at_location_id, number, created_at, updated_at,"
        " workstation) VALUES ('ph-link', ?, '+31381234567', 'x', 'x', 'x')",
        (sal_id,),
    )
    _drop_first_row(exported / "service_at_location.csv", id=sal_id)
    result = import_path(editor, exported)
    assert repo.get(db, "service_at_location", sal_id) is None
    assert repo.get(db, "phone", "ph-link") is None  # gone with its link, and counted
    assert result.counts[("service_at_location", "deleted")] == 1
    assert result.counts[("phone", "deleted")] == 1


def test_json_lists_say_all_and_missing_lists_say_nothing(editor, db, tmp_path):
    service = {
        "id": "svc-p",
        "name": "Spreekuur",
        "organization": {"id": "org-p", "name": "Buurthuis"},
        "phones": [
            {"id": "ph-1", "number": "+31201234567"},
            {"id": "ph-2", "number": "+31201234568"},
        ],
        "languages": [{"code": "ar"}],
    }
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    import_path(editor, path)
    assert {r["id"] for r in repo.children(db, "phone", "service_id", "svc-p")} == {"ph-1", "ph-2"}
    # one phone less, and no "languages" key at all: the languages stay
    service["phones"] = [{"id": "ph-2", "number": "+31201234568"}]
    del service["languages"]
    path.write_text(json.dumps([service]), encoding="utf-8")
    assert import_path(editor, path).deleted == 1
    assert {r["id"] for r in repo.children(db, "phone", "service_id", "svc-p")} == {"ph-2"}
    assert repo.languages_of(db, "svc-p") == {"ar"}
    service["phones"] = []  # an empty list: no phones any more
    path.write_text(json.dumps([service]), encoding="utf-8")
    import_path(editor, path)
    assert repo.children(db, "phone", "service_id", "svc-p") == []


def test_adding_only_never_deletes(db, exported_phones, phones):
    _drop_first_row(exported_phones / "phones.csv", id=phones["svc1"])
    before = snapshot(db)
    import_path(system_context(db), exported_phones, trusted=True, keep_existing=True)
    assert snapshot(db) == before


def test_cli_import_says_how_many_were_deleted(db, phones, data_dir, tmp_path, monkeypatch, capsys):
    from loket.cli import main
    from loket.i18n import ngettext

    context(db, "supervisor", username="chef")
    monkeypatch.setenv("LOKET_PASSWORD", "correct horse")
    out = tmp_path / "cli-export"
    base = ["--data-dir", str(data_dir), "partners"]
    assert main([*base, "export", "--out", str(out), "--user", "chef"]) == 0
    _drop_first_row(out / "phones.csv", id=phones["svc1"])
    _drop_first_row(out / "languages.csv")
    capsys.readouterr()
    assert main([*base, "import", str(out), "--user", "chef"]) == 0
    printed = capsys.readouterr().out
    assert (
        ngettext(
            "Import done: {n} record added or changed",
            "Import done: {n} records added or changed",
            0,
        ).format(n=0)
        in printed
    )
    assert (
        ngettext(
            "{n} phone number, language, schedule, document or location link that the "
            "data no longer lists was deleted",
            "{n} phone numbers, languages, schedules, documents or location links that "
            "the data no longer lists were deleted",
            2,
        ).format(n=2)
        in printed
    )


def test_a_shared_organisation_gives_the_same_lists_each_time(editor, db, tmp_path):
    """Services of one organisation each carry it; now that a list says all, a second copy
    with other phones would silently lose them: it is refused, naming where."""
    org = {"id": "org-s", "name": "Buurthuis", "phones": [{"id": "p1", "number": "+31201000001"}]}
    services = [
        {"id": "s1", "name": "Spreekuur", "organization": org},
        {"id": "s2", "name": "Inloop", "organization": {**org}},  # the same: fine
        {"id": "s3", "name": "Cursus", "organization": {"id": "org-s", "name": "Buurthuis"}},
    ]
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    import_path(editor, path)  # a copy without the list says nothing about phones
    assert {r["id"] for r in repo.children(db, "phone", "organization_id", "org-s")} == {"p1"}
    services.append(
        {
            "id": "s4",
            "name": "Taalcafé",
            "organization": {**org, "phones": [{"id": "p2", "number": "+31201000002"}]},
        }
    )
    path.write_text(json.dumps(services), encoding="utf-8")
    before = snapshot(db)
    with pytest.raises(ImportFailed) as caught:
        import_path(editor, path)
    assert (caught.value.row, caught.value.field) == (4, "organization.phones")
    assert caught.value.problem == _(
        "{id} comes again with other {key}: give them the same each time"
    ).format(id="org-s", key="phones")
    assert snapshot(db) == before


@pytest.mark.parametrize("name", ["addresses.csv", "accessibility.csv", "attributes.csv"])
def test_a_header_only_file_clears_nothing(editor, exported, db, name):
    """Addresses, accessibility notes, needs and flags stay when a tool writes the file
    without rows."""
    header = read_rows(exported / name)[0]
    write_rows(exported / name, [header])
    before = snapshot(db)
    assert import_path(editor, exported).changed == 0
    assert snapshot(db) == before


def test_attributes_of_other_taxonomies_only_clear_nothing(editor, exported, db):
    rows = read_rows(exported / "attributes.csv")
    header = rows[0]
    other = {col: "" for col in header} | {
        "id": "attr-x",
        "link_id": rows[1][header.index("link_id")],
        "link_entity": "service",
        "taxonomy_term_id": "someone-elses-term",
        "value": "true",
    }
    write_rows(exported / "attributes.csv", [header, [other[c] for c in header]])
    before = snapshot(db)
    assert import_path(editor, exported).changed == 0
    assert snapshot(db) == before


def test_other_lists_of_a_shared_organisation_may_differ(editor, db, tmp_path):
    """Only the lists Loket reads must agree between copies (metadata, funding ... not)."""
    org = {"id": "org-m", "name": "Buurthuis", "metadata": [{"id": "m1"}]}
    services = [
        {"id": "m1", "name": "Spreekuur", "organization": org},
        {"id": "m2", "name": "Inloop", "organization": {**org, "metadata": [{"id": "m2"}]}},
    ]
    path = tmp_path / "meta.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    import_path(editor, path)
    assert repo.get(db, "service", "m2") is not None


def test_a_places_list_leaves_a_services_phone_there(editor, db, tmp_path):
    """A shared place: its own phones list says nothing about a service's phone there."""
    loc = db.one("SELECT id, organization_id FROM location WHERE organization_id IS NOT NULL")
    service = db.scalar("SELECT id FROM service ORDER BY id LIMIT 1")
    insert_row(
        db,
        "phone",
        id="ph-svc-here",
        service_id=service,
        location_id=loc["id"],
        number="+31201000009",
    )
    org = repo.get(db, "organisation", loc["organization_id"])
    data = [
        {
            "id": "svc-shared",
            "name": "Inloop",
            "organization": {"id": org["id"], "name": org["name"]},
            "locations": [
                {"id": loc["id"], "name": repo.get(db, "location", loc["id"])["name"], "phones": []}
            ],
        }
    ]
    path = tmp_path / "place.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_path(editor, path)
    assert repo.get(db, "phone", "ph-svc-here") is not None
