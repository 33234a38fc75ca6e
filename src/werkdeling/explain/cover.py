"""Who could cover a gap, and why it is not covered now.

:func:`who_can_cover` ranks every worker who could take an employer's role in one period by the
cost change of the *whole* plan when they do: for each candidate the plan is re-optimised with
that placement forced, from the current plan (warm start) and with a penalty per changed
worker-period (see :mod:`werkdeling.model.anchor`), so the answer includes who fills the hole
they leave behind. The model is built once; each candidate only fixes one variable, which keeps
a 100-worker pool within seconds. The baseline is the same re-optimisation without forcing, so
a current plan that could be improved anyway does not flatter the candidates.

:func:`explain_shortfall` says, per worker, why they are not there: a fact of the scenario (skill,
availability, travel limit, ...), a rule that moving only them would break (the validator's own
words), or the cost of moving them once re-optimised; and it names the cheapest change.

Costs here are the scenario's weighted objective plus the change penalty (lexicographic
scenarios are ranked by their weighted sum).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict

from werkdeling.errors import InputError, SolverError
from werkdeling.evaluation.diff import diff_plans
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.evaluation.validation import validate, validate_measured
from werkdeling.explain.reasons import Obstacle, km, obstacles
from werkdeling.model import Anchor, BuiltModel, build_model
from werkdeling.model.build import placement_of, read_plan
from werkdeling.plan import Placement, Plan
from werkdeling.replan.replan import DEFAULT_CHANGE_PENALTY
from werkdeling.result import Status
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario
from werkdeling.solver import STATUS, default_parameters, hint_plan, refereed


class Candidate(BaseModel):
    """One worker who could take the gap, and what it costs once the plan is re-optimised.

    ``cost_change`` (points) is against the baseline of :class:`CoverOptions`, the plan
    re-optimised with nobody forced (it may already fill the gap: then its worker shows +0);
    ``total_change`` is against the plan in force, change penalties included. ``proven`` means
    CP-SAT proved the re-optimised plan best, so the cost change is exact rather than an upper
    bound. ``changes`` lists what changes against the current plan.
    """

    model_config = ConfigDict(frozen=True)

    worker: str
    #: A plan with them there was found; when not, ``proven`` tells impossible from out of time.
    possible: bool
    #: Whether their case was re-optimised (only the ``top`` most promising ones are).
    reoptimised: bool = True
    #: Cost change against the plan in force of moving only them (penalty included), if that
    #: keeps every rule; else the rules it breaks.
    direct_change: float | None = None
    direct_breaks: tuple[str, ...] = ()
    cost_change: float | None = None
    total_change: float | None = None
    objective: float | None = None
    changed_placements: int | None = None
    proven: bool = False
    changes: tuple[str, ...] = ()
    plan: Plan | None = None


class CoverOptions(BaseModel):
    """Outcome of :func:`who_can_cover`: candidates ranked cheapest first, then the impossible ones."""

    model_config = ConfigDict(frozen=True)

    employer: str
    role: str
    period: str
    placed_hours: float
    desired_hours: float
    already_there: tuple[str, ...]
    #: Cost of the plan in force (no change penalty).
    current_cost: float
    #: Cost of the plan re-optimised with nobody forced, change penalty included.
    baseline_cost: float
    baseline_proven: bool
    candidates: tuple[Candidate, ...]
    not_eligible: dict[str, tuple[str, ...]]
    #: The periods that were re-optimised (the plan in force is kept in the others).
    periods: str
    runtime: float

    @property
    def possible(self) -> tuple[Candidate, ...]:
        """Re-optimised candidates with a plan, cheapest first."""
        return tuple(c for c in self.candidates if c.possible and c.reoptimised)

    def summary(self) -> str:
        lines = [
            f"'{self.employer}' {self.role} {self.period}: {self.placed_hours:,.1f} h placed of "
            f"{self.desired_hours:,.1f} h desired"
            + (f"; there now: {', '.join(self.already_there)}" if self.already_there else ""),
            f"plan in force costs {self.current_cost:,.1f}; re-optimised with nobody forced "
            f"{self.baseline_cost:,.1f} (change penalties included"
            + ("" if self.baseline_proven else ", not proven best")
            + "). Cost change against that, per worker placed there:",
        ]
        if not self.possible:
            lines.append("  nobody else can be placed there under the rules")
        for rank, c in enumerate(self.possible, start=1):
            exact = "" if c.proven else "  (best found in time)"
            lines.append(
                f"  {rank:>2}. {c.worker:<16} {c.cost_change:>+12,.1f}  {c.changed_placements} change(s){exact}"
            )
            lines += [f"        {line}" for line in c.changes[:6]]
            if len(c.changes) > 6:
                lines.append(f"        ... and {len(c.changes) - 6} more")
        screened = [c for c in self.candidates if not c.reoptimised]
        if screened:
            lines.append("  not re-optimised (less promising when moved on their own):")
            for c in screened:
                direct = f"{c.direct_change:+,.1f} moving only them" if c.direct_change is not None else "breaks a rule"
                lines.append(f"      {c.worker:<16} {direct}")
        impossible = [c.worker for c in self.candidates if not c.possible and c.proven and c.reoptimised]
        if impossible:
            lines.append(f"  no plan keeps every rule with them there: {', '.join(impossible)}")
        undecided = [c.worker for c in self.candidates if not c.possible and not c.proven and c.reoptimised]
        if undecided:
            lines.append(f"  no plan with them there found in time (allow more time): {', '.join(undecided)}")
        lines.append(f"re-optimised periods: {self.periods}")
        return "\n".join(lines)


def locate(scenario: Scenario, employer: str, role: str, period: str) -> tuple[int, int]:
    """(slot, period position) of an employer's role in a period; InputError names what is wrong."""
    e = scenario.employer_index.get(employer)
    if e is None:
        raise InputError([f"employer '{employer}' is not in the scenario ({', '.join(scenario.employer_index)})"])
    slot = scenario.quantities.slot_index.get((e, role))
    if slot is None:
        roles = ", ".join(d.role for d in scenario.employers[e].demand) or "none"
        raise InputError([f"employer '{employer}' has no demand for role '{role}' (roles: {roles})"])
    try:
        return slot, scenario.horizon.index(period)
    except ValueError as exc:
        raise InputError([str(exc)]) from None


