"""Writing the directory as HSDS 3 tabular data: one CSV file per HSDS table, sorted by id,
and a datapackage.json without timestamps, so the same directory gives the same bytes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from loket.db import directory as repo
from loket.directory import hsds
from loket.directory.hsds_clean import guard


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return guard(str(value))


def tables(db) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {spec.name: [] for spec in hsds.FILES}
    simple = {
        "organizations.csv": "organisation",
        "services.csv": "service",
        "locations.csv": "location",
        "service_at_location.csv": "service_at_location",
        "languages.csv": "service_language",
        "phones.csv": "phone",
        "schedules.csv": "schedule",
        "required_documents.csv": "required_document",
    }
    for name, table in simple.items():
        out[name] = [dict(r) for r in repo.all_rows(db, table)]
    for loc in out["locations.csv"]:
        if any(loc[c] for c in hsds.ADDRESS_COLUMNS if c != "country"):
            out["addresses.csv"].append(
                {
                    "id": hsds.stable_id("address", loc["id"]),
                    "location_id": loc["id"],
                    **{c: loc[c] for c in hsds.ADDRESS_COLUMNS},
                    "address_type": "physical",
                }
            )
        if loc["accessibility"]:
            out["accessibility.csv"].append(
                {
                    "id": hsds.stable_id("accessibility", loc["id"]),
                    "location_id": loc["id"],
                    "description": loc["accessibility"],
                }
            )
    out["taxonomies.csv"] = [
        {
            "id": hsds.TAXONOMY_ID,
            "name": hsds.TAXONOMY_NAME,
            "version": "1",
            "description": "Loket: needs a service addresses, and desk workflow flags.",
        }
    ]
    terms = []
    for need in repo.needs_by_code(db):
        code = hsds.NEED_PREFIX + need["code"]
        terms.append(
            {
                "id": hsds.term_id(code),
                "code": code,
                "name": need["label_nl"],
                "description": need["label_en"],
            }
        )
    for code, description in hsds.FLAG_DESCRIPTIONS.items():
        terms.append(
            {"id": hsds.term_id(code), "code": code, "name": code, "description": description}
        )
    for term in terms:
        term.update(taxonomy=hsds.TAXONOMY_NAME, taxonomy_id=hsds.TAXONOMY_ID, language="nl")
    out["taxonomy_terms.csv"] = terms
    attributes = out["attributes.csv"]

    def attribute(entity: str, link_id: str, code: str, link_type: str) -> None:
        attributes.append(
            {
                "id": hsds.stable_id("attribute", link_id, code),
                "link_id": link_id,
                "taxonomy_term_id": hsds.term_id(code),
                "link_type": link_type,
                "link_entity": entity,
                "value": "true",
            }
        )

    for row in repo.all_rows(db, "service_need"):
        attribute("service", row["service_id"], hsds.NEED_PREFIX + row["need_code"], "need")
    for entity, table in hsds.ENTITY_TABLE.items():
        for row in repo.all_rows(db, table):
            for code, (entities, column) in hsds.FLAG_TERMS.items():
                if entity in entities and row[column]:
                    attribute(entity, row["id"], code, "flag")
    for rows in out.values():
        rows.sort(key=lambda r: r["id"])
    return out


def write_folder(out: Path, tables: dict[str, list[dict]]) -> list[Path]:
    """The CSV files and datapackage.json; returns the paths, datapackage.json first."""
    written = []
    for spec in hsds.FILES:
        path = out / spec.name
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(spec.columns)
            for row in tables[spec.name]:
                writer.writerow([_cell(row.get(c)) for c in spec.columns])
        written.append(path)
    package = {
        "name": "loket-partner-directory",
        "title": "Loket partner directory (Open Referral HSDS 3)",
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": spec.name.removesuffix(".csv"),
                "path": spec.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": c, "type": "string"} for c in spec.columns],
                    "primaryKey": "id",
                },
            }
            for spec in hsds.FILES
        ],
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.insert(0, path)
    return written
