"""Courses and permanent moves for pools planned period by period.

Two programmes decide something that spans periods: a course (*leercultuur*, a
``TrainingOffer``) takes a worker away for its periods and gives a skill for later ones, and a
permanent move (*Van werk naar werk*, a ``Vacancy``) takes a worker with a
``transition_deadline`` out of the pool for good. No period model can place either, so pools
too large for the whole-horizon model (:data:`werkdeling.decompose.BY_PERIOD_ABOVE`) get them
chosen here, against a plan without them (:func:`choose`):

1. every possible move (:func:`~werkdeling.model.eligibility.permanent_moves`, by the
   deadline) is priced by what it changes in that plan: the worker's work or idle pay from
   the start on is gone, and the missed deadline is not paid. Moves are taken best first while
   they pay, at most one per worker and within each vacancy's count;
2. then every possible course spell (:func:`~werkdeling.model.eligibility.training_starts`)
   of a worker who stays: the trainee's work or idle pay in the course periods is gone, after
   the course they may move to a slot of the learned role where that is cheaper, and the fee is
   paid. Spells are taken the same way, within the courses' seats;
3. each taken decision changes the plan the next ones are priced against (a lazy greedy: a
   decision whose price got worse goes back into the queue), and switches are recounted.

The pool is then planned period by period with the decisions fixed (:func:`fixed`): a trainee
is unavailable during the course and holds the skill only after it, and a worker who moves is
unavailable from the start on. The prices are estimates (one worker's change, head limits left
out), so :func:`werkdeling.solver.solve` keeps whichever plan the validator finds cheaper, with
or without them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from werkdeling import decompose
from werkdeling.errors import InputError
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.local_search import IDLE, PeriodCosts, period_costs, term_units
from werkdeling.model.eligibility import permanent_moves, possible_placements, training_starts
from werkdeling.plan import PermanentMove, Plan, TrainingSpell
from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.scenario import BoolArray, IntArray

#: (worker, offer, start period) positions of one training spell.
Spell = tuple[int, int, int]

#: (worker, employer, vacancy, start period) positions of one permanent move.
Move = tuple[int, int, int, int]

#: In an assignment: on a course or out of the pool, so neither placed nor paid as idle.
AWAY = -2

#: Cost of a placement that does not fit (above the slot's maximum, or no candidate at all).
_NONE = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Decisions:
    """The spells and moves fixed for planning by period (positions in the scenario)."""

    spells: tuple[Spell, ...] = ()
    moves: tuple[Move, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.spells or self.moves)

    def describe(self) -> str:
        """E.g. "3 course spell(s) and 1 permanent move(s)"."""
        parts = [f"{len(self.spells)} course spell(s)"] if self.spells else []
        parts += [f"{len(self.moves)} permanent move(s)"] if self.moves else []
        return " and ".join(parts) or "no course spell or permanent move"


def spanning_features(scenario: Scenario) -> str:
    """What of ``scenario`` spans periods and is chosen here, in words: "courses", "permanent
    moves" or both."""
    parts = ["courses"] if scenario.trainings else []
    parts += ["permanent moves"] if any(e.vacancies for e in scenario.employers) else []
    return " and ".join(parts)


def without_spanning(scenario: Scenario) -> Scenario | None:
    """``scenario`` without its courses and vacancies, when it has some and nothing else links
    its periods (so that it can be planned period by period); else ``None``. A plan of it is a
    plan of ``scenario`` at the same cost: no one has to take a course or a vacancy (a missed
    transition deadline costs the same in both)."""
    if not spanning_features(scenario):
        return None
    data = scenario.model_dump(mode="json", exclude_unset=True)
    data["trainings"] = []
    for employer in data["employers"]:
        employer.pop("vacancies", None)
    try:
        without = Scenario.model_validate(data)
    except (InputError, ValueError):  # only valid with them, e.g. a skill only a vacancy asks for
        return None
    return None if decompose.linking_features(without) else without


