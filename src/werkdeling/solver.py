"""Stage 3 of the pipeline: solve the CP-SAT model and read back a plan.

After every solve the plan is handed to the independent validator; a plan that breaks a rule,
or whose recomputed objective differs from the solver's, raises :class:`SolverError`: that would
be a bug in werkdeling, never something to pass on to a coordinator.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from werkdeling import decompose, period_anchor, spanning
from werkdeling.errors import InputError, SolverError
from werkdeling.evaluation.costs import cost_breakdown_of
from werkdeling.evaluation.diff import RowKey, diff_plans, row_key
from werkdeling.evaluation.kpis import kpis_of
from werkdeling.evaluation.measure import Measurement, measure, resolve
from werkdeling.evaluation.validation import ValidationReport, validate_measured
from werkdeling.heuristic import greedy_plan
from werkdeling.model import Anchor, BuiltModel, build_model
from werkdeling.model.build import read_plan
from werkdeling.model.eligibility import possible_placements
from werkdeling.plan import Placement, Plan
from werkdeling.result import Result, Stage, Status, gap_pct
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import BoolArray
from werkdeling.scenario.settings import ObjectiveMode

STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


@dataclass(frozen=True)
class Progress:
    """Where a running solve stands, passed to the ``progress`` callback of :func:`solve`.

    ``objective`` and ``bound`` are in cost points for the terms of the current stage; in
    lexicographic mode each stage minimises its own level of terms.
    """

    stage: int
    stages: int
    terms: tuple[Term, ...]
    elapsed: float
    time_limit: float
    objective: float | None
    bound: float | None

    @property
    def gap_pct(self) -> float | None:
        return gap_pct(self.objective, self.bound)


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class _Run:
    """How a solve runs, whatever path it takes: :func:`solve`'s arguments of these names."""

    seed: int
    num_workers: int | None
    log: bool
    parameters: dict[str, Any] | None
    progress: ProgressCallback | None


def _within(progress: ProgressCallback | None, started: float, time_limit: float) -> ProgressCallback | None:
    """``progress`` for a part of a solve that began at ``started`` with ``time_limit``: the
    part's reports carry the whole solve's elapsed time and time limit."""
    if progress is None:
        return None
    callback = progress

    def report(part: Progress) -> None:
        callback(dataclasses.replace(part, elapsed=time.perf_counter() - started, time_limit=time_limit))

    return report


