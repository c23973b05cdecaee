"""Messy HSDS packages as other publishers write them: each test shows the report and what
landed; a refused package changes nothing."""

from __future__ import annotations

import json

import pytest

from loket.db import directory as repo
from loket.directory.hsds_report import IGNORED, NORMALISED, REFUSED, WARNING
from loket.directory.transfer import ImportFailed, check_path, import_path
from loket.i18n import _, ngettext
from tests.directory.test_hsds_io import empty_db, snapshot  # noqa: F401
from tests.helpers import context


@pytest.fixture
def admin(empty_db):  # noqa: F811
    return context(empty_db, "beheerder")


def write(path, text: str, *, bom: bool = False, crlf: bool = False) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def by_level(report, level: str) -> list[tuple]:
    return [(p.file, p.row, p.field, p.value) for p in report.problems if p.level == level]


def package(tmp_path, files: dict[str, str], **kw):
    folder = tmp_path / "package"
    folder.mkdir()
    for name, text in files.items():
        write(folder / name, text, **kw)
    return folder


def test_quoted_and_extended_phones_and_other_normalisations(admin, empty_db, tmp_path):  # noqa: F811
    folder = package(
        tmp_path,
        {
            "organizations.csv": "id;name;website;email\n"
            "org-1;Bibliotheek Noord;www.bieb-noord.nl;info @bieb-noord.nl\n",
            "services.csv": "id;organization_id;name;assured_date\n"
            "svc-1;org-1;Taalhuis;15-01-2026\n",
            "phones.csv": "id;organization_id;service_id;number;extension\n"
            'ph-1;org-1;;"""+44 1234 234567""";\n'
            "ph-2;;svc-1;+31 20 123 4567 ext. 12;\n"
            "ph-3;;svc-1;038 111 2222;\n",
        },
        bom=True,
        crlf=True,
    )
    result = import_path(admin, folder)
    report = result.report
    assert by_level(report, REFUSED) == []
    normalised = {
        (p.file, p.row, p.field): p.value for p in report.problems if p.level == NORMALISED
    }
    assert normalised == {
        ("organizations.csv", 2, "website"): "www.bieb-noord.nl",
        ("organizations.csv", 2, "email"): "info @bieb-noord.nl",
        ("services.csv", 2, "assured_date"): "15-01-2026",
        ("phones.csv", 2, "number"): '"+44 1234 234567"',
        ("phones.csv", 3, "number"): "+31 20 123 4567 ext. 12",
    }
    said = _("read as {number}, extension {ext}").format(number="+31 20 123 4567", ext="12")
    assert any(line.endswith(said) for line in report.lines())
    org = repo.get(empty_db, "organisation", "org-1")
    assert (org["website"], org["email"]) == ("https://www.bieb-noord.nl", "info@bieb-noord.nl")
    assert repo.get(empty_db, "service", "svc-1")["assured_date"] == "2026-01-15"
    assert repo.get(empty_db, "phone", "ph-1")["number"] == "+44 1234 234567"
    ph2 = repo.get(empty_db, "phone", "ph-2")
    assert (ph2["number"], ph2["extension"]) == ("+31 20 123 4567", "12")
    assert repo.get(empty_db, "phone", "ph-3")["number"] == "038 111 2222"


