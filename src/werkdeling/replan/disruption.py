"""Disruptions that make a plan in force need revising, and how they change the scenario.

A disruption file (``change.yaml``) lists what happened, in a coordinator's terms::

    from: 2027-05            # optional: first period that may change; earlier ones are frozen
    changes:
      - {kind: absent, worker: an, periods: ["2027-05..2027-07"]}     # ill, on leave
      - {kind: worker_leaves, worker: bo, from: 2027-09}
      - {kind: worker_joins, from: 2027-06, worker: {id: dirk, location: {lat: 50.9, lon: 5.3}, skills: [packer]}}
      - {kind: demand, employer: orchard, role: picker, required: {"2027-09..2027-10": 3}}
      - {kind: employer_joins, from: 2027-07, employer: {id: hotel, location: {lat: 51.2, lon: 2.9}, demand: [...]}}
      - {kind: employer_leaves, employer: warehouse, from: 2027-10}

Without ``from``, periods before the first one a change touches are frozen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from werkdeling.errors import InputError, ScenarioError
from werkdeling.scenario import Scenario
from werkdeling.scenario.base import Frozen, Identifier
from werkdeling.scenario.entities import Employer, RoleDemand, Unit, Worker, expand
from werkdeling.scenario.io import problems_from, read_data


class _Change(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, populate_by_name=True)


class Absent(_Change):
    """A worker cannot work in some periods (illness, leave): added to their ``unavailable``."""

    kind: Literal["absent"]
    worker: Identifier
    periods: tuple[str, ...] = Field(min_length=1)


class WorkerLeaves(_Change):
    """A worker leaves the pool from period ``from`` on (no longer available, no longer paid)."""

    kind: Literal["worker_leaves"]
    worker: Identifier
    start: str = Field(alias="from")


class WorkerJoins(_Change):
    """A new worker joins, available from ``from`` (the first period by default)."""

    kind: Literal["worker_joins"]
    worker: Worker
    start: str | None = Field(default=None, alias="from")


class EmployerJoins(_Change):
    """A new member joins; its demand counts from ``from`` (the first period by default)."""

    kind: Literal["employer_joins"]
    employer: Employer
    start: str | None = Field(default=None, alias="from")


class EmployerLeaves(_Change):
    """A member leaves: from ``from`` on it has no demand and takes nobody."""

    kind: Literal["employer_leaves"]
    employer: Identifier
    start: str = Field(alias="from")


class DemandRevised(_Change):
    """An employer revises its demand for one role (added if it had none).

    ``required``, ``desired`` and ``maximum`` map periods (labels or ranges) to new amounts in
    ``unit`` (the role's unit by default, FTE for a new role). A level not given follows the
    others where it would otherwise fall out of order: raising ``required`` raises ``desired``
    and ``maximum`` to at least it; lowering ``maximum`` lowers the other two to at most it.
    """

    kind: Literal["demand"]
    employer: Identifier
    role: Identifier
    required: dict[str, float] | None = None
    desired: dict[str, float] | None = None
    maximum: dict[str, float] | None = None
    unit: Unit | None = None


Change = Annotated[
    Absent | WorkerLeaves | WorkerJoins | EmployerJoins | EmployerLeaves | DemandRevised, Field(discriminator="kind")
]


class Disruption(_Change):
    """What happened since the plan was made; see the module docstring for the file format."""

    start: str | None = Field(default=None, alias="from")
    changes: tuple[Change, ...] = Field(min_length=1)

    def first_period(self, scenario: Scenario) -> int:
        """Position of the first period any change touches."""
        firsts = []
        for k, change in enumerate(self.changes, start=1):
            try:
                firsts.append(_first(change, scenario))
            except ValueError as exc:
                raise InputError([f"change {k} ({change.kind}): {exc}"]) from None
        return min(firsts)

    def frozen_periods(self, scenario: Scenario) -> int:
        """How many periods at the start keep the old plan: up to ``from``, or to the first change."""
        if self.start is None:
            return self.first_period(scenario)
        frozen = _position(scenario, self.start, "from")
        first = self.first_period(scenario)
        if first < frozen:
            raise InputError(
                [
                    f"a change touches {scenario.horizon.labels[first]}, before 'from' ({self.start}); "
                    f"set 'from' to {scenario.horizon.labels[first]} or earlier"
                ]
            )
        return frozen

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario after every change, checked again from scratch."""
        workers = {w.id: w for w in scenario.workers}
        employers = {e.id: e for e in scenario.employers}
        for k, change in enumerate(self.changes, start=1):
            where = f"change {k} ({change.kind})"
            try:
                _apply(change, scenario, workers, employers)
            except KeyError as exc:
                raise InputError([f"{where}: {exc.args[0]}"]) from None
            except ValidationError as exc:
                raise InputError([f"{where}: {problem}" for problem in problems_from(exc, {})]) from None
            except ValueError as exc:
                raise InputError([f"{where}: {exc}"]) from None
        try:
            return scenario.replace(workers=tuple(workers.values()), employers=tuple(employers.values()))
        except ValidationError as exc:
            problems = [f"after the changes, {problem}" for problem in problems_from(exc, {})]
            raise ScenarioError(problems) from None


def _position(scenario: Scenario, label: str, field: str) -> int:
    try:
        return scenario.horizon.index(label)
    except ValueError as exc:
        raise InputError([f"'{field}': {exc}"]) from None


def _first(change: Change, scenario: Scenario) -> int:
    horizon = scenario.horizon
    if isinstance(change, Absent):
        return min(horizon.resolve_all(change.periods))
    if isinstance(change, DemandRevised):
        levels = [change.required, change.desired, change.maximum]
        return min(horizon.resolve_all([ref for level in levels if level for ref in level]))
    return horizon.index(change.start) if change.start is not None else 0


def _edit(model: Worker | Employer, **changes: object) -> dict[str, object]:
    """The fields a user set, with ``changes``: a new model built from it keeps the defaults."""
    return {**model.model_dump(exclude_unset=True), **changes}


def _before(scenario: Scenario, start: str | None) -> list[str]:
    """References to every period before ``start``."""
    first = scenario.horizon.index(start) if start is not None else 0
    return [f"{scenario.horizon.labels[0]}..{scenario.horizon.labels[first - 1]}"] if first > 0 else []


def _levels(scenario: Scenario, demand: RoleDemand) -> dict[str, list[float]]:
    n = scenario.horizon.periods
    required = list(expand(demand.required, n) or ())
    desired = list(expand(demand.desired, n) or required)
    maximum = list(expand(demand.maximum, n) or desired)
    return {"required": required, "desired": desired, "maximum": maximum}


def _demand_zero(scenario: Scenario, employer: Employer, periods: list[int]) -> Employer:
    demand = []
    for item in employer.demand:
        levels = _levels(scenario, item)
        for values in levels.values():
            for p in periods:
                values[p] = 0.0
        demand.append(RoleDemand.model_validate({**item.model_dump(exclude_unset=True), **levels}))
    return Employer.model_validate(_edit(employer, demand=demand))


def _revise(scenario: Scenario, employer: Employer, change: DemandRevised) -> Employer:
    items = list(employer.demand)
    position = next((k for k, d in enumerate(items) if d.role == change.role), None)
    if position is None:
        items.append(RoleDemand(role=change.role, required=0.0, unit=change.unit or Unit.FTE))
        position = len(items) - 1
    item = items[position]
    levels = _levels(scenario, item)
    scale = (
        1.0
        if change.unit in (None, item.unit)
        else scenario.to_hours(1.0, change.unit) / scenario.to_hours(1.0, item.unit)
    )
    given = {"required": change.required, "desired": change.desired, "maximum": change.maximum}
    for name, amounts in given.items():
        for reference, amount in (amounts or {}).items():
            for p in scenario.horizon.resolve(reference):
                levels[name][p] = amount * scale
    for p in range(scenario.horizon.periods):
        r, d, m = (levels[n] for n in ("required", "desired", "maximum"))
        if given["maximum"] is not None:
            d[p] = d[p] if given["desired"] is not None else min(d[p], m[p])
            r[p] = r[p] if given["required"] is not None else min(r[p], d[p])
        d[p] = d[p] if given["desired"] is not None else max(d[p], r[p])
        m[p] = m[p] if given["maximum"] is not None else max(m[p], d[p])
    items[position] = RoleDemand.model_validate({**item.model_dump(exclude_unset=True), **levels})
    return Employer.model_validate(_edit(employer, demand=items))


def _apply(change: Change, scenario: Scenario, workers: dict[str, Worker], employers: dict[str, Employer]) -> None:
    """Apply one change to the worker and employer maps (KeyError/ValueError name the problem)."""
    last = scenario.horizon.labels[-1]

    def worker(worker_id: str) -> Worker:
        if worker_id not in workers:
            raise KeyError(f"worker '{worker_id}' is not in the scenario")
        return workers[worker_id]

    def employer(employer_id: str) -> Employer:
        if employer_id not in employers:
            raise KeyError(f"employer '{employer_id}' is not in the scenario")
        return employers[employer_id]

    if isinstance(change, Absent):
        w = worker(change.worker)
        workers[w.id] = Worker.model_validate(_edit(w, unavailable=[*w.unavailable, *change.periods]))
    elif isinstance(change, WorkerLeaves):
        w = worker(change.worker)
        scenario.horizon.index(change.start)
        workers[w.id] = Worker.model_validate(_edit(w, unavailable=[*w.unavailable, f"{change.start}..{last}"]))
    elif isinstance(change, WorkerJoins):
        if change.worker.id in workers:
            raise ValueError(f"worker '{change.worker.id}' is already in the scenario")
        before = _before(scenario, change.start)
        new = change.worker
        workers[new.id] = Worker.model_validate(_edit(new, unavailable=[*new.unavailable, *before])) if before else new
    elif isinstance(change, EmployerJoins):
        if change.employer.id in employers:
            raise ValueError(f"employer '{change.employer.id}' is already in the scenario")
        first = scenario.horizon.index(change.start) if change.start is not None else 0
        employers[change.employer.id] = _demand_zero(scenario, change.employer, list(range(first)))
    elif isinstance(change, EmployerLeaves):
        e = employer(change.employer)
        first = scenario.horizon.index(change.start)
        employers[e.id] = _demand_zero(scenario, e, list(range(first, scenario.horizon.periods)))
    else:
        employers[change.employer] = _revise(scenario, employer(change.employer), change)


def _as_text(data: Any) -> Any:
    """YAML reads ``2027-05-03`` as a date; periods are labels, so turn dates back into text."""
    if isinstance(data, dict):
        return {key: _as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_as_text(value) for value in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def load_disruption(path: str | Path) -> Disruption:
    """Read a disruption file (.yaml or .json); InputError names each problem."""
    data = _as_text(read_data(Path(path), InputError))
    try:
        return Disruption.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, data), str(path)) from None
