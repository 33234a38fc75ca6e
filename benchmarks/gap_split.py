"""Is the gap of planning by period in the plan or in the bound? A check on mid-sized pools.

Plans one pool period by period (``solve(strategy="by_period")``, the path large pools take, in
the suite's time), then gives that plan to CP-SAT on the whole-horizon model (``strategy=
"whole"``, its own neighbourhood searches and cuts) for ``--seconds`` more. Prints how much
CP-SAT took off the plan and where each bound lies. Where CP-SAT improves the plan by little in
far more time, the plan side is close to done and the gap is mostly the bound's; where CP-SAT's
proven bound is above the by-period one, that bound has room to grow.

:mod:`by_period_small` does the same where CP-SAT proves the optimum; these pools are too large
for that, so the "best plan" here is the best one either found, not an optimum.

    python benchmarks/gap_split.py --employers 15 --workers 150 --seconds 600
    python benchmarks/gap_split.py --suite medium --seconds 300
    python benchmarks/gap_split.py --employers 20 --workers 200 --weeks --by-period-seconds 30 --seconds 300
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from werkdeling import solve

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, plan_by_period, pool_instance, with_time_limit


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.3f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser, suite=None)
    parser.add_argument("--by-period-seconds", type=float, help="time to plan by period (default: the suite's)")
    parser.add_argument("--seconds", type=float, default=300.0, help="CP-SAT's time on the whole model")
    args = parser.parse_args()
    instance = pool_instance(parser, args, time_limit=10.0)
    instance = with_time_limit(parser, instance, args.by_period_seconds, "--by-period-seconds")
    if args.seconds <= 0:
        parser.error(f"--seconds must be more than 0, not {args.seconds}")
    scenario = _scenario(instance)

    by_period = plan_by_period(scenario, instance.name, instance.time_limit)
    print(f"{instance.name}")
    print(f"by period, {instance.time_limit:.0f} s: plan {by_period.objective:,.2f}, bound {by_period.bound:,.2f}, "
          f"gap {_pct(by_period.objective - by_period.bound, by_period.objective)}")  # fmt: skip
    whole = solve(scenario, strategy="whole", time_limit=args.seconds, seed=0, warm_start=by_period.plan)
    if whole.objective is None or whole.bound is None:
        print(f"CP-SAT on the whole model, {args.seconds:.0f} s: no plan ({'; '.join(whole.notes)})")
        return
    print(f"CP-SAT on the whole model from that plan, {whole.runtime:.0f} s ({whole.status.value}): "
          f"plan {whole.objective:,.2f}, bound {whole.bound:,.2f}")  # fmt: skip
    best_plan = min(by_period.objective, whole.objective)
    best_bound = max(by_period.bound, whole.bound)
    print(f"CP-SAT took off the plan:          {by_period.objective - whole.objective:>14,.2f} points "
          f"({_pct(by_period.objective - whole.objective, best_plan)})")  # fmt: skip
    print(f"CP-SAT's bound above by period's:  {whole.bound - by_period.bound:>14,.2f} points "
          f"({_pct(whole.bound - by_period.bound, best_plan)})")  # fmt: skip
    print(f"best plan above the best bound:    {best_plan - best_bound:>14,.2f} points "
          f"({_pct(best_plan - best_bound, best_plan)})")  # fmt: skip


if __name__ == "__main__":
    main()