@dataclass
class _Pricing:
    """A plan as one slot per worker and period, and what a decision changes in it (objective units)."""

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
        """What each of ``workers`` costs in period ``k`` against being away."""
        slots = self.assignment[workers, k]
        value = np.where(slots == AWAY, 0, self.idle_pay[workers, k] + self.placed_cost[workers, k])
        placed = np.flatnonzero(slots >= 0)
        if len(placed):
            costs, s = self.options[k], slots[placed]
            cover, minutes = self.cover[s, k], costs.capacity[workers[placed]]
            value[placed] += costs.slot_cost(s, cover) - costs.slot_cost(s, cover - minutes)
        return np.asarray(value, dtype=np.int64)

    def presences(self) -> IntArray:
        """(workers, periods) :meth:`presence` of everyone."""
        everyone = np.arange(len(self.scenario.workers), dtype=np.int64)
        return np.stack([self.presence(k, everyone) for k in range(self.scenario.horizon.periods)], axis=1)

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

    def switch_change(self, w: int, after: IntArray) -> int:
        """What worker ``w``'s switches cost more with the slots ``after`` than as planned."""
        return term_units(self.scenario, Term.SWITCHES) * (
            self._switches(w, after) - self._switches(w, self.assignment[w])
        )

    def _switches(self, w: int, assignment: IntArray) -> int:
        count, last = 0, int(self.home[w])
        for s in assignment.tolist():
            if s >= 0:
                employer = int(self.slot_employer[s])
                count += last >= 0 and employer != last
                last = employer
        return count

    def take(self, w: int, changes: dict[int, tuple[int, int]]) -> None:
        """Change worker ``w``'s plan: period -> (slot or AWAY, placement cost)."""
        minutes = self.scenario.quantities.capacity_minutes[w]
        for k, (slot, placed_cost) in changes.items():
            if (before := self.assignment[w, k]) >= 0:
                self.cover[before, k] -= minutes[k]
            if slot >= 0:
                self.cover[slot, k] += minutes[k]
            self.assignment[w, k], self.placed_cost[w, k] = slot, placed_cost


def _pricing(scenario: Scenario, plan: Plan, allowed: BoolArray, trainees: IntArray, roles: list[str]) -> _Pricing:
    """``plan`` as a :class:`_Pricing`; ``roles`` are those courses teach, ``trainees`` the
    workers who may learn one."""
    q = scenario.quantities
    workers, periods = len(scenario.workers), scenario.horizon.periods
    measured = measure(scenario, resolve(scenario, plan))
    assignment = np.full((workers, periods), IDLE, dtype=np.int64)
    for row in measured.resolved.rows:
        assignment[row.worker, row.period] = row.slot
    role_of = {role: r for r, role in enumerate(roles)}
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


D = TypeVar("D", bound=tuple[int, ...])


def _lazy_greedy(
    first: list[tuple[int, D]],
    fits: Callable[[D], bool],
    price: Callable[[D], tuple[int, dict[int, tuple[int, int]]]],
    take: Callable[[D, dict[int, tuple[int, int]]], None],
) -> list[D]:
    """Take decisions best first while they pay: ``first`` holds each one's first estimate
    (change, decision); ``fits`` says whether it still fits what was taken, ``price`` gives its
    change against the plan as it now is with the changes it makes, and ``take`` makes them. A
    decision priced worse than the next one's estimate goes back into the queue."""
    heap = [(change, decision) for change, decision in first if change < 0]
    heapq.heapify(heap)
    chosen: list[D] = []
    while heap:
        _, decision = heapq.heappop(heap)
        if not fits(decision):
            continue
        change, changes = price(decision)
        if change >= 0:
            continue
        if heap and change > heap[0][0]:
            heapq.heappush(heap, (change, decision))  # others may pay more now: price them first
            continue
        take(decision, changes)
        chosen.append(decision)
    return chosen


def moves_by_deadline(scenario: Scenario) -> list[Move]:
    """Every possible permanent move that starts by the worker's transition deadline (only those
    are chosen here: a fixed move drops the deadline, which a later move would still miss)."""
    deadlines = {
        w: scenario.horizon.index(worker.transition_deadline)
        for w, worker in enumerate(scenario.workers)
        if worker.transition_deadline is not None
    }
    return [(w, e, v, p) for w, e, v, p in permanent_moves(scenario) if p <= deadlines[w]]


