"""Does re-planning windows of the horizon with CP-SAT improve the plan of planning by period?

Over 52 weeks the gap of planning by period grows fast with the pool (0.23 % at 100 workers,
2.18 % at 200, ``gap_split.py``), and CP-SAT on the whole model is then too large to tell
whether the plan or the bound is behind it. This plans the pool by period, then repeatedly
frees a window of ``--window`` consecutive periods, keeps the rest of the plan fixed, and lets
CP-SAT re-plan the window, hinted with the current plan, ``--seconds`` per window. It uses the
window models planning by period ends with (``decompose._window_model``, ``solve_window``):
they count the switches into a window, inside it and to each worker's next employer after it,
so a window's optimum is exact given the rest, and the script counts the windows CP-SAT proved
optimal. Windows slide by half their length, round after round, until a round gains nothing
or ``--budget`` runs out. If the windows take much off, the plan side of the gap matters at
that size; if not, the bound is the larger part.

Every worker is free in a window, unless ``--free-placements`` caps the possible placements
freed: then each window frees a neighbourhood of related workers instead (:func:`_neighbourhood`),
for pools whose whole windows are too large for CP-SAT in seconds. Those are drawn anew each
time, so they go on until ``--budget`` runs out.

    python benchmarks/window_search.py --employers 20 --workers 200 --weeks --window 4 --seconds 20 --budget 400
    python benchmarks/window_search.py --suite medium --instance 1 --window 4 --seconds 3 --budget 300 \
        --free-placements 4000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

from werkdeling import decompose
from werkdeling.evaluation.costs import cost_breakdown_of
from werkdeling.evaluation.measure import resolve
from werkdeling.model.eligibility import possible_placements
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario
from werkdeling.scenario.scenario import BoolArray, IntArray
from werkdeling.solver import default_parameters, refereed

sys.path.insert(0, str(Path(__file__).parent))
from run import (
    _scenario,
    add_pool_arguments,
    add_switch_weight_argument,
    plan_by_period,
    pool_instance,
    with_switch_weight,
    with_time_limit,
)


def _neighbourhood(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    window: range,
    placements: int,
    rng: np.random.Generator,
) -> BoolArray:
    """Workers to free in ``window``, with at most ``placements`` possible placements there.

    A seed employer is drawn, more likely where the plan switches workers in during the window
    (one more than that count, so every employer can be drawn). Its employers are then taken in
    order of how many of the workers who can work for the seed can also work for them, and the
    workers who can work for each are added in random order while they fit: workers who compete
    for the same places, which is where re-placing several at once can pay.
    """
    employers = len(scenario.employers)
    switched_in = np.ones(employers)
    for k in window:
        before = decompose._last_employers(plan, home, slot_employer, k)
        now = np.where(plan[:, k] >= 0, slot_employer[np.maximum(plan[:, k], 0)], -1)
        moved = (now >= 0) & (before >= 0) & (now != before)
        np.add.at(switched_in, now[moved], 1)
    seed = int(rng.choice(employers, p=switched_in / switched_in.sum()))
    inside = allowed[:, window.start : window.stop, :]
    reach = np.zeros((plan.shape[0], employers), dtype=bool)  # who can work for whom in the window
    for s, e in enumerate(slot_employer.tolist()):
        reach[:, e] |= inside[:, :, s].any(axis=1)
    sizes = inside.sum(axis=(1, 2))
    shared = reach[reach[:, seed]].sum(axis=0)
    free = np.zeros(plan.shape[0], dtype=bool)
    used = 0
    for e in np.argsort(-shared, kind="stable").tolist():
        if shared[e] == 0:
            break
        for w in rng.permutation(np.flatnonzero(reach[:, e] & ~free)).tolist():
            if used + sizes[w] <= placements:
                free[w] = True
                used += int(sizes[w])
    return free


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pool_arguments(parser, suite=None)
    parser.add_argument("--by-period-seconds", type=float, help="time to plan by period (default: the suite's, or 30)")
    parser.add_argument("--window", type=int, default=6, help="periods freed at a time")
    parser.add_argument("--seconds", type=float, default=10.0, help="CP-SAT's time per window")
    parser.add_argument("--budget", type=float, default=600.0, help="time for all windows")
    parser.add_argument(
        "--free-placements", type=int, help="free related workers with at most this many placements (default: all)"
    )  # fmt: skip
    add_switch_weight_argument(parser)
    args = parser.parse_args()
    if args.window <= 0 or min(args.seconds, args.budget) <= 0:
        parser.error("--window, --seconds and --budget must be more than 0")
    if args.free_placements is not None and args.free_placements <= 0:
        parser.error(f"--free-placements must be more than 0, not {args.free_placements}")
    instance = pool_instance(parser, args, time_limit=30.0)
    instance = with_time_limit(parser, instance, args.by_period_seconds, "--by-period-seconds")
    scenario = _scenario(instance)
    if args.switch_weight is not None:
        scenario = with_switch_weight(scenario, args.switch_weight)

    by_period = plan_by_period(scenario, instance.name, instance.time_limit)
    print(f"{instance.name}: by period in {instance.time_limit:.0f} s, plan {by_period.objective:,.2f}, "
          f"bound {by_period.bound:,.2f}")  # fmt: skip
    allowed = possible_placements(scenario)
    plan = np.full((len(scenario.workers), scenario.horizon.periods), -1, dtype=np.int64)
    for row in resolve(scenario, by_period.plan).rows:
        plan[row.worker, row.period] = row.slot
    slot_employer = np.array([slot.employer for slot in scenario.quantities.slots], dtype=np.int64)
    home = decompose._home_employers(scenario)
    width = min(args.window, scenario.horizon.periods)
    starts = decompose._window_starts(scenario.horizon.periods, width)
    rng = np.random.default_rng(0)

    def run(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[int, bool]:
        return solver.solve(model), False

    def configure(solver: cp_model.CpSolver, seconds: float) -> None:
        default_parameters(solver, None)
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.random_seed = rounds
        solver.parameters.catch_sigint_signal = False

    change = 0  # objective units
    deadline = time.monotonic() + args.budget
    rounds = windows = proven = 0
    while True:
        rounds += 1
        before = change
        for start in starts:
            if deadline - time.monotonic() <= 0.5:
                break
            window = range(start, start + width)
            free = None
            if args.free_placements is not None:
                free = _neighbourhood(scenario, allowed, plan, home, slot_employer, window, args.free_placements, rng)
            built = decompose._window_model(scenario, allowed, plan, home, slot_employer, window, free)
            outcome = decompose.solve_window(
                built, lambda: min(args.seconds, deadline - time.monotonic()), run, configure
            )  # fmt: skip
            windows += outcome.solved
            proven += outcome.proven
            if outcome.values is not None:
                change += outcome.change
                for k in window:
                    plan[:, k] = decompose._assignment(built, outcome.values, k)
                freed = "every worker" if free is None else f"{int(free.sum())} workers"
                print(f"  round {rounds}, periods {start}-{window.stop - 1}, {freed}: "
                      f"{by_period.objective + change / OBJECTIVE_SCALE:,.2f}", flush=True)  # fmt: skip
        if deadline - time.monotonic() <= 0.5:
            break
        if change == before and args.free_placements is None:
            break  # every window is as good as it gets given the rest; neighbourhoods are drawn anew
    objective = by_period.objective + change / OBJECTIVE_SCALE
    result = decompose._outcome(scenario, plan, 0, None, [], [])
    assert result.plan is not None
    measured, report = refereed(scenario, result.plan, "the window search returned")
    recomputed = cost_breakdown_of(scenario, measured).total
    if abs(recomputed - objective) > 1e-6 * max(1.0, abs(objective)):
        raise SystemExit(f"the plan's objective recomputed is {recomputed:,.2f}, the windows' {objective:,.2f}")
    freed = "every worker" if args.free_placements is None else f"at most {args.free_placements:,} placements"
    print(f"{windows} windows of {width} period(s) ({freed} free) in {rounds} round(s), "
          f"{proven} proven optimal given the rest")  # fmt: skip
    off = 100 * (by_period.objective - objective) / by_period.objective
    print(f"plan {objective:,.2f} ({off:.3f} % off), valid {report.is_valid}")
    print(f"gap to the by-period bound: {100 * (objective - by_period.bound) / objective:.3f} %")


if __name__ == "__main__":
    main()
