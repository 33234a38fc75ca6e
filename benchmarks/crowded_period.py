"""One crowded period: the min-cost flow LP against GLOP's pricing rounds, and how far the local
search gets from the rounded LP in a given time.

For ``--period`` of the first instance of a suite (the huge one by default), with nobody placed
before it: the seconds and the bound of the min-cost flow (:func:`werkdeling.flow_lp.flow_lp`,
the LP with every candidate, solved exactly); then, for each number of cheapest placements kept
per worker and slot and each number of pricing rounds, the seconds and the bound of GLOP
(:func:`werkdeling.relaxation.period_lp`, which periods with binding head counts still use)
against the flow's; then the flow's rounded solution, searched for growing times on the
placements :func:`werkdeling.decompose.plan_by_period` keeps for a crowded period.

With ``--pattern-rounds N``, the period's pattern LP (:func:`werkdeling.patterns.pattern_lp`,
which planning by period leaves out of crowded periods) is solved instead, with the table limit
lifted, from the flow's support and the patterns its prices choose, for 1, 2, 4, ... up to N
rounds: how long each takes, and its objective and bound against the flow's bound. The
objective is an upper limit on what the pattern LP can add to the flow's bound.

    python benchmarks/crowded_period.py --suite huge --period 7
    python benchmarks/crowded_period.py --suite huge --period 7 --pattern-rounds 8
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from werkdeling import decompose, patterns, relaxation
from werkdeling.flow_lp import flow_lp
from werkdeling.local_search import PeriodCosts, improve, period_costs, repair
from werkdeling.model.eligibility import possible_placements
from werkdeling.scenario import OBJECTIVE_SCALE
from werkdeling.scenario.scenario import IntArray

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="huge")
    parser.add_argument("--period", type=int, default=7, help="position of the period")
    parser.add_argument("--pattern-rounds", type=int, default=0, help="the pattern LP instead, up to so many rounds")
    args = parser.parse_args()
    scenario = _scenario(SUITES[args.suite][0])
    allowed = possible_placements(scenario)
    costs = period_costs(scenario, allowed, args.period, decompose._home_employers(scenario))
    print(f"{scenario.horizon.labels[args.period]}: {len(costs.worker):,} candidate placements")

    started = time.perf_counter()
    flow = flow_lp(costs)
    assert flow is not None, "the period has binding head counts, coaching limits or hard covers"
    print(f"min-cost flow: {time.perf_counter() - started:.1f} s, bound {flow.bound / OBJECTIVE_SCALE:,.0f}")
    if args.pattern_rounds > 0:
        rounded = decompose._rounded(costs, flow.values, scenario, allowed, args.period)
        _pattern_rounds(costs, flow, args.pattern_rounds, rounded)
        return

    def lp(keep: int, rounds: int) -> tuple[relaxation.PeriodLp, float]:
        relaxation.PRICING_ROUNDS = rounds
        started = time.perf_counter()
        found = relaxation.period_lp(costs, costs.cheapest(keep))
        assert found is not None
        return found, time.perf_counter() - started

    print(f"GLOP {'kept':>4} {'rounds':>6} {'seconds':>8} {'columns':>9} {'below the flow bound':>24}")
    for keep, rounds in ((3, 1), (6, 0), (6, 1), (6, 2)):
        found, seconds = lp(keep, rounds)
        below = (flow.bound - found.bound) / abs(flow.bound) * 100
        print(f"     {keep:>4} {rounds:>6} {seconds:>8.1f} {len(found.columns):>9,} {below:>23.4f}%")
    rounded = decompose._rounded(costs, flow.values, scenario, allowed, args.period)
    support = decompose._lp_support(flow)
    searched = costs.restricted(np.union1d(costs.cheapest(decompose.KEEP_CHEAPEST, rounded), support))
    plan = repair(searched, rounded)
    print(f"rounded flow: {(costs.cost(plan) - flow.bound) / OBJECTIVE_SCALE:,.0f} points above its bound")
    spent = 0.0
    for seconds in (5, 10, 20, 40):
        started = time.perf_counter()
        plan, converged = improve(searched, plan, seconds=seconds - spent)
        spent += time.perf_counter() - started
        above = (costs.cost(plan) - flow.bound) / OBJECTIVE_SCALE
        print(f"search {spent:5.1f} s: {above:,.0f} points above{' (no move improves it)' if converged else ''}")
        if converged:
            break


def _pattern_rounds(costs: PeriodCosts, flow: relaxation.PeriodLp, most: int, rounded: IntArray) -> None:
    """The pattern LP from the flow's support, for 1, 2, 4, ... up to ``most`` rounds."""
    patterns.COUNT_TABLE_LIMIT = np.iinfo(np.int64).max
    started = time.perf_counter()
    counts = patterns.slot_counts(costs)
    assert counts is not None, "some slot has no allowed pattern"
    slots, covers = counts.table.shape
    seconds = time.perf_counter() - started
    print(f"count table: {slots:,} slots x {covers:,} covers x {counts.classes + 1} in {seconds:.1f} s")
    support = decompose._lp_support(flow)
    plan = repair(costs, rounded)
    print(f"pattern LP from the flow's {len(support):,} placements; points against the flow's bound")
    print(f"{'rounds':>6} {'seconds':>8} {'objective':>12} {'bound':>14} {'complete':>9}")
    rounds = 1
    while rounds <= most:
        patterns.PATTERN_ROUNDS = rounds
        started = time.perf_counter()
        found = patterns.pattern_lp(costs, counts, plan, np.inf, support, flow.cover_prices)
        assert found is not None, "GLOP failed"
        objective, bound = ((v - flow.bound) / OBJECTIVE_SCALE for v in (found.objective, found.bound))
        seconds = time.perf_counter() - started
        print(f"{found.rounds:>6} {seconds:>8.1f} {objective:>+12,.0f} {bound:>+14,.0f} {found.complete!s:>9}")
        if found.complete:
            break
        rounds *= 2


if __name__ == "__main__":
    main()
