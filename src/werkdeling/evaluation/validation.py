"""The referee: re-check any plan (the solver's or one edited by hand) against the scenario.

Every hard rule is checked again here in plain Python/numpy, one function per rule family, and
every objective term is recomputed from the plan alone. This module never imports the solver.

Hard rules (the same families as in :mod:`werkdeling.model.rules`):

``known_references``
    Every row names a worker, a period, an employer and a role that employer asks for.
``one_place_per_period``
    A worker has at most one placement per period (no row means idle, or out of the plan).
``availability``
    No placement in a period the worker is unavailable.
``skills``
    The role is one of the worker's skills.
``travel_limit``
    The one-way distance home to employer is within the worker's limit.
``whole_period_hours``
    A placement's hours equal the worker's contract hours for the period (to the minute).
``employer_capacity``
    Hours placed in a role and period never exceed the employer's maximum.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation.measure import (
    Measurement,
    ResolvedRow,
    TermValue,
    measure,
    resolve_rows,
    term_values,
)
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import hours_to_minutes


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
            ),
        ]
        return "\n".join(lines)


def _violation(rule: str, row: ResolvedRow, message: str) -> Violation:
    p = row.placement
    return Violation(
        rule=rule,
        message=f"row {row.index + 1} (worker '{p.worker}', {p.period}, '{p.employer}' as '{p.role}'): {message}",
        worker=p.worker,
        employer=p.employer,
        period=p.period,
    )


def check_one_place_per_period(scenario: Scenario, rows: list[ResolvedRow]) -> list[Violation]:
    counts = Counter((r.worker, r.period) for r in rows)
    reported: set[tuple[int, int]] = set()
    violations = []
    for row in rows:
        key = (row.worker, row.period)
        if counts[key] > 1 and key not in reported:
            reported.add(key)
            violations.append(
                _violation(
                    "one_place_per_period",
                    row,
                    f"worker has {counts[key]} placements in this period; keep one",
                )
            )
    return violations


def check_availability(scenario: Scenario, rows: list[ResolvedRow]) -> list[Violation]:
    available = scenario.quantities.available
    return [
        _violation("availability", r, "worker is unavailable in this period")
        for r in rows
        if not available[r.worker, r.period]
    ]


def check_skills(scenario: Scenario, rows: list[ResolvedRow]) -> list[Violation]:
    return [
        _violation("skills", r, f"worker does not have the skill '{r.placement.role}'")
        for r in rows
        if r.placement.role not in scenario.workers[r.worker].skills
    ]


def check_travel_limit(scenario: Scenario, rows: list[ResolvedRow]) -> list[Violation]:
    q = scenario.quantities
    violations = []
    for r in rows:
        limit = q.travel_limit_hm[r.worker]
        distance = q.distance_hm[r.worker, r.employer]
        if 0 <= limit < distance:
            violations.append(
                _violation(
                    "travel_limit",
                    r,
                    f"employer is {distance / 10:.1f} km away, over the limit of {limit / 10:.1f} km",
                )
            )
    return violations


def check_whole_period_hours(scenario: Scenario, rows: list[ResolvedRow]) -> list[Violation]:
    q = scenario.quantities
    violations = []
    for r in rows:
        contract = int(q.contract_minutes[r.worker])
        if hours_to_minutes(r.placement.hours) != contract:
            violations.append(
                _violation(
                    "whole_period_hours",
                    r,
                    f"placement has {r.placement.hours:g} h but the contract is {contract / 60:.2f} h per period",
                )
            )
    return violations


def check_employer_capacity(scenario: Scenario, measurement: Measurement) -> list[Violation]:
    violations = []
    labels = scenario.horizon.labels
    for s, slot in enumerate(scenario.quantities.slots):
        employer = scenario.employers[slot.employer].id
        for k in range(scenario.horizon.periods):
            covered, maximum = int(measurement.covered[s, k]), int(slot.maximum[k])
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


def validate(scenario: Scenario, plan: Plan) -> ValidationReport:
    """Check ``plan`` against every hard rule of ``scenario`` and recompute its objective.

    Returns a report; it does not raise for broken rules. Rows that name unknown workers,
    periods, employers or roles are reported and left out of the measurement.
    """
    rows, unknown = resolve_rows(scenario, plan)
    violations = [Violation(rule="known_references", message=f"row {i + 1}: {message}") for i, message in unknown]
    for check in (
        check_one_place_per_period,
        check_availability,
        check_skills,
        check_travel_limit,
        check_whole_period_hours,
    ):
        violations += check(scenario, rows)
    measurement = measure(scenario, rows)
    violations += check_employer_capacity(scenario, measurement)
    terms = term_values(scenario, measurement)
    return ValidationReport(
        violations=tuple(violations),
        terms=terms,
        objective_units=sum(t.cost_units for t in terms.values()),
    )
