"""A scenario as a workbook (or a folder of CSV files) and back, without losing anything.

The layout, one sheet per kind of thing a coordinator fills in:

=====================  ===========================================================
sheet                  one row per
=====================  ===========================================================
Scenario               setting: name, horizon, full-time norm, legal form (*setting, value*)
Employers              employer (member of the pool)
Demand                 employer, role and level (required, desired, maximum), one column per period
Vacancies              permanent job on offer (*Van werk naar werk*)
Workers                worker
Skills                 worker and skill
Unavailability         worker and period (or range) they cannot work
Return to work         worker returning after illness (*re-integratie*)
Preferences            worker preference
Trainings              course offered in quiet periods
Rules                  rule, weight or objective setting (*setting, value*)
Forbidden transitions  pair of employers nobody moves between in consecutive periods
Window limits          "at most k of these periods" limit
=====================  ===========================================================

Only Scenario, Employers, Demand and Workers must be there. Column and setting names are the
field names of the scenario file (``werkdeling schema``), so the YAML and the workbook read alike.
Reading builds the same plain data a YAML file gives and checks it with :class:`Scenario`; any
problem names the sheet, row and column it comes from.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from werkdeling.errors import ScenarioError
from werkdeling.scenario.entities import Employer, Worker
from werkdeling.scenario.horizon import Granularity, Horizon
from werkdeling.scenario.legal import LegalForm
from werkdeling.scenario.programmes import ReturnToWork, TrainingOffer, Vacancy
from werkdeling.scenario.scenario import Scenario
from werkdeling.scenario.settings import (
    TERM_QUANTITY,
    Rules,
    Splits,
    Term,
    Weights,
)
from werkdeling.sheets.book import (
    XLSX_SUFFIXES,
    Book,
    OutputSheet,
    Table,
    read_csv_folder,
    read_workbook,
    write_csv_folder,
    write_workbook,
)
from werkdeling.sheets.cells import (
    Bad,
    Column,
    Kind,
    Problems,
    Row,
    convert,
    header_map,
    is_blank,
    normalise_header,
    period_label,
    read_rows,
    suggestion,
)

# -- help texts, taken from the numpydoc "Parameters" of the models ---------------------------


def field_help(model: type[BaseModel]) -> dict[str, str]:
    """First sentence of each parameter's description in ``model``'s docstring."""
    doc = model.__doc__ or ""
    section = doc.partition("Parameters\n    ----------\n")[2]
    helps: dict[str, str] = {}
    names: list[str] = []
    for line in section.splitlines():
        if line.startswith("    ") and not line.startswith("     ") and line.strip():
            names = [n.strip() for n in line.split(",")]
        elif line.startswith("        ") and names:
            for name in names:
                helps[name] = (helps.get(name, "") + " " + line.strip()).strip()
    # Docstrings quote names in reST (``like this``); a spreadsheet comment shows plain quotes.
    return {name: re.split(r"(?<=[.;])\s", text.replace("``", "'"))[0].rstrip(";.") for name, text in helps.items()}


def _column(model: type[BaseModel], name: str, kind: Kind, required: bool = False, help: str = "") -> Column:
    return Column(name, kind, help or field_help(model).get(name, name), required)


_LOCATION = (
    Column("place", Kind.TEXT, "Name of the place, for reports", key=("location", "place")),
    Column("lat", Kind.NUMBER, "Latitude in degrees (WGS84), e.g. 50.93", True, ("location", "lat")),
    Column("lon", Kind.NUMBER, "Longitude in degrees (WGS84), e.g. 5.34", True, ("location", "lon")),
)

EMPLOYER_COLUMNS = (
    _column(Employer, "id", Kind.ID, True),
    _column(Employer, "name", Kind.TEXT),
    *_LOCATION,
    _column(Employer, "sector", Kind.TEXT),
    _column(Employer, "member", Kind.BOOL),
    _column(Employer, "max_shared_workers", Kind.INTEGER),
    _column(Employer, "coaching_capacity", Kind.INTEGER),
    _column(Employer, "overstaffing_cost", Kind.INTEGER),
)
WORKER_COLUMNS = (
    _column(Worker, "id", Kind.ID, True),
    _column(Worker, "name", Kind.TEXT),
    *_LOCATION,
    Column("fte", Kind.NUMBER, "Contract in FTE of the full-time norm, e.g. 0.8 (give fte or hours)"),
    Column("hours", Kind.NUMBER, "Contract in hours per period (give fte or hours)"),
    _column(Worker, "guaranteed", Kind.BOOL),
    _column(Worker, "max_travel_km", Kind.NUMBER),
    _column(Worker, "home_employer", Kind.ID),
    Column("transition_deadline", Kind.PERIOD, "Van werk naar werk: last period to start in a permanent job"),
    Column("min_total_hours", Kind.NUMBER, "Fewest hours worked over the whole horizon"),
    Column("max_total_hours", Kind.NUMBER, "Most hours worked over the whole horizon"),
    _column(Worker, "needs_coaching", Kind.BOOL),
)
SKILL_COLUMNS = (
    Column("worker", Kind.ID, "Id of a worker on the Workers sheet", True),
    Column("skill", Kind.ID, "A role the worker can fill, as employers name it on the Demand sheet", True),
)
UNAVAILABILITY_COLUMNS = (
    Column("worker", Kind.ID, "Id of a worker on the Workers sheet", True),
    Column("from", Kind.PERIOD, "First period the worker cannot work", True),
    Column("until", Kind.PERIOD, "Last period the worker cannot work (empty: only 'from')"),
)
RETURN_COLUMNS = (
    Column("worker", Kind.ID, "Id of a worker on the Workers sheet", True),
    _column(ReturnToWork, "start", Kind.PERIOD, True),
    Column("shares", Kind.NUMBERS, "Share of contract hours in each step, e.g. 0.2, 0.4, 0.6, 0.8", True),
    _column(ReturnToWork, "periods_per_step", Kind.INTEGER),
    Column("roles", Kind.LIST, "Adapted roles during the ramp, separated by commas"),
    _column(ReturnToWork, "employer", Kind.ID),
    _column(ReturnToWork, "approved_until", Kind.PERIOD),
)
PREFERENCE_COLUMNS = (
    Column("worker", Kind.ID, "Id of a worker on the Workers sheet", True),
    Column("kind", Kind.ID, "prefer or avoid", True),
    Column("employer", Kind.ID, "Employer preferred or avoided (empty: any)"),
    Column("periods", Kind.PERIODS, "Periods or ranges, separated by commas (empty: all)"),
    Column("weight", Kind.INTEGER, "Cost points per period the wish is not met (default 1)"),
)
VACANCY_COLUMNS = (
    Column("employer", Kind.ID, "Id of the employer offering the job", True),
    _column(Vacancy, "id", Kind.ID, True, "Short id of the job, unique within the employer"),
    _column(Vacancy, "role", Kind.ID, True),
    _column(Vacancy, "available_from", Kind.PERIOD, True),
    _column(Vacancy, "count", Kind.INTEGER),
)
TRAINING_COLUMNS = (
    _column(TrainingOffer, "id", Kind.ID, True),
    _column(TrainingOffer, "skill", Kind.ID, True),
    _column(TrainingOffer, "duration", Kind.INTEGER),
    _column(TrainingOffer, "seats", Kind.INTEGER),
    _column(TrainingOffer, "cost", Kind.INTEGER),
    Column("starts", Kind.PERIODS, "Periods or ranges in which it may start, separated by commas (empty: any)"),
    _column(TrainingOffer, "location", Kind.ID),
)
TRANSITION_COLUMNS = (
    Column("from_employer", Kind.ID, "Employer worked for in one period", True),
    Column("to_employer", Kind.ID, "Employer nobody works for in the next period", True),
)
WINDOW_COLUMNS = (
    Column("name", Kind.TEXT, "A name for the limit, e.g. summer", True),
    Column("periods", Kind.PERIODS, "Periods or ranges, separated by commas", True),
    Column("max_worked", Kind.INTEGER, "Most of these periods any one worker works", True),
)
DEMAND_COLUMNS = (
    Column("employer", Kind.ID, "Id of an employer on the Employers sheet", True),
    Column("role", Kind.ID, "The skill a worker needs, e.g. picker or heftruck", True),
    Column("level", Kind.ID, "required (default), desired or maximum"),
    Column("unit", Kind.ID, "fte (default) or hours per period"),
    Column("every_period", Kind.NUMBER, "One amount for every period, instead of the period columns"),
)
LEVELS = ("required", "desired", "maximum")

# -- the settings sheets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """A row of a *setting, value* sheet and where its value goes in the scenario."""

    name: str
    kind: Kind
    help: str
    path: tuple[str, ...]
    required: bool = False


def _scenario_settings() -> tuple[Setting, ...]:
    helps = field_help(Scenario)
    horizon = field_help(Horizon)
    return (
        Setting("name", Kind.TEXT, "Name of the scenario, for reports", ("name",)),
        Setting("description", Kind.TEXT, "Free text", ("description",)),
        Setting("start", Kind.PERIOD, horizon["start"], ("horizon", "start"), True),
        Setting("periods", Kind.INTEGER, horizon["periods"], ("horizon", "periods"), True),
        Setting("granularity", Kind.ID, horizon["granularity"], ("horizon", "granularity")),
        Setting(
            "full_time_hours_per_week", Kind.NUMBER, helps["full_time_hours_per_week"], ("full_time_hours_per_week",)
        ),
        Setting("legal_form", Kind.ID, "One of: " + ", ".join(f.value for f in LegalForm), ("legal_form",)),
        Setting("skills", Kind.LIST, "Optional catalogue of skill names, separated by commas", ("skills",)),
    )


def _kind_of(annotation: Any) -> Kind:
    text = str(annotation)
    if "bool" in text:
        return Kind.BOOL
    if "int" in text.lower() and "float" not in text.lower():
        return Kind.INTEGER
    return Kind.NUMBER


#: Rules kept on sheets of their own, or as the splits settings.
_LIST_RULES = ("splits", "forbidden_transitions", "window_limits")


def _rule_settings() -> tuple[Setting, ...]:
    rules_help, splits_help = field_help(Rules), field_help(Splits)
    settings = [
        Setting(name, _kind_of(info.annotation), rules_help.get(name, name), ("rules", name))
        for name, info in Rules.model_fields.items()
        if name not in _LIST_RULES
    ]
    settings.append(
        Setting("splits", Kind.BOOL, "yes: a worker may split a period between employers", ("rules", "splits"))
    )
    settings += [
        Setting(f"splits.{name}", _kind_of(info.annotation), splits_help.get(name, name), ("rules", "splits", name))
        for name, info in Splits.model_fields.items()
    ]
    defaults = Weights()
    for term in Term:
        unit = TERM_QUANTITY[term][0].removesuffix("s") if TERM_QUANTITY[term][0] != "points" else "point"
        settings.append(
            Setting(
                f"weights.{term.value}",
                Kind.INTEGER,
                f"Cost per {unit} of {term.value} (default {defaults.of(term)})",
                ("weights", term.value),
            )
        )
    settings += [
        Setting("objective.mode", Kind.ID, "weighted (default) or lexicographic", ("objective", "mode")),
        Setting(
            "objective.priorities",
            Kind.ID,
            "Levels for lexicographic mode: terms separated by commas, levels by semicolons",
            ("objective", "priorities"),
        ),
    ]
    return tuple(settings)


SCENARIO_SETTINGS = _scenario_settings()
RULE_SETTINGS = _rule_settings()

# -- the sheets ----------------------------------------------------------------------------------

README_SHEET = "Read me"
REQUIRED_SHEETS = ("Scenario", "Employers", "Demand", "Workers")
ROW_SHEETS: dict[str, tuple[Column, ...]] = {
    "Employers": EMPLOYER_COLUMNS,
    "Demand": DEMAND_COLUMNS,
    "Vacancies": VACANCY_COLUMNS,
    "Workers": WORKER_COLUMNS,
    "Skills": SKILL_COLUMNS,
    "Unavailability": UNAVAILABILITY_COLUMNS,
    "Return to work": RETURN_COLUMNS,
    "Preferences": PREFERENCE_COLUMNS,
    "Trainings": TRAINING_COLUMNS,
    "Forbidden transitions": TRANSITION_COLUMNS,
    "Window limits": WINDOW_COLUMNS,
}
SETTING_SHEETS: dict[str, tuple[Setting, ...]] = {"Scenario": SCENARIO_SETTINGS, "Rules": RULE_SETTINGS}
#: Sheet order in a written workbook.
SHEET_ORDER = (
    "Scenario",
    "Employers",
    "Demand",
    "Vacancies",
    "Workers",
    "Skills",
    "Unavailability",
    "Return to work",
    "Preferences",
    "Trainings",
    "Rules",
    "Forbidden transitions",
    "Window limits",
)
#: Sheets a plan workbook has and a scenario workbook does not, to catch a swapped argument.
_PLAN_SHEETS = ("Placements", "Overview")

README_LINES = (
    "werkdeling intake workbook: fill in the sheets, then run:  werkdeling solve this-file.xlsx --out plan.xlsx",
    "",
    "Scenario: the name, the first period (start), the number of periods and their length (granularity).",
    "Employers: one row per member firm: id (one word, e.g. pear-grower), where it is (lat, lon), sector.",
    "Demand: one row per employer, role and level. Put the amount in each period's column (FTE unless",
    "        unit says hours), or one amount for all periods in every_period. Levels: required (must have),",
    "        desired (would like, at least required), maximum (most they accept). Empty cells count as 0.",
    "Workers: one row per person: id, home (lat, lon), contract (fte or hours), guaranteed (year-round).",
    "Skills: one row per worker and skill; the skill names the role on the Demand sheet.",
    "Unavailability: holidays and illness: worker, from, until (periods such as 2027-05).",
    "The other sheets are optional: vacancies, return to work, preferences, trainings, rules.",
    "Hover over a column name to see what it means. Columns named 'notes' are yours and are not read.",
    "Ids are one word without spaces. Periods are labels such as 2027-05 (month), 2027-W05 (week) or",
    "2027-05-03 (day); a range 2027-05..2027-07 includes both ends.",
    "Check the workbook without planning:  werkdeling validate this-file.xlsx",
)


# -- scenario -> sheets ------------------------------------------------------------------------


def _cell(value: Any, kind: Kind) -> Any:
    """A value of the scenario's plain data as a cell: lists joined by commas."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if kind is Kind.NUMBERS else ", ".join(str(v) for v in value)
    return value


