"""Re-planning: revise the plan in force after a disruption, changing as little as is worth it.

The disruption is applied to the scenario; periods before it keep the old plan (frozen); the old
plan is the warm start; and each changed worker-period costs ``change_penalty`` points on top of
the scenario's objective, so the solver only moves people where it pays (see
:mod:`werkdeling.model.anchor`). Large pools that nothing but the switches links are re-planned
period by period (:mod:`werkdeling.period_anchor`), like any large pool. The result lists the
changes in words.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation.diff import PlanDiff
from werkdeling.evaluation.measure import resolve
from werkdeling.model import Anchor
from werkdeling.plan import Plan
from werkdeling.replan.disruption import Disruption
from werkdeling.result import Result
from werkdeling.scenario import Scenario
from werkdeling.solver import solve

#: Default cost of one changed worker-period, in points: as much as one hour of uncovered
#: required demand (default weight 100), so a move that covers a peak for more than an hour is
#: made and a reshuffle that gains nothing is not.
DEFAULT_CHANGE_PENALTY = 100


class Replanned(BaseModel):
    """The revised scenario and plan, the periods kept, and what changed."""

    model_config = ConfigDict(frozen=True)

    scenario: Scenario
    result: Result
    frozen_periods: int
    change_penalty: int

    @property
    def changes(self) -> PlanDiff:
        return self.result.changes or PlanDiff()

    def summary(self) -> str:
        labels = self.scenario.horizon.labels
        kept = (
            f"kept as planned: {labels[0]}..{labels[self.frozen_periods - 1]}"
            if self.frozen_periods
            else "nothing frozen"
        )
        lines = [kept]
        if self.result.plan is None:
            lines.append(f"no new plan: {self.result.status.value}")
            return "\n".join(lines)
        diff = self.changes
        lines.append(
            f"{diff.changed_placements} changed placement(s) for {len(diff.changed_workers)} worker(s) "
            f"(penalty {self.change_penalty} per change)"
        )
        lines += [f"  {line}" for line in diff.lines(labels)] or ["  no changes needed"]
        return "\n".join(lines)


def _before_running_courses(scenario: Scenario, plan: Plan, frozen: int) -> int:
    """Move the frozen boundary back to the start of any course of ``plan`` it would cut, so the
    course can be re-planned as a whole (a course that runs into an absence cannot be kept)."""
    spells = resolve(scenario, plan).spells
    moved = True
    while moved:
        moved = False
        for spell in spells:
            end = spell.start + scenario.trainings[spell.training].duration
            if spell.start < frozen < end:
                frozen, moved = spell.start, True
    return frozen


def replan(
    scenario: Scenario,
    plan: Plan,
    disruption: Disruption,
    *,
    change_penalty: int = DEFAULT_CHANGE_PENALTY,
    **solve_options: Any,
) -> Replanned:
    """Revise ``plan`` (made for ``scenario``) after ``disruption``.

    Without ``from`` in the disruption, the periods before the first one it touches are frozen,
    or before the start of a course that runs into that period, so the course can be re-planned.
    ``solve_options`` are passed to :func:`werkdeling.solve` (``time_limit``, ``seed``,
    ``num_workers``, ``mode``, ``progress``, ...). Raises :class:`~werkdeling.errors.InputError`
    when the disruption does not fit the scenario, or when a frozen placement is no longer
    possible (then choose an earlier ``from``).
    """
    if change_penalty < 0:
        raise ValueError("change_penalty must not be negative")
    revised = disruption.apply(scenario)
    frozen = disruption.frozen_periods(scenario)
    if disruption.start is None:
        frozen = _before_running_courses(scenario, plan, frozen)
    anchor = Anchor(plan=plan, frozen_periods=frozen, change_penalty=change_penalty)
    result = solve(revised, anchor=anchor, **solve_options)
    return Replanned(scenario=revised, result=result, frozen_periods=frozen, change_penalty=change_penalty)
