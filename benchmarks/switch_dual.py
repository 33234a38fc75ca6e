"""How far the subgradient steps of the bound with switches are from the best prices there are.

The Lagrangian of :mod:`werkdeling.lagrangian` keeps each worker's one place per period and
prices the cover, head-count and coaching rows. Its subproblems are a slot's choice among the
points of its hull and a worker's cheapest path, and both are integral, so its best value (the
Lagrangian dual) equals an LP: each worker's path as a unit of flow through (period, employer
last worked for) states, placements taken from the state of the same employer, through a
switch (cost) or, before a first placement, fresh; each slot's cover a convex combination of its
hull points; head counts and coaching capacities as rows. HiGHS's interior point method solves
that LP here in a child process, and :class:`~werkdeling.lagrangian.SwitchPricing` takes steps
towards its optimum (the best target it could have) for ``--seconds``.

Both are shown as what they add to the sum of the periods' LPs, in points.

    python benchmarks/switch_dual.py --suite medium
    python benchmarks/switch_dual.py --suite medium --instance 1 --periods 13
    python benchmarks/switch_dual.py --employers 20 --workers 200 --weeks --seconds 60
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Collection
from pathlib import Path

import numpy as np

from werkdeling import decompose
from werkdeling.lagrangian import Paths, PeriodPricing, SwitchPricing, paths, pricing
from werkdeling.local_search import period_costs, term_units
from werkdeling.model.eligibility import possible_placements
from werkdeling.relaxation import period_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import IntArray

sys.path.insert(0, str(Path(__file__).parent))
from mip import solve_arrays_with_highs
from run import _scenario, add_pool_arguments, pool_instance

#: The LP's column families: each placement's share; each slot's weights on its hull's points;
#: the paths' flows (staying, switching, starting, the states between periods); and, only where
#: they are asked to be whole, each slot's and each employer's head count in each period (the
#: sum of its placements, so continuous they change nothing).
FAMILIES = ("placements", "hull", "paths", "slot_counts", "employer_counts")


class _Lp:
    """Columns and rows of an LP being built, entries as (row, column, value) triples."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.family: list[str] = []  # per block of columns, the family it belongs to (FAMILIES)
        self.sizes: list[int] = []
        self.entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.columns = 0
        self.rows = 0

    def add_columns(self, cost: np.ndarray | float, count: int, family: str) -> np.ndarray:
        """``count`` new columns at ``cost`` of ``family`` (one of :data:`FAMILIES`)."""
        if family not in FAMILIES:
            raise ValueError(f"unknown column family {family!r}")
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)))
        self.family.append(family)
        self.sizes.append(count)
        self.columns += count
        return np.arange(self.columns - count, self.columns)

    def add_rows(self, lower: np.ndarray | float, upper: np.ndarray | float, count: int) -> np.ndarray:
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)))
        self.rows += count
        return np.arange(self.rows - count, self.rows)

    def add(self, rows: np.ndarray, columns: np.ndarray, value: np.ndarray | float) -> None:
        rows, columns = np.broadcast_arrays(rows, columns)
        values = np.broadcast_to(np.asarray(value, dtype=float), rows.shape)
        self.entries.append((rows.ravel(), columns.ravel(), values.ravel()))

    def arrays(self, whole: Collection[str] = ()) -> dict[str, np.ndarray]:
        """The row-wise arrays ``highs_solve.py`` reads: the LP, or the MIP whose columns of the
        families in ``whole`` are integer; and ``family``, each column's position in
        :data:`FAMILIES` (``highs_solve.py`` leaves it)."""
        integer = np.repeat([family in whole for family in self.family], self.sizes)
        row = np.concatenate([e[0] for e in self.entries])
        column = np.concatenate([e[1] for e in self.entries])
        value = np.concatenate([e[2] for e in self.entries])
        order = np.lexsort((column, row))
        return {
            "cost": np.concatenate(self.cost),
            "offset": np.zeros(1),
            "col_lower": np.zeros(self.columns),
            "col_upper": np.full(self.columns, np.inf),
            "row_lower": np.concatenate(self.lower),
            "row_upper": np.concatenate(self.upper),
            "start": np.r_[0, np.cumsum(np.bincount(row, minlength=self.rows))],
            "index": column[order],
            "value": value[order],
            "integer": integer if integer.any() else np.array([False]),
            "family": np.repeat([FAMILIES.index(family) for family in self.family], self.sizes),
        }


