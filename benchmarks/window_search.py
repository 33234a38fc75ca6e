"""Does re-planning windows of the horizon with CP-SAT improve the plan of planning by period?

Over 52 weeks the gap of planning by period grows fast with the pool (0.23 % at 100 workers,
2.18 % at 200, ``gap_split.py``), and CP-SAT on the whole model is then too large to tell
whether the plan or the bound is behind it. This plans the pool by period, then repeatedly
frees every placement in a window of ``--window`` consecutive periods (all workers), keeps the
rest of the plan fixed, and lets CP-SAT re-plan the window on the whole-horizon model, hinted
with the current plan, ``--seconds`` per window. Windows slide by half their length, round after
round, until ``--budget`` runs out. Switches into and out of a window are in the model, so a
window's optimum is exact given the rest, and the script counts the windows CP-SAT proved
optimal. If the windows take much off, the plan side of the gap matters at that size; if not,
the bound is the larger part. Planning by period ends with windows of its own where they are
small (``decompose._replan_windows``), in its share of the time; this gives them minutes.

    python benchmarks/window_search.py --employers 20 --workers 200 --weeks --window 4 --seconds 20 --budget 400
    python benchmarks/window_search.py --suite medium --instance 1 --window 3 --seconds 15 --budget 600
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from ortools.sat.python import cp_model

from werkdeling import solve
from werkdeling.evaluation.costs import cost_breakdown_of
from werkdeling.model.build import BuiltModel, build_model, read_plan
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE
from werkdeling.solver import _plan_values, default_parameters, refereed

sys.path.insert(0, str(Path(__file__).parent))
from run import _scenario, add_pool_arguments, add_switch_weight_argument, pool_instance, with_switch_weight


def _decision_periods(built: BuiltModel) -> dict[int, int]:
    """Period of each decision variable (by index); training spells by their start."""
    pv = built.variables
    periods = {var.index: p for (_, p, _), var in pv.x.items()}
    periods.update({var.index: p for (_, p, _), var in pv.amounts.items()})
    periods.update({var.index: q for (_, _, q), var in pv.training.items()})
    periods.update({var.index: q for (_, _, _, q), var in pv.permanent.items()})
    return periods


def _window_solve(
    built: BuiltModel, values: dict[int, int], periods: dict[int, int], window: range, seconds: float, seed: int
) -> tuple[dict[int, int], float, bool] | None:
    """Best values of the decisions with those outside ``window`` fixed, the objective, and
    whether CP-SAT proved them optimal given the rest."""
    model = built.model.clone()
    model.clear_hints()
    for index, period in periods.items():
        var = model.get_int_var_from_proto_index(index)
        value = values.get(index, 0)
        model.add_hint(var, value)
        if period not in window:
            model.add(var == value)
    solver = cp_model.CpSolver()
    default_parameters(solver, None)
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    solution = solver.response_proto.solution
    found = {index: int(solution[index]) for index in periods}
    return found, solver.objective_value / OBJECTIVE_SCALE, status == cp_model.OPTIMAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser, suite=None)
    parser.add_argument("--by-period-seconds", type=float, help="time to plan by period (default: the suite's, or 30)")
    parser.add_argument("--window", type=int, default=6, help="periods freed at a time")
    parser.add_argument("--seconds", type=float, default=10.0, help="CP-SAT's time per window")
    parser.add_argument("--budget", type=float, default=600.0, help="time for all windows")
    add_switch_weight_argument(parser)
    args = parser.parse_args()
    if args.window <= 0 or min(args.seconds, args.budget) <= 0:
        parser.error("--window, --seconds and --budget must be more than 0")
    instance = pool_instance(parser, args, time_limit=30.0)
    if args.by_period_seconds is not None:
        if args.by_period_seconds <= 0:
            parser.error(f"--by-period-seconds must be more than 0, not {args.by_period_seconds}")
        instance = replace(instance, time_limit=args.by_period_seconds)
    scenario = _scenario(instance)
    if args.switch_weight is not None:
        scenario = with_switch_weight(scenario, args.switch_weight)

    by_period = solve(scenario, strategy="by_period", time_limit=instance.time_limit, seed=0)
    if by_period.plan is None or by_period.objective is None or by_period.bound is None:
        print(f"{instance.name}: no plan by period ({'; '.join(by_period.notes)})")
        return
    print(f"{instance.name}: by period in {instance.time_limit:.0f} s, plan {by_period.objective:,.2f}, "
          f"bound {by_period.bound:,.2f}")  # fmt: skip
    built = build_model(scenario)
    built.model.minimize(built.objective())
    values, _ = _plan_values(built, by_period.plan)
    periods = _decision_periods(built)
    horizon = scenario.horizon.periods
    window = min(args.window, horizon)
    stride = max(1, window // 2)
    starts = list(range(0, max(1, horizon - window + 1), stride))
    if starts[-1] + window < horizon:
        starts.append(horizon - window)
    objective = by_period.objective
    deadline = time.monotonic() + args.budget
    rounds = windows = proven = 0
    while time.monotonic() < deadline:
        rounds += 1
        gained = 0.0
        for start in starts:
            left = deadline - time.monotonic()
            if left <= 0.5:
                break
            found = _window_solve(built, values, periods, range(start, start + window), min(args.seconds, left), rounds)
            if found is None:
                continue
            windows += 1
            proven += found[2]
            if found[1] < objective - 1e-6:
                gained += objective - found[1]
                values, objective = found[0], found[1]
                print(f"  round {rounds}, periods {start}-{start + window - 1}: {objective:,.2f}", flush=True)
        if gained == 0.0:
            break
    plan: Plan = read_plan(built, lambda var: values.get(var.index, 0))
    measured, report = refereed(scenario, plan, "the window search returned")
    recomputed = cost_breakdown_of(scenario, measured).total
    if abs(recomputed - objective) > 1e-6 * max(1.0, abs(objective)):
        raise SystemExit(f"the plan's objective recomputed is {recomputed:,.2f}, CP-SAT's {objective:,.2f}")
    print(f"{windows} windows of {window} period(s) in {rounds} round(s), {proven} proven optimal given the rest")
    off = 100 * (by_period.objective - objective) / by_period.objective
    print(f"plan {objective:,.2f} ({off:.3f} % off), valid {report.is_valid}")
    print(f"gap to the by-period bound: {100 * (objective - by_period.bound) / objective:.3f} %")


if __name__ == "__main__":
    main()
