"""Rule instances that can be switched off one at a time, for explaining infeasibility.

In a normal solve every hard rule simply holds. When a model is built to explain why a scenario
has no plan (:mod:`werkdeling.explain.conflicts`), each *rule instance*, e.g. "worker 'an' works
at least 1,200 h" or "'Ardo' must get its required 'heftruck' hours in 2027-11", gets its own
literal and is only enforced while that literal is true. CP-SAT can then tell which literals
together make the model infeasible.

Only rules a coordinator could change are guarded. The facts of the scenario (who is available,
who holds which skill, one place per worker and period, training and vacancy logistics) always
hold; an empty plan keeps every one of them, so a conflict always involves guarded rules.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from ortools.sat.python import cp_model


class Guarded(StrEnum):
    """Families of rule instances that can take part in a conflict, named after their setting."""

    COVER_REQUIRED = "cover_required"
    EMPLOYER_MAXIMUM = "maximum"
    TRAVEL_LIMIT = "max_travel_km"
    MIN_TOTAL_HOURS = "min_total_hours"
    MAX_TOTAL_HOURS = "max_total_hours"
    TRAINING_SEATS = "seats"
    MIN_STINT = "min_stint"
    MAX_STINT = "max_stint"
    MIN_WORK_RUN = "min_work_run"
    MAX_WORK_RUN = "max_work_run"
    MIN_OFF_RUN = "min_off_run"
    MAX_SWITCHES = "max_switches"
    MAX_EMPLOYERS = "max_employers"
    MAX_PERIODS_PER_EMPLOYER = "max_periods_per_employer"
    FORBIDDEN_TRANSITION = "forbidden_transitions"
    WINDOW_LIMIT = "window_limits"
    ASSIGNMENT_LIMIT = "max_assignment_months"
    MAX_SHARED_WORKERS = "max_shared_workers"
    COACHING_CAPACITY = "coaching_capacity"


class RuleRef(NamedTuple):
    """One rule instance: its family and the scenario items (positions) it is about.

    ``item`` is the position of a forbidden transition, window limit or training offer.
    """

    family: Guarded
    worker: int | None = None
    employer: int | None = None
    slot: int | None = None
    period: int | None = None
    item: int | None = None


class Guards:
    """The literal of each rule instance of a model built for explanations."""

    def __init__(self, model: cp_model.CpModel) -> None:
        self._model = model
        self.literals: dict[RuleRef, cp_model.IntVar] = {}

    def literal(self, ref: RuleRef) -> cp_model.IntVar:
        if ref not in self.literals:
            self.literals[ref] = self._model.new_bool_var(f"guard{tuple(ref)}")
        return self.literals[ref]