class _Reoptimiser:
    """One anchored model, re-solved with different placements forced."""

    def __init__(self, built: BuiltModel, current: Plan, seed: int, num_workers: int | None) -> None:
        self.built, self.current, self.seed, self.num_workers = built, current, seed, num_workers
        built.model.minimize(built.objective())

    def solve(self, hint: Plan, time_limit: float) -> tuple[Plan | None, int, bool]:
        """(plan or None, cost units including the change penalty, proven optimal)."""
        hint_plan(self.built, hint)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit)
        solver.parameters.random_seed = self.seed
        if self.num_workers is not None:
            solver.parameters.num_workers = self.num_workers
        default_parameters(solver, self.num_workers)
        status = STATUS.get(solver.solve(self.built.model))
        if status not in (Status.OPTIMAL, Status.FEASIBLE):
            return None, 0, status is Status.INFEASIBLE
        plan = read_plan(self.built, solver.value)
        units = self._referee(plan)
        if units != round(solver.objective_value):
            raise SolverError(
                f"objective mismatch: solver {solver.objective_value:.0f}, plan {units}; please report this"
            )
        return plan, units, status is Status.OPTIMAL

    def _referee(self, plan: Plan) -> int:
        _, report = refereed(self.built.scenario, plan, "re-optimising returned")
        changed = diff_plans(self.current, plan).changed_placements
        return report.objective_units + self.built.change_penalty * OBJECTIVE_SCALE * changed


def _placement(scenario: Scenario, w: int, p: int, s: int) -> Placement:
    """Worker ``w`` in slot ``s`` for all of period ``p``."""
    return placement_of(scenario, w, p, s, int(scenario.quantities.capacity_minutes[w, p]))


def _direct(scenario: Scenario, plan: Plan, placement: Placement, penalty: int) -> tuple[int | None, tuple[str, ...]]:
    """Cost units of moving only this worker (penalty included), or the rules that breaks."""
    moved = _moved(plan, placement)
    before = {(v.rule, v.message) for v in validate(scenario, plan).violations}
    report = validate(scenario, moved)
    broken = tuple(f"[{v.rule}] {v.message}" for v in report.violations if (v.rule, v.message) not in before)
    if broken:
        return None, broken
    return report.objective_units + penalty * OBJECTIVE_SCALE * diff_plans(plan, moved).changed_placements, ()


