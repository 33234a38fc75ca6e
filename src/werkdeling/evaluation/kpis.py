"""Key figures a coordinator reports, computed from the scenario and the plan alone.

Coverage counts hours placed up to the demand level: an hour placed above ``desired`` covers
nothing more. Utilisation is billable hours (placed with a member) over paid hours (guaranteed
workers' contracts in periods they are available, plus the placed hours of the others).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation.measure import Measurement, measure, resolve
from werkdeling.plan import Plan
from werkdeling.scenario import Scenario


class EmployerCoverage(BaseModel):
    """Demand and coverage of one employer over the horizon, in hours."""

    model_config = ConfigDict(frozen=True)

    employer: str
    required_hours: float
    required_covered_hours: float
    desired_hours: float
    desired_covered_hours: float

    @property
    def required_pct(self) -> float:
        return _pct(self.required_covered_hours, self.required_hours)

    @property
    def desired_pct(self) -> float:
        return _pct(self.desired_covered_hours, self.desired_hours)


def _pct(part: float, whole: float) -> float:
    return 100.0 if whole == 0 else 100.0 * part / whole


class Figure(NamedTuple):
    """One key figure as reports show it."""

    name: str
    value: float | int | str
    unit: str
    #: False for a programme figure the plan has nothing to say about (no training, ...).
    relevant: bool = True


class Kpis(BaseModel):
    """The figures coordinators track (see ``DOMAIN.md``, "What coordinators measure")."""

    model_config = ConfigDict(frozen=True)

    coverage: tuple[EmployerCoverage, ...]
    #: Guaranteed workers: the year-round contracts the pool carries.
    guaranteed_workers: int
    #: Guaranteed workers placed with a member in every period they are available.
    guaranteed_fully_placed: int
    idle_paid_hours: float
    placed_hours: float
    paid_hours: float
    switches_per_worker: dict[str, int]
    #: One-way km from home to employer, summed over placed periods.
    travel_km: float
    #: Paid hours spent in training, and the number of courses followed.
    training_hours: float = 0.0
    trainings: int = 0
    #: Workers with a transition deadline, and how many of them moved to a permanent job by it
    #: (the Noordoost-Brabant pilot: 70 % within 6 months).
    transition_workers: int = 0
    transitions_in_time: int = 0
    #: Workers whose return to work is unfinished when the approval ends (re-assess them).
    needs_reassessment: tuple[str, ...] = ()

    @property
    def required_pct(self) -> float:
        return _pct(
            sum(c.required_covered_hours for c in self.coverage),
            sum(c.required_hours for c in self.coverage),
        )

    @property
    def desired_pct(self) -> float:
        return _pct(
            sum(c.desired_covered_hours for c in self.coverage),
            sum(c.desired_hours for c in self.coverage),
        )

    @property
    def utilisation_pct(self) -> float:
        return _pct(self.placed_hours, self.paid_hours)

    @property
    def transitions_in_time_pct(self) -> float:
        return _pct(self.transitions_in_time, self.transition_workers)

    @property
    def total_switches(self) -> int:
        return sum(self.switches_per_worker.values())

    @property
    def max_switches(self) -> int:
        return max(self.switches_per_worker.values(), default=0)

    def figures(self) -> list[Figure]:
        """Every key figure, in the order reports show them. Programme figures are marked
        relevant only where the plan has training, transitions or unfinished ramps."""
        training, moves, ramps = bool(self.trainings), bool(self.transition_workers), bool(self.needs_reassessment)
        return [
            Figure("required demand covered", round(self.required_pct, 1), "%"),
            Figure("desired demand covered", round(self.desired_pct, 1), "%"),
            Figure("year-round contracts", self.guaranteed_workers, "workers"),
            Figure("placed every available period", self.guaranteed_fully_placed, "workers"),
            Figure("idle paid hours", round(self.idle_paid_hours, 1), "hours"),
            Figure("utilisation (placed / paid hours)", round(self.utilisation_pct, 1), "%"),
            Figure("switches", self.total_switches, "switches"),
            Figure("most switches of one worker", self.max_switches, "switches"),
            Figure("travel, one-way", round(self.travel_km, 1), "km"),
            Figure("training courses", self.trainings, "courses", training),
            Figure("training hours", round(self.training_hours, 1), "hours", training),
            Figure("workers with a transition deadline", self.transition_workers, "workers", moves),
            Figure("permanent job by the deadline", round(self.transitions_in_time_pct, 1), "%", moves),
            Figure("re-assess (ramp unfinished)", ", ".join(self.needs_reassessment), "", ramps),
        ]

    def summary(self) -> str:
        """The relevant figures as text."""
        shown = []
        for figure in self.figures():
            if not figure.relevant:
                continue
            value = figure.value
            number = f"{value:9,.1f}" if isinstance(value, float) else f"{value:>9}"
            shown.append(f"{figure.name:<36}{number} {figure.unit}".rstrip())
        return "\n".join(shown)


def compute_kpis(scenario: Scenario, plan: Plan) -> Kpis:
    """KPIs of ``plan``; rows naming unknown things are ignored (``validate`` reports them)."""
    return kpis_of(scenario, measure(scenario, resolve(scenario, plan)))


def kpis_of(scenario: Scenario, m: Measurement) -> Kpis:
    """:func:`compute_kpis` on a plan already measured."""
    q = scenario.quantities
    coverage = []
    for e, employer in enumerate(scenario.employers):
        slots = q.slots_of_employer[e]
        required = sum(int(q.slots[s].required.sum()) for s in slots)
        desired = sum(int(q.slots[s].desired.sum()) for s in slots)
        req_cov = sum(int(np.minimum(m.covered[s], q.slots[s].required).sum()) for s in slots)
        des_cov = sum(int(np.minimum(m.covered[s], q.slots[s].desired).sum()) for s in slots)
        coverage.append(
            EmployerCoverage(
                employer=employer.id,
                required_hours=required / 60,
                required_covered_hours=req_cov / 60,
                desired_hours=desired / 60,
                desired_covered_hours=des_cov / 60,
            )
        )
    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    # Placed in every period they could work, left out periods in training or after moving on.
    could_work = (q.capacity_minutes > 0) & m.in_pool & (m.training_at == 0)
    fully = (~could_work | (m.employer_of >= 0)).all(axis=1) if len(scenario.workers) else np.array([], bool)
    paid = int(m.idle_minutes.sum()) + int(m.placed_minutes.sum()) + int(m.training_minutes.sum())
    return Kpis(
        coverage=tuple(coverage),
        guaranteed_workers=int(guaranteed.sum()),
        guaranteed_fully_placed=int((guaranteed & fully).sum()),
        idle_paid_hours=int(m.idle_minutes.sum()) / 60,
        placed_hours=int(m.placed_minutes.sum()) / 60,
        paid_hours=paid / 60,
        switches_per_worker={w.id: int(m.switches[i]) for i, w in enumerate(scenario.workers)},
        travel_km=int(m.travel_hm.sum()) / 10,
        training_hours=int(m.training_minutes.sum()) / 60,
        trainings=len(m.resolved.spells),
        transition_workers=len(m.moved_in_time),
        transitions_in_time=sum(m.moved_in_time.values()),
        needs_reassessment=tuple(scenario.workers[w].id for w in q.needs_reassessment),
    )
