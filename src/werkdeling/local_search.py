"""Local search on one period's placements: the fast improvement step of period-by-period planning.

Within one period of a scenario that :mod:`werkdeling.decompose` can plan period by period, a plan
is just a slot (or nothing) per worker, and its cost splits into

* a cost per placement, relative to leaving the worker unplaced: travel, the switch from the
  employer they last worked for (and, looking ahead, to the one they work for next), preferences,
  minus the idle time a guaranteed worker no longer has; and
* a convex cost per demand slot of the minutes it gets: the required and desired shortfall below,
  the overstaffing cost above the desired level, up to the slot's maximum.

So the cost of moving one worker, or of swapping two, is a handful of array lookups, and numpy
prices every such move at once. :func:`improve` takes the best independent improving moves (no
two touching the same worker, slot or head-counted employer), prices again, and where no move,
swap or two-step chain pays, re-places all workers of one capacity at once by a min-cost flow
(:func:`reflow`). It stops at a plan neither improves. On the 2,000-worker benchmark pool that
takes 0.8-2.0 s per month from the pattern LPs' rounded solutions (``benchmarks/periods.py``).

:class:`PeriodCosts` holds the arrays in objective units (those of :mod:`werkdeling.model`), so
:meth:`PeriodCosts.cost` is the exact change of the plan's objective against the period left
empty. The caller checks it against the validator, which stays the referee.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.programmes import PreferenceKind
from werkdeling.scenario.scenario import BoolArray, IntArray
from werkdeling.scenario.settings import TERM_QUANTITY

if TYPE_CHECKING:
    from werkdeling.period_anchor import PeriodAnchor

#: Unplaced, in an assignment array.
IDLE = -1

#: Cost per minute below a slot's required level when ``rules.cover_required`` makes it a hard
#: rule: large enough that no saving elsewhere pays for it, small enough for exact int64 sums.
_HARD = 10**9

#: A head count or coaching limit that does not exist (also: no second-best exit).
NO_LIMIT = np.iinfo(np.int64).max // 4

#: Most worker x slot pairs for which :meth:`PeriodCosts.lookup` keeps a dense table (4 bytes
#: each, so at most 400 MB); above it, binary search over the candidates. The binary search took
#: half the local search's time on a 2,000-worker month (700,000 pairs). On a 20,000-worker
#: month (70 million pairs, 280 MB) the search from the greedy plan converged in 7.0 s with the
#: table instead of 11.6 s, to the same plan (ad hoc trial).
DENSE_LOOKUP_LIMIT = 100_000_000


def term_units(scenario: Scenario, term: Term) -> int:
    """Objective units per integer unit of ``term`` (weight included)."""
    return scenario.weights.of(term) * TERM_QUANTITY[term][2]


@dataclass(frozen=True)
class PeriodCosts:
    """One period's placements and costs as arrays, in objective units.

    ``worker[i]``, ``slot[i]`` and ``placement_cost[i]`` describe candidate placement ``i``: every
    placement eligibility allows whose minutes fit under the slot's maximum, sorted by
    ``worker * slots + slot`` so any pair can be looked up.
    """

    capacity: IntArray  # (workers,) minutes each worker works when placed
    slot_employer: IntArray  # (slots,)
    required: IntArray  # (slots,) minutes
    desired: IntArray
    maximum: IntArray
    short_required: int  # units per minute below required (on top of desired)
    short_desired: int  # units per minute below desired
    cover_required: bool  # required cover is a hard rule: the search prices a minute below it at _HARD
    over: IntArray  # (slots,) units per minute above desired
    worker: IntArray  # (candidates,)
    slot: IntArray
    placement_cost: IntArray
    switch_cost: IntArray  # (candidates,) the switches' part of placement_cost
    head_limit: IntArray  # (employers,) most workers placed with the employer
    coaching_limit: IntArray  # (employers,) most workers who need coaching
    coached: BoolArray  # (workers,)

    @property
    def slots(self) -> int:
        return len(self.required)

    @property
    def workers(self) -> int:
        return len(self.capacity)

    def slot_cost(self, slots: IntArray, minutes: IntArray, *, hard: bool = True) -> IntArray:
        """Cost of ``minutes`` placed in each of ``slots``; with ``hard``, a minute below a hard
        required level costs ``_HARD`` instead."""
        below_required = np.maximum(0, self.required[slots] - minutes)
        below_desired = np.maximum(0, self.desired[slots] - minutes)
        above = np.maximum(0, minutes - self.desired[slots])
        per_minute = _HARD if hard and self.cover_required else self.short_required
        return np.asarray(
            per_minute * below_required + self.short_desired * below_desired + self.over[slots] * above,
            dtype=np.int64,
        )

    def lookup(self, workers: IntArray, slots: IntArray) -> IntArray:
        """Candidate index of each (worker, slot) pair, ``-1`` where it is no candidate."""
        wanted = workers * self.slots + slots
        if self._dense_index is not None:
            return np.asarray(self._dense_index[wanted], dtype=np.int64)
        keys = self._keys
        if not len(keys):
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[at] == wanted, at, -1)

    @cached_property
    def _keys(self) -> IntArray:
        return self.worker * self.slots + self.slot

    @cached_property
    def _dense_index(self) -> npt.NDArray[np.int32] | None:
        """Candidate index by ``worker * slots + slot`` (``-1``: none), where that table is small."""
        pairs = self.workers * self.slots
        if pairs > DENSE_LOOKUP_LIMIT:
            return None
        table = np.full(pairs, -1, dtype=np.int32)
        table[self._keys] = np.arange(len(self.worker), dtype=np.int32)
        return table

    def coverage(self, assignment: IntArray) -> IntArray:
        placed = assignment >= 0
        return np.bincount(assignment[placed], weights=self.capacity[placed], minlength=self.slots).astype(np.int64)

    def cost(self, assignment: IntArray) -> int:
        """The objective change of ``assignment`` against the period left empty."""
        everything = np.arange(self.slots)
        filled = self.slot_cost(everything, self.coverage(assignment), hard=False)
        empty = self.slot_cost(everything, np.zeros(self.slots, dtype=np.int64), hard=False)
        placed = np.flatnonzero(assignment >= 0)
        chosen = self.lookup(placed, assignment[placed])
        if (chosen < 0).any():
            raise ValueError("the assignment places a worker where no candidate placement is")
        return int((filled - empty).sum()) + int(self.placement_cost[chosen].sum())

    def within_limits(self, assignment: IntArray) -> bool:
        """Slot maximums, employer head counts and coaching capacities all hold."""
        if (self.coverage(assignment) > self.maximum).any():
            return False
        heads, coached = self.heads(assignment)
        return bool((heads <= self.head_limit).all() and (coached <= self.coaching_limit).all())

    def feasible(self, assignment: IntArray) -> bool:
        """Within the limits and, when a hard rule, every required minute covered."""
        if self.cover_required and (self.coverage(assignment) < self.required).any():
            return False
        return self.within_limits(assignment)

    def restricted(self, candidates: IntArray) -> PeriodCosts:
        """The same period with only ``candidates`` (sorted indices) as candidate placements."""
        return replace(
            self,
            worker=self.worker[candidates],
            slot=self.slot[candidates],
            placement_cost=self.placement_cost[candidates],
            switch_cost=self.switch_cost[candidates],
        )

    def cheapest(self, count: int, keep: IntArray | None = None) -> IntArray:
        """Sorted indices of each worker's ``count`` cheapest candidate placements, each slot's
        ``count`` cheapest, and the candidates of the plan ``keep`` (a slot per worker)."""
        chosen = np.zeros(len(self.worker), dtype=np.bool_)
        for group in (self.worker, self.slot):
            order = np.lexsort((self.placement_cost, group))
            first = np.searchsorted(group[order], group[order])  # start of each one's group
            chosen[order[np.arange(len(order)) - first < count]] = True
        if keep is not None:
            placed = np.flatnonzero(keep >= 0)
            chosen[self.lookup(placed, keep[placed])] = True
        return np.flatnonzero(chosen)

    def heads(self, assignment: IntArray) -> tuple[IntArray, IntArray]:
        placed = np.flatnonzero(assignment >= 0)
        employers = self.slot_employer[assignment[placed]]
        n = len(self.head_limit)
        heads = np.bincount(employers, minlength=n).astype(np.int64)
        coached = np.bincount(employers[self.coached[placed]], minlength=n).astype(np.int64)
        return heads, coached


def period_costs(
    scenario: Scenario,
    allowed: BoolArray,
    period: int,
    last: IntArray,
    following: IntArray | None = None,
    anchor: PeriodAnchor | None = None,
) -> PeriodCosts:
    """The :class:`PeriodCosts` of ``period``.

    ``last[w]`` is the employer worker ``w`` last worked for before the period (``-1``: none, so
    the first placement is no switch); ``following[w]`` the one they work for next after it, for
    a search that keeps later periods as they are (``None`` or ``-1``: nothing planned after).
    With an ``anchor``, each placement's cost includes what it changes in the anchor plan's
    change count (:meth:`~werkdeling.period_anchor.PeriodAnchor.extra`).
    """
    q = scenario.quantities
    capacity = q.capacity_minutes[:, period].astype(np.int64)
    slot_employer = np.array([s.employer for s in q.slots], dtype=np.int64)
    required = np.array([int(s.required[period]) for s in q.slots], dtype=np.int64)
    desired = np.array([int(s.desired[period]) for s in q.slots], dtype=np.int64)
    maximum = np.array([int(s.maximum[period]) for s in q.slots], dtype=np.int64)
    ok = allowed[:, period, :] & (capacity[:, None] <= maximum[None, :]) & (capacity[:, None] > 0)
    worker, slot = np.nonzero(ok)  # row-major: already sorted by worker * slots + slot
    worker = worker.astype(np.int64)
    slot = slot.astype(np.int64)
    employer = slot_employer[slot]

    cost = term_units(scenario, Term.TRAVEL) * q.distance_hm[worker, employer].astype(np.int64)
    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    cost -= term_units(scenario, Term.IDLE_PAID) * capacity[worker] * guaranteed[worker]
    switch = term_units(scenario, Term.SWITCHES)
    after = np.full_like(last, -1) if following is None else following
    before_w, after_w = last[worker], after[worker]
    switches = ((before_w >= 0) & (before_w != employer)).astype(np.int64)
    switches += (after_w >= 0) & (after_w != employer)
    switches -= (before_w >= 0) & (after_w >= 0) & (before_w != after_w)
    cost += switch * switches
    cost += _preference_costs(scenario, period, worker, employer)
    if anchor is not None:
        cost += anchor.extra(period, worker, slot)

    over_units = term_units(scenario, Term.OVERSTAFFING)
    over = np.array([over_units * scenario.employers[e].overstaffing_cost for e in slot_employer], dtype=np.int64)
    heads = [e.max_shared_workers for e in scenario.employers]
    coaching = [e.coaching_capacity for e in scenario.employers]
    return PeriodCosts(
        capacity=capacity,
        slot_employer=slot_employer,
        required=required,
        desired=desired,
        maximum=maximum,
        short_required=term_units(scenario, Term.REQUIRED_SHORTFALL),
        short_desired=term_units(scenario, Term.DESIRED_SHORTFALL),
        cover_required=scenario.effective_rules.cover_required,
        over=over,
        worker=worker,
        slot=slot,
        placement_cost=np.asarray(cost, dtype=np.int64),
        switch_cost=switch * switches,
        head_limit=np.array([NO_LIMIT if h is None else h for h in heads], dtype=np.int64),
        coaching_limit=np.array([NO_LIMIT if c is None else c for c in coaching], dtype=np.int64),
        coached=np.array([w.needs_coaching for w in scenario.workers], dtype=np.bool_),
    )


def _preference_costs(scenario: Scenario, period: int, worker: IntArray, employer: IntArray) -> IntArray:
    """Preference points of each candidate placement against leaving the worker unplaced."""
    units = term_units(scenario, Term.PREFERENCES)
    extra = np.zeros(len(worker), dtype=np.int64)
    if units == 0:
        return extra
    per_worker: dict[int, list[tuple[int, int | None]]] = {}
    for w, person in enumerate(scenario.workers):
        for preference in person.preferences:
            if period not in scenario.horizon.resolve_all(preference.periods):
                continue
            sign = -1 if preference.kind is PreferenceKind.PREFER else 1
            e = scenario.employer_index[preference.employer] if preference.employer is not None else None
            per_worker.setdefault(w, []).append((sign * preference.weight, e))
    if not per_worker:
        return extra
    for i in np.flatnonzero(np.isin(worker, list(per_worker))):
        for points, e in per_worker[int(worker[i])]:
            if e is None or e == int(employer[i]):
                extra[i] += points * units
    return extra


@dataclass(frozen=True)
class _Moves:
    """Priced moves: each worker in ``workers`` goes to the slot in ``to`` (``IDLE``: unplaced)."""

    delta: IntArray
    first: IntArray  # worker moved
    first_to: IntArray
    second: IntArray  # second worker of a swap, -1 for a single move
    second_to: IntArray


def _relocations(costs: PeriodCosts, assignment: IntArray, current: IntArray, cover: IntArray) -> _Moves:
    """Every single worker moved to another candidate slot, or out of the plan."""
    w, s = costs.worker, costs.slot
    source = assignment[w]
    capacity = costs.capacity[w]
    fits = (source != s) & (cover[s] + capacity <= costs.maximum[s])
    w, s, i, source, capacity = w[fits], s[fits], np.flatnonzero(fits), source[fits], capacity[fits]
    delta = costs.placement_cost[i] - current[w] + _added(costs, s, cover, capacity)
    delta += _removed(costs, source, cover, capacity)
    placed = np.flatnonzero(assignment >= 0)
    out = -current[placed] + _removed(costs, assignment[placed], cover, costs.capacity[placed])
    none = np.full(len(w) + len(placed), -1, dtype=np.int64)
    return _Moves(
        delta=np.concatenate([delta, out]),
        first=np.concatenate([w, placed]),
        first_to=np.concatenate([s, np.full(len(placed), IDLE, dtype=np.int64)]),
        second=none,
        second_to=none,
    )


def _now(costs: PeriodCosts, cover: IntArray) -> IntArray:
    """Each slot's cost at ``cover``: priced once per slot, not once per move."""
    return costs.slot_cost(np.arange(costs.slots), cover)


