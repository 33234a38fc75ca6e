"""Plain-text tables of a plan for the terminal: a period-by-employer overview and worker rows."""

from __future__ import annotations

from enum import StrEnum

from werkdeling.evaluation.measure import Measurement, measure, resolve
from werkdeling.plan import Plan
from werkdeling.scenario import Scenario


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def _fte(minutes: int, scenario: Scenario) -> str:
    value = minutes / 60 / scenario.full_time_hours_per_period
    return f"{value:.1f}".rstrip("0").rstrip(".") if value else "0"


def period_employer_table(scenario: Scenario, plan: Plan) -> str:
    """One row per period, one column per employer: ``placed/desired`` in FTE."""
    m = measure(scenario, resolve(scenario, plan))
    q = scenario.quantities
    header = ["period", *(e.id for e in scenario.employers)]
    rows = []
    for k, label in enumerate(scenario.horizon.labels):
        cells = [label]
        for e in range(len(scenario.employers)):
            slots = q.slots_of_employer[e]
            placed = sum(int(m.covered[s, k]) for s in slots)
            desired = sum(int(q.slots[s].desired[k]) for s in slots)
            required = sum(int(q.slots[s].required[k]) for s in slots)
            mark = "!" if placed < required else ""
            cells.append(f"{_fte(placed, scenario)}/{_fte(desired, scenario)}{mark}")
        rows.append(cells)
    legend = "cells: FTE placed / FTE desired; '!' marks required demand not covered"
    return text_table(header, rows) + "\n" + legend


class OffStatus(StrEnum):
    """What a worker does in a period they are not placed."""

    TRAINING = "training"
    MOVED_ON = "moved to a permanent job"
    IDLE = "idle (paid)"
    NOT_PLANNED = "unavailable or not planned"


_SHORT_STATUS = {
    OffStatus.TRAINING: "train",
    OffStatus.MOVED_ON: "gone",
    OffStatus.IDLE: "idle",
    OffStatus.NOT_PLANNED: "-",
}


def off_status(scenario: Scenario, m: Measurement, w: int, k: int) -> OffStatus:
    """Status of worker ``w`` in period ``k`` when they have no placement then."""
    if m.training_at[w, k]:
        return OffStatus.TRAINING
    if not m.in_pool[w, k]:
        return OffStatus.MOVED_ON
    if scenario.quantities.available[w, k] and scenario.workers[w].guaranteed:
        return OffStatus.IDLE
    return OffStatus.NOT_PLANNED


def worker_table(scenario: Scenario, plan: Plan) -> str:
    """One row per worker, one column per period: the employer(s) joined by ``+``, ``train``,
    ``gone`` (left for a permanent job), ``idle``, or ``-`` (unavailable or, for workers who are
    not guaranteed, not in the plan). A ``%`` after an employer marks a part-time period."""
    m = measure(scenario, resolve(scenario, plan))
    q = scenario.quantities
    header = ["worker", *(label[-5:] for label in scenario.horizon.labels)]
    rows = []
    for w, worker in enumerate(scenario.workers):
        cells = [worker.id + ("" if worker.guaranteed else " (s)")]
        for k in range(scenario.horizon.periods):
            employers = m.employers_at.get((w, k), ())
            if employers:
                names = "+".join(scenario.employers[e].id[: 10 // len(employers)] for e in employers)
                cells.append(names + ("%" if m.worked[w, k] < q.capacity_minutes[w, k] else ""))
            else:
                cells.append(_SHORT_STATUS[off_status(scenario, m, w, k)])
        rows.append(cells)
    legend = "(s): seasonal worker, not guaranteed; -: unavailable or not in the plan; %: part of the period"
    return text_table(header, rows) + "\n" + legend