class _Reporter(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    """Passes each new best plan and each better bound of one stage to the progress callback."""

    def __init__(self, callback: ProgressCallback, template: Progress, started: float) -> None:
        super().__init__()
        self._callback, self._progress, self._started = callback, template, started
        self._lock = threading.Lock()

    def _send(self, **changes: Any) -> None:
        with self._lock:
            elapsed = time.perf_counter() - self._started
            self._progress = dataclasses.replace(self._progress, elapsed=elapsed, **changes)
            self._callback(self._progress)

    def on_solution_callback(self) -> None:
        self._send(objective=self.objective_value / OBJECTIVE_SCALE, bound=self.best_objective_bound / OBJECTIVE_SCALE)

    def on_bound(self, bound: float) -> None:
        self._send(bound=bound / OBJECTIVE_SCALE)


def _run(solver: cp_model.CpSolver, model: cp_model.CpModel, reporter: _Reporter | None) -> tuple[int, bool]:
    """Solve in a helper thread so Ctrl-C (KeyboardInterrupt, which Python delivers to the main
    thread) stops the search cleanly; return CP-SAT's status and whether the user stopped it."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["status"] = solver.solve(model, reporter)
        except BaseException as exc:  # pragma: no cover - handed to the caller below
            outcome["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=target, name="cp-sat", daemon=True)
    thread.start()
    interrupted = False
    # Wait on an event, not on Thread.join: a join cut short by KeyboardInterrupt can leave the
    # thread looking finished while CP-SAT still runs.
    while not done.is_set():
        try:
            done.wait(0.1)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["status"], interrupted


def _levels(built: BuiltModel, mode: ObjectiveMode) -> list[tuple[Term, ...]]:
    """The terms minimised in each stage; levels without a weighted term are skipped."""
    if mode is ObjectiveMode.WEIGHTED:
        return [tuple(built.terms)]
    levels = [tuple(t for t in level if t in built.terms) for level in built.scenario.objective.priorities]
    return [level for level in levels if level] or [()]


def _plan_values(built: BuiltModel, plan: Plan) -> tuple[dict[int, int], int]:
    """Value (by variable index) of each decision variable set in ``plan``, and how many rows
    have no variable in this model. Rows are matched to the scenario by the validator's
    :func:`~werkdeling.evaluation.measure.resolve`."""
    pv = built.variables
    resolved = resolve(built.scenario, plan)
    values: dict[int, int] = {}
    unused = len(resolved.unknown)
    for row in resolved.rows:
        key = (row.worker, row.period, row.slot)
        if key not in pv.x:
            unused += 1
            continue
        values[pv.x[key].index] = 1
        if key in pv.amounts:
            values[pv.amounts[key].index] = row.minutes
    for spell in resolved.spells:
        if (t := pv.training.get((spell.worker, spell.training, spell.start))) is not None:
            values[t.index] = 1
        else:
            unused += 1
    for move in resolved.moves:
        if (m := pv.permanent.get((move.worker, move.employer, move.vacancy, move.period))) is not None:
            values[m.index] = 1
        else:
            unused += 1
    return values, unused


def hint_plan(built: BuiltModel, plan: Plan) -> list[str]:
    """Hint every decision variable from ``plan``; return notes on rows that could not be used."""
    values, unused = _plan_values(built, plan)
    built.model.clear_hints()
    for var in built.variables.decisions():
        built.model.add_hint(var, values.get(var.index, 0))
    if unused:
        return [f"warm start: {unused} row(s) of the earlier plan are not possible in this scenario and were ignored"]
    return []


def refereed(scenario: Scenario, plan: Plan, source: str) -> tuple[Measurement, ValidationReport]:
    """Measure and validate a plan werkdeling made. A broken rule there is a bug of werkdeling's,
    so it raises :class:`SolverError`, whose message starts with ``source`` ("the solver
    returned", ...)."""
    measured = measure(scenario, resolve(scenario, plan))
    report = validate_measured(scenario, measured)
    if not report.is_valid:
        raise SolverError(f"{source} a plan that breaks rules; please report this:\n" + report.summary())
    return measured, report


def _start(scenario: Scenario, warm_start: Plan | None, anchor: Anchor | None) -> Plan:
    """The plan CP-SAT starts from: the one given, the anchor plan, or else the greedy plan of
    :mod:`werkdeling.heuristic` when it keeps every rule, else the empty plan (which keeps every
    hard rule but a minimum of hours or of cover). A full, valid hint gives CP-SAT a good first
    solution at once; on the benchmark pools it is what lets the LP-based search prove optima."""
    if warm_start is not None:
        return warm_start
    if anchor is not None:
        return anchor.plan
    greedy = greedy_plan(scenario)
    return greedy if validate_measured(scenario, measure(scenario, resolve(scenario, greedy))).is_valid else Plan()


#: Share of the time limit above which building the whole-horizon model gets a note: the
#: search then had little time. At 2,000 workers with a rule that links periods the model has
#: millions of variables and takes minutes to build (``benchmarks/README.md``, item 30).
SLOW_BUILD_SHARE = 0.5

#: Share of the time limit that planning by period (with courses and moves chosen by estimate,
#: where there are any) may take to give the whole-horizon model its start
#: (:func:`_start_by_period`), up to :data:`START_SECONDS`. Under a few seconds CP-SAT seldom
#: improves on a good start, so half goes to it: on the 60-worker benchmark pool with 1-5 s,
#: half gave plans 0.04-0.10 % above the optimum, a fifth 0.09-5.0 % (item 34).
START_SHARE = 0.5

#: Most seconds that start may take. Planning by period uses all the time it is given, while
#: on the pools small enough for the whole model it is within 0.04 % of the optimum in 2 s; with
#: 20 % of a 30-s limit the 60-worker benchmark pool was proven optimal after 10.0 s instead of
#: 6.8 s (``benchmarks/README.md``, item 34).
START_SECONDS = 2.0

#: Most seconds that start may take per possible placement: planning by period uses all the time
#: it is given, and tiny pools need far less (the 20-worker benchmark pool, 542 placements, is
#: planned optimally in well under a second), so they would wait for nothing.
START_SECONDS_PER_PLACEMENT = 0.001

#: Most seconds spent completing the start's hint (:func:`_complete_hint`); propagation alone
#: takes 0.1 s on the 60-worker benchmark pool.
HINT_SECONDS = 5.0

#: Largest model (variables) whose hint is completed. The 500-worker benchmark pool with
#: training has 201,086; with 2,000 workers it has 3.0 million, and completing its hint ran out
#: of 18 GB of memory, on top of the 7 GB the model itself takes.
HINT_VARIABLES_LIMIT = 1_000_000


def _start_by_period(scenario: Scenario, start: Plan, seconds: float, run: _Run, notes: list[str]) -> Plan:
    """The plan by period of ``scenario`` in ``seconds`` (less in tiny pools:
    :data:`START_SECONDS_PER_PLACEMENT`), where it can be planned by period
    (nothing links its periods but the switches, or courses and vacancies alone do, which are
    then chosen by estimate: :func:`_solve_with_spanning_by_period`) and the plan costs less
    than ``start``; else ``start``. Planning by period finds far better plans than the greedy
    one in little time, and CP-SAT on the whole horizon keeps the plan it starts from until it
    finds a better one. On the small benchmark pool with training werkdeling's plan went from
    13.01 % to 9.08 % above the best bound with the plan by period without courses as its start
    (``benchmarks/README.md``, item 16), and to 0.90 % with courses chosen for it (item 31). On
    the 60-worker pool without training, with 1-5 s, the whole model returned plans 35-38 %
    above the optimum, near the greedy start, where planning by period gets within 0.1 % in
    1 s (item 34). ``run.progress`` hears of the plan as it is made, as when planning by period."""
    began = time.perf_counter()
    if (plannable := _plannable(scenario)) is None:
        return start
    planned_scenario, allowed = plannable
    seconds = min(seconds, START_SECONDS_PER_PLACEMENT * int(allowed.sum()))
    planned = _plan_by_period(scenario, planned_scenario, allowed, seconds, began, run)
    if planned.plan is None or planned.objective is None:
        return start
    current = validate_measured(scenario, measure(scenario, resolve(scenario, start)))
    if current.is_valid and round(planned.objective * OBJECTIVE_SCALE) >= current.objective_units:
        return start
    decisions = (
        f" with {len(planned.plan.trainings)} course spell(s) and {len(planned.plan.transitions)} permanent "
        "move(s) chosen by estimate"
        if planned_scenario is not scenario
        else ""
    )
    notes.append(
        f"start: the plan by period{decisions}, made in {planned.runtime:.1f} s (objective "
        f"{planned.objective:,.2f}); CP-SAT on the whole horizon went on from it"
    )
    return planned.plan


def _has_forced(forced: tuple[Placement, ...], plan: Plan) -> bool:
    """Whether ``plan`` has every ``forced`` placement (hours aside)."""
    has = {(p.worker, p.period, p.employer, p.role) for p in plan.placements}
    return all((f.worker, f.period, f.employer, f.role) in has for f in forced)


def _complete_hint(built: BuiltModel, seconds: float) -> None:
    """Hint every variable of ``built``'s model, helpers too, from its hinted decisions: with the
    decisions fixed to the hint, propagation alone finds the rest. CP-SAT then has the start as
    its first solution. With the decisions alone it may not: in trials on the small benchmark
    pool with training it ended far above the start it was given. The hint stays as it was if
    the hinted decisions break a rule or time runs out."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.catch_sigint_signal = False
    if solver.solve(built.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    built.model.clear_hints()
    built.model.proto.solution_hint.vars.extend(range(len(built.model.proto.variables)))
    built.model.proto.solution_hint.values.extend(solver.response_proto.solution)


def default_parameters(solver: cp_model.CpSolver, num_workers: int | None) -> None:
    """With few search workers (these machines have 2 cores) CP-SAT runs one full-problem
    subsolver, ``default_lp``, whose LP leaves out constraints on Booleans only: "one place per
    worker and period" and the employers' maximums. Its bound then barely moves (66 % gap after
    10 s on a 5-employer pool). ``max_lp`` linearises them too and proves the same pool optimal
    in about a second, while the other workers run LNS and find the plans. With a single worker
    there is no LNS, and ``max_lp`` alone did not even finish the warm start in 5 s, so a single
    worker keeps CP-SAT's default (see ``benchmarks/README.md``)."""
    decompose.add_max_lp(solver, num_workers)


#: Share of the time limit planning by period leaves for validating and measuring its plan
#: afterwards, and seconds per worker and period on top: on a slow run of the 20,000-worker
#: benchmark pool the 2 % alone (12 s of 600) ended 2 s late.
REFEREE_SHARE = 0.02
REFEREE_SECONDS_PER_PLACEMENT = 2.5e-5


def _referee_seconds(scenario: Scenario) -> float:
    """Seconds kept for refereeing one plan of ``scenario`` on top of :data:`REFEREE_SHARE`."""
    return REFEREE_SECONDS_PER_PLACEMENT * len(scenario.workers) * scenario.horizon.periods


class Strategy(StrEnum):
    """How :func:`solve` models the horizon; see its ``strategy`` parameter."""

    AUTO = "auto"
    WHOLE = "whole"
    BY_PERIOD = "by_period"


def _by_period(
    scenario: Scenario, strategy: Strategy, mode: ObjectiveMode, anchor: Anchor | None, time_limit: float
) -> tuple[Scenario, BoolArray] | None:
    """The scenario :func:`solve` plans period by period and its possible placements, else
    ``None``; ``auto`` needs them to count, and the period models reuse them. That scenario is
    ``scenario`` itself, or for ``auto``, where courses and vacancies are all that links its
    periods, the scenario without them (:func:`_solve_with_spanning_by_period`): the
    whole-horizon model that could place them is then too large to build, let alone search,
    within a time limit. For the 2,000-worker benchmark pool with training, building it took
    149 s and 7.3 GB, and a 60-s solve took 240 s and 15 GB, for a plan 9.5 % above the one
    planned by period in the same 60 s (``benchmarks/README.md``, item 30).

    ``auto`` also plans a smaller pool by period where nothing but the switches links its
    periods and ``time_limit`` is under :data:`START_SECONDS_PER_PLACEMENT` per possible
    placement, the time its plan by period may take as the whole model's start: the whole model
    would get less than that start needs, and could only return it (item 37)."""
    if strategy is Strategy.WHOLE:
        return None
    if strategy is Strategy.BY_PERIOD:
        if mode is not ObjectiveMode.WEIGHTED:
            raise InputError(["strategy 'by_period' works in weighted mode only"])
        if linking := decompose.linking_features(scenario):
            raise InputError([
                "strategy 'by_period': this scenario cannot be planned period by period because of "
                + ", ".join(linking) + "; use strategy 'whole' or 'auto'"
            ])  # fmt: skip
        return scenario, possible_placements(scenario)
    if mode is not ObjectiveMode.WEIGHTED:
        return None
    if anchor is not None and decompose.linking_features(scenario):
        return None  # planning by period keeps an anchor only where nothing but the switches links periods
    plannable = _plannable(scenario)
    if plannable is None:
        return None
    placements = int(plannable[1].sum())
    if placements > decompose.BY_PERIOD_ABOVE:
        return plannable
    short = plannable[0] is scenario and time_limit < START_SECONDS_PER_PLACEMENT * placements
    return plannable if short else None


def _plannable(scenario: Scenario) -> tuple[Scenario, BoolArray] | None:
    """The scenario that planning by period plans for ``scenario``, and its possible
    placements: ``scenario`` itself where only the switches link its periods, the scenario
    without its courses and vacancies where they alone do (courses and moves are then chosen by
    estimate), else ``None``."""
    planned = scenario if not decompose.linking_features(scenario) else spanning.without_spanning(scenario)
    return None if planned is None else (planned, possible_placements(planned))


def _plan_by_period(
    scenario: Scenario,
    planned: Scenario,
    allowed: BoolArray,
    time_limit: float,
    started: float,
    run: _Run,
    *,
    start: Plan | None = None,
    anchor: Anchor | None = None,
) -> Result:
    """:func:`solve` by period of ``scenario``, where ``planned`` and ``allowed`` are its
    :func:`_plannable` scenario and possible placements; an ``anchor`` needs ``planned`` to be
    ``scenario`` (see :func:`_by_period`)."""
    if planned is scenario:
        return _solve_by_period(scenario, time_limit, started, run, allowed, start=start, anchor=anchor)
    if anchor is not None:
        raise ValueError("an anchor is planned by period only where nothing but the switches links the periods")
    return _solve_with_spanning_by_period(scenario, planned, allowed, time_limit, started, run, start=start)


#: The first note of a plan by period.
BY_PERIOD_NOTE = (
    "planned period by period (no rule links the periods but the switch count); the bound is the sum of each "
    "period's LP relaxation, or higher where pricing the switches raised it"
)


def _spanning_note(
    scenario: Scenario, allowed: BoolArray, gap: float | None, decisions: spanning.Decisions, tried: str
) -> str:
    """The first note of a plan by period of a pool whose periods only courses and vacancies
    link (:func:`_solve_with_spanning_by_period`): ``gap`` is the plan's gap to its bound by
    period with ``decisions`` fixed, if it has one, and ``tried`` what else was tried."""
    what = spanning.spanning_features(scenario)
    above = f" (the plan is {gap:.2f} % above it)" if gap is not None else ""
    why = (
        f"with {int(allowed.sum()):,} possible placements (more than {decompose.BY_PERIOD_ABOVE:,}), the "
        f"whole-horizon model that could place {what} is not built (for 2,000 workers that takes minutes and "
        "gigabytes)"
    )
    if decisions:
        head = (
            f"{what} chosen by estimate: {why}, so they were chosen from a plan by period without them, each "
            f"priced by what it changes in it, and the pool planned by period again with {decisions.describe()} "
            f"fixed. There is no bound: the one by period holds for these only{above}"
        )
    else:
        head = (
            f"{what} left out: {why}, so this is the plan by period of the scenario without them; none of them "
            f"is required, so it keeps every rule. There is no bound: the one by period holds without them "
            f"only{above}"
        )
    return f"{head}. {tried}. Strategy 'whole' places {what} exactly, given far more time and memory"


def _as_plan_with_decisions(
    scenario: Scenario,
    planned: Result,
    allowed: BoolArray,
    started: float,
    decisions: spanning.Decisions,
    tried: str,
) -> Result:
    """The result for ``scenario`` of planning by period (``planned``) the scenario without
    its courses and vacancies (``allowed``: its possible placements), with ``decisions`` fixed
    (:func:`werkdeling.spanning.fixed`): the plan with those decisions, refereed and costed as
    a plan of ``scenario``. It has no bound: the bound by period holds for those decisions
    only, and others could lower the optimum. The first note says so, with that bound and what
    was ``tried``."""
    terms = planned.stages[0].terms
    rest = tuple(n for n in planned.notes if n != BY_PERIOD_NOTE)
    if planned.plan is None:
        # Without them no plan keeps the hard rules; courses add skills, so with them one
        # might: unknown, not infeasible.
        runtime = time.perf_counter() - started
        stage = Stage(terms=terms, status=Status.UNKNOWN, objective=None, bound=None, runtime=runtime)
        return Result(
            status=Status.UNKNOWN, mode=ObjectiveMode.WEIGHTED, plan=None, objective=None, bound=None,
            runtime=runtime, terms={}, kpis=None, stages=(stage,),
            notes=(_spanning_note(scenario, allowed, None, decisions, tried), *rest),
        )  # fmt: skip
    plan = spanning.with_decisions(scenario, planned.plan, decisions)
    measured, report = refereed(scenario, plan, "planning by period with courses and moves fixed gave")
    fees = spanning.fees_units(scenario, decisions)
    if planned.objective is None or round(planned.objective * OBJECTIVE_SCALE) + fees != report.objective_units:
        raise SolverError(
            f"objective mismatch: with courses and moves fixed {planned.objective} plus {fees / OBJECTIVE_SCALE} in "
            f"fees, with them as decisions {report.objective}; please report this"
        )
    note = _spanning_note(scenario, allowed, gap_pct(planned.objective, planned.bound), decisions, tried)
    runtime = time.perf_counter() - started
    stage = Stage(terms=terms, status=Status.FEASIBLE, objective=report.objective, bound=None, runtime=runtime)
    return Result(
        status=Status.FEASIBLE, mode=ObjectiveMode.WEIGHTED, plan=plan, objective=report.objective,
        bound=None, runtime=runtime, terms=report.terms, kpis=kpis_of(scenario, measured),
        costs=cost_breakdown_of(scenario, measured), stages=(stage,), notes=(note, *rest),
    )  # fmt: skip


#: Share of the time limit for the plan by period without courses and vacancies that
#: :func:`werkdeling.spanning.choose` chooses from, for a large pool whose periods only they link.
SPANNING_FIRST_SHARE = 0.3


def _solve_with_spanning_by_period(
    scenario: Scenario,
    without: Scenario,
    allowed: BoolArray,
    time_limit: float,
    started: float,
    run: _Run,
    *,
    start: Plan | None = None,
) -> Result:
    """:func:`solve` for a pool whose periods only courses and vacancies link: plan ``without``
    (:func:`werkdeling.spanning.without_spanning` of ``scenario``; possible placements
    ``allowed``) by period, from ``start`` if given, choose courses and permanent moves from
    that plan (:mod:`werkdeling.spanning`), plan by period again from it with them fixed, and
    keep the cheaper of the two plans."""
    # Planning by period keeps time to referee its plan once; the kept plan is refereed twice.
    limit = time_limit - _referee_seconds(scenario)
    if not spanning.anything_possible(scenario):
        # No one can train or move (e.g. nobody with a deadline): the whole time for one plan.
        alone = _solve_by_period(without, limit, started, run, allowed, start=start)
        nothing = "No course spell or permanent move is possible here, so none was tried"
        return _as_plan_with_decisions(scenario, alone, allowed, started, spanning.Decisions(), nothing)
    first_limit = time.perf_counter() - started + SPANNING_FIRST_SHARE * limit
    first = _solve_by_period(without, first_limit, started, run, allowed, start=start)
    # Without a plan (no plan keeps the hard rules without them), the decisions are chosen
    # against the empty plan: a course may be what makes the required cover possible.
    decisions = spanning.choose(scenario, first.plan if first.plan is not None else Plan())
    if not decisions and first.plan is None:
        return _as_plan_with_decisions(
            scenario, first, allowed, started, decisions, "Nothing was chosen from the empty plan either"
        )  # fmt: skip
    planned, planned_allowed = spanning.fixed(without, scenario, decisions) if decisions else (without, allowed)
    # The first plan as the start: each period takes its placements where they cost no more
    # (the trainees' and movers' placements the decisions rule out are dropped). On the
    # benchmark pools this neither helped nor hurt (benchmarks/README.md, item 33).
    second = _solve_by_period(
        planned, limit, started, run, planned_allowed, start=first.plan if first.plan is not None else start
    )
    fees = spanning.fees_units(scenario, decisions) / OBJECTIVE_SCALE
    if first.objective is None or (second.objective is not None and second.objective + fees <= first.objective):
        if first.objective is None:
            tried = "Without them no plan keeps every hard rule"
        elif not decisions:
            tried = "Nothing paid by its estimate against the plan by period without them"
        else:
            tried = (
                f"The plan by period without them in {SPANNING_FIRST_SHARE:.0%} of the time, which these were "
                f"chosen from, cost {first.objective:,.2f}"
            )
        return _as_plan_with_decisions(scenario, second, allowed, started, decisions, tried)
    again = f"{second.objective + fees:,.2f}" if second.objective is not None else "found no plan"
    tried = (
        f"Nothing paid by its estimate, and planning by period again {again}"
        if not decisions
        else f"Planned by period again with {decisions.describe()} chosen from this plan fixed, it cost {again}"
    )
    return _as_plan_with_decisions(scenario, first, allowed, started, spanning.Decisions(), tried)


def _no_worse_than(scenario: Scenario, planned: Result, warm_start: Plan, started: float) -> Result:
    """``planned`` (a plan by period given ``warm_start`` as its start), or the warm start
    itself where it keeps every rule and costs less. Each period takes the start's placements
    where they cost no more, but the periods are planned in turn, each against the ones before,
    so the plan made can still cost more than the start as a whole (tested on a hand-made case).
    With the warm start kept, a bound by period stays proven (it holds for every plan); a plan
    with courses chosen by estimate has none."""
    measured = measure(scenario, resolve(scenario, warm_start))
    report = validate_measured(scenario, measured)
    if not report.is_valid or (planned.objective is not None and report.objective >= planned.objective):
        return planned
    bound = planned.bound
    status = (
        Status.OPTIMAL
        if bound is not None and round(bound * OBJECTIVE_SCALE) >= report.objective_units
        else Status.FEASIBLE
    )
    runtime = time.perf_counter() - started
    was = f"{planned.objective:,.2f}" if planned.objective is not None else "no plan"
    note = f"the warm start ({report.objective:,.2f}) costs less than the plan made from it ({was}), so it is returned"
    stage = planned.stages[-1].model_copy(update={"status": status, "objective": report.objective, "runtime": runtime})
    return planned.model_copy(update={
        "status": status, "plan": warm_start, "objective": report.objective, "runtime": runtime,
        "terms": report.terms, "kpis": kpis_of(scenario, measured), "costs": cost_breakdown_of(scenario, measured),
        "stages": (*planned.stages[:-1], stage), "notes": (note, *planned.notes),
    })  # fmt: skip


def _solve_by_period(
    scenario: Scenario,
    time_limit: float,
    started: float,
    run: _Run,
    allowed: BoolArray,
    *,
    start: Plan | None = None,
    anchor: Anchor | None = None,
) -> Result:
    """:func:`solve` by :func:`werkdeling.decompose.plan_by_period`, refereed like any solve;
    ``started`` is when :func:`solve` began (``time.perf_counter()``): counting the possible
    placements took part of ``time_limit`` already, and refereeing the plan takes some after.
    Each period's search may begin from ``start`` (see ``plan_by_period``). With an ``anchor``,
    its frozen periods and forced placements are kept and the objective includes its change
    penalty (:mod:`werkdeling.period_anchor`)."""
    referee = _referee_seconds(scenario)
    planning = max(0.0, (time_limit - (time.perf_counter() - started)) * (1 - REFEREE_SHARE) - referee)
    terms = tuple(t for t in Term if scenario.weights.of(t) > 0)
    mode = ObjectiveMode.WEIGHTED  # the only mode planned by period

    def configure(solver: cp_model.CpSolver, seconds: float) -> None:
        # No max_lp here: on period models CP-SAT's defaults found better plans in the same time,
        # and the bound comes from the LP relaxation anyway.
        _configure(solver, seconds, run.seed, run.num_workers, run.log, run.parameters)

    def on_period(k: int, units: float) -> None:
        if run.progress is not None:
            elapsed = time.perf_counter() - started
            run.progress(Progress(1, 1, terms, elapsed, time_limit, units / OBJECTIVE_SCALE, None))

    kept = None if anchor is None else period_anchor.period_anchor(scenario, anchor, allowed)
    outcome = decompose.plan_by_period(
        scenario, time_limit=planning, run=lambda solver, model: _run(solver, model, None),
        configure=configure, on_period=on_period, allowed=allowed, threads=run.num_workers,
        start=None if start is None else decompose.start_array(scenario, start), anchor=kept,
    )  # fmt: skip
    runtime = time.perf_counter() - started
    notes = [BY_PERIOD_NOTE, *outcome.notes]
    if kept is not None and anchor is not None:
        notes.insert(1, _anchor_note(anchor, kept))
    if anchor is not None and outcome.plan is not None and not _keeps_anchor(scenario, anchor, outcome.plan):
        notes.append(
            "the plan so far leaves out frozen or forced placements of later periods, so none is returned"
            if outcome.stopped
            else "planning by period found no plan that makes every forced placement within the hard rules (see "
            "werkdeling.period_anchor); strategy 'whole' decides whether there is one"
        )
        outcome.plan = None
    if outcome.plan is None:
        status = Status.INFEASIBLE if outcome.infeasible else Status.UNKNOWN
        stage = Stage(terms=terms, status=status, objective=None, bound=None, runtime=runtime)
        return Result(
            status=status, mode=mode, plan=None, objective=None, bound=None, runtime=runtime,
            terms={}, kpis=None, stages=(stage,), notes=tuple(notes),
        )  # fmt: skip
    measured, report = refereed(scenario, outcome.plan, "planning by period gave")
    changes = None if anchor is None else diff_plans(anchor.plan, outcome.plan)
    change_units = 0
    if anchor is not None and changes is not None:
        change_units = anchor.change_penalty * OBJECTIVE_SCALE * changes.changed_placements
    total = report.objective_units + change_units
    if total != outcome.expected_units:
        raise SolverError(
            f"objective mismatch: period models {outcome.expected_units} units, plan {total} units; please report this"
        )
    bound = outcome.bound_units / OBJECTIVE_SCALE if outcome.bound_units is not None else None
    status = Status.OPTIMAL if outcome.bound_units == total else Status.FEASIBLE
    stage = Stage(terms=terms, status=status, objective=total / OBJECTIVE_SCALE, bound=bound, runtime=runtime)
    return Result(
        status=status, mode=mode, plan=outcome.plan, objective=report.objective, bound=bound, runtime=runtime,
        terms=report.terms, kpis=kpis_of(scenario, measured), costs=cost_breakdown_of(scenario, measured),
        changes=changes, change_cost=change_units / OBJECTIVE_SCALE, stages=(stage,), notes=tuple(notes),
    )  # fmt: skip


def _anchor_note(anchor: Anchor, kept: period_anchor.PeriodAnchor) -> str:
    """The note on a plan by period that stays close to ``anchor``."""
    return (
        f"re-planned from the plan in force: {int(kept.frozen.sum())} frozen period(s) kept as planned, and "
        f"{anchor.change_penalty} point(s) per changed worker-period in each period's costs; the bound includes "
        "the change penalty"
    )


def _keeps_anchor(scenario: Scenario, anchor: Anchor, plan: Plan) -> bool:
    """Whether ``plan`` has exactly the anchor plan's placements in its frozen periods, and every
    forced placement (hours aside)."""
    positions = scenario.horizon.positions

    def frozen(placements: tuple[Placement, ...]) -> list[tuple[str, str, RowKey]]:
        return sorted((p.worker, p.period, row_key(p)) for p in placements if anchor.is_frozen(positions[p.period]))

    return frozen(anchor.plan.placements) == frozen(plan.placements) and _has_forced(anchor.forced, plan)


def _configure(
    solver: cp_model.CpSolver,
    seconds: float,
    seed: int,
    num_workers: int | None,
    log: bool,
    parameters: dict[str, Any] | None,
) -> None:
    """Set the time, seed, workers and log of a solve, then the caller's own ``parameters``."""
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    if num_workers is not None:
        solver.parameters.num_workers = num_workers
    for name, value in (parameters or {}).items():
        if not hasattr(solver.parameters, name):
            raise ValueError(f"'{name}' is not a CP-SAT parameter")
        if isinstance(value, list | tuple):  # a repeated parameter, e.g. subsolvers
            field = getattr(solver.parameters, name)
            field.clear()
            field.extend(value)
        else:
            setattr(solver.parameters, name, value)
    # Ctrl-C is handled in _run, so the plan found so far is kept.
    solver.parameters.catch_sigint_signal = False


def solve(
    scenario: Scenario,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int | None = None,
    log: bool = False,
    warm_start: Plan | None = None,
    mode: ObjectiveMode | str | None = None,
    parameters: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    anchor: Anchor | None = None,
    strategy: Strategy | str = Strategy.AUTO,
) -> Result:
    """Find the best plan for ``scenario``.

    Parameters
    ----------
    time_limit
        Seconds for the whole solve (shared between stages in lexicographic mode).
    seed
        Random seed. With ``num_workers=1`` the same seed and scenario give the same plan.
    num_workers
        CP-SAT search workers; ``None`` lets CP-SAT use every core. Planning by period also
        prices the switches on this many threads (``None``: one per core).
    log
        Print CP-SAT's search log to stdout.
    warm_start
        An earlier plan to start from; rows impossible in this scenario are ignored. Without
        one, the whole-horizon model starts from the plan by period (made in at most
        ``START_SECONDS``) where the pool can be planned by period, else from a greedy plan
        (:mod:`werkdeling.heuristic`). Planning by period takes the warm start's placements in
        each period where they cost no more than the period's plan searched from its rounded
        LP, and returns the warm start itself, with a note, if it keeps every rule and still
        costs less than the plan made.
    mode
        ``weighted`` or ``lexicographic``; defaults to ``scenario.objective.mode``.
    parameters
        Further CP-SAT parameters by name (e.g. ``{"linearization_level": 2}``), set last.
    progress
        Called with a :class:`Progress` at each better plan and each better bound (from CP-SAT's
        threads: keep it short).
    anchor
        A plan in force to stay close to (see :class:`~werkdeling.model.Anchor`): frozen periods
        keep it, forced placements are made, and each changed worker-period costs
        ``anchor.change_penalty`` on top of the scenario's objective (in the last stage in
        lexicographic mode). ``Result.changes`` then lists the changes; ``Result.objective``
        stays the scenario's own cost. It is also the warm start unless one is given. It is
        planned by period where ``strategy`` would plan by period and nothing but the switches
        links the periods (:mod:`werkdeling.period_anchor`): frozen periods and forced
        placements become fixed candidates, and the change penalty a cost per placement.
    strategy
        ``whole``: one model of the whole horizon. ``by_period``: plan period by period, with
        a proven bound from each period's LP relaxation (see :mod:`werkdeling.decompose`; only
        for scenarios without rules that link periods, else ``InputError``). ``auto`` (the
        default) plans by period when the scenario allows it, is solved in weighted mode and
        has more than ``decompose.BY_PERIOD_ABOVE`` possible placements, or nothing but the
        switches links its periods and ``time_limit`` is under ``START_SECONDS_PER_PLACEMENT``
        (1 ms) per possible placement; else as a whole. Where courses (``trainings``) and
        vacancies are all that links the periods, there are that many placements without them
        and there is no anchor, ``auto`` chooses courses and permanent moves by estimate and
        plans by period with them fixed
        (:mod:`werkdeling.spanning`): the model that could place them exactly would not even be
        built in the time limit. A note says so, and the result has no bound (the bound by
        period holds only for what was fixed). ``whole`` still places them exactly there, given
        far more time and memory.

    Ctrl-C (KeyboardInterrupt) stops the search; the result then holds the best plan found so
    far, with a note saying so, instead of raising.
    """
    started = time.perf_counter()
    mode = ObjectiveMode(mode) if mode is not None else scenario.objective.mode
    if (by_period := _by_period(scenario, Strategy(strategy), mode, anchor, time_limit)) is not None:
        planned_scenario, allowed = by_period
        # Keep time to measure the warm start against the plan (_no_worse_than).
        limit = time_limit - (_referee_seconds(scenario) if warm_start is not None else 0.0)
        run = _Run(seed, num_workers, log, parameters, progress)
        if anchor is not None:
            # The plan in force is the start: where keeping a period's placements costs no
            # more, the period keeps them (decompose._or_start).
            start = warm_start if warm_start is not None else anchor.plan
            return _plan_by_period(
                scenario, planned_scenario, allowed, time_limit, started, run, start=start, anchor=anchor
            )
        planned = _plan_by_period(scenario, planned_scenario, allowed, limit, started, run, start=warm_start)
        return planned if warm_start is None else _no_worse_than(scenario, planned, warm_start, started)
    build_started = time.perf_counter()
    built = build_model(scenario, anchor=anchor)
    notes: list[str] = []
    if (building := time.perf_counter() - build_started) > SLOW_BUILD_SHARE * time_limit:
        links = decompose.linking_features(scenario)
        why = f" (what keeps this pool from being planned period by period: {', '.join(links)})" if links else ""
        notes.append(
            f"building the model of the whole horizon ({len(built.model.proto.variables):,} variables) took "
            f"{building:.1f} s of the {time_limit:g} s time limit, so the search had little or none of it: allow "
            f"more time{why}"
        )
    start = _start(scenario, warm_start, anchor)
    if warm_start is None and anchor is None and mode is ObjectiveMode.WEIGHTED:
        quiet = _Run(seed, num_workers, False, None, _within(progress, started, time_limit))
        start = _start_by_period(scenario, start, min(START_SHARE * time_limit, START_SECONDS), quiet, notes)
    notes += hint_plan(built, start)
    levels = _levels(built, mode)

    stages: list[Stage] = []
    plan: Plan | None = None
    last_solver: cp_model.CpSolver | None = None
    last_level: tuple[Term, ...] = ()
    last_with_changes = False
    stopped = False
    for k, level in enumerate(levels):
        remaining = max(0.0, time_limit - (time.perf_counter() - started))
        solver = cp_model.CpSolver()
        default_parameters(solver, num_workers)
        _configure(solver, remaining / (len(levels) - k), seed, num_workers, log, parameters)
        objective = built.objective(level, with_changes=k == len(levels) - 1)
        built.model.minimize(objective)
        if k == 0 and len(built.model.proto.variables) <= HINT_VARIABLES_LIMIT:
            _complete_hint(built, min(HINT_SECONDS, remaining / 2))
        reporter = None
        if progress is not None:
            template = Progress(k + 1, len(levels), level, 0.0, time_limit, None, None)
            reporter = _Reporter(progress, template, started)
            solver.best_bound_callback = reporter.on_bound
        raw_status, interrupted = _run(solver, built.model, reporter)
        stopped = stopped or interrupted
        status = STATUS.get(raw_status)
        if status is None:
            raise SolverError(f"CP-SAT rejected the model ({solver.status_name()}); please report this")
        found = status in (Status.OPTIMAL, Status.FEASIBLE)
        stages.append(
            Stage(
                terms=level,
                status=status,
                objective=solver.objective_value / OBJECTIVE_SCALE if found else None,
                bound=solver.best_objective_bound / OBJECTIVE_SCALE if found else None,
                runtime=solver.wall_time,
            )
        )
        if interrupted:
            notes.append(f"stopped by the user after {time.perf_counter() - started:.1f} s; this is the best plan "
                         "found so far" if found else "stopped by the user before a plan was found")  # fmt: skip
        if not found:
            break
        plan, last_solver, last_level = read_plan(built, solver.value), solver, level
        last_with_changes = k == len(levels) - 1
        if interrupted:
            break
        if k < len(levels) - 1:
            # Fix this level at the value found, and start the next level from this solution. Every
            # variable is hinted (helpers too), so the next stage has a complete feasible solution
            # at once and never ends without a plan.
            built.model.add(objective <= round(solver.objective_value))
            built.model.clear_hints()
            for index in range(len(built.model.proto.variables)):
                var = built.model.get_int_var_from_proto_index(index)
                built.model.add_hint(var, solver.value(var))

    runtime = time.perf_counter() - started
    if plan is None or last_solver is None:
        status = stages[0].status if stages[0].status is Status.INFEASIBLE else Status.UNKNOWN
        in_force = anchor is not None and warm_start is None and _has_forced(anchor.forced, anchor.plan)
        if status is Status.UNKNOWN and (anchor is None or in_force) and start.placements:
            # Out of time before CP-SAT's first plan: the plan it started from, where it keeps
            # every rule, is returned rather than nothing. With an anchor that is the plan in
            # force (it keeps the frozen periods and, checked above, the forced placements).
            measured = measure(scenario, resolve(scenario, start))
            report = validate_measured(scenario, measured)
            if report.is_valid:
                what = (
                    "the plan in force, unchanged"
                    if anchor is not None
                    else "the plan it started from (the greedy plan, the plan by period or the warm start)"
                )
                notes.append(f"the solver found no plan within the time limit; this is {what}, not optimised: "
                             "allow more time")  # fmt: skip
                return Result(
                    status=Status.FEASIBLE, mode=mode, plan=start, objective=report.objective, bound=None,
                    runtime=runtime, terms=report.terms, kpis=kpis_of(scenario, measured),
                    costs=cost_breakdown_of(scenario, measured), stages=tuple(stages), notes=tuple(notes),
                    changes=None if anchor is None else diff_plans(anchor.plan, start),
                )  # fmt: skip
        return Result(
            status=status, mode=mode, plan=None, objective=None, bound=None, runtime=runtime,
            terms={}, kpis=None, stages=tuple(stages), notes=tuple(notes),
        )  # fmt: skip

    # The referee measures the plan from scratch; the KPIs reuse that measurement.
    measured, report = refereed(scenario, plan, "the solver returned")
    expected = sum(report.terms[t].cost_units for t in last_level)
    changes = diff_plans(anchor.plan, plan) if anchor is not None else None
    change_units = 0
    if anchor is not None and changes is not None and last_with_changes:
        change_units = anchor.change_penalty * OBJECTIVE_SCALE * changes.changed_placements
        expected += change_units
    if round(last_solver.objective_value) != expected:
        raise SolverError(
            f"objective mismatch: solver {last_solver.objective_value:.0f} units, "
            f"plan {expected} units; please report this"
        )
    all_optimal = all(s.status is Status.OPTIMAL for s in stages) and len(stages) == len(levels) and not stopped
    weighted = mode is ObjectiveMode.WEIGHTED
    return Result(
        status=Status.OPTIMAL if all_optimal else Status.FEASIBLE,
        mode=mode,
        plan=plan,
        objective=report.objective,
        bound=stages[0].bound if weighted else None,
        runtime=runtime,
        terms=report.terms,
        kpis=kpis_of(scenario, measured),
        costs=cost_breakdown_of(scenario, measured),
        changes=changes,
        change_cost=change_units / OBJECTIVE_SCALE,
        stages=tuple(stages),
        notes=tuple(notes),
    )
