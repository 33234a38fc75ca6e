"""A plan as a workbook a coordinator sends to the members, and an edited one read back.

Sheets, in order:

* **Overview**: employer x period, who works there and how many hours; idle and training rows.
* **KPIs** and **Costs**: the key figures, and every objective term by name, in all and per
  employer and per worker.
* **Placements**, **Trainings**, **Transitions**: the plan itself, one row per decision. These
  are the sheets read back; edit them and run ``werkdeling validate``.
* one sheet per employer (``E <id>``): demand, placed hours and shortfall per period and role;
* one sheet per worker (``W <id>``): their year at a glance.

As CSV (a folder), only the plan's own tables and the Overview, KPIs and Costs are written.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from werkdeling.errors import PlanError
from werkdeling.evaluation.costs import cost_breakdown_of
from werkdeling.evaluation.kpis import kpis_of
from werkdeling.evaluation.measure import ResolvedRow, measure, resolve
from werkdeling.evaluation.validation import validate_measured
from werkdeling.plan import PermanentMove, Placement, Plan, TrainingSpell
from werkdeling.report import OffStatus, off_status
from werkdeling.scenario import Scenario
from werkdeling.scenario.horizon import Granularity
from werkdeling.serialize import write_text_atomic
from werkdeling.sheets.book import (
    XLSX_SUFFIXES,
    Book,
    OutputSheet,
    csv_text,
    read_csv_folder,
    read_single_csv,
    read_workbook,
    write_csv_folder,
    write_workbook,
)
from werkdeling.sheets.cells import Column, Kind, Problems, header_map, read_rows, suggestion

PLAN_TABLES: dict[str, tuple[Column, ...]] = {
    "Placements": (
        Column("worker", Kind.ID, "Id of the worker", True),
        Column("period", Kind.PERIOD, "Period label, e.g. 2027-05", True),
        Column("employer", Kind.ID, "Id of the employer", True),
        Column("role", Kind.ID, "Role worked", True),
        Column("hours", Kind.NUMBER, "Hours worked in the period", True),
    ),
    "Trainings": (
        Column("worker", Kind.ID, "Id of the worker", True),
        Column("training", Kind.ID, "Id of the training", True),
        Column("start", Kind.PERIOD, "First period of the course", True),
    ),
    "Transitions": (
        Column("worker", Kind.ID, "Id of the worker", True),
        Column("employer", Kind.ID, "Employer of the permanent job", True),
        Column("vacancy", Kind.ID, "Id of the vacancy", True),
        Column("period", Kind.PERIOD, "First period in the new job", True),
    ),
}
_MODELS: dict[str, type[Placement | TrainingSpell | PermanentMove]] = {
    "Placements": Placement,
    "Trainings": TrainingSpell,
    "Transitions": PermanentMove,
}
_KEYS = {"Placements": "placements", "Trainings": "trainings", "Transitions": "transitions"}
#: Sheets written for people; reading a plan skips them (they are recomputed from the plan).
DERIVED_SHEETS = ("Read me", "Overview", "KPIs", "Costs")

README_LINES = (
    "werkdeling plan workbook",
    "",
    "Overview: who works for which employer in each period, with hours. KPIs and Costs: how good the plan is.",
    "Sheets 'E ...' show each employer's demand and cover; sheets 'W ...' show each worker's year.",
    "To change the plan, edit the Placements sheet (one row per worker, period, employer and role;",
    "hours are the hours worked), then check it:  werkdeling validate scenario.xlsx this-file.xlsx",
    "The other sheets are not read back; they are recomputed when the plan is exported again.",
)


def _hours(minutes: int | float) -> float:
    return round(float(minutes) / 60, 2)


def plan_sheets(scenario: Scenario, plan: Plan, per_person: bool = True) -> list[OutputSheet]:
    """The sheets of ``plan``; ``per_person`` adds one sheet per employer and per worker."""
    m = measure(scenario, resolve(scenario, plan))
    q = scenario.quantities
    labels = scenario.horizon.labels
    report = validate_measured(scenario, m)
    kpis = kpis_of(scenario, m)

    by_slot: dict[tuple[int, int], list[ResolvedRow]] = defaultdict(list)
    by_worker: dict[tuple[int, int], list[ResolvedRow]] = defaultdict(list)
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row in m.resolved.rows:
        by_slot[row.slot, row.period].append(row)
        by_worker[row.worker, row.period].append(row)
        cells[row.employer, row.period].append(f"{scenario.workers[row.worker].id} {_hours(row.minutes):g} h")
    overview = [
        [e.id, e.name, *("\n".join(cells[k, p]) for p in range(len(labels)))] for k, e in enumerate(scenario.employers)
    ]
    for status_name, wanted in (("idle (paid)", OffStatus.IDLE), ("in training", OffStatus.TRAINING)):
        overview.append(
            [
                status_name,
                "",
                *(
                    ", ".join(
                        w.id
                        for i, w in enumerate(scenario.workers)
                        if (i, p) not in m.employers_at and off_status(scenario, m, i, p) is wanted
                    )
                    for p in range(len(labels))
                ),
            ]
        )

    kpi_rows: list[list[Any]] = [[f.name, f.value, f.unit] for f in kpis.figures()]
    kpi_rows.append(["plan keeps every rule", "yes" if report.is_valid else f"no: {len(report.violations)}", ""])
    kpi_rows.append([])
    kpi_rows.append(["employer", "required covered %", "desired covered %"])
    kpi_rows += [[c.employer, round(c.required_pct, 1), round(c.desired_pct, 1)] for c in kpis.coverage]
    costs: list[list[Any]] = [
        [t.term.value, round(t.quantity, 2), t.unit, t.weight, round(t.cost, 2)] for t in report.terms.values()
    ]
    costs.append(["total", None, None, None, round(report.objective, 2)])
    breakdown = cost_breakdown_of(scenario, m)
    for by in ("employer", "worker"):
        table_header, table = breakdown.table(by)
        costs += [[], table_header, *([v if isinstance(v, str) else round(v, 2) for v in row] for row in table)]

    sheets = [
        OutputSheet("Read me", ["About this workbook"], [[line] for line in README_LINES]),
        OutputSheet("Overview", ["employer", "name", *labels], overview, wrap=True, widths={"name": 24}),
        OutputSheet("KPIs", ["figure", "value", "unit"], kpi_rows),
        OutputSheet("Costs", ["term", "quantity", "unit", "weight", "cost (points)"], costs),
        *plan_tables(plan),
    ]
    if not per_person:
        return sheets
    for k, employer in enumerate(scenario.employers):
        rows: list[list[Any]] = []
        for p, label in enumerate(labels):
            for s in q.slots_of_employer[k]:
                slot = q.slots[s]
                placed = int(m.covered[s, p])
                who = [f"{scenario.workers[r.worker].id} {_hours(r.minutes):g} h" for r in by_slot[s, p]]
                rows.append(
                    [
                        label,
                        slot.role,
                        _hours(slot.required[p]),
                        _hours(slot.desired[p]),
                        _hours(placed),
                        _hours(max(0, int(slot.required[p]) - placed)),
                        _hours(max(0, int(slot.desired[p]) - placed)),
                        ", ".join(who),
                    ]
                )
        header = [
            "period",
            "role",
            "required h",
            "desired h",
            "placed h",
            "short of required h",
            "short of desired h",
            "workers",
        ]
        sheets.append(OutputSheet(f"E {employer.id}", header, rows))
    for w, worker in enumerate(scenario.workers):
        rows = []
        for p, label in enumerate(labels):
            here = by_worker[w, p]
            if here:
                rows += [
                    [label, "working", scenario.employers[r.employer].id, q.slots[r.slot].role, _hours(r.minutes)]
                    for r in here
                ]
            else:
                rows.append([label, off_status(scenario, m, w, p).value, None, None, None])
        sheets.append(OutputSheet(f"W {worker.id}", ["period", "status", "employer", "role", "hours"], rows))
    return sheets


def plan_tables(plan: Plan) -> list[OutputSheet]:
    """The plan's own tables, the ones read back."""
    data = plan.model_dump(mode="json")
    return [
        OutputSheet(
            name,
            [c.name for c in columns],
            [[item[c.name] for c in columns] for item in data[_KEYS[name]]],
            {c.name: c.help for c in columns},
        )
        for name, columns in PLAN_TABLES.items()
    ]


