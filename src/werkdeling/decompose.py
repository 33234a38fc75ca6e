"""Planning period by period: the solve path for large pools whose periods are linked by switches only.

Many pools plan whole months or weeks with no rule that links periods: no stints or runs, no
switch limits, no courses or permanent moves, no annual hours, no fairness terms. Then the cost
of a plan is a sum of a cost per period plus the switch count, and:

* **The bound.** Leaving the switches out (they never cost less than 0) splits the problem into
  one problem per period. The LP relaxation of each (:func:`werkdeling.relaxation.period_lp`,
  built from the period's arrays, each slot priced on the covers whole workers can reach) bounds
  it from below, so their sum bounds every plan of the scenario. Where no head count or coaching
  limit binds and no required cover is hard, that LP is a min-cost flow
  (:func:`werkdeling.flow_lp.flow_lp`: 0.01 s for 500 workers, 12.7 s for a 20,000-worker
  month in ``benchmarks/README.md``), whose duals prove its optimum. Elsewhere GLOP solves it, and a crowded
  period (:data:`PRUNE_ABOVE`) starts GLOP from a few placements per worker and slot and
  prices in the rest from the duals. A stronger
  LP (:mod:`werkdeling.patterns`) has each slot take whole workers of each capacity, at its
  exact cost: large periods (:data:`FIRST_PATTERN_ABOVE`) solve it as they are planned, the
  others (and those whose time stopped it short) once every period is planned, furthest above
  their LPs first, in the time left. Then
  :mod:`werkdeling.lagrangian` raises the bound: those LPs' prices price each worker's cheapest
  path through all periods, switches included, and subgradient steps improve the prices.
  Where every period's candidates would not fit (:data:`SWITCH_BOUND_BYTES`), those steps run
  on threads of their own, on the candidates kept near the LPs' prices, from the end of the
  first pass to the time limit, beside the pattern LPs and the sweeps on the main thread.
* **The plan.** Periods are planned in order, switches included and counted from where each
  worker last worked in the periods already planned. A crowded period's LP
  (:data:`LP_AHEAD_ABOVE`) is solved in a child process while the period before is searched
  (:mod:`werkdeling.ahead`). The rounded LP (the pattern LP where the
  period has one by then) is the start; the local search of :mod:`werkdeling.local_search`
  improves it until no move, swap or two-step chain pays and no min-cost flow re-places the
  workers of one capacity for less. Given a start plan (a warm start), the period then takes
  the start's placements where they cost no more, searched on. Only where that leaves a hard
  required cover unmet does CP-SAT plan the period (see :func:`_plan_period`). A pattern LP
  solved later also re-plans its period from its rounded solution, where that costs less.
* **The sweep.** Once every period is planned, each is searched again with the employers of
  the periods before *and after* it fixed, so a switch the first pass could not foresee is
  priced; sweeps repeat until none changes the plan or the time is up. Then whole-path moves
  (:mod:`werkdeling.path_search`) re-plan each worker's year with everyone else fixed, which
  takes back pairs of switches no change of one period can, and the sweeps run again.
* **The windows.** Where windows of :data:`WINDOW_PERIODS` periods are small enough
  (:data:`WINDOW_CANDIDATES`), the last :data:`WINDOW_SHARE` of the time goes to CP-SAT on one
  window at a time, everyone in it free and the rest of the plan fixed
  (:func:`_replan_windows`): it moves several workers for a few periods together.

* **An anchor.** Re-planning from a plan in force (:mod:`werkdeling.period_anchor`) adds the
  change penalty to each candidate's cost, and leaves a frozen period only its placements,
  each kept at a price no drop can beat; every step above then keeps the frozen periods and
  prices the changes with nothing of its own (the CP-SAT models of periods and windows add
  the same costs to their objectives).

Each period's cost is taken against the period left empty, so the plan's cost is ``E`` (the
cost of the empty plan) plus the sum of those changes, which the caller checks against the
validator, and the bound is ``E`` plus the sum of the periods' LP optima against empty.

The sweeps, the whole-path moves and the windows look across periods only so far, so the plan
can still be above the whole-horizon optimum; :func:`werkdeling.solve` uses the whole-horizon model wherever it is
small enough to do better.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from ortools.sat.python import cp_model

from werkdeling.ahead import LpAhead
from werkdeling.ahead import available as ahead_available
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.evaluation.validation import validate_measured
from werkdeling.flow_lp import flow_lp
from werkdeling.heuristic import fill_period
from werkdeling.lagrangian import (
    Evaluation,
    PeriodPricing,
    PriceBox,
    Prices,
    SwitchPricing,
    pricing,
    restricted,
    with_patterns,
)
from werkdeling.local_search import IDLE, PeriodCosts, improve, period_costs, repair, term_units
from werkdeling.model.build import BuiltModel, build_model, placement_of
from werkdeling.model.eligibility import possible_placements
from werkdeling.model.variables import Expr
from werkdeling.path_search import repath
from werkdeling.patterns import PatternLp, SlotCounts, pattern_lp, slot_counts
from werkdeling.period_anchor import PeriodAnchor
from werkdeling.plan import Plan
from werkdeling.relaxation import FloatArray, PeriodLp, period_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import BoolArray, IntArray

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


def add_max_lp(solver: cp_model.CpSolver, num_workers: int | None) -> None:
    """Add CP-SAT's ``max_lp`` subsolver where it runs 2-4 search workers (``None`` or 0: one
    per core); see :func:`werkdeling.solver.default_parameters` for why."""
    workers = num_workers or os.cpu_count() or 1
    if 2 <= workers <= 4 and "max_lp" not in solver.parameters.subsolvers:
        solver.parameters.subsolvers.append("max_lp")


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
    building the period's arrays (:func:`~werkdeling.local_search.period_costs`), on its LP and
    (where it runs) its pattern LP, and on rounding, local search and (where it runs) CP-SAT;
    and the first pass's cost above the period's LP bound (the sweeps at the end are not in
    it; what the pattern LP adds to the bound is in :attr:`ByPeriod.pattern_bound_units`)."""

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
    #: What the sweeps at the end changed the cost by (units, at most 0).
    swept_units: int = 0
    #: What pricing the switches (:mod:`werkdeling.lagrangian`) added to the sum of the periods'
    #: LP bounds (units, at least 0).
    switch_bound_units: float = 0.0
    #: What the periods' pattern LPs (:mod:`werkdeling.patterns`) added to the sum of their LP
    #: bounds (units, at least 0), and in how many periods they were solved.
    pattern_bound_units: float = 0.0
    pattern_periods: int = 0
    #: What the pattern LPs' rounded and searched solutions changed the cost by (units, at most 0).
    pattern_plan_units: int = 0
    #: What the whole-path moves (:mod:`werkdeling.path_search`) on the swept plan changed the
    #: cost by (units, at most 0).
    repath_units: int = 0
    #: What re-planning from the priced workers' paths changed the cost by (units, at most 0).
    path_plan_units: int = 0
    #: What CP-SAT on windows of periods at the end changed the cost by (units, at most 0), and
    #: how many windows it solved (:func:`_replan_windows`).
    window_units: int = 0
    windows: int = 0


def _rounded(
    costs: PeriodCosts, lp_values: FloatArray, scenario: Scenario, allowed: BoolArray, period: int
) -> IntArray:
    """A plan for ``period`` from the LP optimum: the slot of each worker, ``IDLE`` for none.

    The placements the LP makes whole come first. Then each worker the LP splits goes, largest
    share first, where the LP put most of them if it still fits under the slot's maximum. Last,
    the greedy heuristic fills the gaps left with the workers still free. Head counts are not
    looked at: :func:`~werkdeling.local_search.repair` comes next.
    """
    where: dict[int, int] = {}
    cover = np.zeros(costs.slots, dtype=np.int64)
    for i in np.argsort(-lp_values, kind="stable").tolist():
        value = float(lp_values[i])
        if value <= 1e-6:
            break
        w, s = int(costs.worker[i]), int(costs.slot[i])
        fits = cover[s] + costs.capacity[w] <= costs.maximum[s]
        if w not in where and (value > 1 - 1e-6 or fits):
            where[w] = s
            cover[s] += costs.capacity[w]
    assignment = np.full(costs.workers, IDLE, dtype=np.int64)
    for w, s in fill_period(scenario, allowed, period, where, keep_all=True).items():
        assignment[w] = s
    return assignment


