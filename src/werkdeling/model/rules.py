"""Hard rules of the CP-SAT model, one function per rule family.

Notation: ``x[w,p,s]`` is 1 when worker ``w`` works in period ``p`` in demand slot ``s`` (one role
of one employer ``e(s)``); ``c_w`` is the worker's contract in minutes per period; ``M[s,p]`` the
slot's maximum in minutes.

Eligibility rules decide which ``x`` exist at all (a placement that breaks one has no variable):

* :func:`skills`: ``x[w,p,s]`` only if role(s) is one of the worker's skills;
* :func:`availability`: only if the worker is available in ``p``;
* :func:`travel_limit`: only if distance(w, e(s)) <= the worker's limit;
* :func:`fits_capacity`: only if ``c_w <= M[s,p]`` (a larger contract can never fit).

Constraint rules add linear constraints:

* :func:`add_one_place_per_period`: ``sum_s x[w,p,s] <= 1`` (no placement: idle or out);
* :func:`add_employer_capacity`: ``sum_w c_w x[w,p,s] <= M[s,p]``.

Placements are whole-period: a placed worker covers exactly ``c_w`` (rule ``whole_period_hours``
of the validator holds by construction).
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from werkdeling.model.variables import PlacementVars
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray


def skills(scenario: Scenario) -> BoolArray:
    """(workers, slots): the worker holds the slot's role."""
    slots = scenario.quantities.slots
    return np.array([[s.role in w.skills for s in slots] for w in scenario.workers], dtype=np.bool_).reshape(
        len(scenario.workers), len(slots)
    )


def availability(scenario: Scenario) -> BoolArray:
    """(workers, periods): the worker can work in the period."""
    return scenario.quantities.available


def travel_limit(scenario: Scenario) -> BoolArray:
    """(workers, employers): the employer is within the worker's travel limit."""
    q = scenario.quantities
    limit = q.travel_limit_hm[:, None]
    return (limit < 0) | (q.distance_hm <= limit)


def fits_capacity(scenario: Scenario) -> BoolArray:
    """(workers, slots, periods): the worker's contract is within the slot's maximum."""
    q = scenario.quantities
    maximum = np.array([s.maximum for s in q.slots], dtype=np.int64).reshape(len(q.slots), scenario.horizon.periods)
    return q.contract_minutes[:, None, None] <= maximum[None, :, :]


def possible_placements(scenario: Scenario) -> BoolArray:
    """(workers, periods, slots): every eligibility rule allows the placement."""
    q = scenario.quantities
    slot_employer = np.array([s.employer for s in q.slots], dtype=np.int64)
    allowed = (
        availability(scenario)[:, :, None]
        & skills(scenario)[:, None, :]
        & travel_limit(scenario)[:, slot_employer][:, None, :]
        & fits_capacity(scenario).transpose(0, 2, 1)
    )
    return np.asarray(allowed, dtype=np.bool_)


def add_one_place_per_period(model: cp_model.CpModel, placements: PlacementVars) -> None:
    for options in placements.by_worker_period.values():
        if len(options) > 1:
            model.add_at_most_one(var for _, var in options)


def add_employer_capacity(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> None:
    q = scenario.quantities
    for (s, p), options in placements.by_slot_period.items():
        maximum = int(q.slots[s].maximum[p])
        if sum(int(q.contract_minutes[w]) for w, _ in options) > maximum:
            model.add(placements.coverage(s, p) <= maximum)