def write_plan_book(scenario: Scenario, plan: Plan, path: str | Path) -> list[Path]:
    """Write ``plan`` as an ``.xlsx`` workbook, or as CSV files into a folder; atomic per file."""
    path = Path(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        write_workbook(path, plan_sheets(scenario, plan))
        return [path]
    if path.suffix.lower() == ".csv":
        sheets = plan_tables(plan)[:1]
        if plan.trainings or plan.transitions:
            raise PlanError([f"{path}: the plan has trainings or transitions; give a folder to write every table"])
        write_text_atomic(path, csv_text(sheets[0]))
        return [path]
    return write_csv_folder(path, [s for s in plan_sheets(scenario, plan, per_person=False) if s.name != "Read me"])


def plan_from_book(book: Book, granularity: Granularity = Granularity.MONTH) -> Plan:
    """Build a plan from the Placements, Trainings and Transitions tables of ``book``."""
    problems = Problems()
    known = {name.lower(): name for name in (*PLAN_TABLES, *DERIVED_SHEETS)}
    data: dict[str, list[dict[str, Any]]] = {}
    origins: dict[tuple[str, int], str] = {}
    for title, table in book.tables.items():
        name = known.get(title.strip().lower())
        if name is None:
            if title.startswith(("E ", "W ")) and not book.is_csv:
                continue  # a per-employer or per-worker sheet: derived, not read
            if title in ("Employers", "Workers", "Demand"):
                problems.add(table.where(), "this is a scenario, not a plan; give the plan file second")
                continue
            problems.add(
                table.where(),
                f"is not part of a werkdeling plan; {suggestion(title, list(PLAN_TABLES))}"
                f"a plan has the tables {', '.join(PLAN_TABLES)}",
            )
            continue
        if name not in PLAN_TABLES:
            continue
        columns = PLAN_TABLES[name]
        rows = read_rows(table, columns, granularity, problems, header_map(table, columns, problems))
        key = _KEYS[name]
        for row in rows:
            origins[(key, len(data.setdefault(key, [])))] = table.where(row.number)
            data[key].append(row.values)
    if "Placements" not in {known.get(t.strip().lower()) for t in book.tables}:
        problems.add(book.source, "has no Placements table; a plan needs one (it may be empty)")
    if problems:
        raise PlanError(problems.lines, book.source)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            where = origins.get((str(loc[0]), int(loc[1]))) if len(loc) >= 2 else None
            field = f", column '{loc[2]}'" if len(loc) >= 3 else ""
            lines.append(f"{where or book.source}{field}: {error['msg']}")
        raise PlanError(lines, book.source) from None


def read_plan_book(path: Path, granularity: Granularity = Granularity.MONTH) -> Plan:
    """Read a plan from an ``.xlsx`` workbook, a folder of CSV files, or one placements CSV file.

    ``granularity`` says how to read a period that Excel turned into a date.
    """
    if path.is_dir():
        book = read_csv_folder(path, [*PLAN_TABLES, *DERIVED_SHEETS])
    elif path.suffix.lower() == ".csv":
        book = read_single_csv(path, "Placements")
    else:
        book = read_workbook(path)
    return plan_from_book(book, granularity)
