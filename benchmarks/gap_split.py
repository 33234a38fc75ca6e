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

import sys
from pathlib import Path

from werkdeling import solve

sys.path.insert(0, str(Path(__file__).parent))
from run import by_period_reference, percent


def main() -> None:
    args, scenario, by_period = by_period_reference(
        __doc__.splitlines()[0], "CP-SAT's time on the whole model", default_seconds=300.0
    )
    whole = solve(scenario, strategy="whole", time_limit=args.seconds, seed=0, warm_start=by_period.plan)
    if whole.objective is None or whole.bound is None:
        print(f"CP-SAT on the whole model, {args.seconds:.0f} s: no plan ({'; '.join(whole.notes)})")
        return
    print(f"CP-SAT on the whole model from that plan, {whole.runtime:.0f} s ({whole.status.value}): "
          f"plan {whole.objective:,.2f}, bound {whole.bound:,.2f}")  # fmt: skip
    best_plan = min(by_period.objective, whole.objective)
    best_bound = max(by_period.bound, whole.bound)
    print(f"CP-SAT took off the plan:          {by_period.objective - whole.objective:>14,.2f} points "
          f"({percent(by_period.objective - whole.objective, best_plan)})")  # fmt: skip
    print(f"CP-SAT's bound above by period's:  {whole.bound - by_period.bound:>14,.2f} points "
          f"({percent(whole.bound - by_period.bound, best_plan)})")  # fmt: skip
    print(f"best plan above the best bound:    {best_plan - best_bound:>14,.2f} points "
          f"({percent(best_plan - best_bound, best_plan)})")  # fmt: skip


if __name__ == "__main__":
    main()
