"""A coordinator's rule of thumb as a fast plan: the warm start of :func:`werkdeling.solve` and
the greedy baseline of the benchmarks.

Period by period: keep people where they were (their home employer before the horizon) while
that employer still wants hours, then fill the largest gaps first, required hours before desired
ones, each with the nearest free worker who holds the role, can work then, lives within reach and
fits under the employer's maximum. Whole periods only; no courses, no permanent moves. The plan
keeps the eligibility rules and the employers' maximums by construction; other hard rules (stints,
switch limits, ...) are not looked at, so a caller checks it with the validator before use.
"""

from __future__ import annotations

import numpy as np

from werkdeling.model import eligibility
from werkdeling.model.build import placement_of
from werkdeling.plan import Plan
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray


def fill_period(
    scenario: Scenario, allowed: BoolArray, p: int, previous: dict[int, int], *, keep_all: bool = False
) -> dict[int, int]:
    """Slot of each worker placed in period ``p``: the ``previous`` slots kept where the employer
    still wants hours (all of them that fit with ``keep_all``), then the largest gaps filled."""
    q = scenario.quantities
    capacity = q.capacity_minutes[:, p]
    room = np.array([int(s.maximum[p]) for s in q.slots], dtype=np.int64)
    needs = [
        np.array([int(s.required[p]) for s in q.slots], dtype=np.int64),
        np.array([int(s.desired[p]) for s in q.slots], dtype=np.int64),
    ]
    free = capacity > 0
    here: dict[int, int] = {}

    def place(w: int, s: int) -> None:
        here[w] = s
        free[w] = False
        room[s] -= capacity[w]
        for need in needs:
            need[s] -= capacity[w]

    for w, s in previous.items():
        if free[w] and allowed[w, p, s] and capacity[w] <= room[s] and (keep_all or needs[1][s] > 0):
            place(w, s)
    for need in needs:
        blocked = np.zeros(len(q.slots), dtype=np.bool_)  # slots nobody free can fill any more
        while True:
            open_gaps = np.flatnonzero((need > 0) & ~blocked)
            if not len(open_gaps):
                break
            s = int(open_gaps[np.argmax(need[open_gaps])])
            fits = free & allowed[:, p, s] & (capacity <= room[s])
            if not fits.any():
                blocked[s] = True
                continue
            candidates = np.flatnonzero(fits)
            distance = q.distance_hm[candidates, q.slots[s].employer]
            place(int(candidates[int(np.argmin(distance))]), s)
    return here


def greedy_plan(scenario: Scenario) -> Plan:
    """The rule-of-thumb plan described in the module docstring."""
    q = scenario.quantities
    # Only skills held from the start: the heuristic plans no courses.
    allowed = eligibility.possible_placements(scenario) & eligibility.skills(scenario)[:, None, :]
    previous: dict[int, int] = {}
    for w, worker in enumerate(scenario.workers):
        if worker.home_employer is not None:
            e = scenario.employer_index[worker.home_employer]
            own = [s for s in q.slots_of_employer[e] if q.slots[s].role in worker.skills]
            if own:
                previous[w] = own[0]
    placements = []
    for p in range(scenario.horizon.periods):
        here = fill_period(scenario, allowed, p, previous)
        for w, s in sorted(here.items()):
            placements.append(placement_of(scenario, w, p, s, int(q.capacity_minutes[w, p])))
        previous = {**previous, **here}
    return Plan(placements=tuple(placements))
