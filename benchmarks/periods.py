"""Where the time and the gap go when werkdeling plans a pool period by period.

Plans the first instance of a suite (or ``--instance``) with
:func:`werkdeling.decompose.plan_by_period`, as ``solve`` does, and prints per period: seconds
spent building the period's arrays, on its LP (and, in large periods, its pattern LP) and on
rounding plus local search; the first pass's cost above that period's LP bound (points; the
plan's switches are in it, that bound has none); and the period's note. Then what the sweeps at
the end took off, what the pattern LPs added to the bound and their plans took off, what
pricing the switches added to the bound (:mod:`werkdeling.lagrangian`), what re-planning from
the priced paths and CP-SAT on windows of periods took off, and the plan's cost per term, as a
share of the total, from the validator.

    python benchmarks/periods.py --suite large
    python benchmarks/periods.py --suite medium --seconds 120   # the same with more time
    python benchmarks/periods.py --suite large --set SWEEP_CAP=0.3   # another time share
    python benchmarks/periods.py --suite large --set LP_AHEAD_ABOVE=0   # another threshold
    python benchmarks/periods.py --employers 20 --workers 200 --weeks   # a generated pool, 60 s

``--set`` changes one of :mod:`werkdeling.decompose`'s time shares (its ``*_SHARE`` and
``*_CAP`` constants) or size thresholds (``*_ABOVE``) for this run only, to measure it before
changing its default.

``--phases`` also prints a line as each phase after the first pass ends (:data:`PHASES`): when
it started and ended (seconds since planning began) and, for a whole plan it made, its cost
(points), or what the sweeps took off. A phase inside another ends first. Within ``_sweep``, a
line for each sweep over the periods says when it ended and what it took off (one cut short by
the time limit says so).

    python benchmarks/periods.py --suite medium --instance 1 --phases
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from werkdeling import Plan, Scenario, decompose, validate
from werkdeling.local_search import PeriodCosts, improve
from werkdeling.scenario import OBJECTIVE_SCALE
from werkdeling.scenario.scenario import IntArray

sys.path.insert(0, str(Path(__file__).parent))
from run import (
    _scenario,
    add_pool_arguments,
    add_switch_weight_argument,
    pool_instance,
    with_switch_weight,
    with_time_limit,
)


def _settable() -> list[str]:
    """decompose's time shares (``*_SHARE``, ``*_CAP``: floats) and size thresholds (``*_ABOVE``:
    whole numbers) that planning by period reads. ``BY_PERIOD_ABOVE`` is left out: it is
    solve()'s choice of path, and this script always plans by period."""
    return sorted(
        name
        for name, value in vars(decompose).items()
        if (name.endswith(("_SHARE", "_CAP")) and isinstance(value, float))
        or (name.endswith("_ABOVE") and isinstance(value, int) and name != "BY_PERIOD_ABOVE")
    )


def _apply(parser: argparse.ArgumentParser, setting: str) -> None:
    """``NAME=VALUE`` for one of :func:`_settable`: a share from 0 to 1, a threshold 0 or more."""
    name, _, value = setting.partition("=")
    settable = _settable()
    if name not in settable:
        parser.error(
            f"--set {setting}: {name!r} is not one of decompose's shares or thresholds ({', '.join(settable)})"
        )
    share = not name.endswith("_ABOVE")
    try:
        number: float = float(value) if share else int(value)
    except ValueError:
        parser.error(f"--set {setting}: {value!r} is not a {'number' if share else 'whole number'}")
    if share and not 0.0 <= number <= 1.0:
        parser.error(f"--set {setting}: a share is between 0 and 1, not {number}")
    if not share and number < 0:
        parser.error(f"--set {setting}: a threshold is 0 or more, not {number}")
    print(f"{name} = {number} (default {getattr(decompose, name)})")
    setattr(decompose, name, number)


#: decompose's phases after the first pass that ``--phases`` follows.
PHASES = ("_pattern_bounds", "_sweep", "_repath_and_sweep", "_plan_from_paths", "_price_and_replan", "_replan_windows")


