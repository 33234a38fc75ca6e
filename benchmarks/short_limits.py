"""What ``solve()`` gives on a small pool when the time limit is short, by strategy.

    python benchmarks/short_limits.py --suite small --instance 1 --limits 1,2,3,5,10
    python benchmarks/short_limits.py --suite small --instance 3 --limits 2,5,10,20

An app that plans while a coordinator waits may give ``solve()`` a few seconds. For each time
limit this prints the plan and bound of ``auto`` (the default: the whole-horizon model below
``decompose.BY_PERIOD_ABOVE`` possible placements) and, where the pool's periods allow it, of
``by_period``, each checked and costed by the validator; ``above best`` is each plan's distance
to the best bound of the run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from werkdeling import Result, decompose, solve, validate

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, percent, pool_instance


def _limits(text: str) -> list[float]:
    try:
        limits = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of seconds") from None
    if not limits or any(limit <= 0 for limit in limits):
        raise argparse.ArgumentTypeError(f"'{text}': give one or more time limits above 0")
    return limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pool_arguments(parser, suite="small")
    parser.add_argument("--limits", type=_limits, default=[1.0, 2.0, 3.0, 5.0, 10.0], help="time limits, e.g. 1,3,10")
    args = parser.parse_args()
    instance = pool_instance(parser, args, 10.0)
    scenario = _scenario(instance)
    strategies = ["auto"] + ([] if decompose.linking_features(scenario) else ["by_period"])
    print(f"{instance.name}, 2 cores")
    rows: list[tuple[float, str, Result, float]] = []
    for limit in args.limits:
        for strategy in strategies:
            began = time.perf_counter()
            result = solve(scenario, time_limit=limit, seed=0, strategy=strategy)
            rows.append((limit, strategy, result, time.perf_counter() - began))
    bounds = [result.bound for *_, result, _ in rows if result.bound is not None]
    best = max(bounds) if bounds else None
    print(f"{'limit':>6} {'strategy':<10}{'objective':>16}{'bound':>16}{'above best':>12}{'seconds':>9}")
    for limit, strategy, result, seconds in rows:
        if result.plan is None:
            print(f"{limit:>6g} {strategy:<10}{'no plan':>16}{'':>16}{'':>12}{seconds:>9.1f}  {result.status.value}")
            continue
        report = validate(scenario, result.plan)
        bound = f"{result.bound:,.2f}" if result.bound is not None else "-"
        above = percent(report.objective - best, report.objective) if best is not None else "-"
        print(
            f"{limit:>6g} {strategy:<10}{report.objective:>16,.2f}{bound:>16}{above:>12}{seconds:>9.1f}  "
            f"{'valid' if report.is_valid else 'INVALID'}",
            flush=True,
        )
    if best is not None:
        print(f"best bound {best:,.2f}")


if __name__ == "__main__":
    main()
