"""What each step rule of the bound with switches gains after so many evaluations.

:class:`~werkdeling.lagrangian.SwitchPricing` steps from the LPs' prices towards a plan's cost:
Polyak's step with a first factor that halves after ``patience`` evaluations without a better
bound, in a direction deflected by the last one (``deflection``; 0: the plain supergradient).
This runs each rule given as ``deflection/step/patience`` on the same periods (every candidate,
or restricted to ``--reach`` switches around the LPs' prices as where they would not fit in
memory) and prints what the best bound adds to the first evaluation (at the LPs' prices, the same
for all), in points, after 5, 10, 20, ... evaluations. A rule whose factor is spent stops early
and keeps its last value. ``--plan`` gives the target in points (the suite table's objective);
without it, the plan by period of the suite's time limit is made first.

    python benchmarks/step_rule.py --suite large --plan 4965042.37 --evaluations 800 --every
    python benchmarks/step_rule.py --suite large --plan 4965042.37 --evaluations 60
    python benchmarks/step_rule.py --suite huge --plan 46949802.13 --evaluations 30
    python benchmarks/step_rule.py --suite huge --plan 46949802.13 --rules 1.5/0.25/2 --threads 1,2

``--threads`` runs each rule once per thread count given (the bound is the same, only the
seconds differ).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from pathlib import Path

from werkdeling import decompose
from werkdeling.lagrangian import SwitchPricing
from werkdeling.local_search import term_units
from werkdeling.scenario import OBJECTIVE_SCALE, Term

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario
from switch_reach import periods_at, target

MARKS = (5, 10, 20, 30, 40, 60, 80, 120, 200, 300, 500, 800, 1200, 2000)
RULES = "0/1/5,1.5/1/5,0/0.25/2,1.5/0.25/2"


def _rules(text: str) -> list[tuple[float, float, int]]:
    """``deflection/step/patience`` rules separated by commas."""
    rules = []
    for part in text.split(","):
        deflection, step, patience = part.split("/")
        rules.append((float(deflection), float(step), int(patience)))
    return rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="large")
    parser.add_argument("--instance", type=int, default=0)
    parser.add_argument("--plan", type=float, help="a plan's cost in points, the steps' target")
    parser.add_argument("--rules", default=RULES, help=f"deflection/step/patience, comma-separated ({RULES})")
    parser.add_argument("--evaluations", type=int, default=60, help="evaluations per rule")
    parser.add_argument("--reach", type=float, default=1.0, help="switches the restricted prices may move")
    parser.add_argument("--every", action="store_true", help="every candidate, not restricted to --reach")
    parser.add_argument("--threads", default="1", help="threads pricing the periods, comma-separated (1)")
    args = parser.parse_args()
    try:
        thread_counts = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error(f"--threads takes whole numbers separated by commas, not {args.threads!r}")
    if any(t < 1 for t in thread_counts):
        parser.error(f"--threads needs 1 or more threads, not {args.threads!r}")
    try:
        rules = _rules(args.rules)
    except ValueError:
        parser.error(f"--rules takes deflection/step/patience separated by commas, not {args.rules!r}")
    if args.evaluations < 1 or args.reach < 0 or any(d < 0 or s <= 0 or p < 1 for d, s, p in rules):
        parser.error("--evaluations needs 1 or more, --reach 0 or more; rules a deflection of 0 or more, "
                     "a step above 0 and a patience of 1 or more")  # fmt: skip
    instance = SUITES[args.suite][args.instance]
    scenario = _scenario(instance)
    plan, upper = target(scenario, args.plan, instance.time_limit)
    home = decompose._home_employers(scenario)
    switch = float(term_units(scenario, Term.SWITCHES))
    periods, boxes, total, kept = periods_at(scenario, None if args.every else args.reach)
    where = "every candidate" if args.every else f"reach {args.reach:g} switch(es), {kept / total:.1%} of them"
    marks = [m for m in MARKS if m < args.evaluations] + [args.evaluations]
    print(f"{instance.name}: steps towards a plan of {plan:,.2f} points on {where}")
    print("deflection/step/patience  seconds  points over the LPs' prices after so many evaluations")
    print(" " * 35 + "".join(f"{m:>9}" for m in marks))
    for (deflection, step, patience), threads in itertools.product(rules, thread_counts):
        pricer = SwitchPricing(
            periods, home, switch, boxes, step=step, patience=patience, deflection=deflection, threads=threads
        )
        started = time.perf_counter()
        pricer.improve(upper, math.inf, evaluations=1)  # the LPs' prices
        assert pricer.best is not None
        first = pricer.best.value
        gains: list[float] = []
        for mark in marks:
            if not pricer.converged and pricer.evaluations < mark:
                pricer.improve(upper, math.inf, evaluations=mark - pricer.evaluations)
            gains.append((pricer.best.value - first) / OBJECTIVE_SCALE)
        seconds = time.perf_counter() - started
        label = f"{deflection:g}/{step:g}/{patience}" + (f", {threads} threads" if len(thread_counts) > 1 else "")
        print(f"{label:<26}{seconds:>7.1f}  " + "".join(f"{g:>9,.0f}" for g in gains), flush=True)


if __name__ == "__main__":
    main()
