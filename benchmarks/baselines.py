"""What a user would otherwise use, each on exactly the same scenario and objective.

* :func:`greedy`: a coordinator's rule of thumb, period by period: keep people where they were,
  then fill the largest gaps first (required before desired) with the nearest free worker who
  can do the job (:mod:`werkdeling.heuristic`; werkdeling starts its search from this plan).
* :func:`plain_cp_sat`: werkdeling's model solved by CP-SAT with default parameters, no warm
  start and no hints: the straightforward use of CP-SAT.
* :func:`highs_mip` / :func:`highs_lp_bound`: the same model as a MIP for HiGHS, and its LP
  relaxation, the bound no plan can beat (see ``mip.py``).

Every plan is returned as a :class:`werkdeling.Plan`; the runner costs it with the validator.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from mip import solve_with_highs
from ortools.sat.python import cp_model

from werkdeling import Plan, Scenario
from werkdeling.heuristic import greedy_plan
from werkdeling.model import build_model
from werkdeling.model.build import read_plan


@dataclass
class Outcome:
    """A method's plan (or none), its proven bound in cost points, and when plans were found
    (seconds, objective in points) for time-to-first-plan and time-to-within-1 %."""

    plan: Plan | None
    bound: float | None = None
    status: str = ""
    trace: list[tuple[float, float]] = field(default_factory=list)
    extra_mb: float = 0.0


def greedy(scenario: Scenario) -> Outcome:
    """The coordinator's rule of thumb (:func:`werkdeling.heuristic.greedy_plan`)."""
    started = time.perf_counter()
    plan = greedy_plan(scenario)
    return Outcome(plan, status="heuristic", trace=[(time.perf_counter() - started, 0.0)])


class _Trace(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.points: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        self.points.append((time.perf_counter() - self.started, self.objective_value / 60))


def plain_cp_sat(scenario: Scenario, time_limit: float) -> Outcome:
    started = time.perf_counter()
    built = build_model(scenario)
    built.model.minimize(built.objective())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.0, time_limit - (time.perf_counter() - started))
    trace = _Trace(started)
    status = solver.solve(built.model, trace)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Outcome(
        read_plan(built, solver.value) if found else None,
        bound=solver.best_objective_bound / 60 if found else None,
        status=solver.status_name(status).lower(),
        trace=trace.points,
    )


def _highs(scenario: Scenario, time_limit: float, relax: bool) -> Outcome:
    started = time.perf_counter()
    built = build_model(scenario)
    built.model.minimize(built.objective())
    outcome = solve_with_highs(
        built.model, relax=relax, time_limit=max(1.0, time_limit - (time.perf_counter() - started))
    )
    bound = outcome.bound / 60 if outcome.bound is not None else None
    if relax or outcome.values is None:
        return Outcome(None, bound=bound, status=outcome.status.lower(), extra_mb=outcome.peak_mb)
    values = outcome.values
    plan = read_plan(built, lambda var: round(values[var.index]))
    elapsed = time.perf_counter() - started
    objective = outcome.objective / 60 if outcome.objective is not None else 0.0
    return Outcome(
        plan, bound=bound, status=outcome.status.lower(), trace=[(elapsed, objective)], extra_mb=outcome.peak_mb
    )


def highs_mip(scenario: Scenario, time_limit: float) -> Outcome:
    return _highs(scenario, time_limit, relax=False)


def highs_lp_bound(scenario: Scenario, time_limit: float) -> Outcome:
    return _highs(scenario, time_limit, relax=True)
