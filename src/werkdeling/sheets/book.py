"""Tables in and out of files: an Excel workbook (``.xlsx``) or a folder of CSV files.

Both are read into the same :class:`Book`: named tables of plain cell values, with enough about
their origin to name the file, sheet, row and column of any problem. The layouts (which sheets,
which columns) live in :mod:`werkdeling.sheets.scenario_sheets` and
:mod:`werkdeling.sheets.plan_sheets`.

openpyxl is an optional dependency (``pip install "werkdeling[xlsx]"``); CSV needs nothing extra.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkdeling.errors import InputError
from werkdeling.serialize import atomic_output, write_text_atomic

if TYPE_CHECKING:
    from openpyxl import Workbook

#: A cell as read: text, a number, a truth value, a date (Excel turns "2027-05" into one), or empty.
CellValue = str | int | float | bool | dt.datetime | dt.date | None

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def column_letter(index: int) -> str:
    """Excel's name of the column at 0-based ``index``: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Table:
    """One sheet (or CSV file): a header row and data rows of cell values.

    ``name`` is the sheet name as the file has it; ``csv_file`` is set when it came from a CSV
    file, so messages can name that file instead of a sheet.
    """

    name: str
    rows: list[list[CellValue]]
    csv_file: str | None = None

    def where(self, row: int | None = None, column: int | None = None, header: str | None = None) -> str:
        """Words for a place in this table: 1-based ``row``, 0-based ``column``."""
        parts = [self.csv_file if self.csv_file is not None else f"sheet '{self.name}'"]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            name = f"column '{header}'" if header else f"column {column_letter(column)}"
            if self.csv_file is None and row is not None:
                name += f" ({column_letter(column)}{row})"
            parts.append(name)
        return ", ".join(parts)


@dataclass
class Book:
    """All tables of a workbook or CSV folder, by name, in file order."""

    source: str
    tables: dict[str, Table] = field(default_factory=dict)
    is_csv: bool = False


@dataclass
class OutputSheet:
    """A table to write: header, rows, and optional notes per header cell (shown as comments)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    notes: dict[str, str] = field(default_factory=dict)
    #: Column widths in characters, by header; others are sized to their content.
    widths: dict[str, float] = field(default_factory=dict)
    wrap: bool = False


def csv_name(sheet: str) -> str:
    """File name of a sheet in a CSV folder: ``Return to work`` becomes ``return-to-work.csv``."""
    return sheet.strip().lower().replace(" ", "-") + ".csv"


# -- reading -----------------------------------------------------------------------------------


def _trim(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    """Drop empty rows at the end and empty cells at the end of each row."""

    def blank(value: CellValue) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    trimmed = [list(row) for row in rows]
    for row in trimmed:
        while row and blank(row[-1]):
            row.pop()
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _need_openpyxl(purpose: str) -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the installation
        raise InputError(
            [f'{purpose} needs the openpyxl package; install it with: pip install "werkdeling[xlsx]"']
        ) from None
    return openpyxl


def read_workbook(path: Path) -> Book:
    """Every worksheet of an ``.xlsx`` file, values only (formulas give their last computed value)."""
    openpyxl = _need_openpyxl("reading .xlsx files")
    source = str(path)
    if path.stat().st_size == 0:
        raise InputError(["the file is empty; fill in the template from `werkdeling template`"], source)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        hint = "save it from Excel or LibreOffice as an Excel workbook (.xlsx)"
        raise InputError([f"this is not an Excel workbook ({type(exc).__name__}); {hint}"], source) from None
    try:
        book = Book(source)
        for sheet in workbook.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            book.tables[sheet.title] = Table(sheet.title, _trim(rows))
        return book
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[list[CellValue]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    # Excel in Dutch or French saves CSV with ';' (the comma is the decimal sign there).
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    rows: list[list[CellValue]] = [
        [cell if cell.strip() else None for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return _trim(rows)


def read_csv_folder(folder: Path, names: Sequence[str]) -> Book:
    """The CSV files of ``folder`` as tables, named by the sheet in ``names`` they stand for."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise InputError(["the folder has no .csv files; see `werkdeling template --csv` for the files"], str(folder))
    by_file = {csv_name(name): name for name in names}
    book = Book(str(folder), is_csv=True)
    for path in files:
        # An unknown file keeps its own name, so the layout check reports it.
        name = by_file.get(path.name.lower(), path.stem)
        try:
            book.tables[name] = Table(name, _read_csv(path), csv_file=path.name)
        except (OSError, csv.Error) as exc:
            raise InputError([f"{path.name}: cannot read it as CSV: {exc}"], str(folder)) from None
    return book