def test_dangling_references_are_dropped_with_a_warning(admin, empty_db, tmp_path):  # noqa: F811
    folder = package(
        tmp_path,
        {
            "organizations.csv": "id,name\norg-1,Gemeente Zwolle\n",
            "locations.csv": "id,organization_id,name\nloc-1,org-elsewhere,Stadskantoor\n",
            "services.csv": "id,organization_id,name\nsvc-1,org-1,Schuldhulp\n",
            "phones.csv": "id,location_id,service_id,number\n"
            "ph-1,loc-gone,svc-1,038 498 9111\n"
            "ph-2,loc-gone,,038 498 0000\n",
            "addresses.csv": "id,location_id,address_1,city,postal_code\n"
            "ad-1,loc-gone,Straat 1,Zwolle,8011 AB\n",
        },
    )
    result = import_path(admin, folder)
    assert by_level(result.report, REFUSED) == []
    assert by_level(result.report, WARNING) == [
        ("locations.csv", 2, "organization_id", "org-elsewhere"),
        ("phones.csv", 2, "location_id", "loc-gone"),
        ("phones.csv", 3, "location_id", "loc-gone"),
        ("phones.csv", 3, None, "ph-2"),
        ("addresses.csv", 2, "location_id", "loc-gone"),
    ]
    location = repo.get(empty_db, "location", "loc-1")
    assert location["name"] == "Stadskantoor" and location["organization_id"] is None
    phone = repo.get(empty_db, "phone", "ph-1")
    assert (phone["service_id"], phone["location_id"]) == ("svc-1", None)
    assert repo.get(empty_db, "phone", "ph-2") is None


def test_what_cannot_stand_alone_is_refused_and_every_problem_is_listed(admin, empty_db, tmp_path):  # noqa: F811
    folder = package(
        tmp_path,
        {
            "organizations.csv": "id,name\norg-1,Gemeente Zwolle\n",
            "locations.csv": "id,name,latitude,longitude\n"
            "loc-1,A,NaN,6.1\nloc-2,B,1e999,6.1\nloc-3,C,52.5,999\n",
            "services.csv": "id,organization_id,name,status\n"
            "svc-1,org-1,Schuldhulp,open\nsvc-2,org-none,Budgetcoach,active\n",
            "service_at_location.csv": "id,service_id,location_id\nsal-1,svc-gone,loc-1\n",
            "phones.csv": "id,organization_id,number\nph-1,org-1,call us\n",
        },
    )
    result = import_path(admin, folder)
    refused = {(f, r, fld) for f, r, fld, _v in by_level(result.report, REFUSED)}
    assert refused == {
        ("locations.csv", 2, "latitude"),
        ("locations.csv", 3, "latitude"),
        ("locations.csv", 4, "longitude"),
        ("services.csv", 2, "status"),
        ("services.csv", 3, "organization_id"),
        ("service_at_location.csv", 2, "service_id"),
        ("service_at_location.csv", 2, "location_id"),  # loc-1 is refused above
        ("phones.csv", 2, "number"),
    }
    # every record but the organisation was refused: only it landed, in the same import
    assert result.refused == 7
    assert [r["id"] for r in empty_db.all("SELECT id FROM organisation")] == ["org-1"]
    for table in ("location", "service", "service_at_location", "phone"):
        assert empty_db.all(f"SELECT id FROM {table}") == []
    rows = empty_db.all("SELECT result, detail FROM audit_log WHERE action = 'directory.import'")
    detail = json.loads(rows[-1]["detail"])
    assert rows[-1]["result"] == "ok" and detail["report"]["counts"][REFUSED] == 8
    assert detail["refused_records"] == 7 and detail["changed"] == 1