def _added(costs: PeriodCosts, slots: IntArray, cover: IntArray, minutes: IntArray) -> IntArray:
    return costs.slot_cost(slots, cover[slots] + minutes) - _now(costs, cover)[slots]


def _removed(costs: PeriodCosts, slots: IntArray, cover: IntArray, minutes: IntArray) -> IntArray:
    """Slot cost change of taking ``minutes`` out of each slot; 0 where the slot is ``IDLE``."""
    placed = slots >= 0
    safe = np.where(placed, slots, 0)
    change = costs.slot_cost(safe, cover[safe] - minutes) - _now(costs, cover)[safe]
    return np.where(placed, change, 0)


#: Every (candidate, worker, slot, holder) of :func:`_displacements`.
_Displacements = tuple[IntArray, IntArray, IntArray, IntArray]


def _displacements(costs: PeriodCosts, assignment: IntArray) -> _Displacements:
    """Every (candidate ``i``, worker ``w``, slot ``s``, worker ``v``): ``w`` could take candidate
    slot ``s``, other than their own, which ``v`` holds."""
    placed = np.flatnonzero(assignment >= 0)
    order = placed[np.argsort(assignment[placed], kind="stable")]
    held = assignment[order]
    start = np.searchsorted(held, np.arange(costs.slots))
    count = np.bincount(held, minlength=costs.slots)
    w, s = costs.worker, costs.slot
    keep = (assignment[w] != s) & (count[s] > 0)
    w, s, i = w[keep], s[keep], np.flatnonzero(keep)
    n = count[s]
    pair = np.repeat(np.arange(len(w)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return i[pair], w[pair], s[pair], order[start[s[pair]] + offset]


def _swaps(
    costs: PeriodCosts, assignment: IntArray, current: IntArray, cover: IntArray, displaced: _Displacements
) -> _Moves:
    """Worker ``w`` takes a candidate slot ``s`` held by ``v``, and ``v`` takes ``w``'s place
    (out of the plan if ``w`` was unplaced); ``displaced`` is :func:`_displacements` of the plan."""
    i, w, s, v = displaced
    source = assignment[w]
    back = np.where(source >= 0, costs.lookup(v, np.maximum(source, 0)), -1)
    usable = (source < 0) | (back >= 0)
    w, s, i, v, source, back = w[usable], s[usable], i[usable], v[usable], source[usable], back[usable]
    cw, cv = costs.capacity[w], costs.capacity[v]
    into = cover[s] - cv + cw
    safe = np.maximum(source, 0)
    from_source = cover[safe] - cw + cv
    ok = (into <= costs.maximum[s]) & ((source < 0) | (from_source <= costs.maximum[safe]))
    delta = costs.placement_cost[i] - current[w] - current[v]
    delta += np.where(source >= 0, costs.placement_cost[np.maximum(back, 0)], 0)
    now = _now(costs, cover)
    delta += costs.slot_cost(s, into) - now[s]
    delta += np.where(source >= 0, costs.slot_cost(safe, from_source) - now[safe], 0)
    return _Moves(
        delta=delta[ok],
        first=w[ok],
        first_to=s[ok],
        second=v[ok],
        second_to=np.where(source >= 0, source, IDLE)[ok],
    )


def _chains(
    costs: PeriodCosts, assignment: IntArray, current: IntArray, cover: IntArray, displaced: _Displacements
) -> _Moves:
    """Worker ``w`` takes a candidate slot ``s`` held by ``v``, and ``v`` moves on to the slot
    (or out of the plan) that suits them best other than ``w``'s own: the move a flow makes
    along a path, which single moves and swaps cannot."""
    exit_slot, exit_cost = _best_exits(costs, assignment, cover)
    i, w, s, v = displaced
    source = assignment[w]
    # The best exit, or the second best where the best is w's own slot (that is a swap).
    pick = np.where((exit_slot[v, 0] == source) & (source >= 0), 1, 0)
    to = exit_slot[v, pick]
    usable = exit_cost[v, pick] < NO_LIMIT
    i, w, s, v, source, to = i[usable], w[usable], s[usable], v[usable], source[usable], to[usable]
    cw, cv = costs.capacity[w], costs.capacity[v]
    into = cover[s] - cv + cw
    delta = costs.placement_cost[i] - current[w] - current[v] + exit_cost[v, pick[usable]]
    delta += costs.slot_cost(s, into) - _now(costs, cover)[s]
    delta += _removed(costs, source, cover, cw)
    ok = into <= costs.maximum[s]
    return _Moves(delta=delta[ok], first=w[ok], first_to=s[ok], second=v[ok], second_to=to[ok])


def _best_exits(costs: PeriodCosts, assignment: IntArray, cover: IntArray) -> tuple[IntArray, IntArray]:
    """Per worker, the two best places to go other than their own, as (slot, cost) columns: the
    placement cost plus what the slot's cost changes by; ``IDLE`` (cost 0) is one of them."""
    w, s = costs.worker, costs.slot
    fits = (assignment[w] != s) & (cover[s] + costs.capacity[w] <= costs.maximum[s])
    w, s, i = w[fits], s[fits], np.flatnonzero(fits)
    value = costs.placement_cost[i] + _added(costs, s, cover, costs.capacity[w])
    everyone = np.arange(costs.workers)
    w = np.concatenate([w, everyone])
    s = np.concatenate([s, np.full(costs.workers, IDLE, dtype=np.int64)])
    value = np.concatenate([value, np.zeros(costs.workers, dtype=np.int64)])
    order = np.lexsort((value, w))
    w, s, value = w[order], s[order], value[order]
    first = np.searchsorted(w, everyone)
    second = np.minimum(first + 1, len(w) - 1)
    has_second = w[second] == everyone
    slot = np.stack([s[first], np.where(has_second, s[second], IDLE)], axis=1)
    cost = np.stack([value[first], np.where(has_second, value[second], NO_LIMIT)], axis=1)
    return slot, cost


def _current_costs(costs: PeriodCosts, assignment: IntArray) -> IntArray:
    current = np.zeros(costs.workers, dtype=np.int64)
    placed = np.flatnonzero(assignment >= 0)
    current[placed] = costs.placement_cost[costs.lookup(placed, assignment[placed])]
    return current


def _apply(costs: PeriodCosts, assignment: IntArray, moves: _Moves) -> int:
    """Apply the improving moves, best first, that touch no worker, slot or head-counted employer
    an earlier one touched; returns how many were applied."""
    improving = np.flatnonzero(moves.delta < 0)
    if not len(improving):
        return 0
    limited = (costs.head_limit < NO_LIMIT) | (costs.coaching_limit < NO_LIMIT)
    heads, coached = costs.heads(assignment)
    touched_worker = np.zeros(costs.workers, dtype=np.bool_)
    touched_slot = np.zeros(costs.slots, dtype=np.bool_)
    touched_employer = np.zeros(len(limited), dtype=np.bool_)
    applied = 0
    for k in improving[np.argsort(moves.delta[improving], kind="stable")]:
        changes = [(int(moves.first[k]), int(moves.first_to[k]))]
        if moves.second[k] >= 0:
            changes.append((int(moves.second[k]), int(moves.second_to[k])))
        slots = {s for w, to in changes for s in (int(assignment[w]), to) if s >= 0}
        if any(touched_worker[w] for w, _ in changes) or any(touched_slot[s] for s in slots):
            continue
        employers = {int(costs.slot_employer[s]) for s in slots}
        if any(limited[e] and touched_employer[e] for e in employers):
            continue
        if limited.any() and not _heads_hold(costs, assignment, changes, heads, coached):
            continue
        for w, to in changes:
            source = int(assignment[w])
            if source >= 0:
                e = int(costs.slot_employer[source])
                heads[e] -= 1
                coached[e] -= int(costs.coached[w])
            if to >= 0:
                e = int(costs.slot_employer[to])
                heads[e] += 1
                coached[e] += int(costs.coached[w])
            assignment[w] = to
            touched_worker[w] = True
        for s in slots:
            touched_slot[s] = True
        for e in employers:
            touched_employer[e] = True
        applied += 1
    return applied


def _heads_hold(
    costs: PeriodCosts, assignment: IntArray, changes: list[tuple[int, int]], heads: IntArray, coached: IntArray
) -> bool:
    change: dict[int, tuple[int, int]] = {}
    for w, to in changes:
        for s, sign in ((int(assignment[w]), -1), (to, 1)):
            if s >= 0:
                e = int(costs.slot_employer[s])
                h, c = change.get(e, (0, 0))
                change[e] = (h + sign, c + sign * int(costs.coached[w]))
    return all(
        heads[e] + h <= costs.head_limit[e] and coached[e] + c <= costs.coaching_limit[e]
        for e, (h, c) in change.items()
        if h > 0 or c > 0
    )


def repair(costs: PeriodCosts, assignment: IntArray) -> IntArray:
    """``assignment`` with workers taken out, dearest placement first, until every slot maximum
    and employer head count holds (a rounded LP can break them)."""
    plan = np.array(assignment, dtype=np.int64)
    placed = np.flatnonzero(plan >= 0)
    dearest = placed[np.argsort(-costs.placement_cost[costs.lookup(placed, plan[placed])], kind="stable")]
    cover = costs.coverage(plan)
    heads, coached = costs.heads(plan)
    for w in dearest.tolist():
        s = int(plan[w])
        e = int(costs.slot_employer[s])
        if (
            cover[s] > costs.maximum[s]
            or heads[e] > costs.head_limit[e]
            or (costs.coached[w] and coached[e] > costs.coaching_limit[e])
        ):
            plan[w] = IDLE
            cover[s] -= costs.capacity[w]
            heads[e] -= 1
            coached[e] -= int(costs.coached[w])
    return plan


def improve(costs: PeriodCosts, assignment: IntArray, *, seconds: float = 1.0) -> tuple[IntArray, bool]:
    """A plan at least as good as ``assignment`` (a slot or ``IDLE`` per worker), and whether no
    single move, swap or two-step chain improves it and no worker class can be re-placed for less
    (:func:`reflow`) (``False``: ``seconds`` ran out first).

    The start must keep the slot maximums and head counts (see :func:`repair`).
    """
    plan = np.array(assignment, dtype=np.int64)
    if not costs.within_limits(plan):
        raise ValueError("the start breaks a slot maximum, a head count or a coaching capacity; repair() it first")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        cover = costs.coverage(plan)
        current = _current_costs(costs, plan)
        if _apply(costs, plan, _relocations(costs, plan, current, cover)):
            continue
        # Chains are tried only where no swap applied, so on the same plan's displacements.
        displaced = _displacements(costs, plan)
        if _apply(costs, plan, _swaps(costs, plan, current, cover, displaced)):
            continue
        if _apply(costs, plan, _chains(costs, plan, current, cover, displaced)):
            continue
        if not reflow(costs, plan, deadline):
            return plan, True
    return plan, False


def reflow(costs: PeriodCosts, assignment: IntArray, deadline: float = np.inf) -> bool:
    """Re-place, one class at a time, every worker of one capacity (minutes this period) at the
    least cost with everyone else where they are; ``assignment`` changes in place. Returns whether
    the plan got cheaper (under the search's pricing: a hard required minute costs ``_HARD``).

    Workers of one capacity change a slot's cover in equal steps, and a slot's cost is convex in
    its cover, so re-placing them is a min-cost flow (OR-Tools' ``SimpleMinCostFlow``, exact and
    integral): worker -> candidate slot -> (employer, where it has a head count) -> out, with the
    ``n``-th worker into a slot paying what the ``n``-th step of its cover costs, and an arc
    straight out for staying unplaced. It makes the long chains of moves no single move, swap
    or two-step chain finds (on the 2,000-worker benchmark August, see ``benchmarks/README.md``).
    Where a coaching capacity exists, workers who need coaching stay put (the flow does not
    count them apart).
    """
    improved = False
    placeable = np.zeros(costs.workers, dtype=np.bool_)
    placeable[costs.worker] = True
    if (costs.coaching_limit < NO_LIMIT).any():
        placeable &= ~costs.coached
    capacities, counts = np.unique(costs.capacity[placeable], return_counts=True)
    for minutes in capacities[np.argsort(-counts, kind="stable")].tolist():
        if time.perf_counter() >= deadline:
            break
        improved |= _reflow_class(costs, assignment, placeable & (costs.capacity == minutes), int(minutes))
    return improved


def _reflow_class(costs: PeriodCosts, assignment: IntArray, movable: BoolArray, minutes: int) -> bool:
    """:func:`reflow` for the workers in ``movable``, who all have ``minutes`` of capacity."""
    moving = np.flatnonzero(movable)
    placed = assignment[moving] >= 0
    # What the others give each slot and employer.
    cover = costs.coverage(assignment) - np.bincount(assignment[moving[placed]], minlength=costs.slots) * minutes
    heads, _ = costs.heads(assignment)
    heads -= np.bincount(costs.slot_employer[assignment[moving[placed]]], minlength=len(heads))
    candidate = np.flatnonzero(movable[costs.worker])
    # The most workers of this class each slot can take under its maximum.
    room = (costs.maximum - cover) // minutes
    into = np.bincount(costs.slot[candidate], minlength=costs.slots)
    steps = np.minimum(room, into)
    candidate = candidate[steps[costs.slot[candidate]] > 0]
    # Nodes: the moving workers, the slots, the employers with a head count, and "out".
    index = np.full(costs.workers, -1, dtype=np.int64)
    index[moving] = np.arange(len(moving))
    slot_node = len(moving) + np.arange(costs.slots)
    limited = costs.head_limit < NO_LIMIT
    employer_node = len(moving) + costs.slots + np.arange(len(heads))
    out = len(moving) + costs.slots + len(heads)
    # The n-th step into slot s costs slot_cost(cover + n minutes) - slot_cost(cover + (n - 1) minutes).
    step_slot = np.repeat(np.arange(costs.slots), steps)
    step = np.arange(len(step_slot)) - np.repeat(np.cumsum(steps) - steps, steps) + 1
    step_cost = costs.slot_cost(step_slot, cover[step_slot] + step * minutes) - costs.slot_cost(
        step_slot, cover[step_slot] + (step - 1) * minutes
    )
    step_employer = costs.slot_employer[step_slot]
    step_head = np.where(limited[step_employer], employer_node[step_employer], out)
    head_employers = np.flatnonzero(limited)
    tails = np.concatenate([
        index[costs.worker[candidate]], index[moving], slot_node[step_slot], employer_node[head_employers],
    ])  # fmt: skip
    arc_heads = np.concatenate([
        slot_node[costs.slot[candidate]], np.full(len(moving), out), step_head, np.full(len(head_employers), out),
    ])  # fmt: skip
    capacity = np.concatenate([
        np.ones(len(candidate) + len(moving) + len(step_slot), dtype=np.int64),
        np.maximum(costs.head_limit[head_employers] - heads[head_employers], 0),
    ])  # fmt: skip
    unit_cost = np.concatenate([
        costs.placement_cost[candidate], np.zeros(len(moving), dtype=np.int64), step_cost,
        np.zeros(len(head_employers), dtype=np.int64),
    ])  # fmt: skip
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), arc_heads.astype(np.int32), capacity, unit_cost.astype(np.int64)
    )
    supplies = np.zeros(out + 1, dtype=np.int64)
    supplies[: len(moving)] = 1
    supplies[out] = -len(moving)
    flow.set_nodes_supplies(np.arange(out + 1, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        return False  # never infeasible (everyone may stay out); costs out of its range keep the plan
    before = _class_cost(costs, moving, assignment[moving], cover, minutes)
    used = np.asarray(flow.flows(np.arange(len(candidate), dtype=np.int32))) > 0
    after = np.full(len(moving), IDLE, dtype=np.int64)
    after[index[costs.worker[candidate[used]]]] = costs.slot[candidate[used]]
    # The flow's optimum is this cost; recomputing it keeps a tie (or a solver slip) from moving anyone.
    if _class_cost(costs, moving, after, cover, minutes) >= before:
        return False
    assignment[moving] = after
    return True


def _class_cost(costs: PeriodCosts, moving: IntArray, slots: IntArray, cover: IntArray, minutes: int) -> int:
    """What workers ``moving`` (each of ``minutes``) cost in ``slots`` (one each, or ``IDLE``) on
    top of the others' ``cover``, pricing a hard required minute at ``_HARD`` like the search."""
    placed = slots >= 0
    chosen = costs.lookup(moving[placed], slots[placed])
    everything = np.arange(costs.slots)
    added = cover + np.bincount(slots[placed], minlength=costs.slots) * minutes
    change = costs.slot_cost(everything, added) - costs.slot_cost(everything, cover)
    return int(costs.placement_cost[chosen].sum() + change.sum())
