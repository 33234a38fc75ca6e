"""Coastal werkschakelpunt: a return to work after burn-out and a forklift course in the winter dip.

A hotel (summer), a frozen-vegetable plant (summer into November), a parcel hub (November and
December) and a builder (not in bad weather, not in July) share people. One worker comes back
after burn-out on a 20-40-60-80 % ramp, restricted to order picking at one employer. A forklift
certificate can be followed in the winter dip; the solver decides who takes it.

Run: ``python examples/kust_werkschakelpunt.py [--time-limit 20]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from werkdeling import complementarity, load_scenario, solve
from werkdeling.report import worker_table

SCENARIO = Path(__file__).with_suffix(".yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds for the plan (default 20)")
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    print(f"== {scenario.description}\n")
    print(complementarity(scenario).summary())

    result = solve(scenario, time_limit=args.time_limit)
    print()
    print(result.summary())
    if result.plan is None:
        return
    print("\n-- training in the dip")
    for spell in result.plan.trainings:
        print(f"  {spell.worker} follows '{spell.training}' from {spell.start}")
    if not result.plan.trainings:
        print("  nobody: the course does not pay for itself in this plan")
    print("\n-- the return to work (hours per month)")
    for p in result.plan.for_worker("marie"):
        print(f"  {p.period}: {p.hours:6.1f} h at {p.employer} as {p.role}")
    print()
    print(worker_table(scenario, result.plan))


if __name__ == "__main__":
    main()
