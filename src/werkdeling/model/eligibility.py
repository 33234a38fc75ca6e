"""Eligibility rules: which decisions can exist at all.

A decision that breaks one of these rules gets no variable, which keeps the model small. Masks
are numpy arrays; notation as in :mod:`werkdeling.model.rules`.

* :func:`skills`: the worker holds the slot's role, or can learn it on a training (then the
  placement is gated by that training, see :func:`werkdeling.model.rules.add_training`);
* :func:`availability`: the worker has capacity in the period (``C[w,p] > 0``);
* :func:`travel_limit`: distance(w, e) is within the worker's limit;
* :func:`members_only`: with ``rules.members_only``, only members take workers;
* :func:`return_to_work`: during a restricted ramp, only adapted roles / the one employer.

Whether a placement's hours fit the slot's maximum is decided where the amounts are made
(:func:`werkdeling.model.variables.create_variables`).
"""

from __future__ import annotations

import numpy as np

from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray


def _holds(scenario: Scenario, roles: list[str]) -> BoolArray:
    """(workers, roles): the worker holds the role. Built per worker's skills, not per (worker,
    slot) pair: 20,000 workers and 3,500 slots took 70 s the pairwise way."""
    column = {role: r for r, role in enumerate(roles)}
    holds = np.zeros((len(scenario.workers), len(roles)), dtype=np.bool_)
    for w, worker in enumerate(scenario.workers):
        holds[w, [column[skill] for skill in worker.skills if skill in column]] = True
    return holds


def _slot_roles(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """The distinct roles of the slots, and each slot's position among them."""
    roles = sorted({s.role for s in scenario.quantities.slots})
    column = {role: r for r, role in enumerate(roles)}
    return roles, np.array([column[s.role] for s in scenario.quantities.slots], dtype=np.int64)


def skills(scenario: Scenario) -> BoolArray:
    """(workers, slots): the worker holds the slot's role."""
    roles, of_slot = _slot_roles(scenario)
    return _holds(scenario, roles)[:, of_slot]


def learnable(scenario: Scenario) -> BoolArray:
    """(workers, slots): the worker lacks the role but a training teaches it (guaranteed workers only)."""
    roles, of_slot = _slot_roles(scenario)
    taught = {t.skill for t in scenario.trainings}
    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=np.bool_)
    teachable = np.array([role in taught for role in roles], dtype=np.bool_)
    return (guaranteed[:, None] & teachable[None, :] & ~_holds(scenario, roles))[:, of_slot]


def availability(scenario: Scenario) -> BoolArray:
    """(workers, periods): the worker can work in the period."""
    return scenario.quantities.capacity_minutes > 0


def travel_limit(scenario: Scenario) -> BoolArray:
    """(workers, employers): the employer is within the worker's travel limit."""
    q = scenario.quantities
    limit = q.travel_limit_hm[:, None]
    return (limit < 0) | (q.distance_hm <= limit)


def members_only(scenario: Scenario) -> BoolArray:
    """(employers,): the employer may take pool workers."""
    members = np.array([e.member for e in scenario.employers], dtype=np.bool_)
    return members if scenario.effective_rules.members_only else np.ones_like(members)


def return_to_work(scenario: Scenario) -> BoolArray:
    """(workers, periods, slots): no ramp restriction forbids the slot in the period."""
    q = scenario.quantities
    allowed = np.ones((len(scenario.workers), scenario.horizon.periods, len(q.slots)), dtype=np.bool_)
    for w, worker in enumerate(scenario.workers):
        ramp = worker.return_to_work
        if ramp is None or not q.restricted[w].any():
            continue
        fits = np.array(
            [
                (ramp.roles is None or s.role in ramp.roles)
                and (ramp.employer is None or scenario.employers[s.employer].id == ramp.employer)
                for s in q.slots
            ],
            dtype=np.bool_,
        )
        allowed[w, q.restricted[w], :] = fits
    return allowed


def possible_placements(scenario: Scenario, *, with_travel_limit: bool = True) -> BoolArray:
    """(workers, periods, slots): every eligibility rule allows the placement.

    ``with_travel_limit=False`` leaves the travel limit out, for models that guard it instead
    (see :mod:`werkdeling.model.guards`).
    """
    q = scenario.quantities
    slot_employer = np.array([s.employer for s in q.slots], dtype=np.int64)
    reachable = travel_limit(scenario) if with_travel_limit else np.ones_like(travel_limit(scenario))
    allowed = (
        availability(scenario)[:, :, None]
        & (skills(scenario) | learnable(scenario))[:, None, :]
        & (reachable & members_only(scenario)[None, :])[:, slot_employer][:, None, :]
        & return_to_work(scenario)
    )
    return np.asarray(allowed, dtype=np.bool_)


def training_starts(scenario: Scenario) -> list[tuple[int, int, int]]:
    """(worker, training, start period) of every possible training spell.

    A spell needs a guaranteed worker without the skill, a start the offer allows, capacity in
    every period of the course, at least one period left after it to use the skill, and the
    course location (if any) within the worker's travel limit.
    """
    q = scenario.quantities
    n = scenario.horizon.periods
    within = travel_limit(scenario)
    spells = []
    for o, offer in enumerate(scenario.trainings):
        starts = scenario.horizon.resolve_all(offer.starts)
        for w, worker in enumerate(scenario.workers):
            if not worker.guaranteed or offer.skill in worker.skills:
                continue
            if offer.location is not None and not within[w, scenario.employer_index[offer.location]]:
                continue
            for start in starts:
                end = start + offer.duration  # first period with the skill
                if end < n and (q.capacity_minutes[w, start:end] > 0).all():
                    spells.append((w, o, start))
    return spells


def permanent_moves(scenario: Scenario) -> list[tuple[int, int, int, int]]:
    """(worker, employer, vacancy position, start period) of every possible permanent move.

    Only workers with a ``transition_deadline`` move; the vacancy's role must be one of their
    skills, its employer within their travel limit, and they must be available when they start.
    """
    q = scenario.quantities
    within = travel_limit(scenario)
    moves = []
    for w, worker in enumerate(scenario.workers):
        if worker.transition_deadline is None:
            continue
        for e, employer in enumerate(scenario.employers):
            if not within[w, e]:
                continue
            for v, vacancy in enumerate(employer.vacancies):
                if vacancy.role not in worker.skills:
                    continue
                first = scenario.horizon.index(vacancy.available_from)
                for p in range(first, scenario.horizon.periods):
                    if q.capacity_minutes[w, p] > 0:
                        moves.append((w, e, v, p))
    return moves
