"""Limburg fruit pool: how many year-round contracts can five members create, and the plan.

A pear grower, a berry farm, a chocolatier, a builder and a frozen-vegetable plant form a Belgian
werkgeversgroepering (an employer group: the group employs the workers and places them with its
members). The coordinator asks two questions: how well do our seasons fit, and how many
year-round contracts can we carry? Then: who works where next year?

Run: ``python examples/limburg_fruit_pool.py [--time-limit 20]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from werkdeling import complementarity, load_scenario, size_pool, solve
from werkdeling.report import worker_table

SCENARIO = Path(__file__).with_suffix(".yaml")

#: Skill profiles a year-round contract could have, as the group would hire them.
PROFILES = {
    "picker-packer": ["picker", "packer"],
    "operator-packer": ["operator", "packer"],
    "labourer-operator": ["labourer", "operator"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds for the plan (default 20)")
    args = parser.parse_args()

    scenario = load_scenario(SCENARIO)
    print(f"== {scenario.description}\n")
    print("-- how the members' seasons fit (desired demand, FTE)")
    print(complementarity(scenario).summary())

    print("\n-- year-round contracts the members can carry (required demand)")
    sizing = size_pool(scenario, profiles=PROFILES, level="required", max_idle_share=0.1)
    print(sizing.summary())

    guaranteed = sum(w.guaranteed for w in scenario.workers)
    print(f"\nThe group now has {guaranteed} year-round contracts; the sizing above says {sizing.best.contracts}.")
    print(f"\n-- plan for the {guaranteed} year-round and {len(scenario.workers) - guaranteed} seasonal workers")
    result = solve(scenario, time_limit=args.time_limit)
    print(result.summary())
    if result.plan is not None:
        print()
        print(worker_table(scenario, result.plan))


if __name__ == "__main__":
    main()