def dual_lp(
    periods: list[PeriodPricing], states: Paths, switch: float, whole: Collection[str] = ()
) -> tuple[dict[str, np.ndarray], float]:
    """The LP whose optimum is the Lagrangian dual (see the module docstring), and the constant
    to add to its optimum (the slots' empty costs). The columns of the families in ``whole``
    (:data:`FAMILIES`) are integer: with ``placements`` and ``paths``, every plan is a solution
    at no more than its cost, so that MIP's bound bounds every plan (``path_mip.py``)."""
    lp = _Lp()
    workers = periods[0].workers
    at_home = np.isfinite(states.start)  # the state a worker starts in
    fresh = states.fresh == 0  # workers with no employer before the horizon
    before: np.ndarray | None = None  # each state's column after the previous period
    fresh_before: np.ndarray | None = None
    constant = 0.0
    for k, p in enumerate(periods):
        x = lp.add_columns(p.static, len(p.worker), "placements")
        # Cover: the placed minutes are a convex combination of the hull's points.
        hulled = np.flatnonzero((p.covers != 0).any(axis=1) | (p.prices != 0).any(axis=1))
        points = p.covers.shape[1]
        weight = lp.add_columns(p.prices[hulled].ravel(), len(hulled) * points, "hull")
        weight = weight.reshape(len(hulled), points)
        lp.add(lp.add_rows(1, 1, len(hulled))[:, None], weight, 1.0)
        cover = lp.add_rows(0, 0, p.covers.shape[0])
        lp.add(cover[p.slot], x, p.worker_minutes[p.worker])
        for family, of in (("slot_counts", p.slot), ("employer_counts", p.employer)):
            if family in whole:  # count = the placements it counts
                ids = np.unique(of)
                count = lp.add_columns(0.0, len(ids), family)
                row = lp.add_rows(0, 0, len(ids))
                lp.add(row, count, -1.0)
                lp.add(row[np.searchsorted(ids, of)], x, 1.0)
        lp.add(cover[hulled][:, None], weight, -p.covers[hulled])
        constant += p.constant
        for limited, limit, who in (
            (p.head_limited, p.head_limit, np.ones(len(p.worker), dtype=bool)),
            (p.coaching_limited, p.coaching_limit, p.worker_coached[p.worker]),
        ):
            employers = np.flatnonzero(limited)
            row_of = np.full(len(limited), -1)
            row_of[employers] = lp.add_rows(-np.inf, limit[employers], len(employers))
            counted = (row_of[p.employer] >= 0) & who
            lp.add(row_of[p.employer][counted], x[counted], 1.0)
        # Each (worker, employer) group's placements come from that state, a switch, or fresh.
        groups = len(p.group_start)
        state = states.group_state[k]
        group_worker = p.worker[p.group_start]
        stay, switched = lp.add_columns(0.0, groups, "paths"), lp.add_columns(switch, groups, "paths")
        group_row = lp.add_rows(0, 0, groups)
        lp.add(np.repeat(group_row, np.diff(np.r_[p.group_start, len(p.worker)])), x, 1.0)
        lp.add(group_row, stay, -1.0)
        lp.add(group_row, switched, -1.0)
        first = fresh[group_worker]
        started = lp.add_columns(0.0, int(first.sum()), "paths")
        lp.add(group_row[first], started, -1.0)
        # States: after = before - left (to switch) + arrived (by a switch or fresh).
        after, left = lp.add_columns(0.0, len(states.worker), "paths"), lp.add_columns(0.0, len(states.worker), "paths")
        initial = np.where(at_home, 1.0, 0.0) if before is None else 0.0
        state_row = lp.add_rows(initial, initial, len(states.worker))
        lp.add(state_row, after, 1.0)
        lp.add(state_row, left, 1.0)
        if before is not None:
            lp.add(state_row, before, -1.0)
        lp.add(state_row[state], switched, -1.0)
        lp.add(state_row[state[first]], started, -1.0)
        # Staying placed with the same employer uses flow that is in that state and stays.
        bound = np.where(at_home[state], 1.0, 0.0) if before is None else 0.0
        stay_row = lp.add_rows(-np.inf, bound, groups)
        lp.add(stay_row, stay, 1.0)
        lp.add(stay_row, left[state], 1.0)
        if before is not None:
            lp.add(stay_row, before[state], -1.0)
        # A worker's switches: what leaves their states is what arrives by a switch.
        hub = lp.add_rows(0, 0, workers)
        lp.add(hub[states.worker], left, 1.0)
        lp.add(hub[group_worker], switched, -1.0)
        if fresh.any():
            fresh_after = lp.add_columns(0.0, workers, "paths")
            initial = np.where(fresh, 1.0, 0.0) if fresh_before is None else 0.0
            fresh_row = lp.add_rows(initial, initial, workers)
            lp.add(fresh_row, fresh_after, 1.0)
            if fresh_before is not None:
                lp.add(fresh_row, fresh_before, -1.0)
            lp.add(fresh_row[group_worker[first]], started, 1.0)
            fresh_before = fresh_after
        before = after
    return lp.arrays(whole), constant


