"""What an HSDS source reads into, before any check against the database: records with their
file and row, the bundle of every table, and the refusal that names file, row and field.
Shared by the CSV reader (`hsds_read`), the JSON reader (`hsds_json`) and `hsds_apply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loket.directory.hsds_report import Report
from loket.errors import ValidationError
from loket.i18n import _


class ImportFailed(ValidationError):
    """HSDS data refused; the message names the file, the row and the field."""

    def __init__(
        self,
        file: str,
        row: int | None,
        fieldname: str | None,
        problem: str,
        report: Report | None = None,
    ) -> None:
        self.file, self.row, self.field, self.problem = file, row, fieldname, problem
        # every problem found in the package, this first refusal among them
        self.report = report if report is not None else Report()
        if not self.report.package_refusals:
            self.report.refuse(file, row, fieldname, None, problem)
        if row is not None and fieldname:
            msg = _("{file}, row {row}, field {field}: {problem}").format(
                file=file, row=row, field=fieldname, problem=problem
            )
        elif row is not None:
            msg = _("{file}, row {row}: {problem}").format(file=file, row=row, problem=problem)
        else:
            msg = _("{file}: {problem}").format(file=file, problem=problem)
        super().__init__({fieldname or "file": msg})
        self.args = (msg,)

    def __str__(self) -> str:
        return self.args[0]

    @classmethod
    def from_report(cls, report: Report) -> ImportFailed:
        first = report.package_refusals[0]
        return cls(first.file, first.row, first.field, first.text, report)


@dataclass
class Rec:
    file: str
    row: int
    data: dict
    prefix: str = ""  # for JSON: where in the service the record sits ("organization.")
    refused: bool = False  # left out of the import (the report says why)

    def where(self, name: str) -> str:
        return f"{self.prefix}{name}"


@dataclass
class Bundle:
    """Everything read from one source, before any check against the database."""

    tables: dict[str, list[Rec]] = field(default_factory=dict)
    addresses: list[Rec] | None = None  # None: the source says nothing about addresses
    accessibility: list[Rec] | None = None
    attributes: list[Rec] | None = None  # data: link_id, link_entity, code, value
    # Tables whose file the source holds with at least one row (CSV): for every organisation,
    # service and location it holds, that file says all of its own records of that table.
    whole_tables: set[str] = field(default_factory=set)
    # table -> (owner column, owner id) whose records of that table the source lists in full
    # (JSON: a service's "phones": [...] says all its phones, also when the list is empty)
    described: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    # table -> refused records (left out; kept here so that what they name is not deleted)
    refused: dict[str, list[Rec]] = field(default_factory=dict)

    def refused_ids(self, table: str) -> set[str]:
        return {str(r.data["id"]) for r in self.refused.get(table, []) if r.data.get("id")}

    def drop_refused(self) -> bool:
        """Move refused records out of the tables; True when there were any."""
        moved = False
        for table, recs in self.tables.items():
            gone = [r for r in recs if r.refused]
            if gone:
                self.refused.setdefault(table, []).extend(gone)
                self.tables[table] = [r for r in recs if not r.refused]
                moved = True
        for name in ("addresses", "accessibility", "attributes"):
            recs = getattr(self, name)
            if recs:
                gone = [r for r in recs if r.refused]
                if gone:
                    self.refused.setdefault(name, []).extend(gone)
                    setattr(self, name, [r for r in recs if not r.refused])
                    moved = True
        return moved

    def add(self, table: str, rec: Rec) -> None:
        self.tables.setdefault(table, []).append(rec)
