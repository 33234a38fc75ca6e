"""Why a worker cannot take a demand slot in a period, from the scenario alone (no plan, no solver).

These are the facts the eligibility rules of :mod:`werkdeling.model.eligibility` act on, put in
words: the skill, availability, travel limit, membership and return-to-work restrictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from werkdeling.model import eligibility
from werkdeling.scenario import Scenario


class Obstacle(StrEnum):
    """What stands between a worker and a slot, named after the scenario field involved."""

    SKILL = "skill"
    NEEDS_TRAINING = "training"
    UNAVAILABLE = "unavailable"
    TRAVEL = "max_travel_km"
    NOT_MEMBER = "members_only"
    RETURN_TO_WORK = "return_to_work"
    OVER_MAXIMUM = "maximum"


@dataclass(frozen=True)
class Reason:
    obstacle: Obstacle
    text: str


def km(hectometres: int) -> str:
    return f"{hectometres / 10:.1f}".removesuffix(".0") + " km"


def hours(minutes: int | float) -> str:
    return f"{minutes / 60:,.1f}".removesuffix(".0") + " h"


def fte(scenario: Scenario, minutes: int | float) -> str:
    """Minutes of one period as full-time equivalents of the scenario's norm."""
    return f"{minutes / 60 / scenario.full_time_hours_per_period:.2f}".rstrip("0").rstrip(".") + " FTE"


def _unavailable(scenario: Scenario, w: int, p: int) -> str:
    worker = scenario.workers[w]
    label = scenario.horizon.labels[p]
    if any(p in scenario.horizon.resolve(ref) for ref in worker.unavailable):
        return f"unavailable in {label}"
    ramp = worker.return_to_work
    if ramp is not None and p < scenario.horizon.index(ramp.start):
        return f"still ill in {label}: the return to work starts in {ramp.start}"
    if ramp is not None and ramp.approved_until is not None and p > scenario.horizon.index(ramp.approved_until):
        return f"needs re-assessment: the return-to-work approval ended in {ramp.approved_until}"
    return f"has no hours in {label}"


def obstacles(scenario: Scenario, w: int, s: int, p: int) -> list[Reason]:
    """Everything that keeps worker ``w`` out of slot ``s`` in period ``p``; empty when eligible."""
    q = scenario.quantities
    slot = q.slots[s]
    worker, employer = scenario.workers[w], scenario.employers[slot.employer]
    reasons = []
    if slot.role not in worker.skills:
        teaching = [t.id for t in scenario.trainings if t.skill == slot.role]
        if teaching and worker.guaranteed:
            courses = ", ".join(f"'{t}'" for t in teaching)
            reasons.append(
                Reason(Obstacle.NEEDS_TRAINING, f"lacks '{slot.role}'; it can be learned on {courses} before then")
            )
        else:
            reasons.append(Reason(Obstacle.SKILL, f"lacks the skill '{slot.role}'"))
    if q.capacity_minutes[w, p] == 0:
        reasons.append(Reason(Obstacle.UNAVAILABLE, _unavailable(scenario, w, p)))
    limit, distance = int(q.travel_limit_hm[w]), int(q.distance_hm[w, slot.employer])
    if 0 <= limit < distance:
        reasons.append(
            Reason(Obstacle.TRAVEL, f"'{employer.id}' is {km(distance)} away, over their limit of {km(limit)}")
        )
    if not eligibility.members_only(scenario)[slot.employer]:
        reasons.append(
            Reason(Obstacle.NOT_MEMBER, f"'{employer.id}' is not a member (legal form '{scenario.legal_form.value}')")
        )
    ramp = worker.return_to_work
    if ramp is not None and q.restricted[w, p]:
        if ramp.roles is not None and slot.role not in ramp.roles:
            allowed = ", ".join(f"'{r}'" for r in ramp.roles)
            reasons.append(Reason(Obstacle.RETURN_TO_WORK, f"during the return to work only {allowed}"))
        if ramp.employer is not None and ramp.employer != employer.id:
            reasons.append(Reason(Obstacle.RETURN_TO_WORK, f"during the return to work only '{ramp.employer}'"))
    capacity, maximum = int(q.capacity_minutes[w, p]), int(slot.maximum[p])
    if scenario.effective_rules.splits is None and 0 < maximum < capacity:
        reasons.append(
            Reason(Obstacle.OVER_MAXIMUM, f"a whole period ({hours(capacity)}) is more than the {hours(maximum)} taken")
        )
    elif maximum == 0:
        reasons.append(Reason(Obstacle.OVER_MAXIMUM, f"'{employer.id}' takes no '{slot.role}' hours in that period"))
    return reasons
