"""Re-planning from an earlier plan (``solve(..., warm_start=plan)`` and ``anchor=``) against planning from scratch.

    python benchmarks/warm_start.py --suite large          # 2,000 workers, 60 s per solve
    python benchmarks/warm_start.py --suite medium --seconds 10
    python benchmarks/warm_start.py --suite large --anchor-only   # the first plan, then the last row
    python benchmarks/warm_start.py --suite huge --first-plan /tmp/huge.json --pools changed --methods scratch,anchor

A coordinator re-plans each month with last month's plan at hand. This plans the pool once
(``first plan``), then plans two pools again in the same time: from scratch, from that plan as
a warm start, and re-planned with it as the plan in force (``Anchor``: the periods before the
change frozen, :data:`werkdeling.replan.DEFAULT_CHANGE_PENALTY` points per changed
worker-period, as :func:`werkdeling.replan` does):

* ``same pool``: the pool itself;
* ``demand +10 % from period N``: the pool with every employer's demand 10 % higher from the
  middle of the horizon on, as after a month in which orders came in.

``--first-plan FILE`` keeps the first plan in ``FILE`` (written once, then read), so that a
second run, say of older code, re-plans from the same plan. ``--pools`` and ``--methods``
choose the rows (``--anchor-only`` is ``--pools changed --methods anchor``).

Each solve runs in a process of its own, so ``peak MB`` is that solve's own peak memory (the
scenario's generation included). ``changed`` counts the worker-periods placed otherwise than
in the first plan; ``objective`` leaves out the change penalty. Every plan is checked and
costed by the validator.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from run import Instance, _scenario, add_pool_arguments, pool_instance, with_time_limit

#: How much more demand the changed pool has, and from which share of the horizon on.
MORE_DEMAND = 1.10
FROM_SHARE = 0.5


def _pool(instance: Instance, changed: bool) -> Any:
    """The instance's scenario, with demand raised by :data:`MORE_DEMAND` from the middle of
    the horizon on where ``changed``."""
    scenario = _scenario(instance)
    if not changed:
        return scenario
    data = json.loads(scenario.model_dump_json(exclude_unset=True))
    first = round(FROM_SHARE * scenario.horizon.periods)
    for employer in data["employers"]:
        for demand in employer["demand"]:
            for level in ("required", "desired", "maximum"):
                values = demand.get(level)
                if isinstance(values, list):
                    demand[level] = [round(v * MORE_DEMAND, 2) if k >= first else v for k, v in enumerate(values)]
                elif isinstance(values, int | float):
                    demand[level] = [
                        round(values * MORE_DEMAND, 2) if k >= first else values
                        for k in range(scenario.horizon.periods)
                    ]
    return type(scenario).model_validate(data)


def _solve(instance: dict[str, Any], changed: bool, earlier: str | None, how: str) -> dict[str, Any]:
    """One solve of the pool (``changed``: see :func:`_pool`) in a process of its own: from
    scratch, or with the ``earlier`` plan (as JSON) as a warm start (``how="warm"``) or as the
    plan in force, frozen before the change (``how="anchor"``)."""
    from werkdeling import Plan, solve, validate
    from werkdeling.evaluation.diff import diff_plans
    from werkdeling.model import Anchor
    from werkdeling.replan.replan import DEFAULT_CHANGE_PENALTY

    scenario = _pool(Instance(**instance), changed)
    start = Plan.model_validate_json(earlier) if earlier is not None else None
    anchor = None
    if how == "anchor" and start is not None:
        frozen = round(FROM_SHARE * scenario.horizon.periods)
        anchor = Anchor(plan=start, frozen_periods=frozen, change_penalty=DEFAULT_CHANGE_PENALTY)
    began = time.perf_counter()
    result = solve(
        scenario, time_limit=instance["time_limit"], seed=0, warm_start=start if how == "warm" else None, anchor=anchor
    )
    seconds = time.perf_counter() - began
    row: dict[str, Any] = {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if result.plan is not None:
        report = validate(scenario, result.plan)
        row |= {
            "objective": report.objective,
            "valid": report.is_valid,
            "bound": result.bound,
            "plan": result.plan.model_dump_json(),
            "kept": any(note.startswith("the warm start (") for note in result.notes),
        }
        if start is not None:
            row["changed"] = diff_plans(start, result.plan).changed_placements
    row["notes"] = list(result.notes)
    return row


def _line(name: str, row: dict[str, Any]) -> str:
    if "objective" not in row:
        return f"{name:<48}{'no plan':>16}{'':>16}{'':>9}{row['seconds']:>9.1f}{row['peak_mb']:>9,.0f}"
    bound = f"{row['bound']:,.2f}" if row["bound"] is not None else "-"
    changed = f"{row['changed']:,}" if "changed" in row else "-"
    kept = ", the warm start kept" if row["kept"] else ""
    return (
        f"{name:<48}{row['objective']:>16,.2f}{bound:>16}{changed:>9}{row['seconds']:>9.1f}{row['peak_mb']:>9,.0f}  "
        f"{'valid' if row['valid'] else 'INVALID'}{kept}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pool_arguments(parser, suite="large")
    parser.add_argument("--seconds", type=float, help="time limit of each solve (default: the instance's)")
    parser.add_argument(
        "--anchor-only",
        action="store_true",
        help="only the first plan and the changed pool re-planned with it as the plan in force (e.g. for older code)",
    )
    parser.add_argument("--pools", default="same,changed", help="which pools to plan again: same, changed or both")
    parser.add_argument(
        "--methods", default="scratch,warm,anchor", help="how to plan them again: scratch, warm, anchor (any of them)"
    )
    parser.add_argument(
        "--first-plan",
        type=Path,
        help="JSON file of the first plan of this same pool: read where it exists, else planned and written",
    )
    parser.add_argument("--notes", action="store_true", help="print each solve's notes under its row")
    args = parser.parse_args()
    pools, methods = (
        _choices(parser, "--pools", args.pools, ("same", "changed")),
        _choices(parser, "--methods", args.methods, ("scratch", "warm", "anchor")),
    )
    if args.anchor_only:
        pools, methods = ["changed"], ["anchor"]
    instance = with_time_limit(parser, pool_instance(parser, args, 10.0), args.seconds, "--seconds")
    first = round(FROM_SHARE * instance.periods) + 1
    print(f"{instance.name}, {instance.time_limit:g} s per solve, 2 cores")
    print(f"{'':<48}{'objective':>16}{'bound':>16}{'changed':>9}{'seconds':>9}{'peak MB':>9}")
    spawn = multiprocessing.get_context("spawn")
    fields = asdict(instance)

    def run(changed: bool, earlier: str | None, how: str) -> dict[str, Any]:
        # A fresh process per solve: its peak memory is its own.
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            return pool.submit(_solve, fields, changed, earlier, how).result()

    if args.first_plan is not None and args.first_plan.exists():
        earlier = args.first_plan.read_text(encoding="utf-8")
        print(f"first plan: read from {args.first_plan}")
    else:
        base = run(False, None, "scratch")
        print(_line("first plan", base), flush=True)
        if "plan" not in base:
            return
        earlier = base["plan"]
        if args.first_plan is not None:  # written whole or not at all
            args.first_plan.parent.mkdir(parents=True, exist_ok=True)
            partial = args.first_plan.with_name(args.first_plan.name + ".partial")
            partial.write_text(earlier, encoding="utf-8")
            os.replace(partial, args.first_plan)
    names = {"scratch": "from scratch", "warm": "from the first plan", "anchor": "re-planned (anchor)"}
    for changed, pool in ((False, "same pool"), (True, f"demand +{MORE_DEMAND - 1:.0%} from period {first}")):
        if ("changed" if changed else "same") not in pools:
            continue
        for how in methods:
            row = run(changed, earlier, how)
            print(_line(f"{pool}, {names[how]}", row), flush=True)
            if args.notes:
                print("".join(f"    {note}\n" for note in row["notes"]), end="", flush=True)


def _choices(parser: argparse.ArgumentParser, option: str, given: str, known: tuple[str, ...]) -> list[str]:
    """The comma-separated ``given`` values of ``option``, in ``known``'s order; exits with a
    usage error naming any other."""
    chosen = [value.strip() for value in given.split(",") if value.strip()]
    if unknown := [value for value in chosen if value not in known]:
        parser.error(f"{option}: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(known)}")
    return [value for value in known if value in chosen]


if __name__ == "__main__":
    main()
