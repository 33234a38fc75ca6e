"""What courses and permanent moves chosen by estimate (``werkdeling.spanning``) give, against
planning without them, on a generated pool with training offers, vacancies or both.

    python benchmarks/courses_and_moves.py --suite medium                  # 500 workers, courses
    python benchmarks/courses_and_moves.py --suite medium --with vacancies  # permanent moves
    python benchmarks/courses_and_moves.py --suite medium --with vacancies --transition-missed 100000
    python benchmarks/courses_and_moves.py --employers 10 --workers 60 --whole  # and the whole model

Each line is one ``solve()`` of ``--seconds`` (default: the instance's time limit), its plan
checked and costed by the validator:

* ``without them``: the pool without its training offers and vacancies, planned by period
  (workers with a transition deadline then miss it);
* ``by estimate``: the pool with them, planned by period with spells and moves chosen by
  estimate, as ``solve()`` does above ``decompose.BY_PERIOD_ABOVE`` possible placements
  (forced here for smaller pools too);
* ``whole model`` (``--whole``): one CP-SAT model of the whole horizon, which places them
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

from werkdeling import Result, Scenario, decompose, solve, spanning, validate

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, pool_instance, weight_argument, with_time_limit, with_weight


def _line(name: str, scenario: Scenario, result: Result, seconds: float) -> str:
    if result.plan is None:
        return f"{name:<14}{'no plan':>16}{'':>16}{'':>8}{'':>7}{seconds:>9.1f}  {result.status.value}"
    report = validate(scenario, result.plan)
    bound = f"{result.bound:,.2f}" if result.bound is not None else "-"
    return (
        f"{name:<14}{report.objective:>16,.2f}{bound:>16}{len(result.plan.trainings):>8}"
        f"{len(result.plan.transitions):>7}{seconds:>9.1f}  "
        f"{'valid' if report.is_valid else 'INVALID'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pool_arguments(parser)
    parser.add_argument("--seconds", type=float, help="time limit of each solve (default: the instance's)")
    parser.add_argument("--whole", action="store_true", help="also solve the whole-horizon model")
    parser.add_argument(
        "--with", dest="programmes", choices=("training", "vacancies", "both"), default="training",
        help="what the pool gets: training offers (default), vacancies and deadlines, or both",
    )  # fmt: skip
    parser.add_argument(
        "--transition-missed",
        type=weight_argument,
        help="weight of a missed transition deadline (default: the scenario's, 1,000)",
    )
    args = parser.parse_args()
    instance = with_time_limit(
        parser,
        replace(
            pool_instance(parser, args, 10.0),
            training=args.programmes in ("training", "both"),
            vacancies=args.programmes in ("vacancies", "both"),
        ),
        args.seconds,
        "--seconds",
    )
    seconds = instance.time_limit
    scenario = _scenario(instance)
    if args.transition_missed is not None:
        scenario = with_weight(scenario, "transition_missed", args.transition_missed)
    without = spanning.without_spanning(scenario)
    if without is None:
        parser.error("something other than courses and vacancies links this pool's periods")
    missed = f", transition_missed {scenario.weights.transition_missed:,}" if args.transition_missed is not None else ""
    print(f"{instance.name}{missed}, {seconds:g} s per solve, 2 cores")
    print(f"{'':<14}{'objective':>16}{'bound':>16}{'spells':>8}{'moves':>7}{'seconds':>9}")
    runs: list[tuple[str, Scenario, Callable[[], Result]]] = [
        ("without them", without, lambda: solve(without, time_limit=seconds, strategy="by_period")),
        ("by estimate", scenario, lambda: solve(scenario, time_limit=seconds)),
    ]
    if args.whole:
        runs.append(("whole model", scenario, lambda: solve(scenario, time_limit=seconds, strategy="whole")))
    threshold = decompose.BY_PERIOD_ABOVE
    for name, planned, run in runs:
        decompose.BY_PERIOD_ABOVE = 0 if name == "by estimate" else threshold
        started = time.perf_counter()
        result = run()
        print(_line(name, planned, result, time.perf_counter() - started), flush=True)
    decompose.BY_PERIOD_ABOVE = threshold


if __name__ == "__main__":
    main()
