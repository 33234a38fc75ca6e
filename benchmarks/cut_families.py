"""Which of CP-SAT's cut families raise its bound on the whole-horizon model?

Where CP-SAT proves a bound above the one of planning by period (``gap_split.py``: 0.135 % on
a 100-worker weekly pool), some of its cuts see what the periods' LPs and the switch prices do
not. This plans the pool by period first (its bound and plan are the reference), then gives
that plan to CP-SAT on the whole model, one search worker with the full linearisation
(``linearization_level`` 2), once with every cut family, once with none and once without each
family in turn, two runs at a time (one per core). A family whose absence lowers the bound is
one to learn from. With ``--switch-weight 0`` the periods are independent: what CP-SAT's cuts
add then is not about the switches.

    python benchmarks/cut_families.py --employers 10 --workers 100 --weeks --seconds 90
    python benchmarks/cut_families.py --employers 10 --workers 100 --weeks --seconds 90 --switch-weight 0
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from werkdeling import solve
from werkdeling.plan import Plan
from werkdeling.scenario.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from run import Instance, _scenario, add_switch_weight_argument, plan_by_period, with_switch_weight

FAMILIES = ("clique", "mir", "zero_half", "cg", "rlt", "lin_max")


def _settings() -> dict[str, dict[str, bool]]:
    every = {f"add_{family}_cuts": True for family in FAMILIES}
    settings = {"every family": every, "no family": {name: False for name in every}}
    for family in FAMILIES:
        settings[f"without {family}"] = {**every, f"add_{family}_cuts": False}
    return settings


def _whole(scenario: Scenario, start: Plan, seconds: float, cuts: dict[str, bool]) -> tuple[float | None, float | None]:
    parameters = {"linearization_level": 2, **cuts}
    result = solve(
        scenario, strategy="whole", time_limit=seconds, seed=0, num_workers=1, warm_start=start, parameters=parameters
    )
    return result.objective, result.bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=100)
    parser.add_argument("--weeks", action="store_true", help="52 weeks instead of 12 months")
    parser.add_argument("--by-period-seconds", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=90.0, help="CP-SAT's time per setting")
    add_switch_weight_argument(parser)
    args = parser.parse_args()
    if args.employers <= 0 or args.workers <= 0 or args.seconds <= 0 or args.by_period_seconds <= 0:
        parser.error("--employers, --workers, --seconds and --by-period-seconds must be more than 0")
    instance = Instance(args.employers, args.workers)
    if args.weeks:
        instance = replace(instance, periods=52, granularity="week")
    scenario = _scenario(instance)
    if args.switch_weight is not None:
        scenario = with_switch_weight(scenario, args.switch_weight)
    by_period = plan_by_period(scenario, instance.name, args.by_period_seconds)
    weight = f", switches weighted {args.switch_weight}" if args.switch_weight is not None else ""
    print(f"{instance.name}{weight}: by period in {args.by_period_seconds:.0f} s, plan {by_period.objective:,.2f}, "
          f"bound {by_period.bound:,.2f}")  # fmt: skip
    print(f"CP-SAT from that plan, one worker, linearization_level 2, {args.seconds:.0f} s per setting")
    print(f"{'setting':<20}{'plan':>16}{'bound':>16}{'bound above by period':>24}")
    settings = _settings()
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(_whole, scenario, by_period.plan, args.seconds, cuts) for name, cuts in settings.items()
        }
        for name, future in futures.items():
            objective, bound = future.result()
            plan = f"{objective:,.2f}" if objective is not None else "-"
            above = f"{bound - by_period.bound:,.2f}" if bound is not None else "-"
            shown = f"{bound:,.2f}" if bound is not None else "-"
            print(f"{name:<20}{plan:>16}{shown:>16}{above:>24}", flush=True)


if __name__ == "__main__":
    main()
