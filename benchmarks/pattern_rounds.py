"""How many pricing rounds, and how much time, each period's pattern LP takes to what bound.

Per period of the first instance of a suite (or ``--instance``, or a generated pool), with
nobody employed before it, :func:`werkdeling.patterns.pattern_lp` is solved four ways from the
same start (the rounded period LP, its placements and each worker's and slot's cheapest, as
:func:`werkdeling.decompose._first_pattern_lp` does), one after the other so that each period's
four runs share the machine's load:

* ``plain``: no start from the LP's prices, priced to the end;
* ``prices``: with the patterns the period LP's prices choose (``cover_prices``);
* ``tolerance``: stopped within ``--tolerance`` (relative) of its best bound;
* ``both``: the two together, as planning by period solves it.

It prints each run's rounds, seconds and what its bound adds to the period LP's (points), and
the totals.

    python benchmarks/pattern_rounds.py --suite large
    python benchmarks/pattern_rounds.py --suite medium --instance 1 --periods 0,13,26,39
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from werkdeling import decompose
from werkdeling.flow_lp import flow_lp
from werkdeling.local_search import period_costs, repair
from werkdeling.model.eligibility import possible_placements
from werkdeling.patterns import pattern_lp, slot_counts
from werkdeling.relaxation import period_lp
from werkdeling.scenario import OBJECTIVE_SCALE

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, pool_instance

WAYS = ("plain", "prices", "tolerance", "both")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser)
    parser.add_argument("--periods", help="comma-separated period positions (default: every period)")
    parser.add_argument("--tolerance", type=float, default=decompose.PATTERN_TOLERANCE, help="relative")
    args = parser.parse_args()
    instance = pool_instance(parser, args, time_limit=0.0)
    scenario = _scenario(instance)
    allowed = possible_placements(scenario)
    nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
    print(f"{instance.name}: each pattern LP's rounds, seconds and points over the period LP")
    print(f"{'period':<8} " + " ".join(f"{way:>26}" for way in WAYS))
    seconds = dict.fromkeys(WAYS, 0.0)
    gains = dict.fromkeys(WAYS, 0.0)
    chosen = range(scenario.horizon.periods) if args.periods is None else [int(k) for k in args.periods.split(",")]
    for k in chosen:
        costs = period_costs(scenario, allowed, k, nobody)
        relaxed = flow_lp(costs) or period_lp(costs)
        counts = slot_counts(costs)
        if relaxed is None or counts is None:
            print(f"{scenario.horizon.labels[k]:<8} no period LP or pattern table")
            continue
        start = repair(costs, decompose._rounded(costs, relaxed.values, scenario, allowed, k))
        columns = np.union1d(costs.cheapest(decompose.KEEP_CHEAPEST), decompose._lp_support(relaxed))
        cells = []
        for way in WAYS:
            prices = relaxed.cover_prices if way in ("prices", "both") else None
            tolerance = args.tolerance if way in ("tolerance", "both") else 0.0
            began = time.perf_counter()
            found = pattern_lp(costs, counts, start, float("inf"), columns, prices, tolerance)
            took = time.perf_counter() - began
            if found is None:
                cells.append(f"{'GLOP failed':>26}")
                continue
            gain = (found.bound - relaxed.bound) / OBJECTIVE_SCALE
            seconds[way] += took
            gains[way] += gain
            cells.append(f"{found.rounds:>4} {took:>7.2f} s {gain:>11,.0f}")
        print(f"{scenario.horizon.labels[k]:<8} " + " ".join(cells))
    print(f"{'total':<8} " + " ".join(f"{seconds[way]:>12.2f} s {gains[way]:>11,.0f}" for way in WAYS))


if __name__ == "__main__":
    main()
