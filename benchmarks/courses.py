"""What courses chosen by estimate (``werkdeling.courses``) give, against planning without them.

    python benchmarks/courses.py --suite medium                       # the 500-worker pool, 10 s
    python benchmarks/courses.py --employers 10 --workers 60 --whole  # and the whole model

The pool is generated with training offers. Each line is one ``solve()`` of ``--seconds``
(default: the instance's time limit), its plan checked and costed by the validator:

* ``without courses``: the pool without its training offers, planned by period;
* ``courses by estimate``: the pool with them, planned by period with spells chosen by
  estimate, as ``solve()`` does above ``decompose.BY_PERIOD_ABOVE`` possible placements (forced
  here for smaller pools too);
* ``whole model`` (``--whole``): one CP-SAT model of the whole horizon, which places courses
  exactly, started from the plan above made in a fifth of the time (as ``solve()`` does for
  pools up to ``BY_PERIOD_ABOVE``). It is too large to build in time from about 500 workers on.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from werkdeling import Result, Scenario, decompose, solve, solver, validate

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, pool_instance, with_time_limit


def _line(name: str, scenario: Scenario, result: Result, seconds: float) -> str:
    if result.plan is None:
        return f"{name:<22}{'no plan':>16}{'':>16}{'':>8}{seconds:>10.1f}  {result.status.value}"
    report = validate(scenario, result.plan)
    bound = f"{result.bound:,.2f}" if result.bound is not None else "-"
    return (
        f"{name:<22}{report.objective:>16,.2f}{bound:>16}{len(result.plan.trainings):>8}{seconds:>10.1f}  "
        f"{'valid' if report.is_valid else 'INVALID'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pool_arguments(parser)
    parser.add_argument("--seconds", type=float, help="time limit of each solve (default: the instance's)")
    parser.add_argument("--whole", action="store_true", help="also solve the whole-horizon model")
    args = parser.parse_args()
    instance = with_time_limit(
        parser, replace(pool_instance(parser, args, 10.0), training=True), args.seconds, "--seconds"
    )
    seconds = instance.time_limit
    scenario = _scenario(instance)
    without = solver._without_courses(scenario)
    if without is None:
        parser.error("this pool has no training offers, or something other than courses links its periods")
    print(f"{instance.name}, {seconds:g} s per solve, 2 cores")
    print(f"{'':<22}{'objective':>16}{'bound':>16}{'spells':>8}{'seconds':>10}")
    runs: list[tuple[str, Scenario, Callable[[], Result]]] = [
        ("without courses", without, lambda: solve(without, time_limit=seconds, strategy="by_period")),
        ("courses by estimate", scenario, lambda: solve(scenario, time_limit=seconds)),
    ]
    if args.whole:
        runs.append(("whole model", scenario, lambda: solve(scenario, time_limit=seconds, strategy="whole")))
    threshold = decompose.BY_PERIOD_ABOVE
    for name, planned, run in runs:
        decompose.BY_PERIOD_ABOVE = 0 if name == "courses by estimate" else threshold
        started = time.perf_counter()
        result = run()
        print(_line(name, planned, result, time.perf_counter() - started), flush=True)
    decompose.BY_PERIOD_ABOVE = threshold


if __name__ == "__main__":
    main()
