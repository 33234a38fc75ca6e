"""How fast "who can cover this?" answers on a large pool.

The built-in demo (14 workers, 5 employers) is copied ``--copies`` times, demand scaled alike, so
the pool has the demo's seasonal shape at a larger size. The pool is solved once; then
:func:`werkdeling.explain.who_can_cover` ranks the candidates for one gap. Reported: pool size,
wall time, candidates, how many were re-optimised and proven best, and peak memory.

    python benchmarks/cover.py --copies 7 --time-limit 5
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

from werkdeling import Scenario, solve
from werkdeling.cli.common import demo_scenario
from werkdeling.explain import who_can_cover


def scaled_demo(copies: int) -> Scenario:
    data: dict[str, Any] = demo_scenario().model_dump(mode="json", exclude_unset=True)
    data["workers"] = [{**w, "id": f"{w['id']}-{k}"} for k in range(copies) for w in data["workers"]]
    for employer in data["employers"]:
        for demand in employer.get("demand", []):
            for level in ("required", "desired", "maximum"):
                if level in demand:
                    value = demand[level]
                    demand[level] = [v * copies for v in value] if isinstance(value, list) else value * copies
    return Scenario.model_validate(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=7)
    parser.add_argument("--solve-time", type=float, default=30.0)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--employer", default="pear-grower")
    parser.add_argument("--role", default="fruit-picker")
    parser.add_argument("--period", default="2027-09")
    args = parser.parse_args()
    scenario = scaled_demo(args.copies)
    result = solve(scenario, time_limit=args.solve_time, seed=0)
    assert result.plan is not None
    started = time.perf_counter()
    options = who_can_cover(
        scenario, result.plan, args.employer, args.role, args.period, time_limit=args.time_limit, seed=0
    )
    elapsed = time.perf_counter() - started
    reoptimised = [c for c in options.candidates if c.reoptimised]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"workers {len(scenario.workers)}  plan gap {result.gap_pct:.1f} %")
    print(
        f"who_can_cover {args.employer}/{args.role}/{args.period}: {elapsed:.2f} s, "
        f"{len(options.candidates)} candidates, {len(reoptimised)} re-optimised, "
        f"{sum(c.proven for c in reoptimised)} proven best, peak memory {peak_mb:.0f} MB"
    )
    print(options.summary().splitlines()[2] if options.possible else "no candidate")


if __name__ == "__main__":
    main()