def _moved(plan: Plan, placement: Placement) -> Plan:
    """``plan`` with the worker taken out of their period and put in ``placement``."""
    kept = [p for p in plan.placements if (p.worker, p.period) != (placement.worker, placement.period)]
    return Plan(placements=(*kept, placement), trainings=plan.trainings, transitions=plan.transitions)


def who_can_cover(
    scenario: Scenario,
    plan: Plan,
    employer: str,
    role: str,
    period: str,
    *,
    workers: Sequence[str] | None = None,
    change_penalty: int = DEFAULT_CHANGE_PENALTY,
    frozen_periods: int = 0,
    window: int | None = 1,
    top: int | None = 10,
    time_limit: float = 5.0,
    seed: int = 0,
    num_workers: int | None = None,
) -> CoverOptions:
    """Rank the workers who could take ``role`` at ``employer`` in ``period``.

    ``workers`` limits the candidates (all workers by default). Only the periods within
    ``window`` of the gap are re-optimised (the plan in force is kept elsewhere), which is what
    keeps a large pool within seconds; ``window=None`` re-optimises every period from
    ``frozen_periods`` on. Every candidate is first costed by moving only them (the validator's
    cost of that plan, or the rules it breaks); the ``top`` most promising are then re-optimised
    (all of them with ``top=None``) and ranked first, the others follow by the direct cost.
    ``time_limit`` is shared by the baseline and the re-optimised candidates; a candidate whose
    re-optimisation is not proven best within its share shows ``proven=False``.
    """
    started = time.perf_counter()
    s, p = locate(scenario, employer, role, period)
    first = frozen_periods if window is None else max(frozen_periods, p - window)
    until = None if window is None else p + window + 1
    anchor = Anchor(plan=plan, frozen_periods=first, open_until=until, change_penalty=change_penalty)
    built = build_model(scenario, anchor=anchor)
    pv = built.variables
    q = scenario.quantities
    labels = scenario.horizon.labels
    measured = measure(scenario, resolve(scenario, plan))
    there = sorted({r.worker for r in measured.resolved.rows if (r.slot, r.period) == (s, p)})
    asked = range(len(scenario.workers)) if workers is None else [_worker(scenario, w) for w in workers]
    candidates = [w for w in asked if (w, p, s) in pv.x and w not in there and p >= first]
    not_eligible = {}
    for w in asked:
        if (w, p, s) not in pv.x and w not in there:
            reasons = [r.text for r in obstacles(scenario, w, s, p) if r.obstacle is not Obstacle.NEEDS_TRAINING]
            not_eligible[scenario.workers[w].id] = tuple(reasons or ["a whole period does not fit the hours taken"])
        elif p < first and w not in there:
            not_eligible[scenario.workers[w].id] = (f"{period} is frozen",)

    current = validate_measured(scenario, measured)
    if not current.is_valid:
        raise InputError(["the plan in force breaks rules; fix it first:", *(v.message for v in current.violations)])
    current_units = current.objective_units
    direct = {w: _direct(scenario, plan, _placement(scenario, w, p, s), change_penalty) for w in candidates}
    candidates.sort(key=lambda w: (direct[w][0] is None, direct[w][0] or 0, scenario.workers[w].id))
    screened_out = candidates[top:] if top is not None else []
    candidates = candidates[:top] if top is not None else candidates
    reoptimiser = _Reoptimiser(built, plan, seed, num_workers)
    share = time_limit / (len(candidates) + 1)
    baseline, baseline_units, baseline_proven = reoptimiser.solve(plan, share)
    if baseline is None or current_units < baseline_units:
        # Nothing (as good) found in time: the plan in force itself is the baseline.
        baseline, baseline_units, baseline_proven = plan, current_units, False
    found: list[Candidate] = []
    for w in candidates:
        x = pv.x[(w, p, s)]
        x.proto.domain[0] = 1  # force the placement for this solve only
        try:
            placement = _placement(scenario, w, p, s)
            remaining = time_limit - (time.perf_counter() - started)
            forced, units, proven = reoptimiser.solve(
                _moved(baseline, placement), remaining / (len(candidates) - len(found))
            )
        finally:
            x.proto.domain[0] = 0
        units_direct, breaks = direct[w]
        change = None if units_direct is None else (units_direct - current_units) / OBJECTIVE_SCALE
        if units_direct is not None and (forced is None or units_direct < units):
            # Moving only them is a valid plan too; the search did not beat it in time.
            forced, units, proven = _moved(plan, placement), units_direct, False
        if forced is None:
            found.append(
                Candidate(
                    worker=scenario.workers[w].id,
                    possible=False,
                    proven=proven,
                    direct_change=change,
                    direct_breaks=breaks,
                )
            )
            continue
        diff = diff_plans(plan, forced)
        found.append(
            Candidate(
                worker=scenario.workers[w].id,
                possible=True,
                cost_change=(units - baseline_units) / OBJECTIVE_SCALE,
                total_change=(units - current_units) / OBJECTIVE_SCALE,
                objective=(units - change_penalty * OBJECTIVE_SCALE * diff.changed_placements) / OBJECTIVE_SCALE,
                changed_placements=diff.changed_placements,
                proven=proven and baseline_proven,
                direct_change=change,
                direct_breaks=breaks,
                changes=tuple(diff.lines(scenario.horizon.labels)),
                plan=forced,
            )
        )
    found.sort(key=lambda c: (not c.possible, c.cost_change or 0.0, c.changed_placements or 0, c.worker))
    for w in screened_out:
        units_direct, breaks = direct[w]
        change = None if units_direct is None else (units_direct - current_units) / OBJECTIVE_SCALE
        found.append(
            Candidate(
                worker=scenario.workers[w].id,
                possible=units_direct is not None,
                reoptimised=False,
                direct_change=change,
                direct_breaks=breaks,
            )
        )
    return CoverOptions(
        employer=employer,
        role=role,
        period=period,
        placed_hours=int(measured.covered[s, p]) / 60,
        desired_hours=int(q.slots[s].desired[p]) / 60,
        already_there=tuple(scenario.workers[w].id for w in there),
        current_cost=current_units / OBJECTIVE_SCALE,
        baseline_cost=baseline_units / OBJECTIVE_SCALE,
        baseline_proven=baseline_proven,
        candidates=tuple(found),
        not_eligible=not_eligible,
        periods=f"{labels[first]}..{labels[min(until or len(labels), len(labels)) - 1]}",
        runtime=time.perf_counter() - started,
    )