def anything_possible(scenario: Scenario) -> bool:
    """Whether :func:`choose` has any course spell or permanent move to choose from."""
    return bool(training_starts(scenario) or moves_by_deadline(scenario))


def _choose_moves(pricing: _Pricing, taken: set[int]) -> list[Move]:
    """Permanent moves by the deadline, best first while they pay (module docstring); adds the
    movers to ``taken``."""
    scenario = pricing.scenario
    periods = scenario.horizon.periods
    moves = moves_by_deadline(scenario)
    if not moves:
        return []
    missed = term_units(scenario, Term.TRANSITION_MISSED)
    # What each worker costs from each period on, against being gone.
    staying = np.cumsum(pricing.presences()[:, ::-1], axis=1)[:, ::-1]
    hired = np.zeros((len(scenario.employers), max(len(e.vacancies) for e in scenario.employers)), dtype=np.int64)

    def fits(move: Move) -> bool:
        w, e, v, _ = move
        return w not in taken and hired[e, v] < scenario.employers[e].vacancies[v].count

    def price(move: Move) -> tuple[int, dict[int, tuple[int, int]]]:
        w, _, _, start = move
        one = np.array([w], dtype=np.int64)
        changes = {k: (AWAY, 0) for k in range(start, periods)}
        after = pricing.assignment[w].copy()
        after[start:] = AWAY
        change = -missed - sum(int(pricing.presence(k, one)[0]) for k in changes) + pricing.switch_change(w, after)
        return change, changes

    def take(move: Move, changes: dict[int, tuple[int, int]]) -> None:
        w, e, v, _ = move
        pricing.take(w, changes)
        hired[e, v] += 1
        taken.add(w)

    first = [(-missed - int(staying[w, start]), (w, e, v, start)) for w, e, v, start in moves]
    return _lazy_greedy(first, fits, price, take)


def _choose_spells(pricing: _Pricing, possible: list[Spell], taken: set[int], roles: list[str]) -> list[Spell]:
    """Of the ``possible`` course spells, those of workers not in ``taken``, best first while
    they pay (module docstring); adds the trainees to ``taken``."""
    scenario = pricing.scenario
    spells = [spell for spell in possible if spell[0] not in taken]
    if not spells:
        return []
    workers, periods = len(scenario.workers), scenario.horizon.periods
    presence = pricing.presences()
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
    seats = np.zeros((len(scenario.trainings), periods), dtype=np.int64)

    def estimate(spell: Spell) -> int:
        w, o, start = spell
        offer = scenario.trainings[o]
        end = start + offer.duration
        later = int(gain[roles.index(offer.skill)][w, end:].sum())
        return int(-(away[w, end] - away[w, start]) + later + fee * offer.cost)

    def fits(spell: Spell) -> bool:
        w, o, start = spell
        offer = scenario.trainings[o]
        return w not in taken and bool((seats[o, start : start + offer.duration] < offer.seats).all())

    def price(spell: Spell) -> tuple[int, dict[int, tuple[int, int]]]:
        w, o, start = spell
        offer = scenario.trainings[o]
        end, role = start + offer.duration, roles.index(offer.skill)
        one = np.array([w], dtype=np.int64)
        change = fee * offer.cost
        changes: dict[int, tuple[int, int]] = {}
        for k in range(start, end):
            change -= int(pricing.presence(k, one)[0])
            changes[k] = (AWAY, 0)
        for k in range(end, periods):
            _, slot, placed_cost, value = pricing.best_moves(k, role, pricing.worker_candidates(k, w))
            if not len(value):
                continue
            best = int(np.argmin(value))
            saving = int(value[best]) - int(pricing.presence(k, one)[0])
            if saving < 0:
                change += saving
                changes[k] = (int(slot[best]), int(placed_cost[best]))
        after = pricing.assignment[w].copy()
        for k, (to, _) in changes.items():
            after[k] = to
        return change + pricing.switch_change(w, after), changes

    def take(spell: Spell, changes: dict[int, tuple[int, int]]) -> None:
        w, o, start = spell
        pricing.take(w, changes)
        seats[o, start : start + scenario.trainings[o].duration] += 1
        taken.add(w)

    return _lazy_greedy([(estimate(spell), spell) for spell in spells], fits, price, take)


