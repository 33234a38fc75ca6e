"""Courses for pools planned period by period (the *leercultuur* of a ``TrainingOffer``).

A course spans periods and gives a skill for later ones, so it links the periods, and no period
model can place one. Pools too large for the whole-horizon model
(:data:`werkdeling.decompose.BY_PERIOD_ABOVE`) therefore get their courses chosen here, from a
plan without them:

1. every possible spell (:func:`~werkdeling.model.eligibility.training_starts`) is priced by
   what it changes in that plan: the trainee's work (or idle pay) in the course periods is
   gone, after the course they may move to a slot of the learned role where that is cheaper,
   and the fee is paid (:func:`choose_spells`);
2. spells are taken, best first, while they pay, at most one per worker and within the
   courses' seats; each taken spell changes the plan the next ones are priced against;
3. the pool is planned period by period again with the chosen spells fixed: a trainee is
   unavailable during the course and holds the skill only after it (:func:`fixed`).

The prices are estimates (a single worker's move, head limits left out), so
:func:`werkdeling.solver.solve` keeps whichever plan the validator finds cheaper, with or
without the courses.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

import numpy as np

from werkdeling import decompose
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.local_search import IDLE, PeriodCosts, period_costs, term_units
from werkdeling.model.eligibility import possible_placements, training_starts
from werkdeling.plan import Plan, TrainingSpell
from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.scenario import BoolArray, IntArray

#: (worker, offer, start period) positions of one training spell.
Spell = tuple[int, int, int]

#: In an assignment: in a course, so neither placed nor paid as idle.
AWAY = -2

#: Cost of a placement that does not fit (above the slot's maximum, or no candidate at all).
_NONE = np.iinfo(np.int64).max // 4


@dataclass
class _Pricing:
    """A plan as one slot per worker and period, and what a spell changes in it (objective units)."""

    scenario: Scenario
    #: Each period's costs, its candidates cut down to a taught role for a worker who can train.
    options: list[PeriodCosts]
    assignment: IntArray  # (workers, periods) slot, IDLE or AWAY
    cover: IntArray  # (slots, periods) minutes
    #: (workers, periods) the placement's cost against leaving the worker unplaced, 0 if unplaced.
    placed_cost: IntArray
    idle_pay: IntArray  # (workers, periods) what an unplaced guaranteed worker costs as idle time
    slot_role: IntArray  # (slots,) index of the slot's role among those courses teach, -1 for others
    slot_employer: IntArray
    home: IntArray  # (workers,) home employer, -1 for none

    def presence(self, k: int, workers: IntArray) -> IntArray:
        """What each of ``workers`` costs in period ``k`` against being away on a course."""
        slots = self.assignment[workers, k]
        value = np.where(slots == AWAY, 0, self.idle_pay[workers, k] + self.placed_cost[workers, k])
        placed = np.flatnonzero(slots >= 0)
        if len(placed):
            costs, s = self.options[k], slots[placed]
            cover, minutes = self.cover[s, k], costs.capacity[workers[placed]]
            value[placed] += costs.slot_cost(s, cover) - costs.slot_cost(s, cover - minutes)
        return np.asarray(value, dtype=np.int64)

    def best_moves(self, k: int, role: int, candidates: IntArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Of ``candidates`` (period ``k``'s options), those in a slot of ``role``: their worker,
        slot, placement cost and cost against being away, with the slot's cover as it is."""
        costs = self.options[k]
        index = candidates[self.slot_role[costs.slot[candidates]] == role]
        worker, slot = costs.worker[index], costs.slot[index]
        minutes, cover = costs.capacity[worker], self.cover[slot, k]
        fits = cover + minutes <= costs.maximum[slot]
        worker, slot, index, minutes, cover = worker[fits], slot[fits], index[fits], minutes[fits], cover[fits]
        extra = costs.slot_cost(slot, cover + minutes) - costs.slot_cost(slot, cover)
        value = self.idle_pay[worker, k] + costs.placement_cost[index] + extra
        return worker, slot, costs.placement_cost[index], np.asarray(value, dtype=np.int64)

    def worker_candidates(self, k: int, w: int) -> IntArray:
        costs = self.options[k]
        lo, hi = np.searchsorted(costs.worker, [w, w + 1])
        return np.arange(lo, hi, dtype=np.int64)

    def switches(self, w: int, assignment: IntArray) -> int:
        """Switches of worker ``w`` over the horizon with the slots ``assignment``."""
        count, last = 0, int(self.home[w])
        for s in assignment.tolist():
            if s >= 0:
                employer = int(self.slot_employer[s])
                count += last >= 0 and employer != last
                last = employer
        return count


