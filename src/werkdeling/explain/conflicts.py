"""Why a scenario has no plan: small sets of conflicting rules, in the scenario's own words.

The model is built with a literal per rule instance (:mod:`werkdeling.model.guards`) and no
objective, and solved with all literals as assumptions. When it is infeasible, CP-SAT returns a
*sufficient* set of assumptions (rules that cannot all hold together). That set is shrunk by
deletion: drop one rule, solve again; if it stays infeasible, the rule was not needed. What
remains is minimal: every rule in it is needed for the conflict. Those rules are then switched
off and the search repeats, so that several independent conflicts are all found and switching
off every rule named makes the scenario feasible (checked, and reported as ``complete``).

Assumptions do not combine with an objective or with parallel search, hence a separate,
single-threaded feasibility solve.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from werkdeling.explain.reasons import Obstacle, fte, hours, km, obstacles
from werkdeling.model import build_model
from werkdeling.model.build import BuiltModel
from werkdeling.model.guards import Guarded, RuleRef
from werkdeling.scenario import Scenario


class ConflictRule(BaseModel):
    """One rule instance taking part in a conflict.

    ``setting`` is the scenario field to change; ``fix`` says how. ``ref`` identifies the rule
    instance for :func:`feasible_without`.
    """

    model_config = ConfigDict(frozen=True)

    setting: str
    message: str
    fix: str
    worker: str | None = None
    employer: str | None = None
    role: str | None = None
    period: str | None = None
    ref: RuleRef = Field(exclude=True)


class Conflict(BaseModel):
    """Rules that cannot all hold together, and the facts of the scenario that make it so.

    ``minimal``: every rule is needed (dropping any one of them removes this conflict). It is
    ``False`` only when a check ran out of time; the set is then still a conflict.
    """

    model_config = ConfigDict(frozen=True)

    rules: tuple[ConflictRule, ...]
    facts: tuple[str, ...]
    minimal: bool


class InfeasibilityExplanation(BaseModel):
    """Outcome of :func:`explain_infeasibility`.

    ``feasible`` means the hard rules can all hold (a missing plan was then a matter of time).
    ``complete`` means that switching off every rule named in ``conflicts`` was checked to make
    the scenario feasible; ``False`` when ``max_conflicts`` or the time limit cut the search short.
    """

    model_config = ConfigDict(frozen=True)

    feasible: bool | None
    conflicts: tuple[Conflict, ...]
    complete: bool
    runtime: float
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.feasible:
            return (
                "the hard rules can all be kept: the scenario has a plan (give the solver more time if none was found)"
            )
        if self.feasible is None and not self.conflicts:
            return "could not decide within the time limit whether the hard rules conflict; allow more time"
        lines = [f"the scenario has no plan: {len(self.conflicts)} conflict(s) among its rules"]
        for k, conflict in enumerate(self.conflicts, start=1):
            lines.append("")
            what = "this rule cannot hold" if len(conflict.rules) == 1 else "these rules cannot all hold"
            lines.append(f"conflict {k}: {what}" + ("" if conflict.minimal else " (maybe not minimal)"))
            lines += [f"  - {rule.message}" for rule in conflict.rules]
            if conflict.facts:
                lines.append("  because:")
                lines += [f"    {fact}" for fact in conflict.facts]
            lines.append("  to resolve it, change one of:")
            lines += [f"    {rule.fix}" for rule in conflict.rules]
        if not self.complete:
            lines.append("")
            lines.append("there may be more conflicts; resolve these and run explain again")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _ids(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def describe(scenario: Scenario, ref: RuleRef) -> ConflictRule:
    """The rule instance ``ref`` in words, with the change that would lift it."""
    rules, q, labels = scenario.effective_rules, scenario.quantities, scenario.horizon.labels
    worker = scenario.workers[ref.worker] if ref.worker is not None else None
    who = f"worker '{worker.id}'" if worker is not None else ""
    slot = q.slots[ref.slot] if ref.slot is not None else None
    e = slot.employer if slot is not None else ref.employer
    employer = scenario.employers[e].id if e is not None else None
    period = labels[ref.period] if ref.period is not None else None
    family = ref.family
    if family is Guarded.COVER_REQUIRED and slot is not None:
        need = int(slot.required[ref.period or 0])
        message = f"'{employer}' requires {hours(need)} ({fte(scenario, need)}) of '{slot.role}' in {period}"
        fix = f"lower the required '{slot.role}' demand of '{employer}' in {period}, or turn off rules.cover_required"
    elif family is Guarded.EMPLOYER_MAXIMUM and slot is not None:
        message = f"'{employer}' takes at most {hours(int(slot.maximum[ref.period or 0]))} of '{slot.role}' in {period}"
        fix = f"raise the maximum '{slot.role}' demand of '{employer}' in {period}"
    elif family is Guarded.TRAVEL_LIMIT and worker is not None and ref.worker is not None:
        limit = int(q.travel_limit_hm[ref.worker])
        far = sorted((int(q.distance_hm[ref.worker, k]), x.id) for k, x in enumerate(scenario.employers))
        beyond = [f"'{name}' {km(d)}" for d, name in far if d > limit][:3]
        message = f"{who} travels at most {km(limit)} (farther: {', '.join(beyond)})"
        fix = f"let {who} travel further (max_travel_km of the worker or of the rules)"
    elif family is Guarded.MIN_TOTAL_HOURS and worker is not None:
        message = f"{who} must work at least {worker.min_total_hours:g} h over the horizon (min_total_hours)"
        fix = f"lower min_total_hours of {who}"
    elif family is Guarded.MAX_TOTAL_HOURS and worker is not None:
        message = f"{who} works at most {worker.max_total_hours:g} h over the horizon (max_total_hours)"
        fix = f"raise max_total_hours of {who}"
    elif family is Guarded.TRAINING_SEATS and ref.item is not None:
        offer = scenario.trainings[ref.item]
        message = f"training '{offer.id}' has {offer.seats} seat(s)"
        fix = f"add seats to training '{offer.id}'"
    elif family is Guarded.FORBIDDEN_TRANSITION and ref.item is not None:
        pair = rules.forbidden_transitions[ref.item]
        message = (
            f"{who} may not go from '{pair.from_employer}' straight to '{pair.to_employer}' (forbidden_transitions)"
        )
        fix = f"allow '{pair.from_employer}' -> '{pair.to_employer}' in rules.forbidden_transitions"
    elif family is Guarded.WINDOW_LIMIT and ref.item is not None:
        limit_ = rules.window_limits[ref.item]
        message = f"{who} works at most {limit_.max_worked} of the '{limit_.name}' periods (window_limits)"
        fix = f"raise max_worked of window limit '{limit_.name}'"
    elif family is Guarded.MAX_SHARED_WORKERS and e is not None:
        message = f"'{employer}' takes at most {scenario.employers[e].max_shared_workers} shared workers in {period}"
        fix = f"raise max_shared_workers of '{employer}'"
    elif family is Guarded.COACHING_CAPACITY and e is not None:
        message = f"'{employer}' coaches at most {scenario.employers[e].coaching_capacity} workers in {period}"
        fix = f"raise coaching_capacity of '{employer}'"
    else:
        # A pool-wide rule of ``rules``, binding this worker.
        value = getattr(rules, family.value)
        meaning = {
            Guarded.MIN_STINT: f"stays at least {value} periods with an employer once started",
            Guarded.MAX_STINT: f"stays at most {value} consecutive periods with one employer",
            Guarded.MIN_WORK_RUN: f"works at least {value} consecutive periods once started",
            Guarded.MAX_WORK_RUN: f"works at most {value} consecutive periods",
            Guarded.MIN_OFF_RUN: f"takes at least {value} periods off between two working periods",
            Guarded.MAX_SWITCHES: f"switches employer at most {value} times",
            Guarded.MAX_EMPLOYERS: f"works for at most {value} employers",
            Guarded.MAX_PERIODS_PER_EMPLOYER: f"works at most {value} periods for any one employer",
            Guarded.ASSIGNMENT_LIMIT: f"works at most {value:g} months for one user employer without a break",
        }[family]
        message = f"{who} {meaning} (rules.{family.value})"
        fix = f"relax rules.{family.value} (set by the legal form '{scenario.legal_form.value}' or the scenario)"
    return ConflictRule(
        setting=family.value,
        message=message,
        fix=fix,
        worker=worker.id if worker is not None else None,
        employer=employer,
        role=slot.role if slot is not None else None,
        period=period,
        ref=ref,
    )


def _cover_facts(scenario: Scenario, s: int, p: int) -> list[str]:
    """Who could fill a required slot, and what keeps the others out."""
    slot = scenario.quantities.slots[s]
    label = scenario.horizon.labels[p]
    holders = [w for w, worker in enumerate(scenario.workers) if slot.role in worker.skills]
    free, blocked = [], []
    for w in holders:
        reasons = [r for r in obstacles(scenario, w, s, p) if r.obstacle is not Obstacle.SKILL]
        if reasons:
            blocked.append(f"'{scenario.workers[w].id}': " + "; ".join(r.text for r in reasons))
        else:
            free.append(scenario.workers[w].id)
    named = f": {_ids(scenario.workers[w].id for w in holders)}" if holders else ""
    facts = [f"{len(holders)} worker(s) hold '{slot.role}'{named}", *blocked]
    capacity = sum(int(scenario.quantities.capacity_minutes[scenario.worker_index[w], p]) for w in free)
    facts.append(
        f"in {label} {len(free)} of them can work for '{scenario.employers[slot.employer].id}': "
        f"{hours(capacity)} together, {hours(int(slot.required[p]))} required"
    )
    return facts


def _hours_facts(scenario: Scenario, w: int) -> list[str]:
    """How many hours are open to a worker who must work a minimum."""
    q = scenario.quantities
    open_minutes = 0
    for p in range(scenario.horizon.periods):
        if any(not obstacles(scenario, w, s, p) for s in range(len(q.slots))):
            open_minutes += int(q.capacity_minutes[w, p])
    return [f"'{scenario.workers[w].id}' can be placed for at most {hours(open_minutes)} in total"]


def conflict_facts(scenario: Scenario, refs: Sequence[RuleRef]) -> tuple[str, ...]:
    facts: list[str] = []
    for ref in refs:
        if ref.family is Guarded.COVER_REQUIRED and ref.slot is not None and ref.period is not None:
            facts += _cover_facts(scenario, ref.slot, ref.period)
        elif ref.family is Guarded.MIN_TOTAL_HOURS and ref.worker is not None:
            facts += _hours_facts(scenario, ref.worker)
    return tuple(dict.fromkeys(facts))


class _Checker:
    """Feasibility checks of one guarded model under different sets of active rules."""

    def __init__(self, built: BuiltModel, deadline: float) -> None:
        guards = built.variables.guards
        assert guards is not None
        self.built, self.deadline = built, deadline
        self.literals = guards.literals
        self.ref_of = {lit.index: ref for ref, lit in self.literals.items()}

    def check(self, active: Iterable[RuleRef]) -> tuple[bool | None, list[RuleRef]]:
        """(feasible?, a sufficient conflict among ``active`` when infeasible); ``None`` when the
        time ran out."""
        model = self.built.model
        model.clear_assumptions()
        model.add_assumptions([self.literals[r] for r in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # assumption cores need sequential search
        solver.parameters.max_time_in_seconds = max(0.01, self.deadline - time.perf_counter())
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, []
        if status == cp_model.INFEASIBLE:
            return False, [self.ref_of[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        return None, []


def _shrink(checker: _Checker, core: list[RuleRef]) -> tuple[list[RuleRef], bool]:
    """Deletion-based shrinking of an infeasible set; (the set, whether it is proven minimal)."""
    minimal = True
    kept = list(core)
    i = 0
    while i < len(kept):
        trial = kept[:i] + kept[i + 1 :]
        feasible, smaller = checker.check(trial)
        if feasible is False:
            keep = set(smaller)
            kept = [r for r in trial if r in keep]  # i now points at the next candidate
        else:
            minimal = minimal and feasible is True
            i += 1
    return kept, minimal


def explain_infeasibility(
    scenario: Scenario, *, time_limit: float = 60.0, max_conflicts: int = 5
) -> InfeasibilityExplanation:
    """Find up to ``max_conflicts`` minimal sets of conflicting rules of ``scenario``.

    Each conflict lists its rules in words, the facts behind them (who holds the skill, who is
    unavailable or too far) and the change that would lift each rule. Conflicts are disjoint:
    after one is found its rules are switched off before looking for the next.
    """
    started = time.perf_counter()
    built = build_model(scenario, explain=True)
    checker = _Checker(built, started + time_limit)
    every = list(checker.literals)
    first, core = checker.check(every)
    conflicts: list[Conflict] = []
    removed: set[RuleRef] = set()
    notes: list[str] = []
    feasible = first
    while feasible is False and len(conflicts) < max_conflicts:
        if not core:
            notes.append("CP-SAT proved infeasibility without naming rules; please report this scenario")
            break
        rules, minimal = _shrink(checker, core)
        conflicts.append(
            Conflict(
                rules=tuple(describe(scenario, r) for r in rules),
                facts=conflict_facts(scenario, rules),
                minimal=minimal,
            )
        )
        removed.update(rules)
        feasible, core = checker.check(r for r in every if r not in removed)
    if feasible is None:
        notes.append(f"the time limit of {time_limit:g} s ran out; the conflicts found so far are listed")
    return InfeasibilityExplanation(
        feasible=first,
        conflicts=tuple(conflicts),
        # Checked: with every named rule switched off, the hard rules can all hold.
        complete=feasible is True,
        runtime=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _feasible(scenario: Scenario, active: Callable[[RuleRef], bool], time_limit: float) -> bool | None:
    built = build_model(scenario, explain=True)
    checker = _Checker(built, time.perf_counter() + time_limit)
    return checker.check(r for r in checker.literals if active(r))[0]


def feasible_without(scenario: Scenario, refs: Iterable[RuleRef], *, time_limit: float = 60.0) -> bool | None:
    """Whether the hard rules of ``scenario`` can all hold once the rule instances ``refs`` are
    switched off (``None``: undecided within ``time_limit``)."""
    dropped = set(refs)
    return _feasible(scenario, lambda r: r not in dropped, time_limit)


def feasible_with_only(scenario: Scenario, refs: Iterable[RuleRef], *, time_limit: float = 60.0) -> bool | None:
    """Whether the rule instances ``refs`` can hold together with the facts of the scenario, every
    other guarded rule switched off (``None``: undecided within ``time_limit``)."""
    kept = set(refs)
    return _feasible(scenario, lambda r: r in kept, time_limit)
