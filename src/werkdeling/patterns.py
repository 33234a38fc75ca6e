"""A period's bound with whole workers in each slot: slot patterns and their LP.

A period's LP (:func:`werkdeling.relaxation.period_lp`) prices a slot by its hull: any cover
between two covers whole workers reach, at the line between them. Most of the gap between the
periods' LPs and their integer optima is there (``benchmarks/README.md``, ``exact_periods.py``).
Here a slot instead takes a *pattern*: a whole number of its candidates of each capacity (class,
the minutes a worker gives the slot this period), at the slot's exact cost for that cover.

* :class:`SlotCounts` holds each slot's cost on a grid of covers and its candidates per class;
* :func:`cheapest_counts` finds each slot's cheapest pattern under prices per place of each
  class: a small bounded knapsack over the class counts;
* :func:`pattern_lp` solves the period's LP over patterns (Dantzig-Wolfe per slot) by column
  generation: the candidate placements, one convex combination of patterns per slot, and per
  slot and class the rows that tie the pattern's count to the placements. Its optimum is at least
  the period LP's, and its bound (the optimum less what the patterns not yet generated could
  still save) bounds every plan of the period. Its duals start the bound with switches
  (:mod:`werkdeling.lagrangian`).

Everything is in objective units against the period left empty, like
:class:`~werkdeling.local_search.PeriodCosts`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from ortools.linear_solver import pywraplp

from werkdeling.local_search import NO_LIMIT, PeriodCosts
from werkdeling.relaxation import FloatArray
from werkdeling.scenario.scenario import BoolArray, IntArray

#: Most entries (slots x covers on the grid x (classes + 1)) of one period's table
#: (:class:`SlotCounts`); a larger period keeps the slot hulls. The 2,000-worker benchmark
#: months take about 700,000 each.
COUNT_TABLE_LIMIT = 4_000_000


@dataclass(frozen=True)
class _ClassWindows:
    """What :func:`cheapest_counts` needs for one class that does not depend on the weights."""

    step: int  # grid steps per worker of the class
    taken: FloatArray  # (covers,) how many of the class the cover t holds at most: t // step
    widths: list[int]  # the doubling windows' shifts, in grid steps
    widest: list[BoolArray]  # per doubling, the slots whose widest window it is
    tail: IntArray  # (slots x covers,) flat index of the second window's start, clipped at 0
    tail_exists: BoolArray  # (slots, covers) where that start is on the grid


@dataclass(frozen=True)
class SlotCounts:
    """A period's slots priced by how many whole workers of each capacity they take.

    Covers are on a grid of ``unit`` minutes (the greatest common divisor of the candidates'
    minutes); ``table[s, t]`` is slot ``s``'s cost at ``t x unit`` minutes against the slot left
    empty, ``inf`` above its maximum (or its candidates' minutes together) and below a hard
    required level.
    """

    unit: int
    minutes: IntArray  # (classes,) each class's minutes, increasing
    klass: IntArray  # (candidates,) each candidate placement's class
    count: IntArray  # (slots, classes) candidates of each class in each slot
    table: FloatArray  # (slots, covers)

    @property
    def classes(self) -> int:
        return len(self.minutes)

    @cached_property
    def _windows(self) -> list[_ClassWindows]:
        """Per class, the windows of :func:`cheapest_counts`: the Lagrangian calls it with new
        weights thousands of times on the same counts."""
        slots, covers = self.table.shape
        grid = np.arange(covers)
        found = []
        for c, minutes in enumerate(self.minutes.tolist()):
            step = minutes // self.unit
            most = np.minimum(self.count[:, c], (covers - 1) // step)
            power = np.floor(np.log2(most + 1)).astype(np.int64)
            doublings = int(power.max(initial=0))
            back = grid[None, :] - ((most + 1 - 2**power) * step)[:, None]
            found.append(_ClassWindows(
                step=step,
                taken=(grid // step).astype(np.float64),
                widths=[2**p * step for p in range(doublings)],
                widest=[power == p for p in range(1, doublings + 1)],
                tail=(np.arange(slots)[:, None] * covers + np.maximum(back, 0)).ravel(),
                tail_exists=back >= 0,
            ))  # fmt: skip
        return found


def slot_counts(costs: PeriodCosts) -> SlotCounts | None:
    """The :class:`SlotCounts` of a period, or ``None`` when its table would pass
    :data:`COUNT_TABLE_LIMIT` or some slot has no allowed pattern at all."""
    minutes = costs.capacity[costs.worker]
    if not len(minutes) or (minutes <= 0).any():
        return None
    classes, klass = np.unique(minutes, return_inverse=True)
    unit = int(np.gcd.reduce(classes))
    count = np.zeros((costs.slots, len(classes)), dtype=np.int64)
    np.add.at(count, (costs.slot, klass), 1)
    top = np.minimum(costs.maximum, count @ classes) // unit  # the last cover on each slot's grid
    covers = int(top.max()) + 1
    if costs.slots * covers * (len(classes) + 1) > COUNT_TABLE_LIMIT:
        return None
    grid = np.arange(covers, dtype=np.int64) * unit
    everything = np.repeat(np.arange(costs.slots), covers)
    absolute = costs.slot_cost(everything, np.tile(grid, costs.slots), hard=False).reshape(costs.slots, covers)
    table = (absolute - absolute[:, :1]).astype(np.float64)
    table[grid[None, :] > top[:, None] * unit] = np.inf
    if costs.cover_required:
        table[grid[None, :] < costs.required[:, None]] = np.inf
    found = SlotCounts(unit, classes.astype(np.int64), klass.astype(np.int64), count, table)
    value, _ = cheapest_counts(found, np.zeros((costs.slots, len(classes))))
    return found if np.isfinite(value).all() else None


def cheapest_counts(counts: SlotCounts, weight: FloatArray) -> tuple[FloatArray, IntArray]:
    """Per slot ``s``, the least of ``table[s, cover] + sum over c of n[c] x weight[s, c]`` over
    whole numbers ``0 <= n[c] <= count[s, c]`` of each class, ``cover`` being their minutes on the
    grid; returns that least value and the ``n`` reaching it, per slot.

    A bounded knapsack, class by class over the grid: taking ``k`` of class ``c`` (``u`` grid
    steps each) is a window minimum over ``k = 0..count`` along every ``u``-th cover, made of two
    overlapping windows of a power of two (doubling).
    """
    slots, covers = counts.table.shape
    rows = np.arange(slots)
    best = np.full((slots, covers), np.inf)
    best[:, 0] = 0.0
    stages = [best]
    for c, windows in enumerate(counts._windows):
        # best[t - k step] + k a = g[t - k step] + j(t) a, with j(t) = t // step and g = best - j a.
        ja = windows.taken[None, :] * weight[:, c : c + 1]
        g = best - ja
        # window[s, t]: the least g over k = 0 .. 2^p - 1; each slot keeps the widest window
        # that fits its count (2^power <= most + 1), taken as p reaches its power.
        window, widest = g, g.copy()
        for width, chosen in zip(windows.widths, windows.widest, strict=True):
            wider = window.copy()
            np.minimum(wider[:, width:], window[:, : covers - width], out=wider[:, width:])
            window = wider
            widest[chosen] = window[chosen]
        tail = np.where(windows.tail_exists, widest.ravel()[windows.tail].reshape(slots, covers), np.inf)
        best = np.minimum(widest, tail) + ja
        stages.append(best)
    total = best + counts.table
    at = np.argmin(total, axis=1)
    value = total[rows, at]
    # Back through the classes: the count of each that reaches the best value at the cover left.
    taken = np.zeros((slots, counts.classes), dtype=np.int64)
    for c in range(counts.classes - 1, -1, -1):
        step = int(counts.minutes[c]) // counts.unit
        k = np.arange(int(counts.count[:, c].max(initial=0)) + 1)
        source = at[:, None] - k[None, :] * step
        usable = (source >= 0) & (k[None, :] <= counts.count[:, c : c + 1])
        before = np.where(usable, stages[c].ravel()[rows[:, None] * covers + np.maximum(source, 0)], np.inf)
        chosen = np.argmin(before + k[None, :] * weight[:, c : c + 1], axis=1)
        taken[:, c] = chosen
        at = at - chosen * step
    return value, taken


@dataclass(frozen=True)
class PatternLp:
    """What :func:`pattern_lp` found: the restricted LP's ``objective``, a proven lower bound on
    every plan of the period (``bound``), how many ``rounds`` of pricing it took and whether no
    pattern was left to price (``complete``); and its duals, for the bound with switches: per
    slot and class what a place is worth (``place_prices``), per employer the head-count and
    coaching rows' (at most 0). ``values`` is each candidate placement's share in the LP's
    solution (0 where it never joined), for rounding it to a plan."""

    objective: float
    bound: float
    rounds: int
    complete: bool
    place_prices: FloatArray
    head_prices: FloatArray
    coaching_prices: FloatArray
    values: FloatArray

    def within(self, tolerance: float) -> bool:
        """Whether pricing reached its end: complete, or the objective within ``tolerance``
        (relative) of the bound, where :func:`pattern_lp` stops with that tolerance."""
        return self.complete or _close(self.objective, self.bound, tolerance)


def _close(objective: float, bound: float, tolerance: float) -> bool:
    return objective - bound <= tolerance * max(1.0, abs(objective))


#: Most pricing rounds of :func:`pattern_lp`.
PATTERN_ROUNDS = 60

#: A pattern joins the LP when its reduced cost is below this many objective units.
_NEGATIVE = -1e-6


def pattern_lp(
    costs: PeriodCosts,
    counts: SlotCounts,
    plan: IntArray,
    deadline: float,
    columns: IntArray | None = None,
    cover_prices: FloatArray | None = None,
    tolerance: float = 0.0,
) -> PatternLp | None:
    """The period's LP over slot patterns (see the module docstring), by column generation until no
    pattern or placement has a negative reduced cost, :data:`PATTERN_ROUNDS` rounds, or
    ``deadline`` (``time.perf_counter()``; one round at least). ``plan`` (a slot or ``-1`` per
    worker, keeping every rule) gives each slot its first pattern, so the first LP has a
    solution; the empty pattern and each slot's cheapest one at no price join it. ``columns``
    (candidate indices) are the placements to start from (``None``: every candidate; the plan's
    own always join). ``cover_prices`` (the period LP's, per slot and minute) add the patterns
    each slot would choose at about those prices (:func:`_priced_counts`): the pattern LP's
    prices end near them, and on the 2,000-worker benchmark months they cut the time to the end
    by a quarter. It stops once the LP's objective is within ``tolerance`` (relative) of the
    best bound a round proved: there, the last rounds raise the bound by a few points in
    thousands (``benchmarks/pattern_rounds.py``). ``None`` if GLOP fails.

    Rows: one place per worker; per slot, its patterns' weights add up to 1; per slot and class,
    the patterns' count equals the placements'; the head counts and coaching capacities of
    employers with a limit. The bound is the Lagrangian at the round's duals with every row
    priced but one place per worker: each slot's cheapest pattern over all of them, each
    worker's cheapest candidate or none, and the limits times their duals. So it holds wherever
    the pricing stops. Each round's duals give such a bound; the best of them is kept, with its
    duals, since in the last rounds it rises and falls while the objective barely moves. Each
    round adds each slot's cheapest pattern and each worker's :data:`JOIN_PER_WORKER` missing
    placements of most negative reduced cost.
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    # Without presolve GLOP re-solves from the last basis as columns join: a 2,000-worker month
    # took 3.7 s for 9 rounds instead of 12 s (each round solved from scratch).
    solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
    objective = solver.Objective()
    static = (costs.placement_cost - costs.switch_cost).astype(np.float64)
    employer = costs.slot_employer[costs.slot]
    several = np.bincount(costs.worker, minlength=costs.workers) > 1
    worker_rows = {w: solver.Constraint(-solver.infinity(), 1.0) for w in np.flatnonzero(several).tolist()}
    convexity = [solver.Constraint(1.0, 1.0) for _ in range(costs.slots)]
    link = [[solver.Constraint(0.0, 0.0) for _ in range(counts.classes)] for _ in range(costs.slots)]
    head_rows = {
        e: solver.Constraint(-solver.infinity(), float(costs.head_limit[e]))
        for e in np.flatnonzero(costs.head_limit < NO_LIMIT).tolist()
    }
    coaching_rows = {
        e: solver.Constraint(-solver.infinity(), float(costs.coaching_limit[e]))
        for e in np.flatnonzero(costs.coaching_limit < NO_LIMIT).tolist()
    }
    inside = np.zeros(len(costs.worker), dtype=np.bool_)
    placement_vars: list[tuple[int, pywraplp.Variable]] = []

    def place(candidates: IntArray) -> None:
        for i in candidates[~inside[candidates]].tolist():
            var = solver.NumVar(0.0, 1.0, "")
            placement_vars.append((i, var))
            objective.SetCoefficient(var, float(static[i]))
            w, s, e = int(costs.worker[i]), int(costs.slot[i]), int(employer[i])
            if w in worker_rows:
                worker_rows[w].SetCoefficient(var, 1.0)
            link[s][int(counts.klass[i])].SetCoefficient(var, -1.0)
            if e in head_rows:
                head_rows[e].SetCoefficient(var, 1.0)
            if e in coaching_rows and costs.coached[w]:
                coaching_rows[e].SetCoefficient(var, 1.0)
        inside[candidates] = True

    known: set[tuple[int, ...]] = set()

    def add(s: int, n: IntArray) -> None:
        key = (s, *n.tolist())
        cover = int(n @ counts.minutes) // counts.unit
        if key in known or not np.isfinite(counts.table[s, cover]):
            return
        known.add(key)
        var = solver.NumVar(0.0, solver.infinity(), "")
        objective.SetCoefficient(var, float(counts.table[s, cover]))
        convexity[s].SetCoefficient(var, 1.0)
        for c in np.flatnonzero(n).tolist():
            link[s][c].SetCoefficient(var, float(n[c]))

    placed = np.flatnonzero(plan >= 0)
    planned_candidates = costs.lookup(placed, plan[placed])
    place(np.arange(len(costs.worker)) if columns is None else np.union1d(columns, planned_candidates))
    planned = np.zeros((costs.slots, counts.classes), dtype=np.int64)
    np.add.at(planned, (plan[placed], counts.klass[planned_candidates]), 1)
    _, cheapest = cheapest_counts(counts, np.zeros((costs.slots, counts.classes)))
    for s in range(costs.slots):
        for n in (planned[s], np.zeros(counts.classes, dtype=np.int64), cheapest[s]):
            add(s, n)
    if cover_prices is not None:
        for found in _priced_counts(counts, cover_prices):
            for s in range(costs.slots):
                add(s, found[s])
    objective.SetMinimization()

    def duals(rows: dict[int, pywraplp.Constraint], size: int) -> FloatArray:
        found = np.zeros(size, dtype=np.float64)
        for key, row in rows.items():
            found[key] = row.dual_value()
        return found

    # Where each worker's candidates begin (they are sorted by worker), for the least per worker.
    has_candidates = np.bincount(costs.worker, minlength=costs.workers) > 0
    worker_start = np.searchsorted(costs.worker, np.flatnonzero(has_candidates))
    head_limit = np.where(costs.head_limit < NO_LIMIT, costs.head_limit, 0).astype(np.float64)
    coaching_limit = np.where(costs.coaching_limit < NO_LIMIT, costs.coaching_limit, 0).astype(np.float64)

    rounds, complete = 0, False
    best_bound = -np.inf
    best_duals: tuple[FloatArray, FloatArray, FloatArray] | None = None
    while True:
        rounds += 1
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        prices = np.array([[row.dual_value() for row in rows] for rows in link], dtype=np.float64)
        weights = np.array([row.dual_value() for row in convexity], dtype=np.float64)
        head = np.minimum(0.0, duals(head_rows, len(costs.head_limit)))
        coaching = np.minimum(0.0, duals(coaching_rows, len(costs.head_limit)))
        # A pattern's reduced cost: its cost - the convexity dual - its counts x the link duals.
        value, best = cheapest_counts(counts, -prices)
        reduced = value - weights
        # A placement's price without its worker's dual: its cost - its head-count and coaching
        # duals + its link dual; its reduced cost also takes off the worker's dual.
        priced = static + prices[costs.slot, counts.klass] - head[employer]
        priced -= np.where(costs.coached[costs.worker], coaching[employer], 0.0)
        lp_value = objective.Value()
        # The Lagrangian with every row priced but one place per worker: each slot its cheapest
        # pattern, each worker its cheapest placement or none. Each worker counts once, however
        # many of its candidates are missing, so early rounds bound far better than one reduced
        # cost per missing candidate would.
        cheapest_placement = np.minimum.reduceat(priced, worker_start) if len(priced) else priced
        bound = (
            float(value.sum()) + float(np.minimum(0.0, cheapest_placement).sum())
            + float(head @ head_limit) + float(coaching @ coaching_limit)
        )  # fmt: skip
        if best_duals is None or bound > best_bound:
            best_bound, best_duals = bound, (prices, head, coaching)
        missing = np.flatnonzero(~inside)
        outside = priced[missing] - duals(worker_rows, costs.workers)[costs.worker[missing]]
        complete = bool((reduced >= _NEGATIVE).all() and (outside >= _NEGATIVE).all())
        if complete or _close(lp_value, best_bound, tolerance):
            break
        if rounds >= PATTERN_ROUNDS or time.perf_counter() >= deadline:
            break
        for s in np.flatnonzero(reduced < _NEGATIVE).tolist():
            add(s, best[s])
        place(_most_negative_per_worker(missing, outside, costs.worker))
    prices, head, coaching = best_duals
    values = np.zeros(len(costs.worker), dtype=np.float64)
    for i, var in placement_vars:
        values[i] = var.solution_value()
    return PatternLp(
        lp_value, min(lp_value, best_bound), rounds, complete, prices, np.minimum(0.0, head),
        np.minimum(0.0, coaching), values,
    )  # fmt: skip


def _most_negative_per_worker(missing: IntArray, outside: FloatArray, worker: IntArray) -> IntArray:
    """Of the ``missing`` candidates with a negative reduced cost (``outside``), each worker's
    :data:`JOIN_PER_WORKER` most negative, sorted: a 20,000-worker month has millions of such
    candidates in the first rounds, and each worker takes one place at most."""
    negative = outside < _NEGATIVE
    chosen, reduced = missing[negative], outside[negative]
    whose = worker[chosen]
    order = np.lexsort((reduced, whose))
    first = np.searchsorted(whose[order], whose[order])  # where each worker's run begins
    return np.sort(chosen[order[np.arange(len(order)) - first < JOIN_PER_WORKER]])


#: Most candidates of one worker that join :func:`pattern_lp` in one round.
JOIN_PER_WORKER = 2


def _priced_counts(counts: SlotCounts, cover_prices: FloatArray) -> list[IntArray]:
    """Each slot's cheapest class counts at the period LP's prices per minute, each class's price
    nudged up or down: the patterns that price would choose between."""
    base = cover_prices[:, None] * counts.minutes[None, :].astype(np.float64)
    nudges = [np.zeros(counts.classes)]
    if counts.classes <= _NUDGED_CLASSES:
        nudges = [np.array([1.0 if (pick >> c) & 1 else -1.0 for c in range(counts.classes)])
                  for pick in range(2**counts.classes)]  # fmt: skip
    return [cheapest_counts(counts, base * (1.0 + _NUDGE * nudge[None, :]))[1] for nudge in nudges]


#: How far :func:`_priced_counts` nudges each class's price (relative).
_NUDGE = 0.01

#: Most classes for which :func:`_priced_counts` nudges each price both ways (2 ** classes
#: calls); with more, only the LP's prices themselves.
_NUDGED_CLASSES = 4
