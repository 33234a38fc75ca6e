"""Planning period by period: the solve path for large pools whose periods are linked by switches only.

Many pools plan whole months or weeks with no rule that links periods: no stints or runs, no
switch limits, no courses or permanent moves, no annual hours, no fairness terms. Then the cost
of a plan is a sum of a cost per period plus the switch count, and:

* **The bound.** Leaving the switches out (they never cost less than 0) splits the problem into
  one problem per period. The LP relaxation of each (:mod:`werkdeling.relaxation`, solved by
  GLOP: 0.1 s for 500 workers, 1.4 s for 2,000) bounds it from below, so their sum bounds every
  plan of the scenario.
* **The plan.** Periods are planned in order, each by CP-SAT on a period model (placements in
  that period only, see :func:`werkdeling.model.build_model`), switches included and counted
  from where each worker last worked in the periods already planned. The rounded LP is the
  first plan; then the placements the LP makes whole are fixed and CP-SAT places everyone else,
  and the full period model improves on that in the period's remaining share of the time (see
  :func:`_plan_period`).

A period model's objective is the cost of the whole horizon with every other period empty:
``f_k(plan_k) + switches_k + E - f_k(empty)``, ``E`` being the cost of the empty plan. Summed
over the periods, the plan's cost is ``E + sum_k (objective_k - E)`` exactly, which the caller
checks against the validator, and the bound is ``sum_k LP_k - (K - 1) E``.

This gives up optimality over the switches between periods (a period cannot foresee the next),
which is what the proven gap then shows; :func:`werkdeling.solve` uses the whole-horizon model
wherever it is small enough to do better.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model

from werkdeling.evaluation.measure import measure, resolve
from werkdeling.evaluation.validation import validate_measured
from werkdeling.heuristic import fill_period
from werkdeling.model.build import BuiltModel, build_model, read_plan
from werkdeling.model.eligibility import possible_placements
from werkdeling.plan import Placement, Plan
from werkdeling.relaxation import FloatArray, solve_lp
from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.scenario import BoolArray

#: Above this many possible placements (worker x period x role), ``solve`` plans period by
#: period when the scenario allows it. The benchmark pools up to 60 workers over 12 months and
#: 40 workers over 52 weeks (at most 15,000) are solved optimally as a whole in seconds; at
#: 50,000 (500 workers, 12 months) the whole-horizon model does not get past CP-SAT's presolve
#: in 10 s (``benchmarks/README.md``).
BY_PERIOD_ABOVE = 25_000

#: CP-SAT parameters of the period solves. Their presolve took 1.8 s of a 2 s budget on a
#: 2,000-worker period (60,000 placements); with one presolve pass, no probing and no symmetry
#: search the first plan came at 0.5 s and the same optimum was proven in 2.5 s instead of 3.7 s.
PERIOD_PARAMETERS: dict[str, int] = {"max_presolve_iterations": 1, "cp_model_probing_level": 0, "symmetry_level": 0}

#: Runs one CP-SAT solve, returning CP-SAT's status and whether the user stopped it (Ctrl-C).
Runner = Callable[[cp_model.CpSolver, cp_model.CpModel], tuple[int, bool]]


def linking_features(scenario: Scenario) -> list[str]:
    """What links the periods of ``scenario`` beyond the switch count, in words; empty when it
    can be planned period by period."""
    rules = scenario.effective_rules
    found: list[str] = []
    for name in (
        "min_stint", "max_stint", "max_switches", "max_employers", "max_periods_per_employer",
        "min_work_run", "max_work_run", "min_off_run", "max_assignment_months",
    ):  # fmt: skip
        if getattr(rules, name) is not None:
            found.append(f"rules.{name}")
    if rules.forbidden_transitions:
        found.append("rules.forbidden_transitions")
    if rules.window_limits:
        found.append("rules.window_limits")
    if rules.splits is not None:
        found.append("rules.splits (a worker may work for several employers in one period)")
    if scenario.trainings:
        found.append("trainings (a course spans periods and adds skills for later ones)")
    if any(employer.vacancies for employer in scenario.employers):
        found.append("vacancies (a permanent move ends all later placements)")
    if any(w.min_total_hours is not None or w.max_total_hours is not None for w in scenario.workers):
        found.append("workers' min_total_hours / max_total_hours")
    for term in (Term.FAIR_IDLE, Term.FAIR_SWITCHES):
        if scenario.weights.of(term) > 0:
            found.append(f"weights.{term.value}")
    return found


@dataclass(frozen=True)
class PeriodReport:
    """How one period was planned, for profiling (``benchmarks/periods.py``): seconds spent
    building the period model, on its LP, and on rounding and CP-SAT; and the plan's cost above
    the period's LP bound."""

    label: str
    model_seconds: float
    lp_seconds: float
    search_seconds: float
    #: Period model objective minus its LP optimum (objective units); switches are in the
    #: former only.
    above_lp_units: float
    note: str


