"""Planning by period against the proven optimum, on pools small enough to solve whole.

For each instance of the small suite that can be planned period by period, ``solve`` with
``strategy="whole"`` (which proves these optimal in seconds) and with ``strategy="by_period"``
(the path large pools take), then prints how far the by-period plan is above the optimum and how
far its bound is below it. So on pools where the optimum is known, the gap of planning by
period splits into the plan's part and the bound's part.

    python benchmarks/by_period_small.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from werkdeling import Status, decompose, solve

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario


def main() -> None:
    print(f"{'instance':<16} {'optimum':>14} {'by period':>14} {'above':>8} {'bound':>14} {'below':>8}")
    for instance in SUITES["small"]:
        scenario = _scenario(instance)
        if decompose.linking_features(scenario):
            continue
        whole = solve(scenario, strategy="whole", time_limit=60, seed=0)
        by_period = solve(scenario, strategy="by_period", time_limit=instance.time_limit, seed=0)
        if whole.status is not Status.OPTIMAL or whole.objective is None:
            print(f"{instance.name:<16} not proven optimal in 60 s")
            continue
        assert by_period.objective is not None and by_period.bound is not None
        optimum = whole.objective
        above = (by_period.objective - optimum) / optimum * 100
        below = (optimum - by_period.bound) / optimum * 100
        print(
            f"{instance.name:<16} {optimum:>14,.2f} {by_period.objective:>14,.2f} {above:>7.2f}% "
            f"{by_period.bound:>14,.2f} {below:>7.2f}%"
        )


if __name__ == "__main__":
    main()