def _worker(scenario: Scenario, worker: str) -> int:
    if worker not in scenario.worker_index:
        raise InputError([f"worker '{worker}' is not in the scenario"])
    return scenario.worker_index[worker]


class WorkerSituation(BaseModel):
    """Where one worker stands with respect to a gap, in words."""

    model_config = ConfigDict(frozen=True)

    worker: str
    situation: str
    reasons: tuple[str, ...]
    cost_change: float | None = None


class ShortfallExplanation(BaseModel):
    """Outcome of :func:`explain_shortfall`; the gap itself is described by ``options``."""

    model_config = ConfigDict(frozen=True)

    required_hours: float
    workers: tuple[WorkerSituation, ...]
    cheapest: str
    options: CoverOptions

    @property
    def placed_hours(self) -> float:
        return self.options.placed_hours

    @property
    def desired_hours(self) -> float:
        return self.options.desired_hours

    def summary(self) -> str:
        short = max(0.0, self.desired_hours - self.placed_hours)
        lines = [
            f"'{self.options.employer}' {self.options.role} {self.options.period}: "
            f"{self.placed_hours:,.1f} h placed; required "
            f"{self.required_hours:,.1f} h, desired {self.desired_hours:,.1f} h"
            + (f" ({short:,.1f} h short)" if short else " (covered)"),
            "",
        ]
        for situation in self.workers:
            cost = f"  [re-optimised {situation.cost_change:+,.1f}]" if situation.cost_change is not None else ""
            lines.append(f"  {situation.worker}: {situation.situation}{cost}")
            lines += [f"      - {reason}" for reason in situation.reasons]
        lines += ["", f"cheapest change: {self.cheapest}"]
        return "\n".join(lines)


