"""The period local search: its prices are the validator's, its moves are exhaustive, and its LP
is the period model's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from werkdeling import Plan, Scenario, decompose, validate
from werkdeling.generate import generate_scenario
from werkdeling.heuristic import fill_period
from werkdeling.local_search import IDLE, PeriodCosts, improve, period_costs, repair
from werkdeling.model.build import build_model, placement_of
from werkdeling.model.eligibility import possible_placements
from werkdeling.relaxation import period_lp, solve_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Term


def _plan(s: Scenario, assignment: np.ndarray) -> Plan:
    capacity = s.quantities.capacity_minutes
    rows = [
        placement_of(s, int(w), int(k), int(assignment[w, k]), int(capacity[w, k]))
        for w, k in zip(*np.nonzero(assignment >= 0), strict=True)
    ]
    return Plan(placements=tuple(rows))


def _greedy(s: Scenario, allowed: np.ndarray) -> np.ndarray:
    assignment = np.full((len(s.workers), s.horizon.periods), IDLE, dtype=np.int64)
    for k in range(s.horizon.periods):
        for w, slot in fill_period(s, allowed, k, {}).items():
            assignment[w, k] = slot
    return assignment


def _costs(s: Scenario, allowed: np.ndarray, assignment: np.ndarray, k: int, *, ahead: bool = False) -> PeriodCosts:
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    home = decompose._home_employers(s)
    last = decompose._last_employers(assignment, home, slot_employer, k)
    following = decompose._next_employers(assignment, slot_employer, k) if ahead else None
    return period_costs(s, allowed, k, last, following)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_period_costs_add_up_to_the_validators_objective(seed: int) -> None:
    # The empty plan costs E; each period's cost() is its change against empty, with switches
    # counted from the periods before, so E plus the sum is the plan's objective exactly.
    s = generate_scenario(6, 40, seed=seed)
    allowed = possible_placements(s)
    assignment = _greedy(s, allowed)
    empty = validate(s, Plan()).objective_units
    total = empty + sum(_costs(s, allowed, assignment, k).cost(assignment[:, k]) for k in range(s.horizon.periods))
    report = validate(s, _plan(s, assignment))
    assert report.is_valid
    assert report.objective_units == total


def _all_single_changes(costs: PeriodCosts, plan: np.ndarray) -> list[np.ndarray]:
    """Every plan one move or one swap away from ``plan`` that keeps the slot maximums."""
    options: list[np.ndarray] = []
    places = {w: [IDLE] for w in range(costs.workers)}
    for w, s in zip(costs.worker.tolist(), costs.slot.tolist(), strict=True):
        places[w].append(s)
    for w, where in places.items():
        for s in where:
            if s != plan[w]:
                moved = plan.copy()
                moved[w] = s
                options.append(moved)
    for w, v in itertools.combinations(range(costs.workers), 2):
        if plan[w] != plan[v] and plan[v] in places[w] and plan[w] in places[v]:
            swapped = plan.copy()
            swapped[w], swapped[v] = plan[v], plan[w]
            options.append(swapped)
    return [o for o in options if costs.feasible(o)]


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_a_converged_search_has_no_improving_move_or_swap_left(seed: int) -> None:
    # The referee of the vectorised prices: every single move and swap, priced by cost() from
    # scratch, must be no better than what improve() stopped at, and improve() never got worse.
    s = generate_scenario(4, 14, seed=seed)
    allowed = possible_placements(s)
    start = _greedy(s, allowed)
    for k in range(s.horizon.periods):
        costs = _costs(s, allowed, start, k, ahead=True)
        found, converged = improve(costs, start[:, k], seconds=10)
        assert converged
        assert costs.feasible(found)
        assert costs.cost(found) <= costs.cost(start[:, k])
        best_neighbour = min((costs.cost(o) for o in _all_single_changes(costs, found)), default=0)
        assert costs.cost(found) <= best_neighbour


def test_a_chain_fills_a_gap_no_single_move_or_swap_can() -> None:
    # 'b' has required demand of one FTE and only 'an' may work there, but 'an' fills 'a', whose
    # required FTE only 'an' and 'bo' can fill; 'bo' is idle (not guaranteed, so idle costs 0).
    # A single move of 'an' to 'b' opens 'a' (no gain); 'bo' alone cannot work at 'b'; a swap
    # needs both placed. The chain 'bo' -> 'a', 'an' -> 'b' covers both: shortfall 0.
    here = {"lat": 51.0, "lon": 4.0}
    s = Scenario.model_validate(
        {
            "horizon": {"start": "2027-01", "periods": 1},
            "employers": [
                {"id": "a", "location": here, "demand": [{"role": "r", "required": 1, "desired": 1}]},
                {"id": "b", "location": here, "demand": [{"role": "q", "required": 1, "desired": 1}]},
            ],
            "workers": [
                {"id": "an", "location": here, "skills": ["r", "q"], "guaranteed": False},
                {"id": "bo", "location": here, "skills": ["r"], "guaranteed": False},
            ],
            "weights": {"travel": 0},
        }
    )
    allowed = possible_placements(s)
    costs = period_costs(s, allowed, 0, np.full(2, -1, dtype=np.int64))
    a, b = s.quantities.slot_index[(0, "r")], s.quantities.slot_index[(1, "q")]
    start = np.array([a, IDLE], dtype=np.int64)
    found, converged = improve(costs, start, seconds=10)
    assert converged and found.tolist() == [b, a]
    # Against empty: both slots' required (100 + 10 per hour) covered, 9,880 minutes each.
    assert costs.cost(found) == -2 * 9880 * 110


def test_repair_takes_out_the_dearest_workers_until_the_limits_hold() -> None:
    s = generate_scenario(3, 12, seed=1)
    limited = [e.model_copy(update={"max_shared_workers": 1}) for e in s.employers]
    s = s.replace(employers=limited)
    allowed = possible_placements(s)
    costs = period_costs(s, allowed, 0, np.full(len(s.workers), -1, dtype=np.int64))
    # Everyone where their cheapest candidate is: several per employer, over the limit of one.
    crowded = np.full(len(s.workers), IDLE, dtype=np.int64)
    for w in range(len(s.workers)):
        mine = np.flatnonzero(costs.worker == w)
        if len(mine):
            crowded[w] = costs.slot[mine[np.argmin(costs.placement_cost[mine])]]
    assert not costs.feasible(crowded)
    fixed = repair(costs, crowded)
    assert costs.feasible(fixed)
    assert set(np.flatnonzero(fixed >= 0)) <= set(np.flatnonzero(crowded >= 0))
    with pytest.raises(ValueError, match="repair"):
        improve(costs, crowded)


@pytest.mark.parametrize(("employers", "workers", "seed"), [(6, 30, 5), (20, 150, 2)])
def test_period_lp_equals_the_lp_of_the_period_model(employers: int, workers: int, seed: int) -> None:
    # Same relaxation, two constructions: from the arrays, and translated from the CP-SAT period
    # model (whose objective also carries E, the cost of the empty plan).
    s = generate_scenario(employers, workers, seed=seed)
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    empty = validate(s, Plan()).objective_units
    for k in (0, 7):
        built = build_model(
            s, periods=(k,), last_employers={w: int(e) if e >= 0 else None for w, e in enumerate(home)},
            allowed=allowed,
        )  # fmt: skip
        built.model.minimize(built.objective(tuple(t for t in Term if t is not Term.SWITCHES)))
        from_model = solve_lp(built.model, skip=built.term_rows.get(Term.SWITCHES, ()))
        from_arrays = period_lp(period_costs(s, allowed, k, home))
        assert from_model is not None and from_arrays is not None
        assert from_arrays.objective == pytest.approx(from_model.objective - empty, abs=1e-3 * OBJECTIVE_SCALE)
