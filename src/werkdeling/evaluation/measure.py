"""Measure a plan against its scenario with plain numpy: who is where, coverage, idle time,
switches and travel. Used by the validator and the KPIs; never by the solver, and it never
imports the solver, so it can referee the solver's plans.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from werkdeling.plan import Placement, Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import IntArray
from werkdeling.scenario.settings import TERM_QUANTITY


@dataclass(frozen=True)
class ResolvedRow:
    """A plan row whose worker, period, employer and role all exist in the scenario."""

    index: int
    placement: Placement
    worker: int
    period: int
    employer: int
    slot: int


@dataclass(frozen=True)
class Measurement:
    """What a plan does, in exact integers.

    Every resolved row counts for coverage and travel. Idle time and switches use the first row
    of a worker in a period; a plan with two rows for one worker-period is invalid anyway.
    """

    rows: tuple[ResolvedRow, ...]
    #: Employer position each worker is placed with in each period, -1 if none; (workers, periods).
    employer_of: IntArray
    #: Minutes placed per demand slot and period; (slots, periods).
    covered: IntArray
    required_shortfall: IntArray
    desired_shortfall: IntArray
    #: Idle paid minutes per worker (guaranteed workers only).
    idle_minutes: IntArray
    #: Placed minutes per worker.
    placed_minutes: IntArray
    switches: IntArray
    travel_hm: IntArray

    def quantity(self, term: Term) -> int:
        """The term's quantity in its integer unit (see ``TERM_QUANTITY``)."""
        return int(
            {
                Term.REQUIRED_SHORTFALL: self.required_shortfall.sum(),
                Term.DESIRED_SHORTFALL: self.desired_shortfall.sum(),
                Term.IDLE_PAID: self.idle_minutes.sum(),
                Term.SWITCHES: self.switches.sum(),
                Term.TRAVEL: self.travel_hm.sum(),
            }[term]
        )


class TermValue(BaseModel):
    """One named objective term measured on a plan.

    ``quantity`` is in ``unit`` (hours, switches, km); ``cost = weight x quantity``.
    ``cost_units`` is the exact integer cost (``OBJECTIVE_SCALE`` units per cost point).
    """

    model_config = ConfigDict(frozen=True)

    term: Term
    weight: int
    quantity: float
    unit: str
    cost: float
    cost_units: int


def term_values(scenario: Scenario, measurement: Measurement) -> dict[Term, TermValue]:
    values = {}
    for term in Term:
        display_unit, _, factor = TERM_QUANTITY[term]
        weight = scenario.weights.of(term)
        q = measurement.quantity(term)
        cost_units = weight * factor * q
        values[term] = TermValue(
            term=term,
            weight=weight,
            quantity=q * factor / OBJECTIVE_SCALE,
            unit=display_unit,
            cost=cost_units / OBJECTIVE_SCALE,
            cost_units=cost_units,
        )
    return values


def resolve_rows(scenario: Scenario, plan: Plan) -> tuple[list[ResolvedRow], list[tuple[int, str]]]:
    """Split plan rows into resolved rows and (row index, problem) for rows naming unknown things."""
    resolved, unknown = [], []
    for i, p in enumerate(plan.placements):
        w, k, e = (
            scenario.worker_index.get(p.worker),
            scenario.horizon.positions.get(p.period),
            scenario.employer_index.get(p.employer),
        )
        if w is None:
            unknown.append((i, f"worker '{p.worker}' is not in the scenario"))
        elif k is None:
            unknown.append((i, f"period '{p.period}' is not in the horizon ({scenario.horizon.describe()})"))
        elif e is None:
            unknown.append((i, f"employer '{p.employer}' is not in the scenario"))
        elif (e, p.role) not in scenario.quantities.slot_index:
            unknown.append((i, f"employer '{p.employer}' has no demand for role '{p.role}'"))
        else:
            resolved.append(ResolvedRow(i, p, w, k, e, scenario.quantities.slot_index[(e, p.role)]))
    return resolved, unknown


def measure(scenario: Scenario, rows: list[ResolvedRow]) -> Measurement:
    q = scenario.quantities
    n_workers, n_periods = len(scenario.workers), scenario.horizon.periods
    employer_of = np.full((n_workers, n_periods), -1, dtype=np.int64)
    covered = np.zeros((len(q.slots), n_periods), dtype=np.int64)
    travel = np.zeros(n_workers, dtype=np.int64)
    placed = np.zeros(n_workers, dtype=np.int64)
    for row in rows:
        covered[row.slot, row.period] += q.contract_minutes[row.worker]
        travel[row.worker] += q.distance_hm[row.worker, row.employer]
        placed[row.worker] += q.contract_minutes[row.worker]
        if employer_of[row.worker, row.period] < 0:
            employer_of[row.worker, row.period] = row.employer

    required = np.array([s.required for s in q.slots], dtype=np.int64).reshape(len(q.slots), n_periods)
    desired = np.array([s.desired for s in q.slots], dtype=np.int64).reshape(len(q.slots), n_periods)

    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    idle_periods = (q.available & (employer_of < 0)).sum(axis=1)
    idle = np.where(guaranteed, idle_periods * q.contract_minutes, 0).astype(np.int64)

    switches = np.zeros(n_workers, dtype=np.int64)
    for w, worker in enumerate(scenario.workers):
        last = scenario.employer_index[worker.home_employer] if worker.home_employer is not None else -1
        for e in employer_of[w]:
            if e < 0:
                continue  # idle, unavailable or out: the last employer is remembered across gaps
            if last >= 0 and e != last:
                switches[w] += 1
            last = int(e)

    return Measurement(
        rows=tuple(rows),
        employer_of=employer_of,
        covered=covered,
        required_shortfall=np.maximum(required - covered, 0),
        desired_shortfall=np.maximum(desired - covered, 0),
        idle_minutes=idle,
        placed_minutes=placed,
        switches=switches,
        travel_hm=travel,
    )