def explain_shortfall(
    scenario: Scenario,
    plan: Plan,
    employer: str,
    role: str,
    period: str,
    *,
    change_penalty: int = DEFAULT_CHANGE_PENALTY,
    frozen_periods: int = 0,
    window: int | None = 1,
    top: int | None = 10,
    time_limit: float = 5.0,
    seed: int = 0,
    num_workers: int | None = None,
) -> ShortfallExplanation:
    """Why ``role`` at ``employer`` in ``period`` is not (fully) covered by ``plan``, per worker,
    and the cheapest change that would cover it. The options are those of :func:`who_can_cover`."""
    s, p = locate(scenario, employer, role, period)
    q = scenario.quantities
    m = measure(scenario, resolve(scenario, plan))
    options = who_can_cover(
        scenario, plan, employer, role, period, change_penalty=change_penalty, frozen_periods=frozen_periods,
        window=window, top=top, time_limit=time_limit, seed=seed, num_workers=num_workers,
    )  # fmt: skip
    options_by_worker = {c.worker: c for c in options.candidates}
    rows_at: dict[int, list[str]] = {}
    for row in m.resolved.rows:
        if row.period == p:
            rows_at.setdefault(row.worker, []).append(f"'{row.placement.employer}' ({row.placement.role})")
    situations = []
    for w, worker in enumerate(scenario.workers):
        if worker.id in options.already_there:
            situations.append(WorkerSituation(worker=worker.id, situation="works there", reasons=()))
            continue
        if worker.id in options.not_eligible:
            situations.append(
                WorkerSituation(worker=worker.id, situation="cannot", reasons=options.not_eligible[worker.id])
            )
            continue
        if not m.in_pool[w, p]:
            where = "left the pool for a permanent job"
        elif m.training_at[w, p]:
            where = "in training"
        elif w in rows_at:
            where = "works for " + " + ".join(rows_at[w])
        else:
            where = "idle"
        candidate = options_by_worker[worker.id]
        if candidate.direct_breaks:
            reasons = [f"moving only them breaks {broken}" for broken in candidate.direct_breaks]
        else:
            reasons = [
                f"moving only them changes the cost by {candidate.direct_change:+,.1f} (change penalty included)"
            ]
        if candidate.reoptimised and not candidate.possible:
            reasons.append(
                "no plan keeps every rule with them there"
                if candidate.proven
                else "no plan with them there found in time"
            )
        situations.append(
            WorkerSituation(
                worker=worker.id,
                situation=where,
                reasons=tuple(reasons),
                cost_change=candidate.cost_change,
            )
        )
    cheapest = _cheapest(scenario, plan, options, s, p, change_penalty, frozen_periods, time_limit, seed, num_workers)
    slot = q.slots[s]
    return ShortfallExplanation(
        required_hours=int(slot.required[p]) / 60,
        workers=tuple(situations),
        cheapest=cheapest,
        options=options,
    )


def _cheapest(
    scenario: Scenario,
    plan: Plan,
    options: CoverOptions,
    s: int,
    p: int,
    change_penalty: int,
    frozen_periods: int,
    time_limit: float,
    seed: int,
    num_workers: int | None,
) -> str:
    """The cheapest placement; failing that, the cheapest longer trip a worker could agree to."""
    if options.possible:
        best = options.possible[0]
        return (
            f"place '{best.worker}' there: {best.changed_placements} changed placement(s), "
            f"{best.total_change:+,.1f} against the plan in force (change penalties included)"
        )
    q = scenario.quantities
    slot = q.slots[s]
    travel_only = [
        w
        for w in range(len(scenario.workers))
        if (reasons := obstacles(scenario, w, s, p)) and all(r.obstacle is Obstacle.TRAVEL for r in reasons)
    ]
    travel_only.sort(key=lambda w: int(q.distance_hm[w, slot.employer]))
    for w in travel_only[:3]:
        worker = scenario.workers[w]
        needed = math.ceil(int(q.distance_hm[w, slot.employer]) / 10)
        edited = [
            x
            if x.id != worker.id
            else type(x).model_validate({**x.model_dump(exclude_unset=True), "max_travel_km": needed})
            for x in scenario.workers
        ]
        relaxed = scenario.replace(workers=tuple(edited))
        try:
            again = who_can_cover(
                relaxed, plan, options.employer, options.role, options.period, workers=[worker.id],
                change_penalty=change_penalty, frozen_periods=frozen_periods, time_limit=time_limit / 3, seed=seed,
                num_workers=num_workers,
            )  # fmt: skip
        except InputError:
            continue
        if again.possible:
            best = again.possible[0]
            return (
                f"let '{worker.id}' travel {needed} km (limit now {km(int(q.travel_limit_hm[w]))}) and place them "
                f"there: {best.total_change:+,.1f} against the plan in force (change penalties included)"
            )
    return f"nobody in the pool can cover it: train or hire someone with '{slot.role}' who can work in {options.period}"