@dataclass
class ByPeriod:
    """What planning period by period gave; the caller validates ``plan`` and builds the result.

    ``expected_units`` is the plan's cost according to the period models (objective units), to
    compare with the validator's; ``bound_units`` the proven lower bound on every plan.
    """

    plan: Plan | None
    expected_units: int
    bound_units: int | None
    infeasible: bool = False
    stopped: bool = False
    notes: list[str] = field(default_factory=list)
    reports: list[PeriodReport] = field(default_factory=list)


def _rounded(built: BuiltModel, lp_values: FloatArray, period: int, allowed: BoolArray) -> dict[int, int]:
    """A plan for ``period`` from the LP optimum, as placement variable index -> 1.

    The placements the LP makes whole come first. Then each worker the LP splits goes, largest
    share first, where the LP put most of them if it still fits under the employer's maximum.
    Last, the greedy heuristic fills the gaps left with the workers still free. The employer
    limits on head counts are not looked at, so a caller treats this as a hint.
    """
    q = built.scenario.quantities
    capacity = q.capacity_minutes[:, period]
    where: dict[int, int] = {}
    cover: dict[int, int] = defaultdict(int)
    split: list[tuple[float, int, int]] = []
    for (w, _, s), var in built.variables.x.items():
        value = float(lp_values[var.index])
        if value > 1 - 1e-6:
            where[w] = s
            cover[s] += int(capacity[w])
        elif value > 1e-6:
            split.append((value, w, s))
    for _, w, s in sorted(split, reverse=True):
        if w not in where and cover[s] + int(capacity[w]) <= int(q.slots[s].maximum[period]):
            where[w] = s
            cover[s] += int(capacity[w])
    filled = fill_period(built.scenario, allowed, period, where, keep_all=True)
    return {built.variables.x[(w, period, s)].index: 1 for w, s in filled.items()}


#: A period's plan: its objective (units), every model variable's value by index, and a note.
_Found = tuple[int, list[int], str]

#: Limit of a solve with every decision fixed; propagation alone decides it, in well under a
#: second on a 2,000-worker period.
_FIXED_SECONDS = 10.0

_ROUNDED_NOTE = "no better plan found in its share of the time than the rounded LP"


def _decided(solution: list[int], var: cp_model.IntVar) -> int:
    return int(solution[var.index])


