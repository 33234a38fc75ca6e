"""Measure a plan against its scenario with plain numpy: who is where, coverage, idle time,
switches, travel, training and permanent moves. Used by the validator and the KPIs; never by the
solver, and it never imports the solver, so it can referee the solver's plans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pydantic import BaseModel, ConfigDict

from werkdeling.plan import PermanentMove, Placement, Plan, TrainingSpell
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.programmes import PreferenceKind
from werkdeling.scenario.scenario import BoolArray, IntArray, hours_to_minutes
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
    minutes: int


@dataclass(frozen=True)
class ResolvedSpell:
    index: int
    spell: TrainingSpell
    worker: int
    training: int
    start: int


@dataclass(frozen=True)
class ResolvedMove:
    index: int
    move: PermanentMove
    worker: int
    employer: int
    vacancy: int
    period: int


@dataclass(frozen=True)
class Resolved:
    """The rows of a plan that name things that exist, and what is wrong with the others."""

    rows: tuple[ResolvedRow, ...]
    spells: tuple[ResolvedSpell, ...]
    moves: tuple[ResolvedMove, ...]
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class Measurement:
    """What a plan does, in exact integers."""

    resolved: Resolved
    #: Employers each worker works for in each period (sorted), for worker-periods with work.
    employers_at: dict[tuple[int, int], tuple[int, ...]]
    #: First employer each worker works for in each period, -1 if none; (workers, periods).
    employer_of: IntArray
    #: Minutes worked per worker and period; (workers, periods).
    worked: IntArray
    #: Whether the worker is still in the pool (no permanent move yet); (workers, periods).
    in_pool: BoolArray
    #: Training spells covering each worker-period; (workers, periods).
    training_at: IntArray
    #: Minutes placed per demand slot and period; (slots, periods).
    covered: IntArray
    required_shortfall: IntArray
    desired_shortfall: IntArray
    #: Idle paid minutes per worker (guaranteed workers only).
    idle_minutes: IntArray
    #: Minutes in training per worker.
    training_minutes: IntArray
    #: Switches per worker (rows) into each employer (columns).
    switches_to: IntArray
    travel_hm: IntArray
    training_points: int
    #: Per worker with a transition deadline: whether they moved on by it.
    moved_in_time: dict[int, bool]
    #: Unmet preference points per (worker, employer named by the preference or None).
    preference_points_of: dict[tuple[int, int | None], int]
    #: Overstaffing cost in point-minutes per demand slot.
    overstaffing_of_slot: IntArray

    @cached_property
    def switches(self) -> IntArray:
        """Switches per worker; summed once, since callers index it per worker."""
        return np.asarray(self.switches_to.sum(axis=1), dtype=np.int64)

    @property
    def preference_points(self) -> int:
        return sum(self.preference_points_of.values())

    @property
    def overstaffing(self) -> int:
        """Overstaffing cost in point-minutes."""
        return int(self.overstaffing_of_slot.sum())

    @cached_property
    def employers_of_worker(self) -> dict[int, tuple[int, ...]]:
        """Employers each worker works for somewhere in the plan (sorted); built once, so the
        per-worker checks stay linear in the plan's size."""
        found: dict[int, set[int]] = defaultdict(set)
        for (w, _), employers in self.employers_at.items():
            found[w].update(employers)
        return {w: tuple(sorted(es)) for w, es in found.items()}

    @property
    def placed_minutes(self) -> IntArray:
        """Minutes worked per worker."""
        return np.asarray(self.worked.sum(axis=1), dtype=np.int64)

    def quantity(self, term: Term) -> int:
        """The term's quantity in its integer unit (see ``TERM_QUANTITY``)."""
        return int(
            {
                Term.REQUIRED_SHORTFALL: self.required_shortfall.sum(),
                Term.DESIRED_SHORTFALL: self.desired_shortfall.sum(),
                Term.IDLE_PAID: self.idle_minutes.sum(),
                Term.SWITCHES: self.switches.sum(),
                Term.TRAVEL: self.travel_hm.sum(),
                Term.TRAINING: self.training_points,
                Term.TRANSITION_MISSED: sum(not moved for moved in self.moved_in_time.values()),
                Term.PREFERENCES: self.preference_points,
                Term.OVERSTAFFING: self.overstaffing,
                Term.FAIR_IDLE: self.idle_minutes.max(initial=0),
                Term.FAIR_SWITCHES: self.switches.max(initial=0),
            }[term]
        )


