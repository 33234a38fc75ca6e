"""How much each period's exact bound adds to the bound with switches, through optimality cuts.

The bound with switches (:mod:`werkdeling.lagrangian`, with whole workers in each slot from
the pattern LPs) relaxes each period's integrality as well as the paths': its value can leave a
period below that period's own integer optimum. Here HiGHS proves each period's bound without
switches (``z``, the same MIP as ``exact_periods.py``), and the cut "period k's costs other than
switches are at least z_k", valid for every plan, is priced into the Lagrangian with a factor
``rho_k`` between 0 and 1: period k's priced costs count ``1 - rho_k`` times, and ``rho_k z_k``
is added; switches count in full. At ``rho = 0`` that is the bound with switches, at
``rho = 1`` the sum of the periods' exact bounds, and in between it can be above both. The
factors take subgradient steps with the switch prices held at the best that ``--seconds`` of
:class:`~werkdeling.lagrangian.SwitchPricing` found, so what is shown is a lower estimate of
what steps on both would give.

Bounds are in points over the sum of the periods' LPs, each with the gap of the plan by period to it.

    python benchmarks/period_cuts.py --employers 15 --workers 150 --highs-seconds 30 --seconds 30
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

from werkdeling import decompose, validate
from werkdeling.lagrangian import (
    PeriodPricing,
    Prices,
    SwitchPricing,
    _candidate_cost,
    _slot_part,
    cheapest_paths,
    group_min,
    pricing,
    with_patterns,
)
from werkdeling.local_search import period_costs, repair, term_units
from werkdeling.model.build import build_model
from werkdeling.model.eligibility import possible_placements
from werkdeling.patterns import pattern_lp, slot_counts
from werkdeling.plan import Plan
from werkdeling.relaxation import FloatArray, period_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import IntArray

sys.path.insert(0, str(Path(__file__).parent))
from mip import solve_with_highs
from run import by_period_reference, percent

#: Subgradient steps on the cut factors, and after how many the step factor shrinks (by 0.7).
CUT_STEPS = 300
CUT_PATIENCE = 20


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--highs-seconds", type=float, default=30.0, help="HiGHS's time limit per period")
    parser.add_argument(
        "--highs-gap", type=float, default=0.0,
        help="HiGHS's relative MIP gap per period (default 0: to the optimum; HiGHS's own is 1e-4)",
    )  # fmt: skip


def _periods(
    scenario: Scenario, home: IntArray, empty: int, highs_seconds: float, highs_gap: float
) -> tuple[list[PeriodPricing], FloatArray, float, float]:
    """Each period's pricing (with whole workers in its slots where the pattern LP raises its
    bound), its exact bound without switches (HiGHS's, or the pattern LP's where that is
    higher), and the sums of the LP and pattern bounds; all in units against the empty plan,
    whose cost is ``empty``; ``home`` holds the workers' home employers."""
    allowed = possible_placements(scenario)
    pricings, exact, lp_total, pattern_total = [], [], 0.0, 0.0
    for k in range(scenario.horizon.periods):
        costs = period_costs(scenario, allowed, k, home)
        relaxed = period_lp(costs)
        if relaxed is None:
            raise SystemExit(f"period {scenario.horizon.labels[k]}: its LP has no solution")
        priced, best = pricing(costs, relaxed), relaxed.bound
        counts = slot_counts(costs)
        if counts is not None:
            start = repair(costs, decompose._rounded(costs, relaxed.values, scenario, allowed, k))
            found = pattern_lp(costs, counts, start, deadline=float("inf"))
            if found is not None and found.bound > relaxed.bound:
                priced, best = with_patterns(priced, counts, found), found.bound
        built = build_model(scenario, periods=(k,), last_employers={}, allowed=allowed)
        built.model.minimize(built.objective())
        highs = solve_with_highs(built.model, relax=False, time_limit=highs_seconds, mip_gap=highs_gap)
        pricings.append(priced)
        exact.append(best if highs.bound is None else max(best, highs.bound - empty))
        lp_total += relaxed.bound
        pattern_total += best
    return pricings, np.array(exact), lp_total, pattern_total