#: A period's plan: its objective (units) and every model variable's value by index.
_Found = tuple[int, list[int]]

#: Limit of a solve with every decision fixed; propagation alone decides it, in well under a
#: second on a 2,000-worker period.
_FIXED_SECONDS = 10.0


def _solve(
    model: cp_model.CpModel,
    seconds: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
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
    return status, (round(solver.objective_value), list(solver.response_proto.solution)), interrupted


def _hint(model: cp_model.CpModel, variables: list[int], values: list[int]) -> None:
    """Replace the hint of ``model``. A complete, feasible hint is CP-SAT's first plan at once;
    an incomplete one was repaired only after 1.6 s on a 2,000-worker period."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(variables)
    model.proto.solution_hint.values.extend(values)


def _better(best: _Found | None, found: _Found | None) -> _Found | None:
    """``found`` if it costs less than ``best``; on a tie the earlier plan stays."""
    if found is not None and (best is None or found[0] < best[0]):
        return found
    return best


def _plan_period(
    built: BuiltModel,
    start: dict[int, int],
    lp_values: FloatArray,
    seconds: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
) -> tuple[_Found | None, bool, bool]:
    """The best plan of one period model found in ``seconds``, whether the user stopped it, and
    whether CP-SAT proved that the period has no plan at all.

    1. ``start`` (placement variable index -> 1; the rounded LP after local search) is costed
       with every decision fixed. That is the fallback, and its values of every variable hint
       the next steps, so CP-SAT starts from a complete plan.
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
    _hint(model, indices, [start.get(i, 0) for i in indices])
    # An empty start (the search left a hard required cover unmet) is no plan; CP-SAT goes on.
    _, best, interrupted = _solve(model, _FIXED_SECONDS, run, configure, fix_hinted=True)
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
    _hint(model, indices, [0] * len(indices))
    _, empty, interrupted = _solve(model, _FIXED_SECONDS, run, configure, fix_hinted=True)
    return empty, interrupted, False


def plan_by_period(
    scenario: Scenario,
    *,
    time_limit: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
    on_period: Callable[[int, float], None] | None = None,
    allowed: BoolArray | None = None,
    threads: int | None = None,
    start: IntArray | None = None,
    anchor: PeriodAnchor | None = None,
) -> ByPeriod:
    """Plan ``scenario`` period by period (see the module docstring).

    ``configure(solver, seconds)`` sets a period solve's parameters; ``on_period(k, units)`` is
    told the cost (objective units) of the plan so far, later periods empty, after each period,
    and again (``k`` the last period) whenever the sweeps or the re-planning at the end make the
    whole plan cheaper. ``allowed`` (:func:`~werkdeling.model.eligibility.possible_placements`)
    saves recomputing them. ``threads`` (``None`` or 0: one per core, like CP-SAT's
    ``num_workers``) price the switches' periods side by side
    (:class:`~werkdeling.lagrangian.SwitchPricing`); the bound does not depend on how many.
    ``start`` (:func:`start_array`, e.g. an earlier plan of the same pool) gives each period a
    second plan to search from: where its column costs no more than the plan searched from the
    rounded LP, the period takes it, searched on (:func:`_or_start`). It does not change the
    bound.

    With an ``anchor`` (:mod:`werkdeling.period_anchor`), each candidate's cost includes what
    it changes in the change count, and a frozen period's only candidates are its placements,
    each kept at a price no drop can beat; ``expected_units`` and the bound include the change
    penalty. Any frozen placement a step dropped is put back at the end.
    """
    if linking := linking_features(scenario):
        raise ValueError("this scenario cannot be planned period by period because of " + ", ".join(linking))
    started = time.perf_counter()
    threads = threads if threads is not None and threads >= 1 else (os.cpu_count() or 1)
    periods = scenario.horizon.periods
    empty = validate_measured(scenario, measure(scenario, resolve(scenario, Plan())))
    empty_units = empty.objective_units + (0 if anchor is None else anchor.constant_units)
    slot_employer = np.array([slot.employer for slot in scenario.quantities.slots], dtype=np.int64)
    home = _home_employers(scenario)
    if allowed is None:
        allowed = possible_placements(scenario)
    if anchor is not None:
        allowed = anchor.restrict(allowed)
    # The slot of each worker in each period; IDLE for none.
    plan = np.full((len(scenario.workers), periods), IDLE, dtype=np.int64)
    # The periods whose pattern LP reached its end in the first pass (the rest may get one after
    # it), the periods whose pattern LP was solved or raised their bound, and what those LPs
    # added to their LP bounds.
    pattern_done = [False] * periods
    patterned_periods: set[int] = set()
    pattern_gain = 0.0
    expected = empty_units
    lp_total = 0.0  # the periods' LP optima against the empty plan
    # Each period's bound without switches: its LP's, or its pattern LP's where that is higher.
    period_bounds: list[float] = []
    lp_supports: list[IntArray] = []  # each period's candidates the LP places some of
    lp_prices: list[FloatArray] = []  # each period's LP prices per slot and minute
    crowded_periods: list[bool] = []
    notes: list[str] = []
    # Each period's candidates and LP prices, for the bound with switches (None: no switch
    # cost, or too large to keep; the possible placements bound the candidates from above).
    switch = term_units(scenario, Term.SWITCHES)
    pricings: list[PeriodPricing] | None = [] if switch > 0 else None
    # Where they would not fit, the switches are priced after the first pass on the groups a
    # cheapest path can take at prices near the LPs' (lagrangian.restricted).
    few: list[PeriodPricing] | None = None
    boxes: list[PriceBox] = []
    possible = allowed.sum(axis=(0, 2))  # possible placements per period
    if pricings is not None and int(possible.sum()) * PRICING_BYTES > SWITCH_BOUND_BYTES:
        pricings, few = None, []
    reports: list[PeriodReport] = []
    from_start = 0  # the periods that took their column of ``start``
    # Crowded periods' LPs are solved a period ahead in a child process (werkdeling.ahead),
    # where this run may use more than one core.
    ahead = None
    if threads > 1 and periods > 1 and ahead_available():
        ahead = LpAhead(scenario, allowed, anchor, partial(_pattern_ahead, scenario, allowed))
    # With switches and every candidate kept, the last share of the time goes to CP-SAT on
    # windows of periods (_replan_windows), after the bound is final.
    windowed = (
        pricings is not None
        and periods > 1
        and _largest_window(allowed) <= WINDOW_CANDIDATES
        and WINDOW_SHARE * time_limit >= MIN_WINDOW_SECONDS * len(_window_starts(periods, min(WINDOW_PERIODS, periods)))
    )
    finish = started + time_limit * (1 - WINDOW_SHARE) if windowed else started + time_limit
    # What is left of the time limit at the end goes to sweeps that look ahead (see _sweep).
    planning_limit = (finish - started) * (1 - SWEEP_SHARE)
    try:
        for k in range(periods):
            share = max(0.0, planning_limit - (time.perf_counter() - started)) / (periods - k)
            period_started = time.perf_counter()
            label = scenario.horizon.labels[k]
            last = _last_employers(plan, home, slot_employer, k)
            costs = period_costs(scenario, allowed, k, last, anchor=anchor)
            modelled = time.perf_counter()
            crowded = len(costs.worker) > PRUNE_ABOVE
            # The min-cost flow solves the LP exactly and fastest; GLOP where a head count binds.
            relaxed = None if ahead is None else ahead.take(k)
            pattern_taken = None if ahead is None else ahead.take_pattern(k)
            if ahead is not None and k + 1 < periods:
                if possible[k + 1] > LP_AHEAD_ABOVE:
                    ahead.start(k + 1)  # beside this period's LP and search
                elif _pattern_ahead_size(int(possible[k + 1])):
                    # Its pattern LP too, in about the time this period takes.
                    ahead.start(k + 1, pattern_until=period_started + share)
            if relaxed is None:
                relaxed = flow_lp(costs)
            if relaxed is None:
                relaxed = (
                    period_lp(costs, costs.cheapest(KEEP_CHEAPEST), deadline=period_started + LP_SHARE * share)
                    if crowded
                    else period_lp(costs)
                )
            if relaxed is None:
                notes.append(f"period {label}: no plan keeps every hard rule, even fractionally")
                return ByPeriod(None, expected, None, infeasible=True, notes=notes)
            lp_total += relaxed.bound
            period_bounds.append(relaxed.bound)
            lp_supports.append(_lp_support(relaxed))
            lp_prices.append(relaxed.cover_prices)
            crowded_periods.append(crowded)
            if pricings is not None:
                pricings.append(pricing(costs, relaxed))
            elif few is not None:
                priced = pricing(costs, relaxed)
                part, box = restricted(priced, Prices.of_lp(priced), switch, SWITCH_REACH * switch)
                few.append(part)
                boxes.append(box)
                del priced  # the period's other candidates are not kept
            values = relaxed.values
            try:
                # In large periods the pattern LP's solution rounds to a better plan than the period
                # LP's, and its bound is stronger; crowded periods keep the period LP (no time for both).
                patterned = _with_counts(costs, pattern_taken)
                if patterned is None and not crowded and len(costs.worker) > FIRST_PATTERN_ABOVE:
                    patterned = _first_pattern_lp(
                        costs, scenario, allowed, k, relaxed.values, lp_supports[k], relaxed.cover_prices,
                        period_started + FIRST_PATTERN_SHARE * share,
                    )  # fmt: skip
                if patterned is not None:
                    counts, whole = patterned
                    values = whole.values
                    gained = _pattern_gain(pricings, k, counts, whole, relaxed.bound)
                    pattern_gain += gained
                    period_bounds[k] += gained
                    # A pattern LP the period's time stopped short is solved again after the pass.
                    pattern_done[k] = whole.within(PATTERN_TOLERANCE)
                    if pattern_done[k] or gained > 0:
                        patterned_periods.add(k)
                searching = time.perf_counter()
                left = max(0.0, share - (searching - period_started))
                rounded = _rounded(costs, values, scenario, allowed, k)
                column = None if start is None else _start_column(costs, start[:, k])
                searched = costs
                if crowded:  # the search moves among the cheapest, the LP's and the rounded plan's places
                    keep = np.union1d(costs.cheapest(KEEP_CHEAPEST, rounded), lp_supports[k])
                    if column is not None:
                        placed = np.flatnonzero(column >= 0)
                        keep = np.union1d(keep, costs.lookup(placed, column[placed]))
                    searched = costs.restricted(keep)
                chosen, converged = improve(searched, repair(searched, rounded), seconds=SEARCH_SHARE * left)
                if column is not None:
                    remaining = SEARCH_SHARE * max(0.0, share - (time.perf_counter() - period_started))
                    chosen, converged, taken = _or_start(searched, chosen, converged, column, remaining)
                    from_start += taken
            except KeyboardInterrupt:
                notes.append(f"stopped by the user in period {label}; it and later periods are empty")
                return _outcome(scenario, plan, expected, None, notes, reports, stopped=True)
            units = costs.cost(chosen)
            note = "" if converged else "the local search ran out of time before no move improved the plan"
            interrupted = False
            # CP-SAT where a period is small enough to prove optimal quickly, and where the search
            # found no plan keeping a hard required cover. On larger periods (6,000 placements and
            # up in the benchmark pools) it never improved on the local search in its time.
            feasible = costs.feasible(chosen)
            if not feasible or len(costs.worker) <= CP_SAT_UP_TO:
                found, interrupted, infeasible = _cp_sat_period(
                    scenario, k, last, allowed, costs, chosen if feasible else None, relaxed.values,
                    max(0.05, share - (time.perf_counter() - period_started)), run, configure, anchor,
                )  # fmt: skip
                if found is None and not feasible:
                    if interrupted:
                        notes.append(f"stopped by the user in period {label}; it and later periods are empty")
                        return _outcome(scenario, plan, expected, None, notes, reports, stopped=True)
                    why = "no plan keeps every hard rule" if infeasible else "no plan found in its share of the time"
                    notes.append(f"period {label}: {why}")
                    return ByPeriod(None, expected, None, infeasible=infeasible, notes=notes)
                if found is not None and (not feasible or costs.cost(found) < units):
                    chosen, units = found, costs.cost(found)
                    note = "" if feasible else "planned by CP-SAT: the local search left a required hour uncovered"
            if note:
                notes.append(f"period {label}: {note}")
            reports.append(PeriodReport(
                label, modelled - period_started, searching - modelled, time.perf_counter() - searching,
                units - relaxed.bound, note,
            ))  # fmt: skip
            plan[:, k] = chosen
            expected += units
            if on_period is not None:
                on_period(k, expected)
            if interrupted:
                notes.append(f"stopped by the user after period {label}; later periods are empty")
                return _outcome(scenario, plan, expected, None, notes, reports, stopped=True)
    finally:
        if ahead is not None:
            ahead.close()
    if start is not None:
        notes.append(
            f"the start plan was taken in {from_start} of {periods} period(s) planned in the first pass; the rounded "
            "LP in the rest"
        )

    # Priced on threads of their own while the pattern LPs and the sweeps improve the plan on
    # this one, until the time limit: the steps need no plan, only its cost as their target.
    near_lp_prices, evaluations, stopped = -math.inf, 0, False
    beside: _Beside | None = None  # the switches priced on their own thread, to the time limit
    full: _Beside | None = None  # the same on every candidate, handed on to _price_and_replan
    if few is not None:
        pricer = SwitchPricing(few, home, switch, boxes, threads=max(1, threads - 1))
        few = None
        beside = _price_beside(pricer, expected - empty_units, started + time_limit)
        del pricer
    try:
        later_gain, pattern_change = 0.0, 0
        if not stopped:
            # The pattern LPs first: on the benchmark pools they raise the bound most for their time.
            now = time.perf_counter()
            later_gain, later_periods, pattern_change, stopped = _pattern_bounds(
                scenario, allowed, plan, home, slot_employer, period_bounds, lp_supports, lp_prices, reports,
                [c or done for c, done in zip(crowded_periods, pattern_done, strict=True)], pricings,
                now + PATTERN_SHARE * max(0.0, finish - now), anchor,
            )  # fmt: skip
            if stopped:
                notes.append("stopped by the user during the pattern LPs at the end; every period is planned")
            patterned_periods.update(later_periods)
        pattern_gain += later_gain
        pattern_periods = len(patterned_periods)
        lp_total += pattern_gain
        expected += pattern_change
        if on_period is not None and pattern_change < 0:
            on_period(periods - 1, expected)
        if pattern_periods:
            notes.append(
                f"the bound has whole workers in each slot in {pattern_periods} period(s) (pattern LPs): "
                f"{pattern_gain / OBJECTIVE_SCALE:,.2f} over their LPs"
            )
        swept = 0
        if not stopped:
            # With switches to price, the sweeps leave time for the bound and the plans from its paths.
            now = time.perf_counter()
            share = 1.0 if pricings is None else SWEEP_CAP
            if pricings is not None:
                pricer = SwitchPricing(pricings, home, switch, threads=max(1, threads - 1))
                full = _price_beside(pricer, expected - empty_units, finish)
                del pricer
            swept, stopped = _sweep(
                scenario, allowed, plan, home, slot_employer, now + share * max(0.0, finish - now), anchor
            )  # fmt: skip
            expected += swept
            if on_period is not None and swept < 0:
                on_period(periods - 1, expected)
            if stopped:
                notes.append("stopped by the user during the sweeps at the end; every period is planned")
    except BaseException:
        for running in (beside, full):
            if running is not None:
                running.halt.set()  # else its thread would run on until the time limit
        raise
    if beside is not None:
        stopped = _finish_pricing(beside, stopped, notes)
        if beside.pricer.best is not None:
            near_lp_prices, evaluations = beside.pricer.best.value, beside.pricer.evaluations
        beside = None  # its candidates are not needed any more
    best = max(lp_total, near_lp_prices)
    if near_lp_prices > lp_total:
        notes.append(
            f"the bound prices switches near the LPs' prices (too many candidates to keep for more): "
            f"{evaluations} Lagrangian evaluation(s) raised it by "
            f"{(near_lp_prices - lp_total) / OBJECTIVE_SCALE:,.2f} over the periods' LPs"
        )
    path_change = repath_change = 0
    if full is not None and stopped:
        _finish_pricing(full, stopped, notes)
    elif pricings is not None and not stopped:
        best, plan, cost, repath_change, stopped = _price_and_replan(
            scenario, allowed, pricings, home, slot_employer, plan, expected - empty_units, lp_total,
            finish, notes, threads, full, anchor,
        )  # fmt: skip
        path_change = empty_units + cost - expected - repath_change
        if on_period is not None and empty_units + cost < expected:
            on_period(periods - 1, empty_units + cost)
        expected = empty_units + cost
    window_change = windows = 0
    if windowed and not stopped:
        window_change, windows, stopped = _replan_windows(
            scenario, allowed, plan, home, slot_employer, started + time_limit, run, configure, anchor
        )
        expected += window_change
        if on_period is not None and window_change < 0:
            on_period(periods - 1, expected)
        if windows:
            notes.append(
                f"CP-SAT re-planned {windows} window(s) of {min(WINDOW_PERIODS, periods)} periods: "
                f"{-window_change / OBJECTIVE_SCALE:,.2f} cheaper"
            )
        if stopped:
            notes.append("stopped by the user while re-planning windows of periods; the best plan is kept")
    if anchor is not None and not np.array_equal(kept := anchor.keeps(plan), plan):
        # A step dropped a frozen placement; putting it back costs less (period_anchor).
        restored = _plan_cost(scenario, allowed, kept, home, slot_employer, anchor)
        if restored is not None and empty_units + restored <= expected:
            plan, expected = kept, empty_units + restored
    bound = empty_units + best
    # Objectives are whole units, so the bound rounds up; the margin absorbs GLOP's tolerances.
    bound_units = math.ceil(bound - 1e-7 * max(1.0, abs(bound)))
    outcome = _outcome(scenario, plan, expected, bound_units, notes, reports)
    outcome.swept_units = swept
    outcome.switch_bound_units = best - lp_total
    outcome.pattern_bound_units = pattern_gain
    outcome.pattern_periods = pattern_periods
    outcome.pattern_plan_units = pattern_change
    outcome.repath_units = repath_change
    outcome.path_plan_units = path_change
    outcome.window_units = window_change
    outcome.windows = windows
    return outcome


def start_array(scenario: Scenario, plan: Plan) -> IntArray:
    """``plan`` as :func:`plan_by_period` takes a start: the slot of each worker in each period,
    ``IDLE`` for none. Rows that name something not in ``scenario`` are left out, and so are
    courses and permanent moves; where a worker has two rows in a period, the first counts."""
    array = np.full((len(scenario.workers), scenario.horizon.periods), IDLE, dtype=np.int64)
    for row in reversed(resolve(scenario, plan).rows):
        array[row.worker, row.period] = row.slot
    return array


def _start_column(costs: PeriodCosts, column: IntArray) -> IntArray:
    """A period's column of a start plan, with only its candidate placements, repaired to keep
    the slot maximums and head counts (like the rounded LP)."""
    placed = np.flatnonzero(column >= 0)
    kept = np.full(costs.workers, IDLE, dtype=np.int64)
    where = placed[costs.lookup(placed, column[placed]) >= 0]
    kept[where] = column[where]
    return repair(costs, kept)


def _or_start(
    costs: PeriodCosts, chosen: IntArray, converged: bool, column: IntArray, seconds: float
) -> tuple[IntArray, bool, bool]:
    """A period's plan searched from its rounded LP (``chosen``; ``converged``: whether the
    search ended because no move paid), or the start's ``column`` (:func:`_start_column`),
    searched in ``seconds``, where it begins at no more than ``chosen`` costs (a tie goes to the
    start: it is the plan the caller already had) and keeps the hard rules ``chosen`` keeps;
    and whether it is the start's. Searched from the rounded LP first, the period is never
    planned worse than without a start: on the 2,000-worker benchmark pools, beginning from
    an earlier plan's column wherever it cost less than the rounded LP before any search gave
    plans 0.6-1.0 % dearer (``benchmarks/README.md``, item 33)."""
    if (costs.feasible(chosen) and not costs.feasible(column)) or costs.cost(column) > costs.cost(chosen):
        return chosen, converged, False
    searched, done = improve(costs, column, seconds=seconds)
    return searched, done, True


def _first_pattern_lp(
    costs: PeriodCosts,
    scenario: Scenario,
    allowed: BoolArray,
    period: int,
    lp_values: FloatArray,
    lp_support: IntArray,
    lp_prices: FloatArray,
    deadline: float,
) -> tuple[SlotCounts, PatternLp] | None:
    """The pattern LP of a period in the first pass, started from its rounded period LP (within
    the limits, see :func:`~werkdeling.local_search.repair`) and from its LP's placements and
    each worker's and slot's :data:`KEEP_CHEAPEST` cheapest, with the patterns its LP's prices
    (``lp_prices``) choose. ``None`` where the period is too large for the pattern table or GLOP
    finds no optimum. The LP leaves the switches out, as the period LP does. A plan rounded from
    it that leaves a hard required cover unmet goes to CP-SAT, as one from the period LP does."""
    counts = slot_counts(costs)
    if counts is None:
        return None
    start = repair(costs, _rounded(costs, lp_values, scenario, allowed, period))
    columns = np.union1d(costs.cheapest(KEEP_CHEAPEST), lp_support)
    found = pattern_lp(costs, counts, start, deadline, columns, lp_prices, PATTERN_TOLERANCE)
    return None if found is None else (counts, found)


def _pattern_ahead(
    scenario: Scenario, allowed: BoolArray, costs: PeriodCosts, relaxed: PeriodLp, period: int, deadline: float
) -> PatternLp | None:
    """The first pass's pattern LP of a period, as a child process solves it beside the search
    of the period before (:class:`~werkdeling.ahead.LpAhead`): only where the period has more
    than :data:`PATTERN_AHEAD_ABOVE` candidates and is not crowded."""
    if not _pattern_ahead_size(len(costs.worker)):
        return None
    support = _lp_support(relaxed)
    found = _first_pattern_lp(costs, scenario, allowed, period, relaxed.values, support, relaxed.cover_prices, deadline)
    return None if found is None else found[1]


def _pattern_ahead_size(candidates: int) -> bool:
    """Whether a period of so many candidate placements gets its pattern LP a period ahead:
    more than :data:`PATTERN_AHEAD_ABOVE`, and not crowded (:data:`PRUNE_ABOVE`)."""
    return PATTERN_AHEAD_ABOVE < candidates <= PRUNE_ABOVE


def _lp_support(relaxed: PeriodLp) -> IntArray:
    """The candidates a period's LP places some of."""
    return np.flatnonzero(relaxed.values > 1e-9)


def _with_counts(costs: PeriodCosts, found: PatternLp | None) -> tuple[SlotCounts, PatternLp] | None:
    """A pattern LP a child solved ahead, with the period's :class:`SlotCounts` (the same as the
    child's: they depend only on the candidates, not on who worked where before)."""
    if found is None:
        return None
    counts = slot_counts(costs)
    if counts is None or len(found.values) != len(costs.worker):
        return None
    return counts, found


def _pattern_bounds(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    period_bounds: list[float],
    lp_supports: list[IntArray],
    lp_prices: list[FloatArray],
    reports: list[PeriodReport],
    crowded: list[bool],
    pricings: list[PeriodPricing] | None,
    deadline: float,
    anchor: PeriodAnchor | None = None,
) -> tuple[float, list[int], int, bool]:
    """Solve periods' pattern LPs (:func:`~werkdeling.patterns.pattern_lp`), the period furthest
    above its LP first, until ``deadline``; crowded periods and those too large for the pattern
    table are left out. Each starts from the placements its LP used (``lp_supports``) and each
    worker's and slot's :data:`KEEP_CHEAPEST` cheapest, with the patterns the LP's prices
    (``lp_prices``) choose, and prices in the rest: on the 2,000-worker benchmark August that
    took 1.2 s instead of 4.2 s with every candidate, to the same optimum. A period stopped by
    the deadline before its LP is complete keeps a bound below its LP's, so the first periods
    get all the time they need. Where one raises the period's bound (``period_bounds``: its
    LP's, or what a pattern LP stopped early in the first pass proved), its pricing (if any) is
    replaced in place (:func:`_pattern_gain`).

    Each pattern LP's solution, rounded and searched with the plan's other periods kept
    (:func:`_pattern_plan`), replaces the period's plan in ``plan`` where it costs less.

    Returns what they added to the periods' bounds (units), which periods were solved,
    what their plans changed the cost by (units, at most 0), and whether the user stopped it
    (Ctrl-C; what the periods solved by then added stays, and the plan stays whole). An
    ``anchor``'s costs are in every period's arrays."""
    nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
    order = sorted(range(len(reports)), key=lambda k: -reports[k].above_lp_units)
    order = [k for k in order if not crowded[k]]
    gained, change = 0.0, 0
    solved: list[int] = []
    for k in order:
        if time.perf_counter() >= deadline:
            break
        costs = period_costs(scenario, allowed, k, nobody, anchor=anchor)
        counts = slot_counts(costs)
        if counts is None:
            continue
        columns = np.union1d(costs.cheapest(KEEP_CHEAPEST), lp_supports[k])
        try:
            found = pattern_lp(costs, counts, plan[:, k], deadline, columns, lp_prices[k], PATTERN_TOLERANCE)
            if found is None:
                continue
            # The bound first, so Ctrl-C during the period's re-planning keeps it.
            solved.append(k)
            gained += _pattern_gain(pricings, k, counts, found, period_bounds[k])
            change += _pattern_plan(scenario, allowed, plan, home, slot_employer, k, found.values, deadline, anchor)
        except KeyboardInterrupt:
            return gained, solved, change, True
    return gained, solved, change, False


def _pattern_gain(
    pricings: list[PeriodPricing] | None, period: int, counts: SlotCounts, found: PatternLp, lp_bound: float
) -> float:
    """What the pattern LP ``found`` adds to ``period``'s LP bound ``lp_bound`` (units, at least
    0). Where it adds something, the period's pricing (if any) is replaced in ``pricings`` by one
    with whole workers in each slot (:func:`~werkdeling.lagrangian.with_patterns`)."""
    if found.bound <= lp_bound:
        return 0.0
    if pricings is not None:
        pricings[period] = with_patterns(pricings[period], counts, found)
    return found.bound - lp_bound


def _pattern_plan(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    period: int,
    values: FloatArray,
    deadline: float,
    anchor: PeriodAnchor | None = None,
) -> int:
    """Replace ``period``'s plan in ``plan`` by the rounded, repaired and searched pattern LP
    solution ``values`` (per candidate placement) where that keeps every rule and costs less,
    switches to and from the plan's other periods included; returns the change (units, at most
    0). The pattern LP places whole workers of the right capacities in each slot, which the
    period LP's rounding does not: without switches, the search from it ends 4,057 points above
    the 500-worker benchmark months' pattern bounds, the search from the rounded period LP
    7,851 (``benchmarks/exact_periods.py``)."""
    costs = _costs_between(scenario, allowed, plan, home, slot_employer, period, anchor)
    start = repair(costs, _rounded(costs, values, scenario, allowed, period))
    found, _ = improve(costs, start, seconds=max(0.0, deadline - time.perf_counter()))
    change = costs.cost(found) - costs.cost(plan[:, period])
    if change >= 0 or not costs.feasible(found):
        return 0
    plan[:, period] = found
    return change


def _price_and_replan(
    scenario: Scenario,
    allowed: BoolArray,
    pricings: list[PeriodPricing],
    home: IntArray,
    slot_employer: IntArray,
    plan: IntArray,
    cost: int,
    lp_total: float,
    deadline: float,
    notes: list[str],
    threads: int,
    beside: _Beside | None = None,
    anchor: PeriodAnchor | None = None,
) -> tuple[float, IntArray, int, int, bool]:
    """Improve the plan by whole-path moves (:func:`_repath_and_sweep`, at most
    :data:`REPATH_SHARE` of the time left), then price the switches for the bound
    (:class:`~werkdeling.lagrangian.SwitchPricing`) and re-plan from the priced paths, in rounds
    until ``deadline``: :data:`BOUND_SHARE` of the time left to subgradient steps towards the
    best plan's cost, then a plan from the best prices' paths or else the latest
    (:func:`_plan_from_paths`), kept where it is cheaper. Once the steps are spent they restart
    from the prices reached, towards the best plan's cost. Paths planned from before are not
    planned from again (the same paths give the same plan); it stops when neither the best nor
    the latest paths are new, even after the steps restarted once. ``cost`` and the returned
    bound and cost are against the empty plan (units); also returns the best plan and what the
    whole-path moves on the plan it was given changed its cost by (:func:`_repath_and_sweep`,
    before any plan from priced paths) and whether the user stopped it with Ctrl-C, and adds
    notes. With ``beside`` (:func:`_price_beside`), its steps go on beside the whole-path moves,
    and the rounds take them on from where they stopped, on ``threads`` threads. An
    ``anchor``'s costs are in every period's arrays."""
    switch = term_units(scenario, Term.SWITCHES)
    pricer = beside.pricer if beside is not None else SwitchPricing(pricings, home, switch, threads=threads)
    first = cost
    stopped = False
    planned: set[bytes] = set()  # the paths planned from (_paths_key)
    restarted_in_vain = False  # the steps restarted since the last plan without other paths
    nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
    spaces = [period_costs(scenario, allowed, k, nobody, anchor=anchor) for k in range(len(pricings))]
    repathed = cost  # the cost after the whole-path moves, before planning from priced paths
    try:
        now = time.perf_counter()
        candidate, units, stopped = _repath_and_sweep(
            scenario, allowed, pricings, spaces, pricer, home, slot_employer, plan,
            now + REPATH_SHARE * max(0.0, deadline - now), anchor,
        )  # fmt: skip
        if candidate is not None and units < cost:
            plan, cost = candidate, units
        repathed = cost
        if beside is not None:
            beside.halt.set()
            stopped = _finish_pricing(beside, stopped, notes)
            beside = None
            pricer.threads = threads  # this thread waits for the steps from now on
        while not stopped:
            now = time.perf_counter()
            pricer.improve(upper=cost, deadline=now + BOUND_SHARE * max(0.0, deadline - now))
            assert pricer.best is not None and pricer.latest is not None
            if pricer.best.value >= cost or time.perf_counter() >= deadline:
                break
            # The best prices' paths first, then the latest; never paths planned from before: the
            # same paths give the same plan (over 52 weeks a round takes 20 s).
            keyed = [(_paths_key(found), found) for found in (pricer.best, pricer.latest)]
            fresh = [(key, found) for key, found in keyed if key not in planned]
            if not fresh:
                if not pricer.converged:
                    continue  # more steps may reach other paths
                if restarted_in_vain:
                    break  # the steps restarted once and reached no other paths
                pricer.restart()
                restarted_in_vain = True
                continue
            restarted_in_vain = False
            key, following = fresh[0]
            planned.add(key)
            candidate, units, stopped = _plan_from_paths(
                scenario, allowed, pricings, spaces, pricer, following.picks, home, slot_employer, deadline, anchor
            )  # fmt: skip
            if candidate is not None and units < cost:
                plan, cost = candidate, units
            if stopped:
                break
            if pricer.converged:
                pricer.restart()  # new steps towards the new plan's cost give other paths
    except KeyboardInterrupt:
        stopped = True
    finally:
        if beside is not None:  # stopped or failed before the rounds
            beside.halt.set()
            _finish_pricing(beside, True, [])
    bound = lp_total
    if pricer.best is not None and pricer.best.value > lp_total:
        bound = pricer.best.value
        notes.append(
            f"the bound prices switches: {pricer.evaluations} Lagrangian evaluation(s) raised it by "
            f"{(bound - lp_total) / OBJECTIVE_SCALE:,.2f} over the periods' LPs"
        )
    if repathed < first:
        notes.append(f"whole-path moves: {(first - repathed) / OBJECTIVE_SCALE:,.2f} cheaper")
    if cost < repathed:
        notes.append(f"re-planned from the priced workers' paths: {(repathed - cost) / OBJECTIVE_SCALE:,.2f} cheaper")
    if stopped:
        notes.append("stopped by the user while pricing the switches or re-planning; the best plan is kept")
    return bound, plan, cost, repathed - first, stopped


def _paths_key(found: Evaluation) -> bytes:
    """A digest of the paths of ``found`` (its picks), to tell paths planned from before."""
    digest = hashlib.blake2b(digest_size=16)
    for picks in found.picks:
        digest.update(np.ascontiguousarray(picks, dtype=np.int64).tobytes())
    return digest.digest()


def _plan_from_paths(
    scenario: Scenario,
    allowed: BoolArray,
    pricings: list[PeriodPricing],
    spaces: list[PeriodCosts],
    pricer: SwitchPricing,
    picks: list[IntArray],
    home: IntArray,
    slot_employer: IntArray,
    deadline: float,
    anchor: PeriodAnchor | None = None,
) -> tuple[IntArray | None, int, bool]:
    """A plan from each worker's priced path (``picks`` of a
    :class:`~werkdeling.lagrangian.Evaluation`): the paths' placements, workers taken out where a
    slot maximum or head count breaks (:func:`~werkdeling.local_search.repair`), then improved
    like the plan by period (:func:`_repath_and_sweep`). Returns the plan and its cost against
    the empty plan (``None`` where it leaves a hard required cover unmet), and whether the user
    stopped the sweeps."""
    plan = np.full((len(scenario.workers), len(pricings)), IDLE, dtype=np.int64)
    for k, (period, chosen) in enumerate(zip(pricings, picks, strict=True)):
        placed = np.flatnonzero(chosen >= 0)
        plan[placed, k] = period.slot[chosen[placed]]
    for k in range(len(pricings)):
        costs = _costs_between(scenario, allowed, plan, home, slot_employer, k, anchor)
        plan[:, k] = repair(costs, plan[:, k])
    return _repath_and_sweep(scenario, allowed, pricings, spaces, pricer, home, slot_employer, plan, deadline, anchor)


def _repath_and_sweep(
    scenario: Scenario,
    allowed: BoolArray,
    pricings: list[PeriodPricing],
    spaces: list[PeriodCosts],
    pricer: SwitchPricing,
    home: IntArray,
    slot_employer: IntArray,
    start: IntArray,
    deadline: float,
    anchor: PeriodAnchor | None = None,
) -> tuple[IntArray | None, int, bool]:
    """``start`` improved by whole-path moves (:func:`~werkdeling.path_search.repath`, on the
    candidates of ``pricings``; ``spaces`` are the periods' arrays without switches) and then the
    sweeps, in turn until neither changes it. Returns the plan, its cost against the empty plan
    (``None`` where it leaves a hard required cover unmet) and whether the user stopped it."""
    plan = start.copy()
    stopped = False
    while time.perf_counter() < deadline:
        moved = repath(pricings, spaces, pricer.states, home, pricer.switch, plan, deadline)
        swept, stopped = _sweep(scenario, allowed, plan, home, slot_employer, deadline, anchor)
        if stopped or (not moved and not swept):
            break
    units = _plan_cost(scenario, allowed, plan, home, slot_employer, anchor)
    return (None, 0, stopped) if units is None else (plan, units, stopped)


def _plan_cost(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    anchor: PeriodAnchor | None,
) -> int | None:
    """``plan``'s cost against the empty plan (units), switches and ``anchor`` included;
    ``None`` where it leaves a hard required cover unmet."""
    units = 0
    for k in range(plan.shape[1]):
        costs = period_costs(scenario, allowed, k, _last_employers(plan, home, slot_employer, k), anchor=anchor)
        if not costs.feasible(plan[:, k]):
            return None
        units += costs.cost(plan[:, k])
    return units


#: Most of a period's time (after its arrays and LP) the local search on the rounded LP may take;
#: the rest is kept for CP-SAT on small periods (``CP_SAT_UP_TO``).
SEARCH_SHARE = 0.8

#: Periods with at most this many candidate placements also get CP-SAT after the local search.
CP_SAT_UP_TO = 2_000

#: Share of the time limit kept for the sweeps at the end.
SWEEP_SHARE = 0.1

#: Periods CP-SAT re-plans together at the very end (:func:`_replan_windows`), and the share of
#: the time limit kept for it, in a scenario with switches and windows small enough
#: (:data:`WINDOW_CANDIDATES`), where that share gives every window :data:`MIN_WINDOW_SECONDS`:
#: on the 200-worker weekly pool in 60 s (25 windows, about 2 s each) the windows gained no more
#: than the time they took from the rest (``benchmarks/README.md``, item 28).
WINDOW_PERIODS = 4
WINDOW_SHARE = 0.3

#: Seconds CP-SAT gets at least for a window; with less time left, the windows stop.
MIN_WINDOW_SECONDS = 2.0

#: Windows are re-planned only where none has more possible placements than this. A 200-worker
#: pool over 52 weeks has 2,923 in its largest 4-week window, and in 300 s the windows took
#: 0.38 % off its plan; the 1,000-worker one has 57,515, and there CP-SAT found next to nothing
#: in seconds per window, in time the plans from priced paths make far more of
#: (``benchmarks/README.md``, item 28).
WINDOW_CANDIDATES = 10_000

#: Periods with more candidate placements than this get their pattern LP in the first pass, and
#: the local search starts from its rounded solution; smaller ones get it after every period is
#: planned (:func:`_pattern_bounds`). In single ``benchmarks/periods.py`` runs with and without
#: them in the first pass, the 2,000-worker pool (62,000 per month) gave 2.19 % and 2.56 %, the
#: 52-week pool (14,000 per week) 4.03 % and 3.77 %: there, 52 pattern LPs in the first pass left
#: less time for the switches' prices and the plans from the priced paths.
FIRST_PATTERN_ABOVE = 30_000

#: Periods with more candidate placements than this (crowded ones apart) get their pattern LP
#: in the first pass from the child process that solves their LP a period ahead, where there
#: is one (:mod:`werkdeling.ahead`), beside the search of the period before; where that search
#: ends first, the parent waits for it. That reaches smaller periods than
#: :data:`FIRST_PATTERN_ABOVE`: on the 52-week benchmark pool (14,000 a week) every week's
#: pattern LP came in a first pass of 47-51 s instead of 40-41 in a pass of 21 s and after it,
#: and the gap was 4.52-4.74 % against 5.04 % (item 40 in ``benchmarks/README.md``). Without a
#: child, such periods get theirs after the pass.
PATTERN_AHEAD_ABOVE = 10_000

#: A pattern LP stops pricing once its objective is this close (relative) to the best bound a
#: round proved (:func:`~werkdeling.patterns.pattern_lp`). With the patterns of the LP's prices,
#: the 2,000-worker benchmark months took 31.8 s instead of 57.6 s and gave up 85 of the 77,980
#: points the pattern LPs add to the bound (``benchmarks/pattern_rounds.py``, item 39).
PATTERN_TOLERANCE = 1e-6

#: Share of a period's time in the first pass by which its pattern LP stops pricing (after its
#: first round); the local search from its rounded solution gets the rest.
FIRST_PATTERN_SHARE = 0.6

#: Most of the time left after planning every period that the pattern LPs of the periods
#: without one yet may take (:func:`_pattern_bounds`). On the 52-week benchmark pool they reach
#: all 52 weeks in it and add 38,729 points to the bound (``benchmarks/periods.py``).
PATTERN_SHARE = 0.4

#: Most of the time left after the sweeps that the whole-path moves on the plan may take (with
#: the sweeps after them), before the switches are priced (:func:`_price_and_replan`).
REPATH_SHARE = 0.2

#: Most of the time left after planning every period that the sweeps may take when the switches
#: are priced next: uncapped, on the 2,000-worker pool, they took most of it for 0.2 % of the
#: plan and left the bound with switches lower.
SWEEP_CAP = 0.5

#: Share of the time left that each round of pricing the switches takes; the rest of the round
#: re-plans from the priced paths (:func:`_price_and_replan`).
BOUND_SHARE = 0.5

#: Periods with more candidate placements than this are searched on a few per worker and slot:
#: each one's :data:`KEEP_CHEAPEST` cheapest, the LP's and the rounded plan's. Where the LP is no
#: min-cost flow (:func:`~werkdeling.flow_lp.applies`), GLOP also starts from the cheapest and
#: adds the others its duals price below zero (:func:`~werkdeling.relaxation.period_lp`).
#: The 2,000-worker benchmark pool has 63,000 per month; the 20,000-worker one 5.6 million.
PRUNE_ABOVE = 500_000

#: Above this many possible placements in the next period, the first pass solves that period's
#: LP in a child process while it searches the one before (:mod:`werkdeling.ahead`). On the
#: 20,000-worker benchmark pool (5.6 million candidates a month) a month's LP took 14-22 s and
#: its search 9-13 s, one after the other on one core, while the other core sat idle.
LP_AHEAD_ABOVE = 1_000_000

#: See :data:`PRUNE_ABOVE`. On a 20,000-worker month, 6 and one pricing round gave a bound within
#: 0.003 % of the LP with every candidate priced in, in 21 s; 3 and two rounds took as long and
#: were 0.08 % below it (``benchmarks/crowded_period.py``).
KEEP_CHEAPEST = 6

#: Share of a crowded period's time after which GLOP adds no more pricing rounds (after the
#: first; the min-cost flow needs none), so the local search keeps the rest: on a 20,000-worker
#: month a round takes 8-18 s, and the search from the rounded LP needs 20 s and more
#: (``benchmarks/crowded_period.py``).
LP_SHARE = 0.5

#: Most memory (bytes) the bound with switches (:mod:`werkdeling.lagrangian`) may take with its
#: subgradient steps, which keep every period's candidates; above it the switches are priced
#: after the first pass on the candidates a cheapest path can take at prices near the LPs'
#: (:func:`~werkdeling.lagrangian.restricted`).
SWITCH_BOUND_BYTES = 2 * 2**30

#: How far (in switches) a candidate's priced cost may move from the LPs' prices in the bound of
#: :data:`SWITCH_BOUND_BYTES`: the further, the more candidates each period keeps.
SWITCH_REACH = 1.0

#: Bytes per candidate placement of the bound with switches: 49 in
#: :class:`~werkdeling.lagrangian.PeriodPricing`, as much again while evaluating, and the paths'
#: states (at most one per candidate).
PRICING_BYTES = 110


def _home_employers(scenario: Scenario) -> IntArray:
    index = scenario.employer_index
    return np.array(
        [index[w.home_employer] if w.home_employer is not None else -1 for w in scenario.workers], dtype=np.int64
    )


def _last_employers(plan: IntArray, home: IntArray, slot_employer: IntArray, period: int) -> IntArray:
    """Employer each worker last worked for before ``period`` (their home employer, or -1)."""
    last = home.copy()
    for k in range(period):
        placed = plan[:, k] >= 0
        last[placed] = slot_employer[plan[placed, k]]
    return last


def _next_employers(plan: IntArray, slot_employer: IntArray, period: int) -> IntArray:
    """Employer each worker works for next after ``period``, -1 for none."""
    following = np.full(plan.shape[0], -1, dtype=np.int64)
    for k in range(plan.shape[1] - 1, period, -1):
        placed = plan[:, k] >= 0
        following[placed] = slot_employer[plan[placed, k]]
    return following


def _costs_between(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    period: int,
    anchor: PeriodAnchor | None = None,
) -> PeriodCosts:
    """The costs of ``period`` with the plan's other periods kept: switches are counted from the
    employer each worker last worked for before it and to the one they work for next."""
    last = _last_employers(plan, home, slot_employer, period)
    return period_costs(scenario, allowed, period, last, _next_employers(plan, slot_employer, period), anchor)


@dataclass(frozen=True)
class _Beside:
    """A :class:`~werkdeling.lagrangian.SwitchPricing` taking steps on a thread of its own
    (:func:`_price_beside`) while this one improves the plan; ``halt`` stops it."""

    pricer: SwitchPricing
    halt: threading.Event
    running: Future[None]


def _price_beside(pricer: SwitchPricing, upper: float, deadline: float) -> _Beside:
    """Start ``pricer``'s steps towards ``upper`` until ``deadline`` on a thread of their own:
    the steps need no plan, only its cost, so the second core prices while the first plans."""
    halt = threading.Event()
    thread = ThreadPoolExecutor(1, thread_name_prefix="werkdeling-pricing")
    running = thread.submit(pricer.improve, upper, deadline, None, halt)
    thread.shutdown(wait=False)  # the thread ends when its steps do
    return _Beside(pricer, halt, running)


def _finish_pricing(beside: _Beside, stopped: bool, notes: list[str]) -> bool:
    """Wait for the steps of :func:`_price_beside` to end, first halting them if the user
    ``stopped`` the run already; returns whether the user stopped the run, before or while
    waiting (Ctrl-C, with a note). An error on their thread is raised here."""
    if stopped:
        beside.halt.set()
    while True:
        try:
            beside.running.result()
            return stopped
        except KeyboardInterrupt:
            beside.halt.set()
            if not stopped:
                notes.append("stopped by the user while pricing the switches; every period is planned")
            stopped = True
            if beside.running.done():  # raised on its thread, not while waiting: it stays raised
                return True


def _sweep(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    deadline: float,
    anchor: PeriodAnchor | None = None,
) -> tuple[int, bool]:
    """Improve ``plan`` in place, period after period, now that every period is planned: a period
    planned early could not see the switches its choices cause later. Sweeps repeat until one
    changes nothing or the deadline passes; returns the change of the objective (units), and
    whether the user stopped it (Ctrl-C; the plan stays whole). An ``anchor``'s costs are in
    every period's arrays."""
    change = 0
    while time.perf_counter() < deadline:
        before = change
        for k in range(plan.shape[1]):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return change, False
            costs = _costs_between(scenario, allowed, plan, home, slot_employer, k, anchor)
            if len(costs.worker) > PRUNE_ABOVE:
                costs = costs.restricted(costs.cheapest(KEEP_CHEAPEST, keep=plan[:, k]))
            try:
                improved, _ = improve(costs, plan[:, k], seconds=remaining / (plan.shape[1] - k))
            except KeyboardInterrupt:
                return change, True
            change += costs.cost(improved) - costs.cost(plan[:, k])
            plan[:, k] = improved
        if change == before:
            break
    return change, False


def _cp_sat_period(
    scenario: Scenario,
    period: int,
    last: IntArray,
    allowed: BoolArray,
    costs: PeriodCosts,
    start: IntArray | None,
    lp_values: FloatArray,
    seconds: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
    anchor: PeriodAnchor | None = None,
) -> tuple[IntArray | None, bool, bool]:
    """CP-SAT on the period model from ``start`` (see :func:`_plan_period`): its plan, whether
    the user stopped it, and whether it proved that the period has no plan. With an ``anchor``,
    its objective includes what each placement changes in the change count."""
    built = build_model(
        scenario, periods=(period,), last_employers={w: int(e) if e >= 0 else None for w, e in enumerate(last)},
        allowed=allowed,
    )  # fmt: skip
    x = built.variables.x
    built.model.minimize(_objective(built, anchor))
    by_index = np.zeros(len(built.model.proto.variables), dtype=np.float64)
    for i, (w, s) in enumerate(zip(costs.worker.tolist(), costs.slot.tolist(), strict=True)):
        by_index[x[(w, period, s)].index] = lp_values[i]
    hint = {} if start is None else {x[(w, period, int(s))].index: 1 for w, s in enumerate(start) if s >= 0}
    found, interrupted, infeasible = _plan_period(built, hint, by_index, seconds, run, configure)
    return (None if found is None else _assignment(built, found[1], period)), interrupted, infeasible


def _objective(built: BuiltModel, anchor: PeriodAnchor | None) -> Expr:
    """A period or window model's objective, with what each placement adds in ``anchor``'s
    terms (:meth:`~werkdeling.period_anchor.PeriodAnchor.extra`), so it changes by exactly what
    the plan's cost does."""
    objective = built.objective()
    if anchor is None:
        return objective
    keys = np.array(list(built.variables.x), dtype=np.int64).reshape(-1, 3)
    placements, weights = [], []
    for k in np.unique(keys[:, 1]).tolist():
        here = keys[keys[:, 1] == k]
        extra = anchor.extra(k, here[:, 0], here[:, 2])
        for i in np.flatnonzero(extra).tolist():
            placements.append(built.variables.x[(int(here[i, 0]), k, int(here[i, 2]))])
            weights.append(int(extra[i]))
    return objective + cp_model.LinearExpr.weighted_sum(placements, weights)


def _assignment(built: BuiltModel, values: list[int], period: int) -> IntArray:
    """The slot of each worker in ``period`` in a period model's solution."""
    assignment = np.full(len(built.scenario.workers), IDLE, dtype=np.int64)
    for (w, k, s), var in built.variables.x.items():
        if k == period and values[var.index]:
            assignment[w] = s
    return assignment


def _largest_window(allowed: BoolArray) -> int:
    """The most possible placements in any window of :data:`WINDOW_PERIODS` periods."""
    per_period = allowed.sum(axis=(0, 2))
    width = min(WINDOW_PERIODS, len(per_period))
    return max(int(per_period[k : k + width].sum()) for k in _window_starts(len(per_period), width))


def _window_starts(periods: int, width: int) -> list[int]:
    """First periods of the windows of ``width`` periods that :func:`_replan_windows` takes in
    turn: each overlaps the one before by half, and the last ends with the horizon."""
    starts = list(range(0, periods - width + 1, max(1, width // 2)))
    if starts[-1] != periods - width:
        starts.append(periods - width)
    return starts


def _window_model(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    window: range,
    free: BoolArray | None = None,
    anchor: PeriodAnchor | None = None,
) -> BuiltModel:
    """The period model of ``window``, its objective set and ``plan``'s placements there as its
    hint. It counts the switches into the window, within it and to the employer each worker works
    for next after it (:mod:`werkdeling.model.switching`), so its objective changes by exactly
    what the plan's does. Only the workers marked in ``free`` (default: all) may change; the
    others keep their placements in the window (a neighbourhood, ``benchmarks/window_search.py``).
    With an ``anchor``, its costs are in the objective (:func:`_objective`).
    """
    last = _last_employers(plan, home, slot_employer, window.start)
    following = _next_employers(plan, slot_employer, window.stop - 1)
    kept = None if free is None else ~free
    if kept is not None:
        # A kept worker's only candidate in a period of the window is the plan's placement.
        allowed = allowed.copy()
        for k in window:
            allowed[kept, k, :] = False
            held = np.flatnonzero(kept & (plan[:, k] >= 0))
            allowed[held, k, plan[held, k]] = True
    built = build_model(
        scenario, periods=window, last_employers={w: int(e) if e >= 0 else None for w, e in enumerate(last)},
        next_employers={w: int(e) for w, e in enumerate(following) if e >= 0}, allowed=allowed,
    )  # fmt: skip
    model = built.model
    model.minimize(_objective(built, anchor))
    x = built.variables.x
    placed = [x[(w, k, int(plan[w, k]))] for k in window for w in np.flatnonzero(plan[:, k] >= 0).tolist()]
    if kept is not None:
        for k in window:
            for w in np.flatnonzero(kept & (plan[:, k] >= 0)).tolist():
                model.add(x[(w, k, int(plan[w, k]))] == 1)
    current = {var.index for var in placed}
    indices = [var.index for var in built.variables.decisions()]
    _hint(model, indices, [int(index in current) for index in indices])
    return built


@dataclass(frozen=True)
class WindowSolve:
    """What CP-SAT made of one window model (:func:`solve_window`)."""

    change: int  #: objective units against the hinted plan: negative where it found a cheaper one
    values: list[int] | None  #: the model's values of that cheaper plan; ``None`` where none
    proven: bool  #: CP-SAT proved the window optimal given the rest of the plan
    interrupted: bool  #: the user stopped it (Ctrl-C)
    solved: bool  #: CP-SAT searched the window (``False``: the hinted plan did not cost out)


def solve_window(
    built: BuiltModel,
    seconds: Callable[[], float],
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
) -> WindowSolve:
    """Cost the plan :func:`_window_model` hinted, then let CP-SAT (``max_lp`` added) look for a
    cheaper one for ``seconds()``, asked once the plan is costed."""
    model = built.model
    _, costed, interrupted = _solve(model, _FIXED_SECONDS, run, configure, fix_hinted=True)
    if interrupted or costed is None:  # the latter not expected: the plan keeps every rule
        return WindowSolve(0, None, False, interrupted, False)
    _hint(model, list(range(len(model.proto.variables))), costed[1])

    def configure_window(solver: cp_model.CpSolver, seconds: float) -> None:
        # Without max_lp the windows of a 200-worker weekly pool gained next to nothing.
        configure(solver, seconds)
        add_max_lp(solver, solver.parameters.num_workers)

    status, found, interrupted = _solve(model, max(0.05, seconds()), run, configure_window)
    proven = status == cp_model.OPTIMAL
    if found is None or found[0] >= costed[0]:
        return WindowSolve(0, None, proven, interrupted, True)
    return WindowSolve(found[0] - costed[0], found[1], proven, interrupted, True)


def _replan_windows(
    scenario: Scenario,
    allowed: BoolArray,
    plan: IntArray,
    home: IntArray,
    slot_employer: IntArray,
    deadline: float,
    run: Runner,
    configure: Callable[[cp_model.CpSolver, float], None],
    anchor: PeriodAnchor | None = None,
) -> tuple[int, int, bool]:
    """Improve ``plan`` in place with CP-SAT on windows of :data:`WINDOW_PERIODS` consecutive
    periods (:func:`_window_model`, every worker free), the rest of the plan fixed, until
    ``deadline``. A worker moved for a few weeks pays two switches, which neither a sweep of one
    period nor a move of one worker's path can trade against the cover it brings; a window can.
    Rounds over every window repeat while one gains. Returns the change of the objective
    (units), how many windows were solved, and whether the user stopped it (Ctrl-C; the plan
    stays whole)."""
    periods = plan.shape[1]
    width = min(WINDOW_PERIODS, periods)
    starts = _window_starts(periods, width)
    change = solved = 0
    while True:  # rounds over every window, while one gains
        before = change
        for i, start in enumerate(starts):
            if deadline - time.perf_counter() < MIN_WINDOW_SECONDS:
                break
            window = range(start, start + width)
            built = _window_model(scenario, allowed, plan, home, slot_employer, window, anchor=anchor)

            def seconds(windows_left: int = len(starts) - i) -> float:
                # An even share of the time left, but never less than a window needs to gain.
                remaining = deadline - time.perf_counter()
                return min(remaining, max(MIN_WINDOW_SECONDS, remaining / windows_left))

            outcome = solve_window(built, seconds, run, configure)
            solved += outcome.solved
            if outcome.values is not None:
                change += outcome.change
                for k in window:
                    plan[:, k] = _assignment(built, outcome.values, k)
            if outcome.interrupted:
                return change, solved, True
        if change == before:
            break
    return change, solved, False


def _outcome(
    scenario: Scenario,
    plan: IntArray,
    expected: int,
    bound_units: int | None,
    notes: list[str],
    reports: list[PeriodReport],
    *,
    stopped: bool = False,
) -> ByPeriod:
    capacity = scenario.quantities.capacity_minutes
    rows = [
        placement_of(scenario, int(w), int(k), int(plan[w, k]), int(capacity[w, k]))
        for w, k in zip(*np.nonzero(plan >= 0), strict=True)
    ]
    rows.sort(key=lambda row: (scenario.horizon.index(row.period), row.worker))
    return ByPeriod(Plan(placements=tuple(rows)), expected, bound_units, stopped=stopped, notes=notes, reports=reports)