def _get(item: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(item, dict) or key not in item:
            return None
        item = item[key]
    return item


def _row(item: dict[str, Any], columns: Iterable[Column], **extra: Any) -> list[Any]:
    return [extra[c.name] if c.name in extra else _cell(_get(item, c.path), c.kind) for c in columns]


def _priorities_text(levels: list[list[str]]) -> str:
    return "; ".join(", ".join(level) for level in levels)


#: Written for a rule set to "none" on purpose, to switch off what a legal form's preset sets.
OFF = "off"


def _setting_rows(data: dict[str, Any], settings: Iterable[Setting]) -> list[list[Any]]:
    rows = []
    for setting in settings:
        value = _get(data, setting.path)
        parent = _get(data, setting.path[:-1])
        if value is None and isinstance(parent, dict) and setting.path[-1] in parent and setting.path[0] == "rules":
            value = OFF
        elif setting.name == "splits":
            value = True if isinstance(value, dict) else None
        elif setting.name == "objective.priorities" and value is not None:
            value = _priorities_text(value)
        rows.append([setting.name, _cell(value, setting.kind), setting.help])
    return rows


def scenario_sheets(scenario: Scenario) -> list[OutputSheet]:
    """The sheets of ``scenario``; only what the scenario sets is filled in, so reading them
    back gives the same scenario (defaults stay defaults, a legal form's preset stays in force)."""
    return _sheets(scenario.model_dump(mode="json", exclude_unset=True), scenario.horizon)


def template_sheets(horizon: Horizon, name: str = "my-pool") -> list[OutputSheet]:
    """Empty sheets to fill in, with the horizon set and one Demand column per period."""
    return _sheets({"name": name, "horizon": horizon.model_dump(mode="json")}, horizon)


def _sheets(data: dict[str, Any], horizon: Horizon) -> list[OutputSheet]:
    labels = list(horizon.labels)
    employers, workers = data.get("employers", []), data.get("workers", [])
    sheets: dict[str, list[list[Any]]] = {name: [] for name in SHEET_ORDER}
    sheets["Scenario"] = _setting_rows(data, SCENARIO_SETTINGS)
    sheets["Rules"] = _setting_rows(data, RULE_SETTINGS)
    for employer in employers:
        sheets["Employers"].append(_row(employer, EMPLOYER_COLUMNS))
        for demand in employer.get("demand", []):
            for level in LEVELS:
                series = demand.get(level)
                if series is None:
                    continue
                fixed = _row(
                    demand,
                    DEMAND_COLUMNS,
                    employer=employer["id"],
                    level=level,
                    every_period=None if isinstance(series, list) else series,
                )
                sheets["Demand"].append(fixed + (list(series) if isinstance(series, list) else [None] * len(labels)))
        for vacancy in employer.get("vacancies", []):
            sheets["Vacancies"].append(_row(vacancy, VACANCY_COLUMNS, employer=employer["id"]))
    for worker in workers:
        sheets["Workers"].append(_row(worker, WORKER_COLUMNS))
        wid = worker["id"]
        sheets["Skills"] += [[wid, skill] for skill in worker.get("skills", [])]
        for reference in worker.get("unavailable", []):
            first, _, last = reference.partition("..")
            sheets["Unavailability"].append([wid, first, last or None])
        if worker.get("return_to_work") is not None:
            sheets["Return to work"].append(_row(worker["return_to_work"], RETURN_COLUMNS, worker=wid))
        for preference in worker.get("preferences", []):
            sheets["Preferences"].append(_row(preference, PREFERENCE_COLUMNS, worker=wid))
    for offer in data.get("trainings", []):
        sheets["Trainings"].append(_row(offer, TRAINING_COLUMNS))
    rules = data.get("rules", {})
    for pair in rules.get("forbidden_transitions", []):
        sheets["Forbidden transitions"].append(_row(pair, TRANSITION_COLUMNS))
    for limit in rules.get("window_limits", []):
        sheets["Window limits"].append(_row(limit, WINDOW_COLUMNS))

    output = [OutputSheet(README_SHEET, ["How to fill in this workbook"], [[line] for line in README_LINES])]
    for name in SHEET_ORDER:
        if name in SETTING_SHEETS:
            header: list[str] = ["setting", "value", "explanation"]
            notes = {}
        else:
            columns = ROW_SHEETS[name]
            header = [c.name for c in columns] + (labels if name == "Demand" else [])
            notes = {c.name: c.help for c in columns}
        output.append(OutputSheet(name, header, sheets[name], notes, widths={"explanation": 90}))
    return output


def write_sheets(sheets: list[OutputSheet], path: str | Path) -> list[Path]:
    """Write ``sheets`` as an ``.xlsx`` workbook, or as CSV files into a folder (any other path);
    return the files written. Each file is written atomically."""
    path = Path(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        write_workbook(path, sheets)
        return [path]
    if path.suffix.lower() == ".csv":
        raise ScenarioError([f"{path}: a scenario is several tables; give a folder name for the CSV files"])
    return write_csv_folder(path, [s for s in sheets if s.name != README_SHEET])


def write_scenario_book(scenario: Scenario, path: str | Path) -> list[Path]:
    """Write ``scenario`` as an ``.xlsx`` workbook or a folder of CSV files."""
    return write_sheets(scenario_sheets(scenario), path)


# -- sheets -> scenario ------------------------------------------------------------------------


@dataclass
class _Reading:
    """State while reading one book: problems, where each piece of data came from, the horizon."""

    book: Book
    problems: Problems
    granularity: Granularity = Granularity.MONTH
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        #: Data path (as pydantic reports it) -> words for the cell or row it came from.
        self.origins: dict[tuple[Any, ...], str] = {}
        #: "worker 'x'" / "employer 'x'" / "training 'x'" -> the row defining it.
        self.defined: dict[str, str] = {}

    def table(self, name: str) -> Table | None:
        return self.book.tables.get(name)


def _check_sheet_names(reading: _Reading) -> None:
    known = (README_SHEET, *SHEET_ORDER)
    lowered = {k.lower(): k for k in known}
    tables = reading.book.tables
    for name in list(tables):
        if name in known:
            continue
        if name.strip().lower() in lowered:
            # Accept other capitalisation and stray spaces.
            tables[lowered[name.strip().lower()]] = tables.pop(name)
            continue
        table = tables[name]
        if name in _PLAN_SHEETS:
            reading.problems.add(table.where(), "this is a plan, not a scenario; give the scenario file first")
            continue
        what = f"file '{table.csv_file}'" if table.csv_file else f"sheet '{name}'"
        reading.problems.add(
            table.where(),
            f"{what} is not part of a werkdeling scenario; "
            f"{suggestion(name, known)}the sheets are {', '.join(SHEET_ORDER)}",
        )
    for name in REQUIRED_SHEETS:
        if name not in tables:
            missing = f"file {name.lower()}.csv" if reading.book.is_csv else f"sheet '{name}'"
            reading.problems.add(missing, "is missing; start from `werkdeling template` to get every sheet")


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _read_settings(reading: _Reading, name: str, data: dict[str, Any]) -> None:
    table = reading.table(name)
    if table is None:
        return
    settings = {s.name: s for s in SETTING_SHEETS[name]}
    layout = (Column("setting", Kind.TEXT, "", True), Column("value", Kind.TEXT, "", True))
    # Other columns are the explanation or the coordinator's own; they are not read.
    positions = header_map(table, layout, reading.problems, extra=[])
    value_column = next((k for k, n in positions.items() if n == "value"), None)
    setting_column = next((k for k, n in positions.items() if n == "setting"), None)
    if value_column is None or setting_column is None:
        return
    # Granularity first: a period cell Excel made into a date needs it.
    raw: dict[str, tuple[int, Any]] = {}
    for number, cells in enumerate(table.rows[1:], start=2):
        key_cell = cells[setting_column] if setting_column < len(cells) else None
        value = cells[value_column] if value_column < len(cells) else None
        if is_blank(key_cell):
            if not is_blank(value):
                reading.problems.add(table.where(number, setting_column, "setting"), "is empty; name the setting")
            continue
        key = normalise_header(key_cell)
        if key not in settings:
            reading.problems.add(
                table.where(number, setting_column, "setting"),
                f"unknown setting '{key_cell}'; {suggestion(key, list(settings))}see `werkdeling template`",
            )
        elif key in raw:
            reading.problems.add(table.where(number, setting_column, "setting"), f"'{key}' is set twice; keep one")
        elif not is_blank(value):
            raw[key] = (number, value)
    if "granularity" in raw:
        # An unknown value is reported by the scenario check below, with the allowed values.
        with contextlib.suppress(ValueError):
            reading.granularity = Granularity(str(raw["granularity"][1]).strip().lower())
    for key, (number, value) in raw.items():
        setting = settings[key]
        where = table.where(number, value_column, key)
        if name == "Rules" and str(value).strip().lower() in (OFF, "none"):
            if key.startswith("splits."):
                reading.problems.add(where, f"'{value}' is not allowed here; leave it empty for the default")
                continue
            _set(data, setting.path, None)  # set to nothing on purpose: overrides a preset
            continue
        try:
            converted = convert(value, setting.kind, reading.granularity)
        except Bad as exc:
            reading.problems.add(where, str(exc))
            continue
        if key == "objective.priorities":
            converted = [[t.strip() for t in level.split(",") if t.strip()] for level in str(converted).split(";")]
        if key in ("granularity", "legal_form", "objective.mode") and isinstance(converted, str):
            converted = converted.lower()
        if key == "splits":
            if converted:
                data.setdefault("rules", {}).setdefault("splits", {})
            elif any(k.startswith("splits.") for k in raw):
                reading.problems.add(where, "splits is 'no' but splits.* settings are given; remove one or the other")
            continue
        if key.startswith("splits.") and data.get("rules", {}).get("splits", {}) is None:
            reading.problems.add(where, "splits is 'off' but splits.* settings are given; remove one or the other")
            continue
        _set(data, setting.path, converted)
        reading.origins[setting.path] = where
        if setting.path == ("horizon", "start"):
            reading.origins[("horizon",)] = where  # problems of the horizon as a whole show at its start
    for setting in settings.values():
        if setting.required and setting.name not in raw:
            reading.problems.add(table.where(), f"setting '{setting.name}' is missing; add a row '{setting.name}'")


@dataclass
class _SheetRows:
    """The data rows of one sheet, read with its column layout."""

    table: Table
    rows: list[Row]
    #: Position of each known column, by name.
    columns: dict[str, int]

    def where(self, row: Row, column: str | None = None) -> str:
        """Words for ``row`` of this sheet, or for its cell in ``column``."""
        if column is None:
            return self.table.where(row.number)
        return self.table.where(row.number, self.columns.get(column), column)


def _rows(reading: _Reading, name: str, extra: list[int] | None = None) -> _SheetRows | None:
    """The rows of sheet ``name``, or None when the book has no such sheet (it is optional)."""
    table = reading.table(name)
    if table is None:
        return None
    columns = ROW_SHEETS[name]
    positions = header_map(table, columns, reading.problems, extra)
    rows = read_rows(table, columns, reading.granularity, reading.problems, positions)
    return _SheetRows(table, rows, {column: k for k, column in positions.items()})


def _item(row: Row, columns: Iterable[Column], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column in columns:
        if column.name in row.values and column.name not in skip:
            _set(item, column.path, row.values[column.name])
    return item


def _note_origins(
    reading: _Reading, sheet: _SheetRows, row: Row, prefix: tuple[Any, ...], columns: Iterable[Column]
) -> None:
    reading.origins[prefix] = sheet.where(row)
    for column in columns:
        if column.name in sheet.columns:
            reading.origins[(*prefix, *column.path)] = sheet.where(row, column.name)


def _read_items(reading: _Reading, name: str, kind: str, key: str, data: dict[str, Any]) -> dict[str, int]:
    """Rows of an id-keyed sheet (Employers, Workers, Trainings) into ``data[key]``; position by id."""
    sheet = _rows(reading, name)
    if sheet is None:
        return {}
    items: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for row in sheet.rows:
        ident = str(row.values.get("id", ""))
        if not ident:
            continue
        if ident in index:
            reading.problems.add(
                sheet.where(row, "id"),
                f"{kind} '{ident}' is listed twice (also row {first_row[ident]}); give every {kind} its own id",
            )
            continue
        index[ident], first_row[ident] = len(items), row.number
        _note_origins(reading, sheet, row, (key, len(items)), ROW_SHEETS[name])
        reading.defined[f"{kind} '{ident}'"] = sheet.where(row)
        items.append(_item(row, ROW_SHEETS[name]))
    if items:
        data[key] = items
    return index


def _owner(
    reading: _Reading, sheet: _SheetRows, row: Row, column: str, index: dict[str, int], kind: str, owners: str
) -> int | None:
    """Position of the worker or employer a child row belongs to, or None (a problem) if unknown."""
    ident = row.values.get(column)
    if ident is None:
        return None
    if ident not in index:
        reading.problems.add(
            sheet.where(row, column),
            f"{kind} '{ident}' is not on the {owners} sheet; {suggestion(str(ident), list(index))}"
            f"add a row there or fix the id",
        )
        return None
    return index[ident]


def _read_children(
    reading: _Reading,
    name: str,
    owner_column: str,
    index: dict[str, int],
    owners: list[Any],
    owner_key: str,
    kind: str,
    owner_sheet: str,
    add: Callable[[dict[str, Any], Row, tuple[Any, ...]], tuple[Any, ...] | None],
) -> None:
    """Rows of a child sheet (Skills, Vacancies, ...) attached to their worker or employer.

    ``add(owner, row, prefix)`` stores the row in the owner's data and returns the data path of
    what it added, for error messages.
    """
    sheet = _rows(reading, name)
    if sheet is None:
        return
    for row in sheet.rows:
        k = _owner(reading, sheet, row, owner_column, index, kind, owner_sheet)
        if k is None:
            continue
        path = add(owners[k], row, (owner_key, k))
        if path is not None:
            _note_origins(reading, sheet, row, path, ROW_SHEETS[name])


def _append(item: dict[str, Any], key: str, value: Any, prefix: tuple[Any, ...]) -> tuple[Any, ...]:
    values = item.setdefault(key, [])
    values.append(value)
    return (*prefix, key, len(values) - 1)


def _period_columns(reading: _Reading, table: Table, extra: list[int]) -> dict[int, int]:
    """Period position of each period column of the Demand sheet, by column position."""
    period_of: dict[int, int] = {}
    header = table.rows[0] if table.rows else []
    for k in extra:
        try:
            label = period_label(header[k], reading.granularity)
        except Bad as exc:
            reading.problems.add(table.where(1, k), str(exc))
            continue
        if label not in reading.labels:
            first, last = (reading.labels[0], reading.labels[-1]) if reading.labels else ("?", "?")
            reading.problems.add(
                table.where(1, k),
                f"column '{label}' is not a period of the horizon ({first} … {last}) nor a known column; "
                f"fix the label or the Scenario sheet's start and periods",
            )
            continue
        if reading.labels.index(label) in period_of.values():
            reading.problems.add(table.where(1, k), f"period '{label}' has two columns; keep one")
            continue
        period_of[k] = reading.labels.index(label)
    return period_of


@dataclass
class _RoleDemand:
    """One employer's role while the Demand sheet is read: its data and where it came from."""

    entry: dict[str, Any]
    path: tuple[Any, ...]
    first_row: str


def _read_demand(reading: _Reading, employers: list[dict[str, Any]], index: dict[str, int]) -> None:
    extra: list[int] = []
    sheet = _rows(reading, "Demand", extra)
    if sheet is None:
        return
    table = sheet.table
    # Period columns: every header that is not a named column.
    period_of = _period_columns(reading, table, extra)
    missing_periods = [label for p, label in enumerate(reading.labels) if p not in period_of.values()]
    complained = False
    roles: dict[tuple[str, str], _RoleDemand] = {}
    first_row: dict[tuple[str, str, str], int] = {}
    for row in sheet.rows:
        cells = table.rows[row.number - 1]
        level = str(row.values.get("level", "required")).lower()
        if level not in LEVELS:
            reading.problems.add(
                sheet.where(row, "level"), f"'{level}' is not a level; write required, desired or maximum"
            )
            continue
        amounts: list[float | None] = []
        for k, p in sorted(period_of.items(), key=lambda kp: kp[1]):
            value = cells[k] if k < len(cells) else None
            if is_blank(value):
                amounts.append(None)
                continue
            try:
                amounts.append(convert(value, Kind.NUMBER, reading.granularity))
            except Bad as exc:
                reading.problems.add(table.where(row.number, k, reading.labels[p]), str(exc))
                amounts.append(0.0)
        every = row.values.get("every_period")
        given = any(a is not None for a in amounts)
        where = sheet.where(row)
        if every is not None and given:
            reading.problems.add(where, "has both every_period and period amounts; give one or the other")
            continue
        if every is None and not given:
            reading.problems.add(where, "has no amounts; fill in the period columns (empty means 0) or every_period")
            continue
        if given and missing_periods and not complained:
            complained = True
            reading.problems.add(
                table.where(1),
                f"no column for period(s) {', '.join(missing_periods[:3])}"
                f"{' …' if len(missing_periods) > 3 else ''}; add one column per period of the horizon",
            )
        employer, role = row.values.get("employer"), row.values.get("role")
        if employer is None or role is None:
            continue
        e = _owner(reading, sheet, row, "employer", index, "employer", "Employers")
        if e is None:
            continue
        if (employer, role, level) in first_row:
            reading.problems.add(
                where,
                f"employer '{employer}', role '{role}': the {level} row appears twice "
                f"(also row {first_row[(employer, role, level)]}); merge them",
            )
            continue
        first_row[(employer, role, level)] = row.number
        found = roles.get((employer, role))
        if found is None:
            demand = employers[e].setdefault("demand", [])
            found = _RoleDemand({"role": role}, ("employers", e, "demand", len(demand)), where)
            demand.append(found.entry)
            roles[(employer, role)] = found
            reading.origins[found.path] = where
        entry = found.entry
        entry[level] = every if every is not None else [0.0 if a is None else a for a in amounts]
        reading.origins[(*found.path, level)] = where
        if "unit" in row.values:
            unit = str(row.values["unit"]).lower()
            if "unit" in entry and entry["unit"] != unit:
                reading.problems.add(
                    sheet.where(row, "unit"),
                    f"unit '{unit}' differs from the other rows of this role ('{entry['unit']}'); use one unit",
                )
            entry["unit"] = unit
            reading.origins[(*found.path, "unit")] = sheet.where(row, "unit")
    for (employer, role), found in roles.items():
        if "required" not in found.entry:
            reading.problems.add(
                found.first_row,
                f"employer '{employer}', role '{role}' has no 'required' row; add one (it may be all zeros)",
            )


def _read_workers_details(reading: _Reading, workers: list[dict[str, Any]], index: dict[str, int]) -> None:
    def skill(worker: dict[str, Any], row: Row, prefix: tuple[Any, ...]) -> tuple[Any, ...]:
        return _append(worker, "skills", row.values.get("skill"), prefix)

    def unavailable(worker: dict[str, Any], row: Row, prefix: tuple[Any, ...]) -> tuple[Any, ...] | None:
        first, last = row.values.get("from"), row.values.get("until")
        if first is None:
            return None
        return _append(worker, "unavailable", f"{first}..{last}" if last is not None else first, prefix)

    def ramp(worker: dict[str, Any], row: Row, prefix: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if "return_to_work" in worker:
            table = reading.table("Return to work")
            assert table is not None  # the row came from it
            reading.problems.add(
                table.where(row.number), f"worker '{worker['id']}' has a second return to work; keep one row per worker"
            )
            return None
        worker["return_to_work"] = _item(row, RETURN_COLUMNS, skip=("worker",))
        return (*prefix, "return_to_work")

    def preference(worker: dict[str, Any], row: Row, prefix: tuple[Any, ...]) -> tuple[Any, ...]:
        item = _item(row, PREFERENCE_COLUMNS, skip=("worker",))
        if isinstance(item.get("kind"), str):
            item["kind"] = item["kind"].lower()
        return _append(worker, "preferences", item, prefix)

    for sheet, add in (
        ("Skills", skill),
        ("Unavailability", unavailable),
        ("Return to work", ramp),
        ("Preferences", preference),
    ):
        _read_children(reading, sheet, "worker", index, workers, "workers", "worker", "Workers", add)


def _read_rule_lists(reading: _Reading, data: dict[str, Any]) -> None:
    for sheet, key, columns in (
        ("Forbidden transitions", "forbidden_transitions", TRANSITION_COLUMNS),
        ("Window limits", "window_limits", WINDOW_COLUMNS),
    ):
        found = _rows(reading, sheet)
        if found is None:
            continue
        for row in found.rows:
            items = data.setdefault("rules", {}).setdefault(key, [])
            _note_origins(reading, found, row, ("rules", key, len(items)), columns)
            items.append(_item(row, columns))


def _origin(reading: _Reading, loc: tuple[Any, ...]) -> str | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in reading.origins:
            return reading.origins[loc[:end]]
    return None


_SUBJECT = re.compile(r"^((?:worker|employer|training) '[^']+')")


def _problems_from(reading: _Reading, exc: ValidationError, prefix: tuple[str, ...] = ()) -> list[str]:
    """Map each of pydantic's errors back to the sheet, row and column it came from; ``prefix``
    is the data path of the model validated."""
    lines = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "this is required"
        loc = (*prefix, *error["loc"])
        where = _origin(reading, loc)
        for line in message.splitlines():
            if where is None and (match := _SUBJECT.match(line)) and match[1] in reading.defined:
                lines.append(f"{reading.defined[match[1]]}: {line}")
            elif where is None:
                lines.append(line)
            else:
                lines.append(f"{where}: {line}")
    return lines


def scenario_from_book(book: Book) -> Scenario:
    """Build a scenario from the tables of a workbook or CSV folder; ScenarioError names every
    problem by sheet, row and column."""
    reading = _Reading(book, Problems())
    _check_sheet_names(reading)
    data: dict[str, Any] = {}
    _read_settings(reading, "Scenario", data)
    _read_settings(reading, "Rules", data)
    try:
        reading.labels = Horizon.model_validate(data.get("horizon", {})).labels
    except ValidationError as exc:
        # Without a horizon the period columns cannot be read; report what is known so far.
        lines = _problems_from(reading, exc, prefix=("horizon",))
        raise ScenarioError(reading.problems.lines + lines, book.source) from None
    employer_index = _read_items(reading, "Employers", "employer", "employers", data)
    worker_index = _read_items(reading, "Workers", "worker", "workers", data)
    _read_items(reading, "Trainings", "training", "trainings", data)
    employers, workers = data.setdefault("employers", []), data.get("workers", [])
    _read_demand(reading, employers, employer_index)

    def vacancy(employer: dict[str, Any], row: Row, prefix: tuple[Any, ...]) -> tuple[Any, ...]:
        return _append(employer, "vacancies", _item(row, VACANCY_COLUMNS, skip=("employer",)), prefix)

    _read_children(
        reading, "Vacancies", "employer", employer_index, employers, "employers", "employer", "Employers", vacancy
    )
    _read_workers_details(reading, workers, worker_index)
    _read_rule_lists(reading, data)
    if reading.problems:
        raise ScenarioError(reading.problems.lines, book.source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from(reading, exc), book.source) from None


def scenario_sheet_names() -> tuple[str, ...]:
    return (README_SHEET, *SHEET_ORDER)


def read_scenario_book(path: Path) -> Scenario:
    """Read a scenario from an ``.xlsx`` workbook or a folder of CSV files."""
    book = read_csv_folder(path, scenario_sheet_names()) if path.is_dir() else read_workbook(path)
    book.tables.pop(README_SHEET, None)
    return scenario_from_book(book)