def _pricing(scenario: Scenario, plan: Plan, allowed: BoolArray, trainees: IntArray, roles: list[str]) -> _Pricing:
    q = scenario.quantities
    workers, periods = len(scenario.workers), scenario.horizon.periods
    measured = measure(scenario, resolve(scenario, plan))
    assignment = np.full((workers, periods), IDLE, dtype=np.int64)
    for row in measured.resolved.rows:
        assignment[row.worker, row.period] = row.slot
    role_of = {role: r for r, role in enumerate(roles)}  # the roles courses teach
    slot_role = np.array([role_of.get(slot.role, -1) for slot in q.slots], dtype=np.int64)
    slot_employer = np.array([slot.employer for slot in q.slots], dtype=np.int64)
    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    idle_pay = term_units(scenario, Term.IDLE_PAID) * q.capacity_minutes.astype(np.int64) * guaranteed[:, None]
    can_train = np.zeros(workers, dtype=np.bool_)
    can_train[trainees] = True
    options, placed_cost = [], np.zeros((workers, periods), dtype=np.int64)
    none = np.full(workers, -1, dtype=np.int64)  # switches are counted per worker, not per placement
    for k in range(periods):
        costs = period_costs(scenario, allowed, k, none)
        placed = np.flatnonzero(assignment[:, k] >= 0)
        found = costs.lookup(placed, assignment[placed, k])
        placed_cost[placed, k] = np.where(found >= 0, costs.placement_cost[np.maximum(found, 0)], 0)
        keep = can_train[costs.worker] & (slot_role[costs.slot] >= 0)
        options.append(
            replace(
                costs,
                worker=costs.worker[keep],
                slot=costs.slot[keep],
                placement_cost=costs.placement_cost[keep],
                switch_cost=costs.switch_cost[keep],
            )
        )
    return _Pricing(
        scenario=scenario, options=options, assignment=assignment, cover=measured.covered.astype(np.int64),
        placed_cost=placed_cost, idle_pay=idle_pay, slot_role=slot_role, slot_employer=slot_employer,
        home=decompose._home_employers(scenario),
    )  # fmt: skip


def _first_estimates(pricing: _Pricing, spells: list[Spell], roles: list[str]) -> list[tuple[int, int, int, int]]:
    """(change, worker, offer, start) of every spell against the plan, switches left out."""
    scenario = pricing.scenario
    workers, periods = len(scenario.workers), scenario.horizon.periods
    everyone = np.arange(workers, dtype=np.int64)
    presence = np.stack([pricing.presence(k, everyone) for k in range(periods)], axis=1)
    # Per role and period, the cheapest move to a slot of that role against staying as planned.
    gain: dict[int, IntArray] = {}
    for role in {roles.index(offer.skill) for offer in scenario.trainings}:
        best = np.full((workers, periods), _NONE, dtype=np.int64)
        for k in range(periods):
            worker, _, _, value = pricing.best_moves(k, role, np.arange(len(pricing.options[k].worker)))
            np.minimum.at(best[:, k], worker, value)
        gain[role] = np.minimum(0, best - presence)
    away = np.concatenate([np.zeros((workers, 1), dtype=np.int64), np.cumsum(presence, axis=1)], axis=1)
    fee = term_units(scenario, Term.TRAINING)
    estimates = []
    for w, o, start in spells:
        offer = scenario.trainings[o]
        end = start + offer.duration
        change = (
            -(away[w, end] - away[w, start]) + int(gain[roles.index(offer.skill)][w, end:].sum()) + fee * offer.cost
        )
        estimates.append((int(change), w, o, start))
    return estimates


def _exact(pricing: _Pricing, spell: Spell, roles: list[str]) -> tuple[int, dict[int, tuple[int, int]]]:
    """The estimated change of ``spell`` against the plan as it now is, switches included, and
    the moves it makes after the course: period -> (slot, placement cost)."""
    w, o, start = spell
    offer = pricing.scenario.trainings[o]
    end, role = start + offer.duration, roles.index(offer.skill)
    one = np.array([w], dtype=np.int64)
    change = term_units(pricing.scenario, Term.TRAINING) * offer.cost
    after = pricing.assignment[w].copy()
    moves: dict[int, tuple[int, int]] = {}
    for k in range(start, end):
        change -= int(pricing.presence(k, one)[0])
        after[k] = AWAY
    for k in range(end, pricing.scenario.horizon.periods):
        _, slot, placed_cost, value = pricing.best_moves(k, role, pricing.worker_candidates(k, w))
        if not len(value):
            continue
        best = int(np.argmin(value))
        saving = int(value[best]) - int(pricing.presence(k, one)[0])
        if saving < 0:
            change += saving
            moves[k] = (int(slot[best]), int(placed_cost[best]))
            after[k] = slot[best]
    switch = term_units(pricing.scenario, Term.SWITCHES)
    change += switch * (pricing.switches(w, after) - pricing.switches(w, pricing.assignment[w]))
    return change, moves