class TermValue(BaseModel):
    """One named objective term measured on a plan.

    ``quantity`` is in ``unit`` (hours, switches, km, points, workers); ``cost = weight x
    quantity``. ``cost_units`` is the exact integer cost (``OBJECTIVE_SCALE`` units per point).
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


def resolve(scenario: Scenario, plan: Plan) -> Resolved:
    """Match plan rows to the scenario; rows naming unknown things are described, not kept."""
    positions = scenario.horizon.positions
    where = scenario.horizon.describe()
    rows, spells, moves, unknown = [], [], [], []
    for i, p in enumerate(plan.placements):
        w, k, e = scenario.worker_index.get(p.worker), positions.get(p.period), scenario.employer_index.get(p.employer)
        if w is None:
            unknown.append(f"row {i + 1}: worker '{p.worker}' is not in the scenario")
        elif k is None:
            unknown.append(f"row {i + 1}: period '{p.period}' is not in the horizon ({where})")
        elif e is None:
            unknown.append(f"row {i + 1}: employer '{p.employer}' is not in the scenario")
        elif (e, p.role) not in scenario.quantities.slot_index:
            unknown.append(f"row {i + 1}: employer '{p.employer}' has no demand for role '{p.role}'")
        else:
            slot = scenario.quantities.slot_index[(e, p.role)]
            rows.append(ResolvedRow(i, p, w, k, e, slot, hours_to_minutes(p.hours)))
    for i, t in enumerate(plan.trainings):
        w, o, k = scenario.worker_index.get(t.worker), scenario.training_index.get(t.training), positions.get(t.start)
        if w is None:
            unknown.append(f"training {i + 1}: worker '{t.worker}' is not in the scenario")
        elif o is None:
            unknown.append(f"training {i + 1}: training '{t.training}' is not in the scenario")
        elif k is None:
            unknown.append(f"training {i + 1}: start '{t.start}' is not in the horizon ({where})")
        else:
            spells.append(ResolvedSpell(i, t, w, o, k))
    for i, m in enumerate(plan.transitions):
        w, e, k = scenario.worker_index.get(m.worker), scenario.employer_index.get(m.employer), positions.get(m.period)
        vacancies = [v.id for v in scenario.employers[e].vacancies] if e is not None else []
        if w is None:
            unknown.append(f"transition {i + 1}: worker '{m.worker}' is not in the scenario")
        elif e is None:
            unknown.append(f"transition {i + 1}: employer '{m.employer}' is not in the scenario")
        elif m.vacancy not in vacancies:
            unknown.append(f"transition {i + 1}: employer '{m.employer}' has no vacancy '{m.vacancy}'")
        elif k is None:
            unknown.append(f"transition {i + 1}: period '{m.period}' is not in the horizon ({where})")
        else:
            moves.append(ResolvedMove(i, m, w, e, vacancies.index(m.vacancy), k))
    return Resolved(tuple(rows), tuple(spells), tuple(moves), tuple(unknown))


def _switches(scenario: Scenario, employers_at: dict[tuple[int, int], tuple[int, ...]]) -> IntArray:
    """Switches of each worker into each employer. A switch is a start with an employer not worked
    for in the last worked period (remembered across gaps; ``home_employer`` counts as the last
    one before the horizon)."""
    switches = np.zeros((len(scenario.workers), len(scenario.employers)), dtype=np.int64)
    for w, worker in enumerate(scenario.workers):
        last: set[int] = {scenario.employer_index[worker.home_employer]} if worker.home_employer is not None else set()
        for p in range(scenario.horizon.periods):
            now = employers_at.get((w, p))
            if not now:
                continue
            if last:
                for e in now:
                    switches[w, e] += e not in last
            last = set(now)
    return switches


def _preference_points(
    scenario: Scenario, employers_at: dict[tuple[int, int], tuple[int, ...]]
) -> dict[tuple[int, int | None], int]:
    points: dict[tuple[int, int | None], int] = defaultdict(int)
    for w, worker in enumerate(scenario.workers):
        for preference in worker.preferences:
            periods = scenario.horizon.resolve_all(preference.periods)
            e = scenario.employer_index[preference.employer] if preference.employer is not None else None
            for p in periods:
                here = employers_at.get((w, p), ())
                worked = bool(here) if e is None else e in here
                unmet = not worked if preference.kind is PreferenceKind.PREFER else worked
                points[(w, e)] += preference.weight * unmet
    return dict(points)


def measure(scenario: Scenario, resolved: Resolved) -> Measurement:
    q = scenario.quantities
    n_workers, n_periods = len(scenario.workers), scenario.horizon.periods
    covered = np.zeros((len(q.slots), n_periods), dtype=np.int64)
    worked = np.zeros((n_workers, n_periods), dtype=np.int64)
    travel = np.zeros(n_workers, dtype=np.int64)
    at: dict[tuple[int, int], set[int]] = defaultdict(set)
    for row in resolved.rows:
        covered[row.slot, row.period] += row.minutes
        worked[row.worker, row.period] += row.minutes
        travel[row.worker] += q.distance_hm[row.worker, row.employer]
        at[(row.worker, row.period)].add(row.employer)
    employers_at = {key: tuple(sorted(es)) for key, es in at.items()}
    employer_of = np.full((n_workers, n_periods), -1, dtype=np.int64)
    for (w, p), es in employers_at.items():
        employer_of[w, p] = es[0]

    training_at = np.zeros((n_workers, n_periods), dtype=np.int64)
    for spell in resolved.spells:
        duration = scenario.trainings[spell.training].duration
        training_at[spell.worker, spell.start : spell.start + duration] += 1
    in_pool = np.ones((n_workers, n_periods), dtype=np.bool_)
    first_move: dict[int, int] = {}
    for move in resolved.moves:
        first_move[move.worker] = min(first_move.get(move.worker, n_periods), move.period)
        in_pool[move.worker, move.period :] = False

    required = np.array([s.required for s in q.slots], dtype=np.int64).reshape(len(q.slots), n_periods)
    desired = np.array([s.desired for s in q.slots], dtype=np.int64).reshape(len(q.slots), n_periods)
    maximum = np.array([s.maximum for s in q.slots], dtype=np.int64).reshape(len(q.slots), n_periods)

    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    capacity = q.capacity_minutes
    training_minutes = (capacity * (training_at > 0)).sum(axis=1).astype(np.int64)
    paid = (capacity * in_pool).sum(axis=1)
    idle = np.where(guaranteed, np.maximum(paid - training_minutes - worked.sum(axis=1), 0), 0).astype(np.int64)

    deadlines = {
        w: scenario.horizon.index(worker.transition_deadline)
        for w, worker in enumerate(scenario.workers)
        if worker.transition_deadline is not None
    }
    overstaffing_cost = np.array([scenario.employers[s.employer].overstaffing_cost for s in q.slots], dtype=np.int64)
    over = np.clip(covered - desired, 0, np.maximum(maximum - desired, 0))
    return Measurement(
        resolved=resolved,
        employers_at=employers_at,
        employer_of=employer_of,
        worked=worked,
        in_pool=in_pool,
        training_at=training_at,
        covered=covered,
        required_shortfall=np.maximum(required - covered, 0),
        desired_shortfall=np.maximum(desired - covered, 0),
        idle_minutes=idle,
        training_minutes=training_minutes,
        switches_to=_switches(scenario, employers_at),
        travel_hm=travel,
        training_points=sum(scenario.trainings[s.training].cost for s in resolved.spells),
        moved_in_time={w: first_move.get(w, n_periods) <= d for w, d in deadlines.items()},
        preference_points_of=_preference_points(scenario, employers_at),
        overstaffing_of_slot=(over.sum(axis=1) * overstaffing_cost).astype(np.int64),
    )
