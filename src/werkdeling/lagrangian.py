"""A lower bound with the switches in it, for planning period by period.

The bound of :mod:`werkdeling.decompose` adds up the periods' LP relaxations, which leave the
switches out. Here the rows that tie the workers of one period together are priced instead of
kept (Lagrangian relaxation): a minute of cover in slot ``s`` of period ``k`` is worth
``d[k, s]``, and a worker placed with an employer whose head count (or coaching capacity) is
limited costs ``u >= 0``. What is left falls apart into

* per slot and period, the cheapest cover on its hull (:func:`~werkdeling.relaxation.slot_hull`):
  ``min over c of hull(c) + d c``, taken at one of the hull's points;
* per limited employer and period, ``-u x limit``;
* per worker, the cheapest path through the horizon: in each period one candidate placement,
  priced ``static - d x minutes + u``, or nothing, plus the switch cost wherever the employer
  differs from the one last worked for (``home_employer`` before the horizon). A dynamic
  programme over (period, employer last worked for) finds it exactly.

For any prices the sum is a lower bound on every plan (weak duality). With the period LPs' duals
and a switch cost of 0 it is the sum of their optima; switches only raise it. Subgradient steps
(Polyak's step towards the plan's cost) then look for better prices. Everything is in objective
units against the plan with nobody placed, like :class:`~werkdeling.local_search.PeriodCosts`.

**Whole workers in a slot.** A slot's hull lets it take any cover between the covers whole
workers reach, priced by the line between them, and that is where most of the gap between the
periods' LPs and their integer optima is (``benchmarks/README.md``). In a period whose pattern
LP was solved (:mod:`werkdeling.patterns`, :func:`with_patterns`), the slot instead takes a
whole number of its candidates of each capacity (class), and a place of class ``c`` in slot
``s`` has a price of its own on top of the minutes': ``d[k, s] x minutes + e[k, s, c]``, paid by
the worker's path and earned by the slot. The slot's cheapest choice is then a small bounded
knapsack over the class counts (:func:`~werkdeling.patterns.cheapest_counts`), and the steps on
``e`` are the class counts the slot takes minus those the paths place there. With the pattern
LP's duals and a switch cost of 0 the bound is the sum of those LPs' optima.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from werkdeling.local_search import NO_LIMIT, PeriodCosts
from werkdeling.patterns import PatternLp, SlotCounts, cheapest_counts
from werkdeling.relaxation import FloatArray, PeriodLp
from werkdeling.scenario.scenario import BoolArray, IntArray

#: Candidate, worker, slot and employer indices of a :class:`PeriodPricing`: 32 bits, as the
#: 20,000-worker benchmark pool's bound keeps 66 million candidates (:func:`restricted`).
IndexArray = npt.NDArray[np.int32]

T = TypeVar("T")


@dataclass(frozen=True)
class PeriodPricing:
    """One period's candidates and slot hulls, as the Lagrangian needs them (see :func:`pricing`).

    Candidates are sorted by (worker, employer); ``group_start`` marks where each such pair's
    run begins, so a pair's cheapest candidate is a ``reduceat`` away. A candidate's minutes and
    coaching need are its worker's: kept per worker, they take no memory per candidate (the
    20,000-worker benchmark pool keeps 66 million candidates, :func:`restricted`).
    """

    workers: int
    worker: IndexArray
    slot: IndexArray
    employer: IndexArray
    static: FloatArray  # placement cost without the switches
    worker_minutes: FloatArray  # (workers,) the minutes a placement covers
    worker_coached: BoolArray  # (workers,) whether a placement takes a coaching place
    group_start: IndexArray
    covers: FloatArray  # (slots, points) hull covers, the last repeated to pad
    prices: FloatArray  # (slots, points) the hull's cost at each
    constant: float  # minus the empty cost of every slot with a hull
    head_limit: FloatArray  # (employers,) 0 where there is none
    coaching_limit: FloatArray
    head_limited: BoolArray  # (employers,) whether there is a limit
    coaching_limited: BoolArray
    # The LP's prices to start from.
    cover_prices: FloatArray
    head_prices: FloatArray  # u >= 0 (the LP's duals are <= 0)
    coaching_prices: FloatArray
    #: Each candidate's index in the period's :class:`~werkdeling.local_search.PeriodCosts`.
    candidate: IndexArray
    #: The slots priced by whole workers (classes in this order of candidates), and the pattern
    #: LP's prices of a place to start from (see :func:`with_patterns`); ``None``: by the hulls.
    counts: SlotCounts | None = None
    place_prices: FloatArray | None = None
    #: The head and coaching prices already added to ``static`` (see :func:`restricted`), so an
    #: evaluation at those prices adds nothing per candidate; ``None``: none added.
    head_in_static: FloatArray | None = None
    coaching_in_static: FloatArray | None = None


def pricing(costs: PeriodCosts, lp: PeriodLp) -> PeriodPricing:
    """The :class:`PeriodPricing` of a period from its arrays and LP relaxation."""
    employers = len(costs.head_limit)
    employer = costs.slot_employer[costs.slot]
    order = np.lexsort((employer, costs.worker))
    worker, slot, employer = costs.worker[order], costs.slot[order], employer[order]
    key = worker * employers + employer
    new_group = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=np.bool_)
    points = max((len(h[0]) for h in lp.hulls if h is not None), default=1)
    covers = np.zeros((costs.slots, points), dtype=np.float64)
    prices = np.zeros((costs.slots, points), dtype=np.float64)
    constant = 0.0
    for s, hull in enumerate(lp.hulls):
        if hull is None:
            continue  # no candidate: cover 0, cost unchanged
        x, y = hull
        covers[s] = np.r_[x, np.full(points - len(x), x[-1])]
        prices[s] = np.r_[y, np.full(points - len(y), y[-1])]
        constant -= float(costs.slot_cost(np.array([s]), np.zeros(1, dtype=np.int64), hard=False)[0])
    return PeriodPricing(
        workers=costs.workers,
        worker=worker.astype(np.int32),
        slot=slot.astype(np.int32),
        employer=employer.astype(np.int32),
        static=(costs.placement_cost - costs.switch_cost)[order].astype(np.float64),
        worker_minutes=costs.capacity.astype(np.float64),
        worker_coached=costs.coached.copy(),
        group_start=np.flatnonzero(new_group).astype(np.int32),
        covers=covers,
        prices=prices,
        constant=constant,
        head_limit=np.where(costs.head_limit < NO_LIMIT, costs.head_limit, 0).astype(np.float64),
        coaching_limit=np.where(costs.coaching_limit < NO_LIMIT, costs.coaching_limit, 0).astype(np.float64),
        head_limited=costs.head_limit < NO_LIMIT,
        coaching_limited=costs.coaching_limit < NO_LIMIT,
        cover_prices=lp.cover_prices.copy(),
        head_prices=-lp.head_prices,
        coaching_prices=-lp.coaching_prices,
        candidate=order.astype(np.int32),
    )


def with_patterns(period: PeriodPricing, counts: SlotCounts, found: PatternLp) -> PeriodPricing:
    """``period`` with its slots priced by whole workers, starting from the prices of its pattern
    LP ``found`` (:func:`~werkdeling.patterns.pattern_lp` on ``counts``): a place of class ``c``
    in slot ``s`` is worth what a pattern with one more of them is, the minutes nothing apart."""
    if len(counts.klass) != len(period.candidate):
        raise ValueError("the pattern LP's period has other candidate placements than this pricing")
    return replace(
        period,
        counts=replace(counts, klass=counts.klass[period.candidate]),
        cover_prices=np.zeros_like(period.cover_prices),
        place_prices=-found.place_prices,
        head_prices=-found.head_prices,
        coaching_prices=-found.coaching_prices,
    )


@dataclass
class Prices:
    """The multipliers of one period: per slot ``cover`` (a minute's worth), per employer ``head``
    and ``coaching`` (at least 0, the price of a place under that limit), and where the period's
    slots are priced by whole workers (:class:`SlotCounts`), per slot and class ``place``, a
    place's price on top of its minutes' (``None``: the slots' hulls price them)."""

    cover: FloatArray
    head: FloatArray
    coaching: FloatArray
    place: FloatArray | None = None

    @classmethod
    def of_lp(cls, period: PeriodPricing) -> Prices:
        """The prices of the period's LP, or of its pattern LP where it has one."""
        place = None if period.place_prices is None else period.place_prices.copy()
        return cls(period.cover_prices.copy(), period.head_prices.copy(), period.coaching_prices.copy(), place)


@dataclass(frozen=True)
class Paths:
    """The states of the workers' paths: each (worker, employer last worked for) pair that some
    period's candidates or a home employer give, sorted by worker then employer; a worker who
    has not worked yet (no home employer) is in no state. See :func:`paths`."""

    worker: IntArray  # of each state
    starts: IntArray  # (workers + 1,) each worker's first state
    # Per period, the state and the worker of each of its (worker, employer) candidate groups
    # (32 bits: the 20,000-worker benchmark pool has 57 million groups in a year).
    group_state: list[IndexArray]
    group_worker: list[IndexArray]
    start: FloatArray  # cost of each state before the horizon: 0 at the home employer, else inf
    fresh: FloatArray  # (workers,) 0 for a worker without a home employer, else inf


def paths(periods: list[PeriodPricing], home: IntArray) -> Paths:
    """The :class:`Paths` of ``periods``; ``home[w]`` is the employer worker ``w`` last worked for
    before the horizon (``-1``: none)."""
    employers = len(periods[0].head_limit)
    keys = [p.worker[p.group_start].astype(np.int64) * employers + p.employer[p.group_start] for p in periods]
    return _paths_of(keys, home, employers)


def _paths_of(keys: list[IntArray], home: IntArray, employers: int) -> Paths:
    """The :class:`Paths` whose groups in each period are ``keys`` (``worker x employers +
    employer``, sorted)."""
    workers = len(home)
    has_home = np.flatnonzero(home >= 0)
    homes = has_home * employers + home[has_home]
    key = np.unique(np.concatenate([homes, *keys]))
    worker = key // employers
    start = np.full(len(key), np.inf)
    start[np.searchsorted(key, homes)] = 0.0
    return Paths(
        worker=worker,
        starts=np.searchsorted(worker, np.arange(workers + 1)),
        group_state=[np.searchsorted(key, k).astype(np.int32) for k in keys],
        group_worker=[(k // employers).astype(np.int32) for k in keys],
        start=start,
        fresh=np.where(home >= 0, np.inf, 0.0),
    )


@dataclass(frozen=True)
class Evaluation:
    """The Lagrangian at one set of prices: its value (the bound), the candidate each worker's
    cheapest path takes in each period (``-1``: none), and the supergradient per period."""

    value: float
    picks: list[IntArray]
    cover_step: list[FloatArray]  # best cover minus the minutes the paths place, per slot
    head_step: list[FloatArray]  # workers the paths place minus the limit, per employer
    coaching_step: list[FloatArray]
    #: Per slot and class, the count the slot takes minus the paths' (``None``: no place prices).
    place_step: list[FloatArray | None]


#: One period's part of a step's direction: cover, head, coaching and place prices (``None``:
#: no place prices), laid out like :class:`Evaluation`'s steps.
Direction = tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]


def segment_min(
    values: FloatArray, starts: IntArray | IndexArray, segment: IntArray | IndexArray | None = None
) -> tuple[FloatArray, IntArray]:
    """Minimum of each segment ``values[starts[j]:starts[j + 1]]`` and the first position where it
    is reached (``inf`` and ``-1`` for an empty segment); ``starts`` ends with ``len(values)``,
    ``segment`` (the segment of each value) saves working it out."""
    low = segment_low(values, starts)
    nonempty = np.flatnonzero(starts[:-1] < starts[1:])
    at = np.full(len(starts) - 1, -1, dtype=np.int64)
    if len(values):
        if segment is None:
            segment = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        position = np.where(values == low[segment], np.arange(len(values)), len(values))
        at[nonempty] = np.minimum.reduceat(position, starts[nonempty])
    return low, at


def segment_low(values: FloatArray, starts: IntArray | IndexArray) -> FloatArray:
    """The minimum of each segment ``values[starts[j]:starts[j + 1]]`` (``inf`` for an empty one),
    as :func:`segment_min` without the positions."""
    nonempty = np.flatnonzero(starts[:-1] < starts[1:])
    low = np.full(len(starts) - 1, np.inf)
    if len(values):
        low[nonempty] = np.minimum.reduceat(values, starts[nonempty])
    return low


def group_min(values: FloatArray, group_start: IndexArray) -> FloatArray:
    """The smallest of ``values`` in each group of a :class:`PeriodPricing` (every group has a
    candidate, so one pass finds them)."""
    return np.minimum.reduceat(values, group_start) if len(values) else np.zeros(0, dtype=np.float64)


def cheapest_in_groups(
    values_at: Callable[[IntArray], FloatArray], group_start: IntArray | IndexArray, size: int, groups: IntArray
) -> IntArray:
    """The first cheapest candidate of each of ``groups`` (nonempty, of a period with ``size``
    candidates, grouped at ``group_start``; ``-1`` where a group is ``-1``), ``values_at``
    pricing candidates by index: only those groups' candidates are priced, as a path takes one
    group per worker and period."""
    found = np.full(len(groups), -1, dtype=np.int64)
    some = np.flatnonzero(groups >= 0)
    members, run_start = group_members(group_start, size, groups[some])
    _, at = segment_min(values_at(members), run_start)
    found[some] = members[at]
    return found


def group_members(group_start: IntArray | IndexArray, size: int, groups: IntArray) -> tuple[IntArray, IntArray]:
    """The candidates of ``groups`` (of a period with ``size`` candidates, grouped at
    ``group_start``), one group's after the other's, and where each group's run starts in them
    (ending with their number)."""
    first = group_start[groups].astype(np.int64)
    last = len(group_start) - 1
    length = np.where(groups < last, group_start[np.minimum(groups + 1, last)], size) - first
    run_start = np.r_[0, np.cumsum(length)]
    return np.repeat(first - run_start[:-1], length) + np.arange(run_start[-1]), run_start


def _slot_part(period: PeriodPricing, p: Prices) -> tuple[float, FloatArray, IntArray | None]:
    """What one period's slots and limits add to the Lagrangian at prices ``p``, each slot's best
    cover and (where whole workers price the slots) each slot's class counts."""
    counts = period.counts
    taken: IntArray | None = None
    if counts is None or p.place is None:
        slot_values = period.prices + p.cover[:, None] * period.covers
        best = np.argmin(slot_values, axis=1)
        best_cover = period.covers[np.arange(len(best)), best]
        value = float(slot_values.min(axis=1).sum()) + period.constant
    else:
        weight = p.cover[:, None] * counts.minutes[None, :] + p.place
        slot_values, taken = cheapest_counts(counts, weight)
        best_cover = (taken @ counts.minutes).astype(np.float64)
        value = float(slot_values.sum())
    head, coaching = _limit_prices(period, p)
    value -= float((head * period.head_limit).sum() + (coaching * period.coaching_limit).sum())
    return value, best_cover, taken


def _limit_prices(period: PeriodPricing, p: Prices) -> tuple[FloatArray, FloatArray]:
    """The head and coaching prices ``p`` puts on the period's employers: only a limit that
    exists has a price, and it is never negative (else no lower bound)."""
    head = np.where(period.head_limited, np.maximum(p.head, 0.0), 0.0)
    coaching = np.where(period.coaching_limited, np.maximum(p.coaching, 0.0), 0.0)
    return head, coaching


def _beyond_static(period: PeriodPricing, p: Prices) -> tuple[FloatArray, FloatArray]:
    """The head and coaching prices of :func:`_limit_prices` less those already in the period's
    static cost (:func:`restricted` puts all of them there)."""
    head, coaching = _limit_prices(period, p)
    if period.head_in_static is not None:
        head = head - period.head_in_static
    if period.coaching_in_static is not None:
        coaching = coaching - period.coaching_in_static
    return head, coaching


def _candidate_cost(
    period: PeriodPricing,
    p: Prices,
    index: IntArray | None = None,
    out: FloatArray | None = None,
    scratch: FloatArray | None = None,
) -> FloatArray:
    """Each candidate's priced cost at prices ``p`` (only those at ``index`` if given), into
    ``out`` if given, ``scratch`` (as long) holding the minutes. Every operation works in place:
    at 20,000 workers a period has millions of candidates, and this runs for each of them at
    every evaluation."""
    at: IntArray | slice = slice(None) if index is None else index
    slot, employer, worker = period.slot[at], period.employer[at], period.worker[at]
    # Slots and workers are valid indices; "clip" spares take() the copy its bounds check makes.
    cost = np.take(p.cover, slot, out=out, mode="clip")
    cost *= np.take(period.worker_minutes, worker, out=scratch, mode="clip")
    np.subtract(period.static[at], cost, out=cost)
    if period.counts is not None and p.place is not None:
        cost -= p.place[slot, period.counts.klass[at]]
    head, coaching = _beyond_static(period, p)
    if head.any():
        cost += head[employer]
    if coaching.any():
        cost += np.where(period.worker_coached[worker], coaching[employer], 0.0)
    return cost


def evaluate(
    periods: list[PeriodPricing], prices: list[Prices], states: Paths, switch: float, pool: Executor | None = None
) -> Evaluation:
    """The Lagrangian of ``periods`` at ``prices``, ``switch`` being the cost of one switch. With
    a thread ``pool`` the periods are priced side by side (numpy lets go of the GIL in its array
    operations); the result is the same to the last bit."""
    # Buffers for a period's candidate costs, a pair per thread at most (list.pop and append
    # are atomic): only each group's minimum is kept.
    longest = max((len(p.worker) for p in periods), default=0)
    spare: list[tuple[FloatArray, FloatArray]] = []

    def priced(k: int) -> tuple[float, FloatArray, IntArray | None, FloatArray]:
        period, p = periods[k], prices[k]
        part, covers, counted = _slot_part(period, p)
        try:
            buffer, scratch = spare.pop()
        except IndexError:  # every pair is in use (checking first would race another thread)
            buffer, scratch = np.empty(longest), np.empty(longest)
        size = len(period.worker)
        cost = _candidate_cost(period, p, out=buffer[:size], scratch=scratch[:size])
        group_cost = group_min(cost, period.group_start)
        spare.append((buffer, scratch))
        return part, covers, counted, group_cost

    parts = _each_period(len(periods), priced, pool)
    spare.clear()
    # Summed in period order, so the value does not depend on the threads.
    value = sum((part for part, _, _, _ in parts), 0.0)
    path_costs, chosen_groups = cheapest_paths([group_cost for _, _, _, group_cost in parts], states, switch)
    value += float(path_costs.sum())

    def stepped(k: int) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray | None]:
        period, p = periods[k], prices[k]
        _, covers, counted, _ = parts[k]
        chosen = cheapest_in_groups(partial(_candidate_cost, period, p), period.group_start, len(period.worker),
                                    chosen_groups[k])  # fmt: skip
        i = chosen[chosen >= 0]
        slots, employers = len(covers), len(period.head_limit)
        placed_minutes = np.bincount(period.slot[i], weights=period.worker_minutes[period.worker[i]], minlength=slots)
        heads = np.bincount(period.employer[i], minlength=employers).astype(np.float64)
        coached = np.bincount(period.employer[i[period.worker_coached[period.worker[i]]]], minlength=employers)
        coached = coached.astype(np.float64)
        # No limit, no price: the step leaves those at 0.
        head_step = np.where(period.head_limited, heads - period.head_limit, 0.0)
        coaching_step = np.where(period.coaching_limited, coached - period.coaching_limit, 0.0)
        place_step: FloatArray | None = None
        if counted is not None and period.counts is not None:
            placed = np.zeros(counted.shape)
            np.add.at(placed, (period.slot[i], period.counts.klass[i]), 1.0)
            place_step = counted - placed
        return chosen, covers - placed_minutes, head_step, coaching_step, place_step

    steps = _each_period(len(periods), stepped, pool)
    return Evaluation(
        value,
        [chosen for chosen, _, _, _, _ in steps],
        [cover for _, cover, _, _, _ in steps],
        [head for _, _, head, _, _ in steps],
        [coaching for _, _, _, coaching, _ in steps],
        [place for _, _, _, _, place in steps],
    )


def _each_period(count: int, work: Callable[[int], T], pool: Executor | None) -> list[T]:
    """``work(k)`` for each period ``k``, in order, on ``pool``'s threads if given."""
    if pool is None or count <= 1:
        return [work(k) for k in range(count)]
    return list(pool.map(work, range(count)))


def cheapest_paths(group_costs: list[FloatArray], states: Paths, switch: float) -> tuple[FloatArray, list[IntArray]]:
    """Each worker's cheapest path through the periods and its cost, ``switch`` being the cost of
    one switch. ``group_costs[k]`` holds, per (worker, employer) group of period ``k`` (see
    :class:`PeriodPricing`), the cost of its cheapest candidate (``inf`` where the group is
    closed); ``states`` are the paths' :class:`Paths`. Returns the cost per worker (0 for a path
    that places them nowhere) and, per period, the group each path takes (``-1``: none)."""
    # Forward: cost[k][j] is the cheapest path of state j's worker before period k that ends
    # with state j's employer as the one last worked for; states.fresh is "not worked yet".
    cost_by_period = [states.start]
    best_by_period = []  # per period: each worker's cheapest state before it
    for group_cost, group_state, group_worker in zip(group_costs, states.group_state, states.group_worker, strict=True):
        before = cost_by_period[-1]
        best_state = segment_low(before, states.starts)
        best_by_period.append(best_state)
        # Into a group's employer: from it, from no work yet, or from the cheapest other and a switch.
        arrive = np.minimum(states.fresh, best_state + switch)
        stay = before[group_state]
        entry = np.take(arrive, group_worker, mode="clip")
        np.minimum(entry, stay, out=entry)
        entry += group_cost
        after = before.copy()
        after[group_state] = np.minimum(stay, entry, out=entry)
        cost_by_period.append(after)
    final, final_state = segment_min(cost_by_period[-1], states.starts, states.worker)

    # Backward: which group each worker's cheapest path takes.
    workers = len(states.fresh)
    at = np.where(final < states.fresh, final_state, -1)  # a state, or -1: not worked yet
    picks: list[IntArray] = [np.full(workers, -1, dtype=np.int64) for _ in group_costs]
    for k in range(len(group_costs) - 1, -1, -1):
        before, after = cost_by_period[k], cost_by_period[k + 1]
        w = np.flatnonzero(at >= 0)
        j = at[w]
        placed = after[j] < before[j]
        w, j = w[placed], j[placed]
        # Groups are sorted like states; j in 32 bits spares searchsorted a 64-bit copy of them.
        picks[k][w] = np.searchsorted(states.group_state[k], j.astype(np.int32))
        # Where the path came from: the same employer, not worked yet, or the cheapest other
        # employer and a switch; only for the last are the worker's states searched.
        stay, fresh, via = before[j], states.fresh[w], best_by_period[k][w] + switch
        came = np.where((stay <= fresh) & (stay <= via), j, -1)
        switched = np.flatnonzero((came < 0) & (via < fresh))
        came[switched] = cheapest_in_groups(before.__getitem__, states.starts[:-1], len(before), w[switched])
        at[w] = came
    return np.minimum(final, states.fresh), picks


@dataclass(frozen=True)
class PriceBox:
    """The cover prices a :func:`restricted` period is exact for: per slot, from ``low`` to
    ``high``. Its head and coaching prices stay those it was restricted at."""

    low: FloatArray
    high: FloatArray


def restricted(period: PeriodPricing, prices: Prices, switch: float, reach: float) -> tuple[PeriodPricing, PriceBox]:
    """``period`` with only the (worker, employer) groups a cheapest path can take at any cover
    prices within a box around ``prices``, and that box: for a bound with switches where every
    period's candidates would not fit in memory (the 20,000-worker benchmark months have 6
    million each; most of a worker's groups there are far above their cheapest).

    The box lets each slot's cover price move so far that no candidate's priced cost moves by
    more than ``reach`` (objective units). Within it a group priced at ``reach`` or more at
    ``prices`` stays at 0 or more, so leaving the worker unplaced that period is as cheap and
    never adds a switch (the employers before and after meet instead). A group priced more than
    two switches and twice ``reach`` above the worker's cheapest group stays more than two
    switches above it, and moving there adds at most two switches. Every group kept keeps all
    its candidates, so at any prices within the box :func:`evaluate` on the restricted periods
    gives the same bound as on the whole ones. Whole workers in a slot (:func:`with_patterns`)
    are not restricted here: ``period`` must price its slots by their hulls."""
    if period.counts is not None or prices.place is not None:
        raise ValueError("restricted() takes a period whose slots are priced by their hulls")
    if reach < 0:
        raise ValueError(f"reach must be at least 0, not {reach}")
    group_cost = group_min(_candidate_cost(period, prices), period.group_start)
    worker = period.worker[period.group_start]
    cheapest = np.zeros(period.workers, dtype=np.float64)  # leaving the worker unplaced costs 0
    np.minimum.at(cheapest, worker, group_cost)
    kept_group = (group_cost < reach) & (group_cost <= cheapest[worker] + 2 * (switch + reach))
    kept, group_start = group_members(period.group_start, len(period.worker), np.flatnonzero(kept_group))
    # A slot's widest candidate moves most with its price; a slot without one may move freely.
    widest = np.zeros(len(prices.cover), dtype=np.float64)
    np.maximum.at(widest, period.slot, period.worker_minutes[period.worker])
    move = np.divide(reach, widest, out=np.full(len(widest), np.inf), where=widest > 0)
    # The head and coaching prices stay where they are (PriceBox): their part goes into the
    # static cost once rather than at every evaluation.
    head, coaching = _limit_prices(period, prices)
    added_head, added_coaching = _beyond_static(period, prices)
    employer = period.employer[kept]
    coached = period.worker_coached[period.worker[kept]]
    static = period.static[kept] + added_head[employer] + np.where(coached, added_coaching[employer], 0.0)
    part = replace(
        period,
        worker=period.worker[kept],
        slot=period.slot[kept],
        employer=employer,
        static=static,
        group_start=group_start[:-1].astype(np.int32),
        candidate=period.candidate[kept],
        cover_prices=prices.cover.copy(),
        head_prices=prices.head.copy(),
        coaching_prices=prices.coaching.copy(),
        head_in_static=head,
        coaching_in_static=coaching,
    )
    return part, PriceBox(prices.cover - move, prices.cover + move)


#: The first step factor of :class:`SwitchPricing`; it halves after :data:`PATIENCE` evaluations
#: without a better bound. Planning by period has time for few evaluations where it matters
#: most: 20-40 on the 2,000-worker benchmark pool, some 30 at 20,000 workers when this rule was
#: chosen (evaluations there are twice as fast since item 25). There a small first
#: factor that halves soon gains most (``benchmarks/step_rule.py``, item 24 of
#: ``benchmarks/README.md``). Long runs go further from a factor of 1 (800 evaluations on the
#: 2,000-worker pool: 64,577 points against 60,477), but planning by period restarts spent
#: steps, and on the 500-worker and 52-week pools both gave the same bound there.
STEP = 0.25
PATIENCE = 2
#: How much of the last direction a step keeps where the new supergradient turns against it
#: (Camerini, Fratta and Maffioli's deflection, 1.5 in their paper; 0: plain supergradient
#: steps). It damps the zigzag of plain steps between the periods' prices.
DEFLECTION = 1.5
#: The search stops once the step factor is below this.
SMALLEST_STEP = 1e-4
#: :class:`SwitchPricing` prices the periods on more than one thread only above this many
#: candidates in all: tiny periods gain nothing, their numpy calls being too short to run
#: while another holds the GIL. Two threads made an evaluation 1.8 times as fast at 20,000
#: workers (66 million candidates kept), gave 31-38 evaluations instead of 23-26 in the
#: 60 s plan of 2,000 workers (756,000), and changed nothing at 500 workers or 52 weeks,
#: where the steps converge (``benchmarks/README.md``, item 26).
THREADS_ABOVE = 100_000


@dataclass(frozen=True)
class SwitchBound:
    """What :func:`switch_bound` found: the best value (objective units against the empty plan),
    the candidate each worker's path takes in each period at those prices (``-1``: none), and
    how many evaluations it took."""

    value: float
    picks: list[IntArray]
    evaluations: int


class SwitchPricing:
    """Subgradient steps on the prices of :func:`evaluate`, from the LPs' prices, that can be
    resumed: :meth:`improve` takes steps until a deadline, and a caller can plan from the latest
    paths (:attr:`latest`) in between and then go on with a better plan's cost as the target.

    Polyak's step is ``factor x (plan - value) / |direction|^2``; ``factor`` starts at ``step``
    and halves after ``patience`` evaluations without a better bound (by default :data:`STEP`
    and :data:`PATIENCE`). The direction is the supergradient ``g`` plus ``beta`` times the
    last direction ``d``, ``beta`` being ``deflection`` (by default :data:`DEFLECTION`) times
    how far ``g`` turns against ``d`` (``-g.d / |d|^2``, at least 0).

    With ``boxes`` (one per period, from :func:`restricted`) the steps keep the cover prices in
    them and the head and coaching prices where they are, so the bound holds for periods
    restricted to fewer candidates.
    """

    def __init__(
        self,
        periods: list[PeriodPricing],
        home: IntArray,
        switch: float,
        boxes: list[PriceBox] | None = None,
        step: float | None = None,
        patience: int | None = None,
        deflection: float | None = None,
        threads: int = 1,
    ) -> None:
        step = STEP if step is None else step
        patience = PATIENCE if patience is None else patience
        deflection = DEFLECTION if deflection is None else deflection
        if boxes is not None and len(boxes) != len(periods):
            raise ValueError(f"{len(boxes)} price boxes for {len(periods)} periods")
        if step <= 0 or patience < 1 or deflection < 0:
            raise ValueError(
                f"step factor {step}, patience {patience} and deflection {deflection}: "
                "need a factor above 0, patience of 1 or more and a deflection of 0 or more"
            )
        if threads < 1:
            raise ValueError(f"threads {threads}: give 1 or more")
        #: Threads that price the periods side by side (only above :data:`THREADS_ABOVE`
        #: candidates); a caller may change it between calls of :meth:`improve`.
        self.threads = threads
        self._candidates = sum(len(p.worker) for p in periods)
        self.first_step = step
        self.patience = patience
        self.deflection = deflection
        self.periods = periods
        self.boxes = boxes
        self.switch = switch
        self.states = paths(periods, home)
        self.prices = [Prices.of_lp(p) for p in periods]
        self.factor = step
        self.waited = 0
        self.evaluations = 0
        self.best: Evaluation | None = None
        self.latest: Evaluation | None = None
        #: The last step's direction per period: cover, head, coaching and place parts.
        self.direction: list[Direction] | None = None
        #: No step can raise the bound any more: the prices are optimal or the factor is spent.
        self.converged = False

    def restart(self) -> None:
        """Steps from the first step factor again, from the prices reached."""
        self.factor, self.waited, self.converged = self.first_step, 0, False
        self.direction = None

    def improve(
        self, upper: float, deadline: float, evaluations: int | None = None, stop: threading.Event | None = None
    ) -> None:
        """Take steps towards ``upper`` (a plan's cost against the empty plan, in units) until
        ``deadline`` (``time.perf_counter()``; at least one evaluation is made), the bound
        reaches ``upper``, :attr:`converged`, after ``evaluations`` more evaluations (if
        given), or once ``stop`` is set (by another thread; checked after each evaluation). The
        step after the last evaluation is taken, so the next call goes on from there. Ctrl-C
        propagates; what was found stays."""
        if evaluations is not None and evaluations < 1:
            raise ValueError(f"evaluations {evaluations}: give at least 1, or None for no limit")
        stop_at = None if evaluations is None else self.evaluations + evaluations
        if self.threads == 1 or self._candidates <= THREADS_ABOVE:
            self._improve(upper, deadline, stop_at, stop, None)
            return
        with ThreadPoolExecutor(self.threads) as pool:
            self._improve(upper, deadline, stop_at, stop, pool)

    def _improve(
        self, upper: float, deadline: float, stop_at: int | None, stop: threading.Event | None, pool: Executor | None
    ) -> None:
        while not self.converged:
            found = evaluate(self.periods, self.prices, self.states, self.switch, pool)
            self.evaluations += 1
            self.latest = found
            if self.best is None or found.value > self.best.value + 1e-9 * abs(self.best.value):
                self.best, self.waited = found, 0
            else:
                self.waited += 1
                if self.waited >= self.patience:
                    self.factor, self.waited = self.factor / 2, 0
            direction = self._direction(found)
            squared = sum(float((part**2).sum()) for parts in direction for part in parts if part is not None)
            step = self.factor * max(upper - found.value, 0.0) / squared if squared > 0 else 0.0
            # squared == 0: these prices are optimal; step == 0: the bound reached the plan.
            self.converged = step == 0 or self.factor < SMALLEST_STEP
            if self.converged:
                return
            for p, (cover, head, coaching, place) in zip(self.prices, direction, strict=True):
                p.cover += step * cover
                p.head = np.maximum(0.0, p.head + step * head)
                p.coaching = np.maximum(0.0, p.coaching + step * coaching)
                if place is not None and p.place is not None:
                    p.place += step * place
            if self.boxes is not None:
                for p, box in zip(self.prices, self.boxes, strict=True):
                    np.clip(p.cover, box.low, box.high, out=p.cover)
            if (
                time.perf_counter() >= deadline
                or (stop_at is not None and self.evaluations >= stop_at)
                or (stop is not None and stop.is_set())
            ):
                return

    def _direction(self, found: Evaluation) -> list[Direction]:
        """The direction of the next step from ``found``'s supergradient, deflected by the last
        step's direction (``deflection``), without the parts that cannot move a price."""
        direction = self._movable(
            list(zip(found.cover_step, found.head_step, found.coaching_step, found.place_step, strict=True))
        )
        if self.deflection > 0 and self.direction is not None:
            pairs = [
                (new, old)
                for now, before in zip(direction, self.direction, strict=True)
                for new, old in zip(now, before, strict=True)
                if new is not None and old is not None
            ]
            turn = sum(float((new * old).sum()) for new, old in pairs)
            length = sum(float((old**2).sum()) for _, old in pairs)
            beta = self.deflection * max(0.0, -turn) / length if length > 0 else 0.0
            if beta > 0:
                direction = self._movable(
                    [
                        (
                            cover + beta * old_cover,
                            head + beta * old_head,
                            coaching + beta * old_coaching,
                            None if place is None or old_place is None else place + beta * old_place,
                        )
                        for (cover, head, coaching, place), (old_cover, old_head, old_coaching, old_place) in zip(
                            direction, self.direction, strict=True
                        )
                    ]
                )
        self.direction = direction
        return direction

    def _movable(self, direction: list[Direction]) -> list[Direction]:
        """``direction`` without the parts no step can follow: a head or coaching price at 0
        stepping below it, and, with boxes, those prices at all and a cover price stepping past
        its box's edge."""
        movable: list[Direction] = []
        for k, (p, (cover, head, coaching, place)) in enumerate(zip(self.prices, direction, strict=True)):
            if self.boxes is not None:
                box = self.boxes[k]
                blocked = ((p.cover >= box.high) & (cover > 0)) | ((p.cover <= box.low) & (cover < 0))
                cover = np.where(blocked, 0.0, cover)
                head = np.zeros_like(head)
                coaching = np.zeros_like(coaching)
            else:
                head = np.where((p.head > 0) | (head > 0), head, 0.0)
                coaching = np.where((p.coaching > 0) | (coaching > 0), coaching, 0.0)
            movable.append((cover, head, coaching, place))
        return movable


def switch_bound(
    periods: list[PeriodPricing], home: IntArray, switch: float, upper: float, deadline: float
) -> SwitchBound:
    """The best Lagrangian bound :class:`SwitchPricing` finds from the LPs' prices until
    ``deadline`` (at least one evaluation is made), the step factor is spent, or the bound
    reaches ``upper`` (a plan's cost against the empty plan, in units)."""
    pricer = SwitchPricing(periods, home, switch)
    pricer.improve(upper, deadline)
    assert pricer.best is not None
    return SwitchBound(pricer.best.value, pricer.best.picks, pricer.evaluations)