def test_a_reference_to_a_refused_record_is_handled_like_a_dangling_one(admin, empty_db, tmp_path):  # noqa: F811
    folder = package(
        tmp_path,
        {
            "organizations.csv": "id,name\norg-1,Gemeente Zwolle\norg-2,\u202eZwolle\n",
            "locations.csv": "id,organization_id,name,latitude\n"
            "loc-1,org-1,Stadskantoor,NaN\nloc-2,org-2,Bibliotheek,52.5\n",
            "services.csv": "id,organization_id,name\nsvc-1,org-1,Schuldhulp\n"
            "svc-2,org-2,Taalhuis\n",
            "service_at_location.csv": "id,service_id,location_id\nsal-1,svc-1,loc-1\n",
            "phones.csv": "id,location_id,service_id,number\nph-1,loc-1,svc-1,038 498 9111\n",
            "addresses.csv": "id,location_id,address_1,city,postal_code\n"
            "ad-1,loc-1,Straat 1,Zwolle,8011 AB\n",
        },
    )
    result = import_path(admin, folder)
    assert by_level(result.report, REFUSED) == [
        ("organizations.csv", 3, "name", "\u202eZwolle"),
        ("locations.csv", 2, "latitude", "NaN"),
        ("services.csv", 3, "organization_id", "org-2"),  # cannot stand without org-2
        ("service_at_location.csv", 2, "location_id", "loc-1"),
    ]
    assert by_level(result.report, WARNING) == [
        ("locations.csv", 3, "organization_id", "org-2"),
        ("phones.csv", 2, "location_id", "loc-1"),
        ("addresses.csv", 2, "location_id", "loc-1"),
    ]
    said = _("refused above: imported without this link")
    assert any(line.endswith(said) for line in result.report.lines())
    assert repo.get(empty_db, "location", "loc-2")["organization_id"] is None
    phone = repo.get(empty_db, "phone", "ph-1")
    assert (phone["service_id"], phone["location_id"]) == ("svc-1", None)
    assert repo.get(empty_db, "service", "svc-1")["name"] == "Schuldhulp"
    for table, row_id in (("organisation", "org-2"), ("location", "loc-1"), ("service", "svc-2")):
        assert repo.get(empty_db, table, row_id) is None


def test_a_refused_record_that_the_directory_holds_stays_as_it_was(admin, empty_db, tmp_path):  # noqa: F811
    first = package(
        tmp_path,
        {
            "organizations.csv": "id,name\norg-1,Gemeente Zwolle\n",
            "services.csv": "id,organization_id,name\nsvc-1,org-1,Schuldhulp\n",
            "phones.csv": "id,service_id,number\nph-1,svc-1,038 498 9111\n"
            "ph-2,svc-1,038 498 2222\n",
        },
    )
    import_path(admin, first)
    second = tmp_path / "second"
    second.mkdir()
    # ph-1 is refused: it keeps its number, and svc-1's phones.csv is then no full list, so
    # ph-2 (no longer listed) is not deleted either; svc-1's new name lands.
    write(second / "organizations.csv", "id,name\norg-1,Gemeente Zwolle\n")
    write(second / "services.csv", "id,organization_id,name\nsvc-1,org-1,Schuldhulpmaatje\n")
    write(second / "phones.csv", "id,service_id,number\nph-1,svc-1,bel ons\n")
    result = import_path(admin, second)
    assert result.refused == 1 and result.deleted == 0
    assert repo.get(empty_db, "service", "svc-1")["name"] == "Schuldhulpmaatje"
    assert repo.get(empty_db, "phone", "ph-1")["number"] == "038 498 9111"
    assert repo.get(empty_db, "phone", "ph-2")["number"] == "038 498 2222"


def test_uk_profile_like_package_ignores_what_loket_does_not_read(admin, empty_db, tmp_path):  # noqa: F811
    folder = package(
        tmp_path,
        {
            "organizations.csv": "id,name,url,logo,uri\n"
            "org-uk,Age Concern,https://example.org.uk,logo.png,x\n"
            "org-uk2,Citizens Advice,,,\n",
            "services.csv": "id,organization_id,name,attending_type,attending_access,"
            "deliverable_type\n"
            "svc-uk,org-uk,Lunch club,In person,drop-in,Information\n",
            "reviews.csv": "id,service_id,reviewer_organization_id,score\nr1,svc-uk,org-uk2,5\n",
            "link_taxonomy.csv": "id,link_type,link_id,taxonomy_id\nl1,service,svc-uk,t1\n",
            "service_areas.csv": "id,service_id,service_area\nsa1,svc-uk,Leeds\n",
        },
    )
    result = import_path(admin, folder)
    ignored = [(f, fld) for f, _r, fld, _v in by_level(result.report, IGNORED)]
    assert sorted(ignored, key=str) == sorted(
        [
            ("reviews.csv", None),
            ("link_taxonomy.csv", None),
            ("service_areas.csv", None),
            ("organizations.csv", "url"),
            ("organizations.csv", "logo"),
            ("organizations.csv", "uri"),
            ("services.csv", "attending_type"),
            ("services.csv", "attending_access"),
            ("services.csv", "deliverable_type"),
        ],
        key=str,
    )
    assert len(result.report.problems) == len(ignored)  # one line per column, not per row
    assert repo.get(empty_db, "service", "svc-uk")["name"] == "Lunch club"
    assert repo.get(empty_db, "organisation", "org-uk2")["name"] == "Citizens Advice"


