"""Monthly meeting of the coastal werkschakelpunt: re-plan after news, and who covers a gap.

The plan for the year is in force (solved from ``kust_werkschakelpunt.yaml``). In October the
coordinator hears that a forklift driver is ill for two months, the parcel hub expects a bigger
December and one worker leaves (``news/kust_2027-10.yaml``). The script re-plans from
October with as few changes as pay, lists who moves where, then asks who could cover the
largest gap left and why it is open.

Run: ``python examples/kust_maandoverleg.py [--time-limit 20]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from werkdeling import load_scenario, solve
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.explain import explain_shortfall, who_can_cover
from werkdeling.replan import load_disruption, replan

HERE = Path(__file__).parent
SCENARIO = HERE / "kust_werkschakelpunt.yaml"
CHANGE = HERE / "news" / "kust_2027-10.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds for each plan (default 20)")
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    in_force = solve(scenario, time_limit=args.time_limit, seed=0)
    if in_force.plan is None:
        print(f"no plan for the year: {in_force.status.value}")
        return
    print(f"== plan in force: cost {in_force.objective:,.1f}\n")

    revised = replan(scenario, in_force.plan, load_disruption(CHANGE), time_limit=args.time_limit, seed=0)
    print("-- after the October news")
    print(revised.summary())
    result = revised.result
    print()
    print(result.summary())
    if result.plan is None:
        return

    # The largest desired gap from October on, or else the place Emma left: who could fill it?
    after = revised.scenario
    m = measure(after, resolve(after, result.plan))
    gaps = m.desired_shortfall.copy()
    gaps[:, : revised.frozen_periods] = 0
    if gaps.any():
        s, p = np.unravel_index(int(np.argmax(gaps)), gaps.shape)
        slot = after.quantities.slots[int(s)]
        employer, role, period = after.employers[slot.employer].id, slot.role, after.horizon.labels[int(p)]
        print(f"\n-- why is '{employer}' {role} in {period} not covered?")
        why = explain_shortfall(
            after, result.plan, employer, role, period, frozen_periods=revised.frozen_periods, time_limit=5
        )
        print(why.summary())
    else:
        employer, role, period = "parcel-hub", "order-picker", "2027-10"
        print("\nevery desired hour from October on is covered")
    print(f"\n-- who else could work as {role} at '{employer}' in {period}?")
    options = who_can_cover(
        after, result.plan, employer, role, period, frozen_periods=revised.frozen_periods, time_limit=5
    )
    print(options.summary())


if __name__ == "__main__":
    main()