def _priced_parts(pricer: SwitchPricing, prices: list[Prices]) -> tuple[FloatArray, list[FloatArray]]:
    """At ``prices``, each period's slots' part of the Lagrangian and each of its (worker,
    employer) groups' cheapest candidate: what the cut factors scale, computed once."""
    parts, group_costs = [], []
    for period, p in zip(pricer.periods, prices, strict=True):
        part, _, _ = _slot_part(period, p)
        parts.append(part)
        group_costs.append(group_min(_candidate_cost(period, p), period.group_start))
    return np.array(parts), group_costs


def _with_cuts(
    pricer: SwitchPricing, parts: FloatArray, group_costs: list[FloatArray], exact: FloatArray, rho: FloatArray
) -> tuple[float, FloatArray]:
    """The Lagrangian at the prices of ``parts`` and ``group_costs`` (:func:`_priced_parts`) with
    period k's priced costs counted ``1 - rho[k]`` times and ``rho[k] x exact[k]`` added, and its
    supergradient in ``rho``: each period's exact bound less what its part of the cheapest
    solution is worth."""
    scaled = [(1 - r) * g for r, g in zip(rho.tolist(), group_costs, strict=True)]
    path_costs, chosen = cheapest_paths(scaled, pricer.states, pricer.switch)
    value = float(np.dot(1 - rho, parts) + np.dot(rho, exact) + path_costs.sum())
    worth = parts + np.array([g[c[c >= 0]].sum() for g, c in zip(group_costs, chosen, strict=True)])
    return value, exact - worth


def main() -> None:
    args, scenario, by_period = by_period_reference(
        __doc__.splitlines()[0], "time of the switch prices' steps", default_seconds=30.0, more_options=_options
    )
    home = decompose._home_employers(scenario)
    empty = validate(scenario, Plan()).objective_units
    pricings, exact, lp_total, pattern_total = _periods(scenario, home, empty, args.highs_seconds, args.highs_gap)
    upper = by_period.objective * OBJECTIVE_SCALE - empty

    def points(units: float) -> str:
        """A bound over the LPs' sum, and how far the plan is above it."""
        above = (units - lp_total) / OBJECTIVE_SCALE
        gap = by_period.objective - (empty + units) / OBJECTIVE_SCALE
        return f"{above:>10,.0f}, the plan {percent(gap, by_period.objective)} above it"

    print(f"by period's bound:                        {points(by_period.bound * OBJECTIVE_SCALE - empty)}")
    print(f"the periods' pattern LPs:                 {points(pattern_total)}")
    highs = f"HiGHS, {args.highs_seconds:g} s, gap {args.highs_gap:g}"
    print(f"the periods' exact bounds ({highs}): {points(float(exact.sum()))}")
    pricer = SwitchPricing(pricings, home, float(term_units(scenario, Term.SWITCHES)))
    started, best_value = time.perf_counter(), -np.inf
    prices = copy.deepcopy(pricer.prices)
    # One evaluation at a time, keeping the prices of the best: each call steps on past them.
    while time.perf_counter() < started + args.seconds:
        before = copy.deepcopy(pricer.prices)
        pricer.improve(upper, started + args.seconds, evaluations=1)
        assert pricer.best is not None
        if pricer.best.value > best_value:
            best_value, prices = pricer.best.value, before
        if pricer.converged:
            pricer.restart()
    print(f"switch prices, {pricer.evaluations} evaluations: {points(best_value)}")
    parts, group_costs = _priced_parts(pricer, prices)
    rho = np.zeros(len(exact))
    at_prices, _ = _with_cuts(pricer, parts, group_costs, exact, rho)  # the bound with switches alone
    best, step = at_prices, 0.5
    for done in range(1, CUT_STEPS + 1):
        value, direction = _with_cuts(pricer, parts, group_costs, exact, rho)
        best = max(best, value)
        norm = float(direction @ direction)
        if norm == 0 or value >= upper:
            break
        rho = np.clip(rho + step * (upper - value) / norm * direction, 0.0, 1.0)
        if done % CUT_PATIENCE == 0:
            step *= 0.7
    print(f"  again at those prices:                  {points(at_prices)}")
    print(f"  with the periods' optimality cuts:      {points(best)}")
    print("  cut factors: " + " ".join(f"{r:.2f}" for r in rho.tolist()))


if __name__ == "__main__":
    main()