API_PAGE = {
    "total_items": 1,
    "total_pages": 1,
    "page_number": 1,
    "size": 1,
    "first_page": True,
    "last_page": True,
    "empty": False,
    "contents": [
        {
            "id": "svc-api",
            "name": "Digitaal Spreekuur",
            "status": "active",
            "url": "bibliotheek.example.nl/spreekuur",
            "metadata": [{"id": "m1", "last_action_type": "update"}],
            "organization": {
                "id": "org-api",
                "name": "Bibliotheek Den Haag",
                "funding": [{"id": "f1", "source": "Gemeente"}],
                "phones": [{"id": "ph-org", "number": "'070 353 4455'"}],
            },
            "service_at_locations": [
                {
                    "id": "sal-api",
                    "location": {
                        "id": "loc-api",
                        "name": "Centrale Bibliotheek",
                        "latitude": 52.078,
                        "longitude": 4.316,
                        "addresses": [
                            {"address_1": "Spui 68", "city": "Den Haag", "postal_code": "2511 BT"}
                        ],
                        "phones": [{"id": "ph-loc", "number": "070 353 4400 x 3"}],
                    },
                }
            ],
            "phones": [{"id": "ph-svc", "number": "070 353 4499", "languages": [{"code": "nl"}]}],
            "schedules": [
                {
                    "id": "sch-api",
                    "freq": "WEEKLY",
                    "byday": "WE",
                    "opens_at": "13:00",
                    "closes_at": "16:00",
                }
            ],
        }
    ],
}


def test_json_api_page_with_contents_and_nested_records(admin, empty_db, tmp_path):  # noqa: F811
    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    result = import_path(admin, path)
    report = result.report
    assert by_level(report, REFUSED) == [] and by_level(report, WARNING) == []
    assert {fld for _f, _r, fld, _v in by_level(report, IGNORED)} == {
        "metadata",
        "organization.funding",
        "phones[].languages",
    }
    assert {fld for _f, _r, fld, _v in by_level(report, NORMALISED)} == {
        "url",
        "organization.phones[0].number",
        "service_at_locations[0].location.phones[0].number",
    }
    assert (
        repo.get(empty_db, "service", "svc-api")["url"]
        == "https://bibliotheek.example.nl/spreekuur"
    )
    assert repo.get(empty_db, "phone", "ph-org")["number"] == "070 353 4455"
    loc_phone = repo.get(empty_db, "phone", "ph-loc")
    assert (loc_phone["number"], loc_phone["extension"]) == ("070 353 4400", "3")
    assert repo.get(empty_db, "location", "loc-api")["city"] == "Den Haag"
    assert repo.get(empty_db, "schedule", "sch-api")["byday"] == "WE"
    assert import_path(admin, path).changed == 0


