"""werkdeling's default CP-SAT setting against CP-SAT's default subsolvers, over seeds.

On 2-4 workers ``solve`` runs the ``max_lp`` subsolver (see
:func:`werkdeling.solver.default_parameters`); ``parameters={"subsolvers": []}`` gives CP-SAT's
own choice back, on the same model and the same greedy warm start. Prints the objective and
bound of each solve, for an instance of a suite, one line per setting and seed.

    python benchmarks/seeds.py --suite small --instance 2 --seeds 0 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from werkdeling import solve

sys.path.insert(0, str(Path(__file__).parent))
from run import SUITES, _scenario

SETTINGS: dict[str, dict[str, Any] | None] = {"werkdeling (max_lp)": None, "CP-SAT subsolvers": {"subsolvers": []}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default="small")
    parser.add_argument("--instance", type=int, default=2, help="position of the instance in the suite")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    instance = SUITES[args.suite][args.instance]
    scenario = _scenario(instance)
    print(f"{instance.name}, {instance.time_limit:.0f} s per solve")
    for name, parameters in SETTINGS.items():
        for seed in args.seeds:
            result = solve(scenario, time_limit=instance.time_limit, seed=seed, parameters=parameters)
            objective = f"{result.objective:,.2f}" if result.objective is not None else "-"
            bound = f"{result.bound:,.2f}" if result.bound is not None else "-"
            print(f"{name:<20} seed {seed}: {result.status.value:<9} objective {objective:>14}  bound {bound:>14}")


if __name__ == "__main__":
    main()
