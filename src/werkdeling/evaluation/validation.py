"""The referee: re-check any plan (the solver's or one edited by hand) against the scenario.

Every hard rule is checked again here in plain Python/numpy, one function per rule family, and
every objective term is recomputed from the plan alone. This module never imports the solver.
The families carry the names of :mod:`werkdeling.model.rules` and
:mod:`werkdeling.model.eligibility`:

``known_references``
    Every row names things that exist: worker, period, employer, role, training, vacancy.
``places_per_period``
    Whole periods: at most one placement per worker and period. With splits: at most
    ``max_employers`` employers, and hours within the period's capacity. Never work while
    training or after a permanent move, and never train after one.
``availability``
    No placement where the worker has no capacity (unavailable, still ill, approval ended).
``skills``
    The role is one of the worker's skills, or learned on a training finished before.
``travel_limit``, ``members_only``, ``return_to_work``
    Within the travel limit; only with members where the legal form says so; only adapted roles
    or the one employer during a restricted return to work.
``placement_hours``
    Whole periods: the hours are the period's capacity. With splits: a whole number of steps of
    the capacity, at least the minimum share.
``employer_capacity``
    Hours placed in a role and period never exceed the employer's maximum.
``required_cover``
    With ``rules.cover_required``: hours placed in a role and period reach the required level.
``training``, ``permanent_transitions``, ``total_hours``, ``stints``, ``work_runs``,
``switch_limits``, ``forbidden_transitions``, ``window_limits``, ``assignment_limit``,
``employer_limits``
    As documented on the same-named functions of :mod:`werkdeling.model.rules`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation.measure import Measurement, ResolvedRow, TermValue, measure, resolve, term_values
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term


class Violation(BaseModel):
    """One broken hard rule, in words."""

    model_config = ConfigDict(frozen=True)

    rule: str
    message: str
    worker: str | None = None
    employer: str | None = None
    period: str | None = None


class ValidationReport(BaseModel):
    """Outcome of :func:`validate`: the broken rules and the objective recomputed from the plan."""

    model_config = ConfigDict(frozen=True)

    violations: tuple[Violation, ...]
    terms: dict[Term, TermValue]
    #: Exact objective in integer units (``OBJECTIVE_SCALE`` per cost point).
    objective_units: int

    @property
    def is_valid(self) -> bool:
        return not self.violations

    @property
    def objective(self) -> float:
        return self.objective_units / OBJECTIVE_SCALE

    def summary(self) -> str:
        lines = [
            "plan is valid" if self.is_valid else f"plan breaks {len(self.violations)} rule(s):",
            *(f"  - [{v.rule}] {v.message}" for v in self.violations),
            f"objective {self.objective:,.2f}",
            *(
                f"  {t.term.value:<19} {t.quantity:>12,.2f} {t.unit:<8} x {t.weight:>4} = {t.cost:>14,.2f}"
                for t in self.terms.values()
                if t.quantity or t.weight
            ),
        ]
        return "\n".join(lines)


def _row(rule: str, row: ResolvedRow, message: str) -> Violation:
    p = row.placement
    return Violation(
        rule=rule,
        message=f"row {row.index + 1} (worker '{p.worker}', {p.period}, '{p.employer}' as '{p.role}'): {message}",
        worker=p.worker,
        employer=p.employer,
        period=p.period,
    )


def _about(rule: str, scenario: Scenario, message: str, w: int | None = None, p: int | None = None) -> Violation:
    worker = scenario.workers[w].id if w is not None else None
    period = scenario.horizon.labels[p] if p is not None else None
    prefix = ", ".join(x for x in (f"worker '{worker}'" if worker else "", period or "") if x)
    return Violation(rule=rule, message=f"{prefix}: {message}" if prefix else message, worker=worker, period=period)


def check_places_per_period(scenario: Scenario, m: Measurement) -> list[Violation]:
    splits = scenario.effective_rules.splits
    violations = []
    counts = Counter((r.worker, r.period) for r in m.resolved.rows)
    for (w, p), count in sorted(counts.items()):
        employers = m.employers_at[(w, p)]
        if splits is None and count > 1:
            violations.append(
                _about("places_per_period", scenario, f"{count} placements in one period; keep one", w, p)
            )
        if splits is not None:
            if len(employers) > splits.max_employers:
                violations.append(
                    _about(
                        "places_per_period",
                        scenario,
                        f"works for {len(employers)} employers, more than the {splits.max_employers} allowed",
                        w,
                        p,
                    )
                )
            capacity = int(scenario.quantities.capacity_minutes[w, p])
            if m.worked[w, p] > capacity:
                violations.append(
                    _about(
                        "places_per_period",
                        scenario,
                        f"{m.worked[w, p] / 60:.2f} h placed, above the {capacity / 60:.2f} h the worker has",
                        w,
                        p,
                    )
                )
        if m.training_at[w, p]:
            violations.append(_about("places_per_period", scenario, "placed while in training", w, p))
        if not m.in_pool[w, p]:
            violations.append(_about("places_per_period", scenario, "placed after leaving the pool for good", w, p))
    for w, p in np.argwhere(m.training_at > 0).tolist():
        if m.training_at[w, p] > 1:
            violations.append(_about("places_per_period", scenario, f"{m.training_at[w, p]} trainings at once", w, p))
        if not m.in_pool[w, p]:
            violations.append(_about("places_per_period", scenario, "training after leaving the pool", w, p))
    return violations


def check_availability(scenario: Scenario, m: Measurement) -> list[Violation]:
    capacity = scenario.quantities.capacity_minutes
    return [
        _row("availability", r, "worker is not available in this period")
        for r in m.resolved.rows
        if capacity[r.worker, r.period] == 0
    ]


def _learned(scenario: Scenario, m: Measurement) -> dict[tuple[int, str], int]:
    """(worker, skill) -> first period the worker holds it after a training."""
    learned: dict[tuple[int, str], int] = {}
    for s in m.resolved.spells:
        offer = scenario.trainings[s.training]
        key = (s.worker, offer.skill)
        learned[key] = min(learned.get(key, scenario.horizon.periods), s.start + offer.duration)
    return learned


def check_skills(scenario: Scenario, m: Measurement) -> list[Violation]:
    learned = _learned(scenario, m)
    violations = []
    for r in m.resolved.rows:
        role = r.placement.role
        if role in scenario.workers[r.worker].skills or learned.get((r.worker, role), r.period + 1) <= r.period:
            continue
        violations.append(_row("skills", r, f"worker does not have the skill '{role}' (nor learned it before)"))
    return violations


def check_travel_limit(scenario: Scenario, m: Measurement) -> list[Violation]:
    q = scenario.quantities
    violations = []
    for r in m.resolved.rows:
        limit, distance = q.travel_limit_hm[r.worker], q.distance_hm[r.worker, r.employer]
        if 0 <= limit < distance:
            violations.append(
                _row(
                    "travel_limit", r, f"employer is {distance / 10:.1f} km away, over the limit of {limit / 10:.1f} km"
                )
            )
    return violations


def check_members_only(scenario: Scenario, m: Measurement) -> list[Violation]:
    if not scenario.effective_rules.members_only:
        return []
    return [
        _row("members_only", r, f"employer is not a member and legal form '{scenario.legal_form.value}' forbids it")
        for r in m.resolved.rows
        if not scenario.employers[r.employer].member
    ]


def check_return_to_work(scenario: Scenario, m: Measurement) -> list[Violation]:
    violations = []
    for r in m.resolved.rows:
        ramp = scenario.workers[r.worker].return_to_work
        if ramp is None or not scenario.quantities.restricted[r.worker, r.period]:
            continue
        if ramp.roles is not None and r.placement.role not in ramp.roles:
            violations.append(_row("return_to_work", r, f"during the return only {', '.join(ramp.roles)}"))
        if ramp.employer is not None and r.placement.employer != ramp.employer:
            violations.append(_row("return_to_work", r, f"during the return only employer '{ramp.employer}'"))
    return violations


def check_placement_hours(scenario: Scenario, m: Measurement) -> list[Violation]:
    splits = scenario.effective_rules.splits
    violations = []
    for r in m.resolved.rows:
        capacity = int(scenario.quantities.capacity_minutes[r.worker, r.period])
        if capacity == 0:
            continue  # reported by availability
        if splits is None:
            if r.minutes != capacity:
                violations.append(
                    _row(
                        "placement_hours",
                        r,
                        f"placement has {r.placement.hours:g} h but the worker's period is {capacity / 60:.2f} h",
                    )
                )
            continue
        allowed = {capacity * k // splits.steps for k in range(splits.min_steps, splits.steps + 1)}
        if r.minutes not in allowed:
            shown = ", ".join(f"{v / 60:.2f}" for v in sorted(allowed))
            violations.append(
                _row("placement_hours", r, f"{r.placement.hours:g} h is not an allowed part of the period ({shown} h)")
            )
    return violations


def check_employer_capacity(scenario: Scenario, m: Measurement) -> list[Violation]:
    violations = []
    labels = scenario.horizon.labels
    for s, slot in enumerate(scenario.quantities.slots):
        employer = scenario.employers[slot.employer].id
        for k in range(scenario.horizon.periods):
            covered, maximum = int(m.covered[s, k]), int(slot.maximum[k])
            if covered > maximum:
                violations.append(
                    Violation(
                        rule="employer_capacity",
                        message=(
                            f"employer '{employer}', role '{slot.role}', {labels[k]}: {covered / 60:.2f} h placed, "
                            f"above the maximum of {maximum / 60:.2f} h"
                        ),
                        employer=employer,
                        period=labels[k],
                    )
                )
    return violations


def check_required_cover(scenario: Scenario, m: Measurement) -> list[Violation]:
    if not scenario.effective_rules.cover_required:
        return []
    labels = scenario.horizon.labels
    violations = []
    for s, k in np.argwhere(m.required_shortfall > 0).tolist():
        slot = scenario.quantities.slots[s]
        employer = scenario.employers[slot.employer].id
        violations.append(
            Violation(
                rule="required_cover",
                message=(
                    f"employer '{employer}', role '{slot.role}', {labels[k]}: {m.covered[s, k] / 60:.2f} h placed, "
                    f"below the required {slot.required[k] / 60:.2f} h (rules.cover_required is on)"
                ),
                employer=employer,
                period=labels[k],
            )
        )
    return violations


def check_training(scenario: Scenario, m: Measurement) -> list[Violation]:
    q = scenario.quantities
    n = scenario.horizon.periods
    violations = []
    seats: Counter[tuple[int, int]] = Counter()
    taken: Counter[tuple[int, int]] = Counter()
    for s in m.resolved.spells:
        offer, worker = scenario.trainings[s.training], scenario.workers[s.worker]
        end = s.start + offer.duration
        problems = []
        if not worker.guaranteed:
            problems.append("only guaranteed workers train")
        if offer.skill in worker.skills:
            problems.append(f"the worker already has '{offer.skill}'")
        if s.start not in scenario.horizon.resolve_all(offer.starts):
            problems.append("the course does not start in this period")
        if end >= n:
            problems.append("the course must end before the last period so the skill can be used")
        elif not (q.capacity_minutes[s.worker, s.start : end] > 0).all():
            problems.append("the worker is not available for the whole course")
        if offer.location is not None:
            limit = q.travel_limit_hm[s.worker]
            if 0 <= limit < q.distance_hm[s.worker, scenario.employer_index[offer.location]]:
                problems.append("the course is beyond the worker's travel limit")
        violations += [
            _about("training", scenario, f"training '{offer.id}': {problem}", s.worker, s.start) for problem in problems
        ]
        taken[(s.worker, s.training)] += 1
        for p in range(s.start, min(end, n)):
            seats[(s.training, p)] += 1
    for (w, o), count in taken.items():
        if count > 1:
            violations.append(
                _about("training", scenario, f"follows training '{scenario.trainings[o].id}' {count} times", w)
            )
    for (o, p), count in sorted(seats.items()):
        if count > scenario.trainings[o].seats:
            violations.append(
                _about(
                    "training",
                    scenario,
                    f"training '{scenario.trainings[o].id}' has {count} trainees, more than its "
                    f"{scenario.trainings[o].seats} seats",
                    p=p,
                )
            )
    return violations


def check_permanent_transitions(scenario: Scenario, m: Measurement) -> list[Violation]:
    q = scenario.quantities
    violations = []
    per_worker: Counter[int] = Counter()
    per_vacancy: Counter[tuple[int, int]] = Counter()
    for mv in m.resolved.moves:
        worker, employer = scenario.workers[mv.worker], scenario.employers[mv.employer]
        vacancy = employer.vacancies[mv.vacancy]
        what = f"vacancy '{vacancy.id}' of '{employer.id}': "
        problems = []
        if worker.transition_deadline is None:
            problems.append("only workers with a transition_deadline move to vacancies")
        if vacancy.role not in worker.skills:
            problems.append(f"the worker lacks the role '{vacancy.role}'")
        if mv.period < scenario.horizon.index(vacancy.available_from):
            problems.append(f"the vacancy opens in {vacancy.available_from}")
        if q.capacity_minutes[mv.worker, mv.period] == 0:
            problems.append("the worker is not available to start")
        if 0 <= q.travel_limit_hm[mv.worker] < q.distance_hm[mv.worker, mv.employer]:
            problems.append("the employer is beyond the worker's travel limit")
        violations += [_about("permanent_transitions", scenario, what + p, mv.worker, mv.period) for p in problems]
        per_worker[mv.worker] += 1
        per_vacancy[(mv.employer, mv.vacancy)] += 1
    for w, count in per_worker.items():
        if count > 1:
            violations.append(_about("permanent_transitions", scenario, f"moves to {count} permanent jobs", w))
    for (e, v), count in per_vacancy.items():
        vacancy = scenario.employers[e].vacancies[v]
        if count > vacancy.count:
            violations.append(
                _about(
                    "permanent_transitions",
                    scenario,
                    f"vacancy '{vacancy.id}' of '{scenario.employers[e].id}' is filled {count} times, "
                    f"but has {vacancy.count} place(s)",
                )
            )
    return violations


def check_total_hours(scenario: Scenario, m: Measurement) -> list[Violation]:
    violations = []
    for w, worker in enumerate(scenario.workers):
        total = int(m.worked[w].sum())
        if worker.min_total_hours is not None and total < round(worker.min_total_hours * 60):
            violations.append(_about("total_hours", scenario, f"works {total / 60:.2f} h, below min_total_hours", w))
        if worker.max_total_hours is not None and total > round(worker.max_total_hours * 60):
            violations.append(_about("total_hours", scenario, f"works {total / 60:.2f} h, above max_total_hours", w))
    return violations


def _runs(series: list[bool]) -> list[tuple[int, int, bool]]:
    """(start, length, value) of each run of equal values."""
    runs: list[tuple[int, int, bool]] = []
    for p, value in enumerate(series):
        if runs and runs[-1][2] == value:
            start, length, _ = runs[-1]
            runs[-1] = (start, length + 1, value)
        else:
            runs.append((p, 1, value))
    return runs


def _run_violations(
    rule: str,
    scenario: Scenario,
    w: int,
    series: list[bool],
    what: str,
    low: int | None,
    high: int | None,
    absences_cut: bool = True,
) -> list[Violation]:
    """Runs of True shorter than ``low`` (not touching either end, and with ``absences_cut`` not
    ended by a period the worker is unavailable) or longer than ``high``."""
    n = len(series)
    available = scenario.quantities.capacity_minutes[w] > 0
    violations = []
    for start, length, value in _runs(series):
        if not value:
            continue
        end = start + length
        cut = end >= n or (absences_cut and not available[end])
        if low is not None and length < low and start > 0 and not cut:
            violations.append(_about(rule, scenario, f"{what} lasts {length} period(s), fewer than {low}", w, start))
        if high is not None and length > high:
            violations.append(_about(rule, scenario, f"{what} lasts {length} periods, more than {high}", w, start))
    return violations


def _worked_for(m: Measurement, w: int, e: int | None, periods: int) -> list[bool]:
    return [
        bool(m.employers_at.get((w, p))) if e is None else e in m.employers_at.get((w, p), ()) for p in range(periods)
    ]


def check_stints(scenario: Scenario, m: Measurement) -> list[Violation]:
    rules = scenario.effective_rules
    if rules.min_stint is None and rules.max_stint is None:
        return []
    violations = []
    for w in range(len(scenario.workers)):
        for e in m.employers_of_worker.get(w, ()):
            series = _worked_for(m, w, e, scenario.horizon.periods)
            what = f"stint at '{scenario.employers[e].id}'"
            violations += _run_violations("stints", scenario, w, series, what, rules.min_stint, rules.max_stint)
    return violations


def check_work_runs(scenario: Scenario, m: Measurement) -> list[Violation]:
    rules = scenario.effective_rules
    violations = []
    for w in range(len(scenario.workers)):
        series = _worked_for(m, w, None, scenario.horizon.periods)
        if rules.min_work_run is not None or rules.max_work_run is not None:
            violations += _run_violations(
                "work_runs", scenario, w, series, "working run", rules.min_work_run, rules.max_work_run
            )
        if rules.min_off_run is not None:
            off = [not v for v in series]
            violations += _run_violations(
                "work_runs", scenario, w, off, "break between work", rules.min_off_run, None, absences_cut=False
            )
    return violations


def check_switch_limits(scenario: Scenario, m: Measurement) -> list[Violation]:
    rules = scenario.effective_rules
    violations = []
    for w in range(len(scenario.workers)):
        if rules.max_switches is not None and m.switches[w] > rules.max_switches:
            violations.append(
                _about("switch_limits", scenario, f"{m.switches[w]} switches, more than {rules.max_switches}", w)
            )
        employers = m.employers_of_worker.get(w, ())
        if rules.max_employers is not None and len(employers) > rules.max_employers:
            violations.append(
                _about(
                    "switch_limits",
                    scenario,
                    f"works for {len(employers)} employers, more than {rules.max_employers}",
                    w,
                )
            )
        if rules.max_periods_per_employer is not None:
            for e in employers:
                count = sum(_worked_for(m, w, e, scenario.horizon.periods))
                if count > rules.max_periods_per_employer:
                    violations.append(
                        _about(
                            "switch_limits",
                            scenario,
                            f"{count} periods at '{scenario.employers[e].id}', more than "
                            f"{rules.max_periods_per_employer}",
                            w,
                        )
                    )
    return violations


def check_forbidden_transitions(scenario: Scenario, m: Measurement) -> list[Violation]:
    violations = []
    for pair in scenario.effective_rules.forbidden_transitions:
        a, b = scenario.employer_index[pair.from_employer], scenario.employer_index[pair.to_employer]
        for (w, p), employers in m.employers_at.items():
            if p > 0 and b in employers and a in m.employers_at.get((w, p - 1), ()):
                violations.append(
                    _about(
                        "forbidden_transitions",
                        scenario,
                        f"goes from '{pair.from_employer}' straight to '{pair.to_employer}', which is not allowed",
                        w,
                        p,
                    )
                )
    return violations


def check_window_limits(scenario: Scenario, m: Measurement) -> list[Violation]:
    violations = []
    for limit in scenario.effective_rules.window_limits:
        periods = scenario.horizon.resolve_all(limit.periods)
        for w in range(len(scenario.workers)):
            worked = sum(bool(m.employers_at.get((w, p))) for p in periods)
            if worked > limit.max_worked:
                violations.append(
                    _about(
                        "window_limits",
                        scenario,
                        f"works {worked} of the '{limit.name}' periods, more than {limit.max_worked}",
                        w,
                    )
                )
    return violations


def check_assignment_limit(scenario: Scenario, m: Measurement) -> list[Violation]:
    rules = scenario.effective_rules
    if rules.max_assignment_months is None:
        return []
    most, reset = rules.assignment_periods(scenario.horizon.granularity)
    violations = []
    for w in range(len(scenario.workers)):
        for e in m.employers_of_worker.get(w, ()):
            count = away = 0
            for p, worked in enumerate(_worked_for(m, w, e, scenario.horizon.periods)):
                count, away = (count + 1, 0) if worked else (count, away + 1)
                if away >= reset:
                    count = 0
                if count > most:
                    violations.append(
                        _about(
                            "assignment_limit",
                            scenario,
                            f"more than {most} periods with '{scenario.employers[e].id}' without a break of {reset}",
                            w,
                            p,
                        )
                    )
                    break
    return violations


def check_employer_limits(scenario: Scenario, m: Measurement) -> list[Violation]:
    everyone: Counter[tuple[int, int]] = Counter()
    coached: Counter[tuple[int, int]] = Counter()
    for (w, p), employers in m.employers_at.items():
        for e in employers:
            everyone[(e, p)] += 1
            coached[(e, p)] += scenario.workers[w].needs_coaching
    violations = []
    labels = scenario.horizon.labels
    for (e, p), count in sorted(everyone.items()):
        employer = scenario.employers[e]
        for limit, n, what in (
            (employer.max_shared_workers, count, "shared workers"),
            (employer.coaching_capacity, coached[(e, p)], "workers who need coaching"),
        ):
            if limit is not None and n > limit:
                violations.append(
                    Violation(
                        rule="employer_limits",
                        message=f"employer '{employer.id}', {labels[p]}: {n} {what}, more than {limit}",
                        employer=employer.id,
                        period=labels[p],
                    )
                )
    return violations


#: Every check, in report order.
CHECKS: tuple[Callable[[Scenario, Measurement], list[Violation]], ...] = (
    check_places_per_period,
    check_availability,
    check_skills,
    check_travel_limit,
    check_members_only,
    check_return_to_work,
    check_placement_hours,
    check_employer_capacity,
    check_required_cover,
    check_training,
    check_permanent_transitions,
    check_total_hours,
    check_stints,
    check_work_runs,
    check_switch_limits,
    check_forbidden_transitions,
    check_window_limits,
    check_assignment_limit,
    check_employer_limits,
)


def validate(scenario: Scenario, plan: Plan) -> ValidationReport:
    """Check ``plan`` against every hard rule of ``scenario`` and recompute its objective.

    Returns a report; it does not raise for broken rules. Rows that name unknown workers,
    periods, employers, roles, trainings or vacancies are reported and left out of the
    measurement.
    """
    return validate_measured(scenario, measure(scenario, resolve(scenario, plan)))


def validate_measured(scenario: Scenario, m: Measurement) -> ValidationReport:
    """:func:`validate` on a plan already measured, for callers that also need its KPIs."""
    violations = [Violation(rule="known_references", message=message) for message in m.resolved.unknown]
    for check in CHECKS:
        violations += check(scenario, m)
    terms = term_values(scenario, m)
    return ValidationReport(
        violations=tuple(violations),
        terms=terms,
        objective_units=sum(t.cost_units for t in terms.values()),
    )