def test_a_single_api_service_object_is_read_too(admin, empty_db, tmp_path):  # noqa: F811
    path = tmp_path / "one.json"
    path.write_text(json.dumps(API_PAGE["contents"][0]), encoding="utf-8")
    import_path(admin, path)
    assert repo.get(empty_db, "service", "svc-api") is not None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": True}, "name"),
        ({"organization": {"id": "o", "name": False}}, "organization.name"),
    ],
)
def test_a_boolean_as_a_name_is_refused(admin, empty_db, tmp_path, change, field):  # noqa: F811
    path = tmp_path / "bool.json"
    path.write_text(json.dumps([{"id": "s", "name": "Hulp", "organization_id": "o", **change}]))
    result = import_path(admin, path)
    assert field in [p.field for p in result.report.refusals]
    assert repo.get(empty_db, "service", "s") is None


def test_deeply_nested_json_and_lone_surrogates_get_clear_errors(admin, empty_db, tmp_path):  # noqa: F811
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    before = snapshot(empty_db)
    with pytest.raises(ImportFailed) as caught:
        import_path(admin, deep)
    assert _("the JSON is nested too deeply to be HSDS data") in str(caught.value)
    assert snapshot(empty_db) == before
    lone = tmp_path / "lone.json"
    lone.write_text(
        '[{"id": "s", "name": "Hulp \\ud800", "organization": {"id": "o", "name": "Org"}}]'
    )
    result = import_path(admin, lone)
    assert [(p.row, p.field, p.text) for p in result.report.refusals] == [
        (1, "name", _("the text holds an invalid character (a lone surrogate)"))
    ]
    assert repo.get(empty_db, "service", "s") is None
    assert repo.get(empty_db, "organisation", "o")["name"] == "Org"


def test_check_writes_nothing_and_reports_what_import_would(admin, empty_db, tmp_path):  # noqa: F811
    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    before = snapshot(empty_db)
    checked = check_path(admin, path)
    assert snapshot(empty_db) == before
    assert checked.changed > 0
    assert checked.report.lines() == import_path(admin, path).report.lines()


def test_cli_check_prints_the_report_and_writes_nothing(
    db, data_dir, tmp_path, monkeypatch, capsys
):
    from loket.cli import main

    context(db, "supervisor", username="chef")
    monkeypatch.setenv("LOKET_PASSWORD", "correct horse")
    path = tmp_path / "page.json"
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    base = ["--data-dir", str(data_dir), "partners", "import", str(path), "--user", "chef"]
    before = snapshot(db)
    capsys.readouterr()
    assert main([*base, "--check"]) == 0
    out = capsys.readouterr().out
    assert "organization.funding" in out and "070 353 4455" in out
    assert snapshot(db) == before
    bad = json.loads(json.dumps(API_PAGE))
    bad["contents"][0]["name"] = True
    bad["contents"][0]["service_at_locations"][0]["location"]["latitude"] = float("nan")
    path.write_text(json.dumps(bad), encoding="utf-8")
    # 3: the valid records would land, the refused ones not
    assert main([*base, "--check"]) == 3
    out = capsys.readouterr().out
    assert "latitude" in out and _("field {field}").format(field="name") in out
    said = ngettext(
        "{n} refused record is not imported: see the report above",
        "{n} refused records are not imported: see the report above",
        3,
    ).format(n=3)  # the service, its location, and the link between them
    assert said in out
    assert snapshot(db) == before
    assert main(base) == 3
    assert repo.get(db, "organisation", "org-api")["name"] == "Bibliotheek Den Haag"
    assert repo.get(db, "service", "svc-api") is None
    assert repo.get(db, "location", "loc-api") is None
    path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    assert main(base) == 0
    assert repo.get(db, "service", "svc-api") is not None
    row = db.all("SELECT detail FROM audit_log WHERE action = 'directory.import' AND result = 'ok'")
    saved = json.loads(row[-1]["detail"])["report"]
    assert saved["counts"][IGNORED] == 3 and saved["counts"][NORMALISED] == 3
    stored = db.one("SELECT problems FROM import_report WHERE id = ?", (saved["id"],))
    assert {p["field"] for p in json.loads(stored["problems"])} >= {"metadata", "url"}
