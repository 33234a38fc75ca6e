"""Whole-horizon moves for planning period by period: each worker's cheapest year, everyone else
fixed.

The local search of :mod:`werkdeling.local_search` and the sweeps of :mod:`werkdeling.decompose`
change one period at a time, so they cannot take back a pair of switches (a worker lent out in
weeks 10 and 11 and back home in week 12): undoing either week alone keeps two switches. Here
each worker's path through all periods is planned anew with the others where they are: in each
period a candidate placement costs its own cost (travel, idle time saved, preferences) plus what
its slot's cost changes by when the worker joins the others there, and the switches are counted
along the path from the home employer. :func:`~werkdeling.lagrangian.cheapest_paths` finds every
worker's cheapest path at once, and :func:`repath` takes the improving ones, best first, as long
as no two touch the same slot (or limited employer) in the same period, so each one's price is
exact. Everything is in objective units.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from werkdeling.lagrangian import Paths, PeriodPricing, cheapest_in_groups, cheapest_paths, group_min
from werkdeling.local_search import IDLE, PeriodCosts
from werkdeling.relaxation import FloatArray
from werkdeling.scenario.scenario import IntArray


def repath(
    periods: list[PeriodPricing],
    costs: list[PeriodCosts],
    states: Paths,
    home: IntArray,
    switch: float,
    plan: IntArray,
    deadline: float,
) -> int:
    """Improve ``plan`` (a slot or ``IDLE`` per worker and period) in place by whole-path moves
    (see the module docstring) in rounds until none pays or ``deadline`` passes; returns how many
    paths changed.

    ``periods`` hold the candidates and ``states`` their paths (:func:`~werkdeling.lagrangian.paths`),
    ``costs`` each period's arrays with no switches (nobody worked before), ``home`` each worker's
    employer before the horizon (``-1``: none). The plan must keep the slot maximums and head
    counts; so does every move. A required minute left uncovered is priced like the search prices
    it, so a hard required cover that holds keeps holding.
    """
    changed = 0
    lookups = [_Lookup.of(period, period_costs.slots) for period, period_costs in zip(periods, costs, strict=True)]
    while time.perf_counter() < deadline:
        moved = _round(periods, costs, lookups, states, home, switch, plan)
        if not moved:
            break
        changed += moved
    return changed


def _round(
    periods: list[PeriodPricing],
    costs: list[PeriodCosts],
    lookups: list[_Lookup],
    states: Paths,
    home: IntArray,
    switch: float,
    plan: IntArray,
) -> int:
    workers = plan.shape[0]
    group_costs, prices = [], []
    current = np.zeros(workers, dtype=np.float64)
    unpriced = np.zeros(workers, dtype=np.bool_)
    for k, (period, period_costs, lookup) in enumerate(zip(periods, costs, lookups, strict=True)):
        price = _candidate_costs(period, period_costs, plan[:, k])
        group_costs.append(group_min(price, period.group_start))
        prices.append(price)
        placed = np.flatnonzero(plan[:, k] >= 0)
        at = lookup.find(placed, plan[placed, k])
        current[placed] += np.where(at >= 0, price[np.maximum(at, 0)] if len(price) else 0.0, 0.0)
        # A placement that is no candidate here (a crowded period keeps a few): no move for them.
        unpriced[placed[at < 0]] = True
    current += switch * _switches(costs, plan, home)
    best, groups = cheapest_paths(group_costs, states, switch)
    # Per period, the candidate each worker's cheapest path takes (-1: none).
    picks = [
        cheapest_in_groups(price.__getitem__, period.group_start, len(price), chosen)
        for period, price, chosen in zip(periods, prices, groups, strict=True)
    ]
    gain = np.where(unpriced, -np.inf, current - best)
    moved = 0
    touched: set[tuple[int, int]] = set()  # (period, slot) and (period, -1 - limited employer)
    for w in np.argsort(-gain, kind="stable").tolist():
        if not gain[w] > 0.5:  # costs are whole units; less is rounding
            break
        cells = set()
        for k, (period, chosen) in enumerate(zip(periods, picks, strict=True)):
            new = int(period.slot[chosen[w]]) if chosen[w] >= 0 else IDLE
            old = int(plan[w, k])
            if new != old:
                for s in (old, new):
                    if s >= 0:
                        cells.add((k, s))
                        e = int(costs[k].slot_employer[s])
                        if period.head_limited[e] or period.coaching_limited[e]:
                            cells.add((k, -1 - e))
        if cells & touched:
            continue
        touched |= cells
        for k, (period, chosen) in enumerate(zip(periods, picks, strict=True)):
            plan[w, k] = period.slot[chosen[w]] if chosen[w] >= 0 else IDLE
        moved += 1
    return moved


def _candidate_costs(period: PeriodPricing, costs: PeriodCosts, assignment: IntArray) -> FloatArray:
    """Per candidate of ``period``: its own cost plus what its slot's cost changes by when the
    worker joins the others there (``inf`` where a slot maximum, head count or coaching capacity
    would break), with the worker taken out of the period first."""
    worker, slot, employer = period.worker, period.slot.astype(np.int64), period.employer
    minutes = costs.capacity[worker]
    own = assignment[worker]
    cover = costs.coverage(assignment)
    heads, coached = costs.heads(assignment)
    others = cover[slot] - np.where(own == slot, minutes, 0)
    own_employer = np.where(own >= 0, costs.slot_employer[np.maximum(own, 0)], -1)
    same = own_employer == employer
    other_heads = heads[employer] - same
    needs_coaching = costs.coached[worker]
    other_coached = coached[employer] - (same & needs_coaching)
    fits = others + minutes <= costs.maximum[slot]
    fits &= other_heads + 1 <= costs.head_limit[employer]
    fits &= ~needs_coaching | (other_coached + 1 <= costs.coaching_limit[employer])
    change = costs.slot_cost(slot, others + minutes) - costs.slot_cost(slot, others)
    return np.where(fits, period.static + change, np.inf)


@dataclass(frozen=True)
class _Lookup:
    """The candidates of a period sorted by (worker, slot), to find a pair's candidate index."""

    slots: int
    keys: IntArray  # worker * slots + slot, sorted
    order: IntArray  # candidate index of each key

    @classmethod
    def of(cls, period: PeriodPricing, slots: int) -> _Lookup:
        keys = period.worker.astype(np.int64) * slots + period.slot
        order = np.argsort(keys, kind="stable")
        return cls(slots, keys[order], order)

    def find(self, workers: IntArray, slots: IntArray) -> IntArray:
        """Candidate index of each (worker, slot) pair, ``-1`` where there is none."""
        found = np.full(len(workers), -1, dtype=np.int64)
        if not len(self.keys):
            return found
        wanted = workers * self.slots + slots
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        hit = self.keys[at] == wanted
        found[hit] = self.order[at[hit]]
        return found


def _switches(costs: list[PeriodCosts], plan: IntArray, home: IntArray) -> IntArray:
    """Switches of each worker's path in ``plan``: each placement with another employer than the
    one they last worked for (the home employer before the horizon; none: no switch)."""
    last = home.copy()
    count = np.zeros(plan.shape[0], dtype=np.int64)
    for k, period_costs in enumerate(costs):
        placed = np.flatnonzero(plan[:, k] >= 0)
        employer = period_costs.slot_employer[plan[placed, k]]
        count[placed] += (last[placed] >= 0) & (last[placed] != employer)
        last[placed] = employer
    return count
