"""How far each period's plan and bound are from that period's integer optimum.

Per period of the first instance of a suite (or ``--instance``, or a generated pool), without
switches (nobody has an employer before the period, on both sides), in points against the
period left empty:

* the LP bound werkdeling uses (:func:`werkdeling.relaxation.period_lp`);
* the bound of the period's LP over slot patterns (:func:`werkdeling.patterns.pattern_lp`,
  whole workers in each slot, solved to the end);
* HiGHS on the period's MIP (the CP-SAT period model, the same formulation the ``highs-mip``
  baseline gets): its proven bound and best plan;
* the local search (:func:`werkdeling.local_search.improve`) from the rounded period LP, as
  planning by period starts small periods;
* the local search from the pattern LP's rounded solution, as large periods start and as the
  pattern LPs after the first pass re-plan (:func:`werkdeling.decompose._pattern_plan`).

So the gap splits into the part no plan of whole workers closes (bound to integer optimum) and
the part the search leaves (search to integer optimum).

    python benchmarks/exact_periods.py --suite medium --seconds 30
    python benchmarks/exact_periods.py --suite medium --instance 1 --periods 0,13,26,39 --seconds 30
    python benchmarks/exact_periods.py --employers 15 --workers 150 --periods 2,5 --seconds 60
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from werkdeling import Plan, decompose, validate
from werkdeling.local_search import improve, period_costs, repair
from werkdeling.model.build import build_model
from werkdeling.model.eligibility import possible_placements
from werkdeling.patterns import pattern_lp, slot_counts
from werkdeling.relaxation import period_lp
from werkdeling.scenario import OBJECTIVE_SCALE

sys.path.insert(0, str(Path(__file__).parent))
from mip import solve_with_highs
from run import _scenario, add_pool_arguments, pool_instance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser)
    parser.add_argument("--seconds", type=float, default=30.0, help="HiGHS time limit per period")
    parser.add_argument("--periods", help="comma-separated period positions (default: every period)")
    args = parser.parse_args()
    instance = pool_instance(parser, args, time_limit=args.seconds)
    scenario = _scenario(instance)
    allowed = possible_placements(scenario)
    nobody = np.full(len(scenario.workers), -1, dtype=np.int64)  # no employer before: no switches
    empty = validate(scenario, Plan()).objective_units

    def points(units: float | None) -> str:
        return f"{units / OBJECTIVE_SCALE:>13,.0f}" if units is not None else f"{'-':>13}"

    print(f"{instance.name}: points against the empty period, no switches; HiGHS {args.seconds:g} s per period")
    columns = ["LP bound", "patterns", "MIP bound", "MIP plan", "search", "from patterns"]
    print(f"{'period':<8} " + " ".join(f"{c:>13}" for c in columns))
    totals = [0.0] * len(columns)
    chosen = range(scenario.horizon.periods) if args.periods is None else [int(k) for k in args.periods.split(",")]
    for k in chosen:
        label = scenario.horizon.labels[k]
        costs = period_costs(scenario, allowed, k, nobody)
        relaxed = period_lp(costs)
        if relaxed is None:
            print(f"{label:<8} no plan keeps every hard rule")
            return
        start = repair(costs, decompose._rounded(costs, relaxed.values, scenario, allowed, k))
        search_plan = improve(costs, start, seconds=60)[0]
        searched = costs.cost(search_plan)
        counts = slot_counts(costs)
        patterns = None if counts is None else pattern_lp(costs, counts, search_plan, deadline=float("inf"))
        from_patterns = None
        if patterns is not None:
            rounded = repair(costs, decompose._rounded(costs, patterns.values, scenario, allowed, k))
            from_patterns = costs.cost(improve(costs, rounded, seconds=60)[0])
        built = build_model(scenario, periods=(k,), last_employers={}, allowed=allowed)
        built.model.minimize(built.objective())
        highs = solve_with_highs(built.model, relax=False, time_limit=args.seconds)
        bound = None if highs.bound is None else highs.bound - empty
        plan = None if highs.objective is None else highs.objective - empty
        row_values = [relaxed.bound, None if patterns is None else patterns.bound, bound, plan, searched, from_patterns]
        print(f"{label:<8} " + " ".join(points(v) for v in row_values) + f"  {highs.status}")
        totals = [t + (v if v is not None else float("nan")) for t, v in zip(totals, row_values, strict=True)]
    print(f"{'total':<8} " + " ".join(points(v) for v in totals))


if __name__ == "__main__":
    main()