def _take(pricing: _Pricing, spell: Spell, moves: dict[int, tuple[int, int]]) -> None:
    """Change the plan as ``spell`` does: away in the course periods, ``moves`` after it."""
    w, o, start = spell
    minutes = pricing.scenario.quantities.capacity_minutes[w]
    changes = {k: (AWAY, 0) for k in range(start, start + pricing.scenario.trainings[o].duration)} | moves
    for k, (slot, placed_cost) in changes.items():
        if (before := pricing.assignment[w, k]) >= 0:
            pricing.cover[before, k] -= minutes[k]
        if slot >= 0:
            pricing.cover[slot, k] += minutes[k]
        pricing.assignment[w, k], pricing.placed_cost[w, k] = slot, placed_cost


def choose_spells(scenario: Scenario, plan: Plan, allowed: BoolArray | None = None) -> list[Spell]:
    """The training spells to fix, chosen against ``plan`` (a plan of ``scenario`` without
    courses): best first while one pays by the estimate of the module docstring, at most one per
    worker, within every course's seats. ``allowed``: ``scenario``'s possible placements, which
    include the roles its courses teach."""
    spells = training_starts(scenario)
    if not spells:
        return []
    if allowed is None:
        allowed = possible_placements(scenario)
    roles = sorted({t.skill for t in scenario.trainings})
    pricing = _pricing(scenario, plan, allowed, np.unique([w for w, _, _ in spells]), roles)
    heap = [entry for entry in _first_estimates(pricing, spells, roles) if entry[0] < 0]
    heapq.heapify(heap)
    seats = np.zeros((len(scenario.trainings), scenario.horizon.periods), dtype=np.int64)
    chosen: list[Spell] = []
    trained: set[int] = set()
    while heap:
        _, w, o, start = heapq.heappop(heap)
        offer = scenario.trainings[o]
        if w in trained or (seats[o, start : start + offer.duration] >= offer.seats).any():
            continue
        change, moves = _exact(pricing, (w, o, start), roles)
        if change >= 0:
            continue
        if heap and change > heap[0][0]:
            heapq.heappush(heap, (change, w, o, start))  # others may pay more now: price them first
            continue
        _take(pricing, (w, o, start), moves)
        seats[o, start : start + offer.duration] += 1
        trained.add(w)
        chosen.append((w, o, start))
    return sorted(chosen)


def fixed(without: Scenario, scenario: Scenario, spells: list[Spell]) -> tuple[Scenario, BoolArray]:
    """``without`` (``scenario`` without its courses) with ``spells`` fixed, and its possible
    placements: each trainee is unavailable during the course and holds its skill, but may work
    in that role only after the course. A plan of it plus the spells (:func:`with_spells`) is a
    plan of ``scenario`` that costs the courses' fees more."""
    data = without.model_dump(mode="json", exclude_unset=True)
    labels = scenario.horizon.labels
    roles = {slot.role for slot in scenario.quantities.slots}
    for w, o, start in spells:
        offer, row = scenario.trainings[o], data["workers"][w]
        row["unavailable"] = [*row.get("unavailable", []), *labels[start : start + offer.duration]]
        if offer.skill in roles:
            row["skills"] = [*row.get("skills", []), offer.skill]
    planned = Scenario.model_validate(data)
    allowed = possible_placements(planned)
    slot_role = np.array([slot.role for slot in planned.quantities.slots])
    for w, o, start in spells:
        offer = scenario.trainings[o]
        allowed[w, : start + offer.duration, slot_role == offer.skill] = False
    return planned, allowed


def with_spells(scenario: Scenario, plan: Plan, spells: list[Spell]) -> Plan:
    """``plan`` with ``spells`` (positions in ``scenario``) as its training spells."""
    labels = scenario.horizon.labels
    return Plan(
        placements=plan.placements,
        trainings=tuple(
            TrainingSpell(worker=scenario.workers[w].id, training=scenario.trainings[o].id, start=labels[start])
            for w, o, start in spells
        ),
        transitions=plan.transitions,
    )


def fees_units(scenario: Scenario, spells: list[Spell]) -> int:
    """What ``spells`` cost in course fees (objective units)."""
    return term_units(scenario, Term.TRAINING) * sum(scenario.trainings[o].cost for _, o, _ in spells)
