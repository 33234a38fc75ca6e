"""How much cuts and branching on the workers' paths add to the bound of planning by period.

``switch_dual.py`` solves the LP whose optimum is the best bound switch prices can give: each
worker's path a unit of flow through (period, employer last worked for) states, each slot's
cover a convex combination of its hull's points. Here the same rows go to HiGHS as a MIP, with
whole placements, paths and switches and only the hull weights fractional, for ``--seconds``.
Every plan is a solution of that MIP at no more than its own cost (a slot's hull lies at or below
its cost at every cover whole workers reach), so HiGHS's dual bound, after its presolve, cuts
and branching, bounds every plan too. That is a check on where the gap of planning by period
is: a MIP bound above planning by period's shows bound the Lagrangian's prices cannot reach.

With ``--whole placements`` or ``--whole paths`` only those columns are whole: still a bound on
every plan (a relaxation of the MIP), and where it reaches the MIP's, what makes the path LP
weak is in that family. ``--whole employer_counts`` (or ``slot_counts``, or ``counts`` for both)
keeps everything of the LP fractional but each employer's (slot's) head count in each period,
the sum of its placements, whole: a few hundred integers instead of thousands. ``--whole none``
solves the path LP itself.

Planning by period first gives the plan and bound to compare with; all figures are in points.

    python benchmarks/path_mip.py --employers 20 --workers 200 --weeks --by-period-seconds 30 --seconds 600
    python benchmarks/path_mip.py --employers 8 --workers 40 --weeks --seconds 60
    python benchmarks/path_mip.py --employers 8 --workers 40 --weeks --seconds 60 --whole paths
    python benchmarks/path_mip.py --employers 8 --workers 40 --weeks --seconds 60 --whole employer_counts
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from werkdeling import validate
from werkdeling.lagrangian import PeriodPricing, paths
from werkdeling.local_search import term_units
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Term
from werkdeling.scenario.scenario import IntArray

sys.path.insert(0, str(Path(__file__).parent))
from mip import solve_arrays_with_highs
from run import by_period_reference, percent
from switch_dual import FAMILIES, dual_lp, priced_periods

#: The head-count families (``switch_dual.FAMILIES``).
COUNTS = ("employer_counts", "slot_counts")

#: What ``--whole`` may keep whole: hull weights never, a slot's cost lies between its points.
WHOLE_CHOICES: dict[str, tuple[str, ...]] = {
    "all": ("placements", "paths"),
    "placements": ("placements",),
    "paths": ("paths",),
    "slot_counts": ("slot_counts",),
    "employer_counts": ("employer_counts",),
    "counts": COUNTS,
    "none": (),
}


def _whole_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--whole", choices=sorted(WHOLE_CHOICES), default="all",
        help="the columns kept whole: placements and paths (all), one of them, head counts, or none (the LP)",
    )  # fmt: skip
    parser.add_argument(
        "--fractional-counts", action="store_true",
        help="solve the path LP and count the head counts (employer, slot) it leaves fractional",
    )  # fmt: skip


def _fractional_counts(periods: list[PeriodPricing], home: IntArray, switch: float, seconds: float) -> None:
    """How many of the employers' and the slots' head counts per period the path LP's optimum
    leaves fractional, and how far from whole they are together."""
    arrays, _ = dual_lp(periods, paths(periods, home), switch, COUNTS)
    arrays["integer"] = np.array([False])  # the LP: the count columns only read off the sums
    found = solve_arrays_with_highs(arrays, time_limit=seconds)
    print(f"HiGHS on the paths' LP, {found.seconds:.0f} s: {found.status}")
    if found.values is None:
        return
    for name in COUNTS:
        values = found.values[arrays["family"] == FAMILIES.index(name)]
        away = np.abs(values - np.round(values))
        print(
            f"{name}: {int((away > 1e-6).sum()):,} of {len(values):,} fractional, {away.sum():,.2f} from whole together"
        )


def main() -> None:
    args, scenario, by_period = by_period_reference(
        __doc__.splitlines()[0], "HiGHS's time limit on the MIP", default_seconds=600.0, more_options=_whole_option
    )
    whole = WHOLE_CHOICES[args.whole]
    periods, home, lp_total = priced_periods(scenario, scenario.horizon.periods)
    switch = float(term_units(scenario, Term.SWITCHES))
    if args.fractional_counts:
        _fractional_counts(periods, home, switch, args.seconds)
        return
    arrays, constant = dual_lp(periods, paths(periods, home), switch, whole)
    empty = validate(scenario, Plan()).objective_units
    print(f"the periods' LPs together: {(empty + lp_total) / OBJECTIVE_SCALE:,.2f}")
    found = solve_arrays_with_highs(arrays, time_limit=args.seconds)
    print(f"HiGHS on the paths' {'MIP' if whole else 'LP'} ({len(arrays['cost']):,} columns, "
          f"{int(arrays['integer'].sum()):,} whole{': ' + ' and '.join(whole) if whole else ''}, "
          f"{len(arrays['row_lower']):,} rows), {found.seconds:.0f} s: {found.status}")  # fmt: skip
    if found.bound is None:
        print("no bound from HiGHS")
        return
    bound = (empty + constant + found.bound) / OBJECTIVE_SCALE
    print(f"its bound:                          {bound:>14,.2f}")
    print(f"its bound above by period's:        {bound - by_period.bound:>14,.2f} points "
          f"({percent(bound - by_period.bound, by_period.objective)})")  # fmt: skip
    best = max(bound, by_period.bound)
    print(f"the plan above the best bound:      {by_period.objective - best:>14,.2f} points "
          f"({percent(by_period.objective - best, by_period.objective)})")  # fmt: skip


if __name__ == "__main__":
    main()