def read_single_csv(path: Path, name: str) -> Book:
    """One CSV file standing for the sheet ``name``."""
    try:
        rows = _read_csv(path)
    except (OSError, csv.Error) as exc:
        raise InputError([f"cannot read it as CSV: {exc}"], str(path)) from None
    return Book(str(path), {name: Table(name, rows, csv_file=path.name)}, is_csv=True)


# -- writing -----------------------------------------------------------------------------------


def _excel_safe_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31]


def unique_titles(titles: Sequence[str]) -> list[str]:
    """Valid, distinct Excel sheet titles (31 characters, no ``[]:*?/\\``), in order."""
    seen: set[str] = set()
    result = []
    for title in titles:
        candidate = base = _excel_safe_title(title)
        k = 2
        while candidate.lower() in seen:
            suffix = f"~{k}"
            candidate = base[: 31 - len(suffix)] + suffix
            k += 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def _excel_value(value: Any) -> Any:
    """A float Excel cannot hold exactly (it keeps 15 significant digits) is written as its exact
    text, which werkdeling reads back as the same number; everything else as is."""
    if isinstance(value, float) and float(f"{value:.15g}") != value:
        return repr(value)
    return value


def _workbook(sheets: Sequence[OutputSheet]) -> Workbook:
    openpyxl = _need_openpyxl("writing .xlsx files")
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec, title in zip(sheets, unique_titles([s.name for s in sheets]), strict=True):
        sheet = workbook.create_sheet(title)
        sheet.append(list(spec.header))
        for row in spec.rows:
            sheet.append([_excel_value(v) for v in row])
        for k, name in enumerate(spec.header):
            cell = sheet.cell(row=1, column=k + 1)
            cell.font, cell.fill = header_font, header_fill
            # Text format, so Excel keeps a label such as 2027-05 as typed instead of making a date.
            cell.number_format = "@"
            if name in spec.notes:
                cell.comment = Comment(spec.notes[name], "werkdeling", width=320, height=120)
            lengths = [len(str(name))] + [len(str(r[k])) for r in spec.rows[:200] if k < len(r) and r[k] is not None]
            width = spec.widths.get(name, min(60, max(lengths) + 2))
            sheet.column_dimensions[column_letter(k)].width = width
        if spec.wrap:
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B2" if len(spec.header) > 1 else "A2"
    result: Workbook = workbook
    return result


def write_workbook(path: Path, sheets: Sequence[OutputSheet]) -> None:
    """Write ``sheets`` to an ``.xlsx`` file, atomically: an existing file is only replaced by a
    complete new one."""
    workbook = _workbook(sheets)
    with atomic_output(path) as tmp:
        workbook.save(tmp)


def csv_text(spec: OutputSheet) -> str:
    """``spec`` as CSV text with a header row; truth values as true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.header)
    for row in spec.rows:
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in row])
    return buffer.getvalue()


def write_csv_folder(folder: Path, sheets: Sequence[OutputSheet]) -> list[Path]:
    """Write one CSV file per sheet into ``folder`` (created if needed).

    Every text is made first, then each file is replaced atomically; other files in the folder
    are never touched.
    """
    if folder.exists() and not folder.is_dir():
        raise InputError([f"{folder} is a file; CSV output goes into a folder, so give a folder name"])
    texts = {folder / csv_name(spec.name): csv_text(spec) for spec in sheets}
    for path, text in texts.items():
        write_text_atomic(path, text)
    return list(texts)
