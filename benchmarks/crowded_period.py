"""One crowded period: how the LP's starting columns and pricing rounds trade time for bound, and
how far the local search gets from its rounded LP in a given time.

For ``--period`` of the first instance of a suite (the huge one by default), with nobody placed
before it: for each number of cheapest placements kept per worker and slot and each number of
pricing rounds, the seconds and the bound of :func:`werkdeling.relaxation.period_lp` against the
bound with every candidate priced in (the most rounds); then the rounded LP of the configured
setting (:data:`werkdeling.decompose.KEEP_CHEAPEST`, one round), searched for growing times.

    python benchmarks/crowded_period.py --suite huge --period 7
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from werkdeling import decompose, relaxation
from werkdeling.local_search import improve, period_costs, repair
from werkdeling.model.eligibility import possible_placements
from werkdeling.scenario import OBJECTIVE_SCALE

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="huge")
    parser.add_argument("--period", type=int, default=7, help="position of the period")
    args = parser.parse_args()
    scenario = _scenario(SUITES[args.suite][0])
    allowed = possible_placements(scenario)
    costs = period_costs(scenario, allowed, args.period, decompose._home_employers(scenario))
    print(f"{scenario.horizon.labels[args.period]}: {len(costs.worker):,} candidate placements")

    def lp(keep: int, rounds: int) -> tuple[relaxation.PeriodLp, float]:
        relaxation.PRICING_ROUNDS = rounds
        started = time.perf_counter()
        found = relaxation.period_lp(costs, costs.cheapest(keep))
        assert found is not None
        return found, time.perf_counter() - started

    full, _ = lp(decompose.KEEP_CHEAPEST, 4)
    print(f"{'kept':>4} {'rounds':>6} {'seconds':>8} {'columns':>9} {'below the priced-in bound':>26}")
    for keep, rounds in ((3, 1), (3, 2), (6, 0), (6, 1), (6, 2)):
        found, seconds = lp(keep, rounds)
        below = (full.bound - found.bound) / abs(full.bound) * 100
        print(f"{keep:>4} {rounds:>6} {seconds:>8.1f} {len(found.columns):>9,} {below:>25.4f}%")
    found, _ = lp(decompose.KEEP_CHEAPEST, 1)
    rounded = decompose._rounded(costs, found.values, scenario, allowed, args.period)
    placed = np.flatnonzero(rounded >= 0)
    searched = costs.restricted(np.union1d(found.columns, costs.lookup(placed, rounded[placed])))
    plan = repair(searched, rounded)
    print(f"rounded LP: {(costs.cost(plan) - found.bound) / OBJECTIVE_SCALE:,.0f} points above its bound")
    spent = 0.0
    for seconds in (5, 10, 20, 40):
        started = time.perf_counter()
        plan, converged = improve(searched, plan, seconds=seconds - spent)
        spent += time.perf_counter() - started
        above = (costs.cost(plan) - found.bound) / OBJECTIVE_SCALE
        print(f"search {spent:5.1f} s: {above:,.0f} points above{' (no move improves it)' if converged else ''}")
        if converged:
            break


if __name__ == "__main__":
    main()
