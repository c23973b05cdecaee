"""What an HSDS check found: every refusal, warning, normalisation and ignored part of a
package, each with file, row, field, value and what was done, so that an administrator sees
everything at once instead of the first odd value.

A refusal of one record (a latitude of NaN, a link whose service is nowhere) leaves that record
out: the valid records are still imported, and a reference to the refused record is handled like
one to a record outside the package.  A refusal of the package itself (a file that is not CSV, a
missing required column or file) means nothing is imported.  Warnings, normalisations and
ignored columns or tables never block an import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from loket.i18n import _

REFUSED, WARNING, NORMALISED, IGNORED = "refused", "warning", "normalised", "ignored"
LEVELS = (REFUSED, WARNING, NORMALISED, IGNORED)


@dataclass(frozen=True)
class Problem:
    level: str
    file: str
    row: int | None
    field: str | None
    value: str | None
    text: str  # what is wrong, or what was done (translated)
    record: bool = False  # a refusal of this one record only, not of the whole package

    def line(self) -> str:
        where = self.file
        if self.row is not None:
            where += ", " + _("row {row}").format(row=self.row)
        if self.field:
            where += ", " + _("field {field}").format(field=self.field)
        value = f" «{self.value}»" if self.value not in (None, "") else ""
        return f"{level_label(self.level)}: {where}{value}: {self.text}"


def level_label(level: str) -> str:
    return {
        REFUSED: _("refused"),
        WARNING: _("warning"),
        NORMALISED: _("normalised"),
        IGNORED: _("ignored"),
    }[level]


def _shown(value) -> str | None:
    if value is None:
        return None
    text = str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    _ignored: set = field(default_factory=set, repr=False)

    def add(self, level: str, file: str, row, fieldname, value, text: str) -> None:
        self.problems.append(Problem(level, file, row, fieldname, _shown(value), text))

    def refuse(self, file, row, fieldname, value, text) -> None:
        """The package cannot be imported at all."""
        self.add(REFUSED, file, row, fieldname, value, text)

    def refuse_record(self, rec, fieldname, value, text) -> None:
        """`rec` is left out of the import (and marked so); the rest can still be imported."""
        rec.refused = True
        self.problems.append(
            Problem(REFUSED, rec.file, rec.row, fieldname, _shown(value), text, record=True)
        )

    def warn(self, file, row, fieldname, value, text) -> None:
        self.add(WARNING, file, row, fieldname, value, text)

    def normalised(self, file, row, fieldname, value, text) -> None:
        self.add(NORMALISED, file, row, fieldname, value, text)

    def ignore_once(self, file: str, fieldname: str | None, text: str) -> None:
        """One line per unknown column or table, however many rows hold it."""
        if (file, fieldname) not in self._ignored:
            self._ignored.add((file, fieldname))
            self.add(IGNORED, file, None, fieldname, None, text)

    @property
    def refusals(self) -> list[Problem]:
        return [p for p in self.problems if p.level == REFUSED]

    @property
    def package_refusals(self) -> list[Problem]:
        """Refusals that stop the whole import."""
        return [p for p in self.problems if p.level == REFUSED and not p.record]

    def count(self, level: str) -> int:
        return sum(1 for p in self.problems if p.level == level)

    def lines(self) -> list[str]:
        order = {REFUSED: 0, WARNING: 1, NORMALISED: 2, IGNORED: 3}
        return [p.line() for p in sorted(self.problems, key=lambda p: order[p.level])]

    def as_json(self) -> list[dict]:
        return [asdict(p) for p in self.problems]