def priced_periods(scenario: Scenario, count: int) -> tuple[list[PeriodPricing], IntArray, float]:
    """The first ``count`` periods' pricings at their LPs (GLOP), the workers' home employers,
    and the sum of those LPs' optima (units against the empty plan)."""
    allowed = possible_placements(scenario)
    home = decompose._home_employers(scenario)
    periods, lp_total = [], 0.0
    for k in range(count):
        costs = period_costs(scenario, allowed, k, home)
        relaxed = period_lp(costs)
        if relaxed is None:
            raise SystemExit(f"period {scenario.horizon.labels[k]}: its LP has no solution")
        periods.append(pricing(costs, relaxed))
        lp_total += relaxed.objective
    return periods, home, lp_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser)
    parser.add_argument("--periods", type=int, help="only the first this many periods")
    parser.add_argument("--seconds", type=float, default=20.0, help="subgradient time")
    parser.add_argument("--lp-seconds", type=float, default=1800.0, help="HiGHS time limit")
    args = parser.parse_args()
    instance = pool_instance(parser, args, time_limit=args.seconds)
    scenario = _scenario(instance)
    count = scenario.horizon.periods if args.periods is None else args.periods
    periods, home, lp_total = priced_periods(scenario, count)
    switch = float(term_units(scenario, Term.SWITCHES))
    states = paths(periods, home)
    arrays, constant = dual_lp(periods, states, switch)
    print(f"{instance.name}, {count} periods; points above the sum of the periods' LPs")
    outcome = solve_arrays_with_highs(arrays, time_limit=args.lp_seconds, solver="ipm")
    if outcome.objective is None or outcome.status != "Optimal":
        print(f"the dual's LP: {outcome.status} after {outcome.seconds:.0f} s")
        return
    dual = outcome.objective + constant
    print(
        f"the dual's LP ({len(arrays['cost']):,} columns, {len(arrays['row_lower']):,} rows): "
        f"{(dual - lp_total) / OBJECTIVE_SCALE:,.0f} in {outcome.seconds:.0f} s (HiGHS ipm)"
    )
    pricer = SwitchPricing(periods, home, switch)
    started = time.perf_counter()
    for quarter in range(1, 5):
        until = started + quarter * args.seconds / 4
        while time.perf_counter() < until:
            pricer.improve(dual, until)
            if pricer.converged:
                pricer.restart()
        assert pricer.best is not None
        print(
            f"subgradient after {time.perf_counter() - started:5.1f} s, {pricer.evaluations} evaluations: "
            f"{(pricer.best.value - lp_total) / OBJECTIVE_SCALE:,.0f}"
        )


if __name__ == "__main__":
    main()
