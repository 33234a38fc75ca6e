"""Reading typed values out of table cells, with a message naming the cell when one is wrong.

Spreadsheets are forgiving in ways a scenario is not: Excel turns ``2027-05`` into a date, Dutch
Excel writes ``2,5`` for 2.5 and saves CSV with semicolons, and people write ``ja``/``nee``. The
readers here accept those and reject everything else with the fix in the message.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from werkdeling.scenario.horizon import Granularity, label_of
from werkdeling.sheets.book import CellValue, Table, column_letter


class Kind(Enum):
    """What a column holds."""

    TEXT = "text"  # free text, kept exactly
    ID = "id"  # one word; spaces around it are dropped
    NUMBER = "number"
    INTEGER = "whole number"
    BOOL = "yes or no"
    LIST = "list"  # words separated by commas
    NUMBERS = "list of numbers"
    PERIOD = "period"
    PERIODS = "periods"  # labels or ranges separated by commas


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, what it holds, and where the value goes in the scenario.

    ``key`` is the path inside the item (``("location", "lat")``); by default the header.
    """

    name: str
    kind: Kind
    help: str
    required: bool = False
    key: tuple[str, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        return self.key or (self.name,)


#: Columns any sheet may have for the coordinator's own remarks; they are not read.
NOTE_COLUMNS = ("notes", "remarks", "opmerkingen", "explanation")

_TRUE = {"yes", "y", "true", "ja", "j", "x", "1", "oui", "waar"}
_FALSE = {"no", "n", "false", "nee", "0", "non", "onwaar"}
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class Bad(Exception):
    """A cell that cannot be read; the message says what to write instead."""


def normalise_header(value: CellValue) -> str:
    return re.sub(r"[\s_]+", "_", str(value).strip().lower()) if value is not None else ""


def suggestion(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def period_label(value: CellValue, granularity: Granularity) -> str:
    """A period label from a cell; a date (Excel's reading of ``2027-05``) names its period."""
    if isinstance(value, dt.datetime | dt.date):
        return label_of(value.date() if isinstance(value, dt.datetime) else value, granularity)
    if isinstance(value, bool) or value is None:
        raise Bad(f"expected a period such as '{granularity.label_example}'")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: CellValue) -> float:
    if isinstance(value, bool):
        raise Bad(f"{value!r} is not a number; write a number such as 2 or 0.5")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise Bad(f"'{value}' is not a number; write a number such as 2 or 0.5") from None
    else:
        raise Bad(f"'{value}' is not a number; write a number such as 2 or 0.5")
    if not math.isfinite(number):
        raise Bad(f"'{value}' is not a finite number")
    return number


def _integer(value: CellValue) -> int:
    number = _number(value)
    if not number.is_integer():
        raise Bad(f"'{value}' is not a whole number; write e.g. 3")
    return int(number)


def _words(value: CellValue) -> list[str]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]


def convert(value: CellValue, kind: Kind, granularity: Granularity) -> Any:
    """The cell's value as the scenario wants it; :class:`Bad` if it cannot be one."""
    if kind is Kind.NUMBER:
        number = _number(value)
        return int(number) if number.is_integer() and not isinstance(value, float) else number
    if kind is Kind.INTEGER:
        return _integer(value)
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise Bad(f"'{value}' is not yes or no; write yes or no")
    if kind is Kind.LIST:
        return _words(value)
    if kind is Kind.NUMBERS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [float(value)]
        return [_number(part) for part in re.split(r"[;\s]+|,\s+", str(value).strip()) if part]
    if kind is Kind.PERIOD:
        return period_label(value, granularity)
    if kind is Kind.PERIODS:
        if isinstance(value, dt.datetime | dt.date):
            return [period_label(value, granularity)]
        return _words(value)
    if isinstance(value, dt.datetime | dt.date):
        return period_label(value, granularity)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if kind is Kind.ID else str(value)


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Row:
    """One data row read with a column layout: its 1-based number and its converted values."""

    number: int
    values: dict[str, Any]


class Problems:
    """Collects problems in the words a coordinator reads; each names the table, row and column."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.lines.append(f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.lines)


def header_map(
    table: Table, columns: Sequence[Column], problems: Problems, extra: list[int] | None = None
) -> dict[int, str]:
    """Name of each known column of the header row, by position.

    Unknown headers are problems, unless the caller passes ``extra``: then their positions are
    appended to it for the caller to read (the Demand sheet's period columns).
    """
    names = [c.name for c in columns]
    if not table.rows:
        problems.add(table.where(), f"the sheet is empty; its first row names the columns: {', '.join(names)}")
        return {}
    found: dict[int, str] = {}
    seen: dict[str, int] = {}
    for k, cell in enumerate(table.rows[0]):
        header = normalise_header(cell)
        if not header or header in NOTE_COLUMNS:
            if not header and any(k < len(r) and not is_blank(r[k]) for r in table.rows[1:]):
                problems.add(table.where(1, k), "this column has values but no name; name it or remove it")
            continue
        if header in names:
            if header in seen:
                problems.add(
                    table.where(1, k),
                    f"column '{header}' appears twice (also column {column_letter(seen[header])}); keep one",
                )
                continue
            seen[header] = k
            found[k] = header
        elif extra is not None:
            extra.append(k)
        else:
            problems.add(
                table.where(1, k),
                f"unknown column '{cell}'; {suggestion(header, names)}the columns are {', '.join(names)} "
                f"(a column named 'notes' is ignored)",
            )
    for column in columns:
        if column.required and column.name not in seen:
            problems.add(table.where(1), f"column '{column.name}' is missing; add it to the first row")
    return found


def read_rows(
    table: Table,
    columns: Sequence[Column],
    granularity: Granularity,
    problems: Problems,
    positions: dict[int, str] | None = None,
) -> list[Row]:
    """Every non-empty data row of ``table``, converted column by column.

    Blank optional cells are left out of ``values``; blank required cells and cells that cannot
    be read are problems. ``positions`` (from :func:`header_map`) may be passed when the caller
    also reads extra columns.
    """
    if positions is None:
        positions = header_map(table, columns, problems)
    by_name = {c.name: c for c in columns}
    rows = []
    for number, cells in enumerate(table.rows[1:], start=2):
        if all(is_blank(v) for v in cells):
            continue
        values: dict[str, Any] = {}
        for k, name in positions.items():
            column = by_name.get(name)
            if column is None:
                continue
            value = cells[k] if k < len(cells) else None
            if is_blank(value):
                if column.required:
                    problems.add(table.where(number, k, name), f"is empty; {column.help[0].lower()}{column.help[1:]}")
                continue
            try:
                values[name] = convert(value, column.kind, granularity)
            except Bad as exc:
                problems.add(table.where(number, k, name), str(exc))
        rows.append(Row(number, values))
    return rows
