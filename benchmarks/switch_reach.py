"""How much of the bound with switches the restricted periods keep, by how far prices may move.

Where every period's candidates would not fit in memory, planning by period prices the switches
on the candidates a cheapest path can take while each cover price stays in a box around the LPs'
prices (:func:`werkdeling.lagrangian.restricted`): a candidate's priced cost moves by at most
``reach`` switches. This runs the subgradient steps of
:class:`~werkdeling.lagrangian.SwitchPricing` for ``--seconds`` on every candidate and on the
restricted periods at several reaches, and prints the share of candidates kept and what the
steps add to the Lagrangian at the LPs' prices (the first evaluation, the same for all), in
points, after 2 and 5 seconds and at the end. The target of the steps is a plan's cost, which
``--plan`` gives in points (the suite table's objective); without it, the plan by period of the
suite's time limit is made first.

    python benchmarks/switch_reach.py --suite large --plan 4965042.37
    python benchmarks/switch_reach.py --suite huge --plan 46949802.13 --reaches 1 --seconds 120
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from werkdeling import decompose, solve, validate
from werkdeling.flow_lp import flow_lp
from werkdeling.lagrangian import PeriodPricing, PriceBox, Prices, SwitchPricing, pricing, restricted
from werkdeling.local_search import period_costs, term_units
from werkdeling.model.eligibility import possible_placements
from werkdeling.plan import Plan
from werkdeling.relaxation import period_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario

MARKS = (2.0, 5.0)


def _steps(
    periods: list[PeriodPricing], boxes: list[PriceBox] | None, home: np.ndarray, switch: float, upper: float,
    seconds: float,
) -> tuple[float, list[str]]:  # fmt: skip
    """The Lagrangian at the LPs' prices, and the best found after each of :data:`MARKS` and
    ``seconds`` (points over it, with the evaluations made)."""
    pricer = SwitchPricing(periods, home, switch, boxes)
    started = time.perf_counter()
    pricer.improve(upper, started)  # one evaluation: the LPs' prices
    assert pricer.best is not None
    first = pricer.best.value
    found = []
    for mark in (*[m for m in MARKS if m < seconds], seconds):
        pricer.improve(upper, started + mark)
        gain = (pricer.best.value - first) / OBJECTIVE_SCALE
        found.append(f"{time.perf_counter() - started:5.0f} s {pricer.evaluations:4d} {gain:>10,.0f}")
        if pricer.converged:
            break
    return first, found


def periods_at(scenario: Scenario, reach: float | None) -> tuple[list[PeriodPricing], list[PriceBox] | None, int, int]:
    """Every period's pricing at its LP, from nobody placed, restricted to ``reach`` switches
    unless ``None``; the boxes (``None`` unrestricted), and how many candidates there are and
    how many are kept."""
    allowed = possible_placements(scenario)
    nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
    switch = float(term_units(scenario, Term.SWITCHES))
    kept: list[PeriodPricing] = []
    boxes: list[PriceBox] = []
    total = 0
    for k in range(scenario.horizon.periods):
        costs = period_costs(scenario, allowed, k, nobody)
        relaxed = flow_lp(costs) or period_lp(costs)
        if relaxed is None:
            raise SystemExit(f"period {k}: no LP solution")
        whole = pricing(costs, relaxed)
        total += len(whole.worker)
        if reach is None:
            kept.append(whole)
            continue
        part, box = restricted(whole, Prices.of_lp(whole), switch, reach * switch)
        kept.append(part)
        boxes.append(box)
    return kept, None if reach is None else boxes, total, sum(len(p.worker) for p in kept)


def target(scenario: Scenario, plan: float | None, time_limit: float) -> tuple[float, float]:
    """A plan's cost in points (``plan``, else that of planning by period for ``time_limit``)
    and the steps' target: that cost against the empty plan, in objective units."""
    if plan is None:
        planned = solve(scenario, strategy="by_period", time_limit=time_limit, seed=0)
        if planned.objective is None:
            raise SystemExit("no plan by period to aim the steps at; give --plan")
        plan = planned.objective
    return plan, plan * OBJECTIVE_SCALE - validate(scenario, Plan()).objective_units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="large")
    parser.add_argument("--instance", type=int, default=0)
    parser.add_argument("--plan", type=float, help="a plan's cost in points, the steps' target")
    parser.add_argument("--reaches", default="0.5,1,2,4", help="reaches to try, in switches")
    parser.add_argument("--seconds", type=float, default=20.0, help="steps per run")
    parser.add_argument("--no-full", action="store_true", help="skip the run on every candidate")
    args = parser.parse_args()
    try:
        reaches = [float(r) for r in args.reaches.split(",")]
    except ValueError:
        parser.error(f"--reaches takes numbers separated by commas, not {args.reaches!r}")
    if any(r < 0 for r in reaches) or args.seconds <= 0:
        parser.error("--reaches must be at least 0 and --seconds more than 0")
    instance = SUITES[args.suite][args.instance]
    scenario = _scenario(instance)
    plan, upper = target(scenario, args.plan, instance.time_limit)
    home = decompose._home_employers(scenario)
    switch = float(term_units(scenario, Term.SWITCHES))
    print(f"{instance.name}: steps towards a plan of {plan:,.2f} points, one switch {switch / OBJECTIVE_SCALE:,.0f}")
    print("candidates             kept  after (s), evaluations, points over the LPs' prices")

    for reach in ([] if args.no_full else [None]) + reaches:
        periods, boxes, total, kept = periods_at(scenario, reach)
        _, found = _steps(periods, boxes, home, switch, upper, args.seconds)
        label = "every one" if reach is None else f"reach {reach:g} switch(es)"
        print(f"{label:<20}{kept / total:>7.1%}  " + " | ".join(found))
        del periods, boxes


if __name__ == "__main__":
    main()