def choose(scenario: Scenario, plan: Plan, allowed: BoolArray | None = None) -> Decisions:
    """The permanent moves, then the course spells, to fix, chosen against ``plan`` (a plan of
    ``scenario`` without them) as the module docstring says: at most one decision per worker,
    within every vacancy's count and every course's seats. ``allowed``: ``scenario``'s possible
    placements, which include the roles its courses teach."""
    if allowed is None:
        allowed = possible_placements(scenario)
    roles = sorted({t.skill for t in scenario.trainings})
    possible = training_starts(scenario)
    trainees = np.unique([w for w, _, _ in possible]).astype(np.int64)
    pricing = _pricing(scenario, plan, allowed, trainees, roles)
    taken: set[int] = set()
    moves = _choose_moves(pricing, taken)
    spells = _choose_spells(pricing, possible, taken, roles)
    return Decisions(spells=tuple(sorted(spells)), moves=tuple(sorted(moves)))


def fixed(without: Scenario, scenario: Scenario, decisions: Decisions) -> tuple[Scenario, BoolArray]:
    """``without`` (:func:`without_spanning` of ``scenario``) with ``decisions`` fixed, and its
    possible placements. A trainee is unavailable during the course and holds its skill, but may
    work in that role only after the course; a worker who moves is unavailable from the start
    on and has no transition deadline left to miss. A plan of it plus the decisions
    (:func:`with_decisions`) is a plan of ``scenario`` that costs the courses' fees more."""
    data = without.model_dump(mode="json", exclude_unset=True)
    labels = scenario.horizon.labels
    capacity = scenario.quantities.capacity_minutes
    roles = {slot.role for slot in scenario.quantities.slots}

    def away(w: int, periods: range) -> None:
        row = data["workers"][w]
        row["unavailable"] = [*row.get("unavailable", []), *(labels[k] for k in periods if capacity[w, k] > 0)]

    for w, o, start in decisions.spells:
        offer = scenario.trainings[o]
        away(w, range(start, start + offer.duration))
        if offer.skill in roles:
            data["workers"][w]["skills"] = [*data["workers"][w].get("skills", []), offer.skill]
    for w, _, _, start in decisions.moves:
        away(w, range(start, scenario.horizon.periods))
        data["workers"][w].pop("transition_deadline", None)
    planned = Scenario.model_validate(data)
    allowed = possible_placements(planned)
    slot_role = np.array([slot.role for slot in planned.quantities.slots])
    for w, o, start in decisions.spells:
        offer = scenario.trainings[o]
        allowed[w, : start + offer.duration, slot_role == offer.skill] = False
    return planned, allowed


def with_decisions(scenario: Scenario, plan: Plan, decisions: Decisions) -> Plan:
    """``plan`` with ``decisions`` (positions in ``scenario``) as its training spells and
    permanent moves."""
    labels = scenario.horizon.labels
    return Plan(
        placements=plan.placements,
        trainings=tuple(
            TrainingSpell(worker=scenario.workers[w].id, training=scenario.trainings[o].id, start=labels[start])
            for w, o, start in decisions.spells
        ),
        transitions=tuple(
            PermanentMove(
                worker=scenario.workers[w].id,
                employer=scenario.employers[e].id,
                vacancy=scenario.employers[e].vacancies[v].id,
                period=labels[start],
            )
            for w, e, v, start in decisions.moves
        ),
    )


def fees_units(scenario: Scenario, decisions: Decisions) -> int:
    """What ``decisions`` cost in course fees (objective units)."""
    return term_units(scenario, Term.TRAINING) * sum(scenario.trainings[o].cost for _, o, _ in decisions.spells)