def _solve(
    model: cp_model.CpModel,
    seconds: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
    note: str = "",
    *,
    fix_hinted: bool = False,
) -> tuple[int, _Found | None, bool]:
    solver = cp_model.CpSolver()
    for name, value in PERIOD_PARAMETERS.items():
        setattr(solver.parameters, name, value)
    # Costing a given plan: with the decisions hinted and fixed, propagation alone decides it.
    solver.parameters.fix_variables_to_their_hinted_value = fix_hinted
    configure(solver, seconds)  # the caller's parameters come last and win
    status, interrupted = run(solver, model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, interrupted
    return status, (round(solver.objective_value), list(solver.response_proto.solution), note), interrupted


def _hint(model: cp_model.CpModel, variables: list[int], values: list[int]) -> None:
    """Replace the hint of ``model``. A complete, feasible hint is CP-SAT's first plan at once;
    an incomplete one was repaired only after 1.6 s on a 2,000-worker period."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(variables)
    model.proto.solution_hint.values.extend(values)


def _better(best: _Found | None, found: _Found | None) -> _Found | None:
    """``found`` if it costs less than ``best``; on a tie ``best`` and its note stay."""
    if found is not None and (best is None or found[0] < best[0]):
        return found
    return best


def _plan_period(
    built: BuiltModel,
    rounded: dict[int, int],
    lp_values: FloatArray,
    seconds: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
) -> tuple[_Found | None, bool, bool]:
    """The best plan of one period model found in ``seconds``, whether the user stopped it, and
    whether CP-SAT proved that the period has no plan at all.

    1. The rounded LP is costed with every decision fixed. That is the fallback, and its values
       of every variable hint the next steps, so CP-SAT starts from a complete plan.
    2. The placements the LP makes whole are fixed and CP-SAT places everyone else. On the
       500-worker benchmark pool this was solved to optimality in 0.3-0.4 s, 0.2-0.9 % above
       the LP in busy months, where CP-SAT on the full period model was 24-100 % above after 4 s.
    3. The rest of the time improves on it with the full period model.
    """
    started = time.perf_counter()
    decisions = built.variables.decisions()
    indices = [var.index for var in decisions]
    everything = list(range(len(built.model.proto.variables)))
    model = built.model
    _hint(model, indices, [rounded.get(i, 0) for i in indices])
    # The rounded LP can break an employer's limit on head counts; then it is no plan.
    _, best, interrupted = _solve(model, _FIXED_SECONDS, run, configure, _ROUNDED_NOTE, fix_hinted=True)
    if interrupted:
        return best, True, False
    if best is not None:
        _hint(model, everything, best[1])
    core = model.clone()
    for var in decisions:
        if lp_values[var.index] > 1 - 1e-6:
            core.add(core.get_int_var_from_proto_index(var.index) == 1)
    remaining = seconds - (time.perf_counter() - started)
    if best is None or remaining >= 0.1:
        _, found, interrupted = _solve(core, max(0.05, remaining), run, configure)
        best = _better(best, found)
        if interrupted:
            return best, True, False
    remaining = seconds - (time.perf_counter() - started)
    if best is not None:
        if remaining < 0.1:
            return best, False, False
        _hint(model, everything, best[1])
    status, found, interrupted = _solve(model, max(0.05, remaining), run, configure)
    best = _better(best, found)
    if best is not None or interrupted:
        return best, interrupted, False
    if status == cp_model.INFEASIBLE:
        return None, False, True
    # Nobody placed keeps every rule of a scenario without linking rules but required cover.
    note = "no plan found in its share of the time; nobody is placed in it"
    _hint(model, indices, [0] * len(indices))
    _, empty, interrupted = _solve(model, _FIXED_SECONDS, run, configure, note, fix_hinted=True)
    return empty, interrupted, False


def plan_by_period(
    scenario: Scenario,
    *,
    time_limit: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
    on_period: Callable[[int, float], None] | None = None,
    allowed: BoolArray | None = None,
) -> ByPeriod:
    """Plan ``scenario`` period by period (see the module docstring).

    ``configure(solver, seconds)`` sets a period solve's parameters; ``on_period(k, units)`` is
    told the cost (objective units) of the plan so far, later periods empty, after each period.
    ``allowed`` (:func:`~werkdeling.model.eligibility.possible_placements`) saves recomputing them.
    """
    if linking := linking_features(scenario):
        raise ValueError("this scenario cannot be planned period by period because of " + ", ".join(linking))
    started = time.perf_counter()
    periods = scenario.horizon.periods
    empty = validate_measured(scenario, measure(scenario, resolve(scenario, Plan())))
    empty_units = empty.objective_units
    index = scenario.employer_index
    last: dict[int, int | None] = {
        w: index[worker.home_employer] if worker.home_employer is not None else None
        for w, worker in enumerate(scenario.workers)
    }
    without_switches = tuple(t for t in Term if t is not Term.SWITCHES)
    if allowed is None:
        allowed = possible_placements(scenario)
    placements: list[Placement] = []
    expected = empty_units
    lp_total = 0.0
    notes: list[str] = []
    reports: list[PeriodReport] = []
    for k in range(periods):
        share = max(0.0, time_limit - (time.perf_counter() - started)) / (periods - k)
        period_started = time.perf_counter()
        built = build_model(scenario, periods=(k,), last_employers=dict(last), allowed=allowed)
        built.model.minimize(built.objective(without_switches))
        modelled = time.perf_counter()
        relaxed = solve_lp(built.model, skip=built.term_rows.get(Term.SWITCHES, ()))
        relaxed_at = time.perf_counter()
        label = scenario.horizon.labels[k]
        if relaxed is None:
            notes.append(f"period {label}: no plan keeps every hard rule, even fractionally")
            return ByPeriod(None, expected, None, infeasible=True, notes=notes)
        lp_total += relaxed.objective
        built.model.minimize(built.objective())
        seconds = max(0.05, share - (time.perf_counter() - period_started))
        found, interrupted, infeasible = _plan_period(
            built, _rounded(built, relaxed.values, k, allowed), relaxed.values, seconds, run, configure
        )
        if found is None and interrupted:
            notes.append(f"stopped by the user in period {label}; it and later periods are empty")
            return ByPeriod(
                Plan(placements=tuple(placements)), expected, None, stopped=True, notes=notes, reports=reports
            )
        if found is None:
            why = "no plan keeps every hard rule" if infeasible else "no plan found in its share of the time"
            notes.append(f"period {label}: {why}")
            return ByPeriod(None, expected, None, infeasible=infeasible, notes=notes)
        units, values, note = found
        if note:
            notes.append(f"period {label}: {note}")
        reports.append(PeriodReport(
            label, modelled - period_started, relaxed_at - modelled, time.perf_counter() - relaxed_at,
            units - relaxed.objective, note,
        ))  # fmt: skip
        chosen = list(read_plan(built, partial(_decided, values)).placements)
        expected += units - empty_units
        placements.extend(chosen)
        for row in chosen:
            last[scenario.worker_index[row.worker]] = index[row.employer]
        if on_period is not None:
            on_period(k, expected)
        if interrupted:
            notes.append(f"stopped by the user after period {label}; later periods are empty")
            return ByPeriod(
                Plan(placements=tuple(placements)), expected, None, stopped=True, notes=notes, reports=reports
            )
    bound = lp_total - (periods - 1) * empty_units
    # Objectives are whole units, so the bound rounds up; the margin absorbs GLOP's tolerances.
    bound_units = math.ceil(bound - 1e-7 * max(1.0, abs(bound)))
    return ByPeriod(Plan(placements=tuple(placements)), expected, bound_units, notes=notes, reports=reports)