def _follow_phases(scenario: Scenario) -> None:
    """Wrap :data:`PHASES` so each prints a line as it ends, and the local search so each sweep
    of ``_sweep`` does, timed from now: call it just before planning."""
    empty = validate(scenario, Plan()).objective_units
    periods = scenario.horizon.periods
    # The sweep under way: whether one is, its periods searched so far, and what they took off.
    sweep = {"on": 0, "searched": 0, "change": 0, "count": 0}

    def sweep_line(cut: bool) -> None:
        sweep["count"] += 1
        what = f"{sweep['change'] / OBJECTIVE_SCALE:+,.0f} points" + (", cut by the time limit" if cut else "")
        print(f"    sweep {sweep['count']:<3} ended at {time.perf_counter() - started:7.1f} s  {what}")
        sweep["searched"] = sweep["change"] = 0

    @functools.wraps(improve)
    def search_followed(costs: PeriodCosts, assignment: IntArray, *, seconds: float = 1.0) -> tuple[IntArray, bool]:
        found = improve(costs, assignment, seconds=seconds)
        if sweep["on"]:
            sweep["change"] += costs.cost(found[0]) - costs.cost(assignment)
            sweep["searched"] += 1
            if sweep["searched"] == periods:
                sweep_line(cut=False)
        return found

    def follow(name: str, phase: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(phase)
        def followed(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            if name == "_sweep":
                sweep["on"], sweep["searched"], sweep["change"] = 1, 0, 0
            try:
                found = phase(*args, **kwargs)
            finally:
                if name == "_sweep":
                    if sweep["searched"]:
                        sweep_line(cut=True)
                    sweep["on"] = 0
            what = ""
            if name in ("_repath_and_sweep", "_plan_from_paths") and found[0] is not None:
                what = f"plan {(empty + found[1]) / OBJECTIVE_SCALE:,.2f}"
            elif name == "_sweep":
                what = f"{found[0] / OBJECTIVE_SCALE:+,.0f} points"
            print(f"  {name:<18} {begun - started:7.1f} s -> {time.perf_counter() - started:7.1f} s  {what}")
            return found

        return followed

    for name in PHASES:
        setattr(decompose, name, follow(name, getattr(decompose, name)))
    decompose.improve = search_followed  # type: ignore[attr-defined]  # the name decompose calls
    started = time.perf_counter()  # read by the phases when they run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser)
    parser.add_argument("--seconds", type=float, help="time limit (default: the suite's for this instance)")
    parser.add_argument("--threads", type=int, help="threads pricing the switches (default: one per core)")
    add_switch_weight_argument(parser)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a decompose share or threshold, this run"
    )
    parser.add_argument("--phases", action="store_true", help="a line as each phase after the first pass ends")
    args = parser.parse_args()
    for setting in args.set:
        _apply(parser, setting)
    instance = pool_instance(parser, args, time_limit=60.0)
    instance = with_time_limit(parser, instance, args.seconds, "--seconds")
    scenario = _scenario(instance)
    if args.switch_weight is not None:
        print(f"switches weighted {args.switch_weight} (default {scenario.weights.switches})")
        scenario = with_switch_weight(scenario, args.switch_weight)

    def run(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[int, bool]:
        return solver.solve(model), False

    def configure(solver: cp_model.CpSolver, seconds: float) -> None:
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.random_seed = 0

    if args.phases:
        print("phases after the first pass: started -> ended, since planning began")
        _follow_phases(scenario)
    outcome = decompose.plan_by_period(
        scenario, time_limit=instance.time_limit, run=run, configure=configure, threads=args.threads
    )
    print(f"{instance.name}, {instance.time_limit:.0f} s")
    print(f"{'period':<8} {'arrays s':>8} {'LP s':>6} {'search s':>9} {'above LP (points)':>18}  note")
    for r in outcome.reports:
        timing = f"{r.model_seconds:>8.2f} {r.lp_seconds:>6.2f} {r.search_seconds:>9.2f}"
        print(f"{r.label:<8} {timing} {r.above_lp_units / OBJECTIVE_SCALE:>18,.0f}  {r.note}")
    first_pass = sum(r.model_seconds + r.lp_seconds + r.search_seconds for r in outcome.reports)
    print(f"the first pass took {first_pass:.0f} s")
    print(f"the sweeps at the end: {outcome.swept_units / OBJECTIVE_SCALE:,.0f} points")
    print(
        f"pattern LPs in {outcome.pattern_periods} period(s) raised the bound by "
        f"{outcome.pattern_bound_units / OBJECTIVE_SCALE:,.0f} points"
    )
    print(f"plans from the pattern LPs: {outcome.pattern_plan_units / OBJECTIVE_SCALE:,.0f} points")
    print(f"pricing the switches raised the bound by {outcome.switch_bound_units / OBJECTIVE_SCALE:,.0f} points")
    for note in outcome.notes:
        if "Lagrangian evaluation" in note:
            print(f"  ({note})")
    if outcome.bound_units is not None:
        gap = (outcome.expected_units - outcome.bound_units) / max(1, abs(outcome.expected_units))
        print(f"bound {outcome.bound_units / OBJECTIVE_SCALE:,.2f}, gap {100 * gap:.2f} %")
    print(f"whole-path moves: {outcome.repath_units / OBJECTIVE_SCALE:,.0f} points")
    print(f"re-planning from the priced paths: {outcome.path_plan_units / OBJECTIVE_SCALE:,.0f} points")
    windows = outcome.window_units / OBJECTIVE_SCALE
    print(f"CP-SAT on windows of periods ({outcome.windows} windows): {windows:,.0f} points")
    if outcome.plan is None:
        print("no plan:", "; ".join(outcome.notes))
        return
    report = validate(scenario, outcome.plan)
    print(f"objective {report.objective:,.2f}, valid {report.is_valid}")
    for term, value in report.terms.items():
        if value.cost_units:
            print(f"  {term.value:<20} {value.cost_units / report.objective_units * 100:6.2f} %")


if __name__ == "__main__":
    main()
