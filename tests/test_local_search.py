"""The period local search: its prices are the validator's, its moves are exhaustive, and its LP
bounds the period model's integer optimum."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from werkdeling import Plan, Scenario, decompose, local_search, relaxation, validate
from werkdeling.generate import generate_scenario
from werkdeling.heuristic import fill_period
from werkdeling.local_search import IDLE, NO_LIMIT, PeriodCosts, improve, period_costs, reflow, repair
from werkdeling.model.build import build_model, placement_of
from werkdeling.model.eligibility import possible_placements
from werkdeling.relaxation import period_lp, reachable_covers, slot_hull, solve_lp
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


def _one_month_pool(roles: dict[str, str], skills: dict[str, list[str]]) -> Scenario:
    """One month, employers (id -> role) each requiring one FTE of their role, and workers (id ->
    skills) who are not guaranteed (idle costs 0), all in one place (no travel)."""
    here = {"lat": 51.0, "lon": 4.0}
    return Scenario.model_validate(
        {
            "horizon": {"start": "2027-01", "periods": 1},
            "employers": [
                {"id": e, "location": here, "demand": [{"role": r, "required": 1, "desired": 1}]}
                for e, r in roles.items()
            ],
            "workers": [
                {"id": w, "location": here, "skills": known, "guaranteed": False} for w, known in skills.items()
            ],
            "weights": {"travel": 0},
        }
    )


def test_a_chain_fills_a_gap_no_single_move_or_swap_can() -> None:
    # 'b' has required demand of one FTE and only 'an' may work there, but 'an' fills 'a', whose
    # required FTE only 'an' and 'bo' can fill; 'bo' is idle (not guaranteed, so idle costs 0).
    # A single move of 'an' to 'b' opens 'a' (no gain); 'bo' alone cannot work at 'b'; a swap
    # needs both placed. The chain 'bo' -> 'a', 'an' -> 'b' covers both: shortfall 0.
    s = _one_month_pool({"a": "r", "b": "q"}, {"an": ["r", "q"], "bo": ["r"]})
    allowed = possible_placements(s)
    costs = period_costs(s, allowed, 0, np.full(2, -1, dtype=np.int64))
    a, b = s.quantities.slot_index[(0, "r")], s.quantities.slot_index[(1, "q")]
    start = np.array([a, IDLE], dtype=np.int64)
    found, converged = improve(costs, start, seconds=10)
    assert converged and found.tolist() == [b, a]
    # Against empty: both slots' required (100 + 10 per hour) covered, 9,880 minutes each.
    assert costs.cost(found) == -2 * 9880 * 110


def test_reflow_makes_a_three_step_chain_no_move_swap_or_two_step_chain_finds() -> None:
    # Slots 'a' (role r), 'b' (q) and 'c' (p) each require one FTE. 'xa' can work at a or b,
    # 'yb' at b or c, 'za' at a only. From xa at a, yb at b and za idle, each move, swap or
    # two-step chain either leaves a covered slot empty or fills one already full (above desired
    # costs nothing, and the slot maximum is that FTE), so none gains. The three-step chain
    # za -> a, xa -> b, yb -> c covers all three: 110 units a minute (required + desired
    # shortfall) x 9,880 minutes each, against the empty period.
    s = _one_month_pool({"a": "r", "b": "q", "c": "p"}, {"xa": ["r", "q"], "yb": ["q", "p"], "za": ["r"]})
    costs = period_costs(s, possible_placements(s), 0, np.full(3, -1, dtype=np.int64))
    a, b, c = (s.quantities.slot_index[key] for key in ((0, "r"), (1, "q"), (2, "p")))
    start = np.array([a, b, IDLE], dtype=np.int64)
    assert costs.cost(start) == -2 * 9880 * 110
    assert all(costs.cost(o) >= costs.cost(start) for o in _all_single_changes(costs, start))
    moved = start.copy()
    assert reflow(costs, moved)
    assert moved.tolist() == [b, c, a]
    assert costs.cost(moved) == -3 * 9880 * 110
    assert not reflow(costs, moved)  # nothing more to gain: the plan stays
    assert moved.tolist() == [b, c, a]


def _class_options(costs: PeriodCosts, plan: np.ndarray, members: list[int]) -> list[np.ndarray]:
    """Every plan that re-places ``members`` (one slot each, or none) and keeps the limits."""
    places = [[IDLE, *costs.slot[costs.worker == w].tolist()] for w in members]
    options = []
    for choice in itertools.product(*places):
        option = plan.copy()
        option[members] = choice
        if costs.within_limits(option):
            options.append(option)
    return options


# Without reflow() (the moves, swaps and two-step chains alone) the first five cases fail.
@pytest.mark.parametrize(
    ("seed", "limits"),
    [(1, "none"), (4, "none"), (5, "heads"), (6, "heads"), (8, "heads"), (1, "coaching"), (7, "coaching")],
)
def test_after_a_converged_search_no_capacity_class_can_be_re_placed_for_less(seed: int, limits: str) -> None:
    # The referee of reflow()'s flows: with everyone else fixed, every way of re-placing the
    # workers of one capacity (brute force) costs at least what improve() stopped at. Where a
    # coaching capacity exists, workers who need coaching stay put (reflow() promises no more).
    s = generate_scenario(3, 9, seed=seed, periods=2)
    data = s.model_dump(mode="json", exclude_unset=True)
    for k, employer in enumerate(data["employers"]):
        if limits != "none":
            employer["max_shared_workers"] = 1 + k % 2
        if limits == "coaching":
            employer["coaching_capacity"] = 1
    for k, worker in enumerate(data["workers"]):
        worker["needs_coaching"] = limits == "coaching" and k % 3 == 0
    s = Scenario.model_validate(data)
    allowed = possible_placements(s)
    start = _greedy(s, allowed)
    checked = 0
    for k in range(s.horizon.periods):
        costs = _costs(s, allowed, start, k)
        found, converged = improve(costs, repair(costs, start[:, k]), seconds=10)
        assert converged and costs.feasible(found)
        movable = np.isin(np.arange(costs.workers), costs.worker)
        if limits == "coaching":
            movable &= ~costs.coached
        for minutes in np.unique(costs.capacity[movable]).tolist():
            members = np.flatnonzero(movable & (costs.capacity == minutes)).tolist()
            options = _class_options(costs, found, members)
            assert min(costs.cost(o) for o in options) == costs.cost(found)
            checked += len(options)
    assert checked >= 25  # the classes had room to move


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
def test_period_lp_lies_between_the_model_lp_and_the_integer_optimum(employers: int, workers: int, seed: int) -> None:
    # The CP-SAT period model's own LP prices slots by their shortfall and overstaffing lines, so
    # the hull of reachable covers can only raise it; and every integer plan is within the hull
    # LP, so CP-SAT's proven optimum cannot be below it. (The model's objective also carries E,
    # the cost of the empty plan.)
    s = generate_scenario(employers, workers, seed=seed)
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    empty = validate(s, Plan()).objective_units
    tolerance = 1e-3 * OBJECTIVE_SCALE
    for k in (0, 7):
        built = build_model(
            s, periods=(k,), last_employers={w: int(e) if e >= 0 else None for w, e in enumerate(home)},
            allowed=allowed,
        )  # fmt: skip
        built.model.minimize(built.objective(tuple(t for t in Term if t is not Term.SWITCHES)))
        from_model = solve_lp(built.model, skip=built.term_rows.get(Term.SWITCHES, ()))
        from_arrays = period_lp(period_costs(s, allowed, k, home))
        assert from_model is not None and from_arrays is not None
        assert from_arrays.objective >= from_model.objective - empty - tolerance
        for row in sorted(built.term_rows.get(Term.SWITCHES, ()), reverse=True):
            del built.model.proto.constraints[row]  # the switch rows: the arrays leave them out
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 60
        solver.parameters.num_workers = 2
        assert solver.solve(built.model) == cp_model.OPTIMAL
        assert from_arrays.objective <= solver.objective_value - empty + tolerance


def whole_worker_period() -> PeriodCosts:
    """One slot of required = desired = 0.3 FTE (2,964 minutes, 1 point per minute above it, a
    maximum of 1 FTE) and one candidate who works 9,880 minutes, no travel cost."""
    here = {"lat": 51.0, "lon": 4.0}
    s = Scenario.model_validate(
        {
            "horizon": {"start": "2027-01", "periods": 1},
            "employers": [
                {
                    "id": "a", "location": here, "overstaffing_cost": 1,
                    "demand": [{"role": "r", "required": 0.3, "desired": 0.3, "maximum": 1}],
                },
            ],
            "workers": [{"id": "an", "location": here, "skills": ["r"], "guaranteed": False}],
            "weights": {"travel": 0},
        }
    )  # fmt: skip
    return period_costs(s, possible_placements(s), 0, np.full(1, -1, dtype=np.int64))


def test_the_hull_prices_a_part_of_a_worker_by_the_line_between_whole_ones() -> None:
    # Required = desired = 0.3 FTE (2,964 minutes); the one candidate works 9,880. The model's
    # own LP places 0.3 of her: every required minute covered, -110 x 2,964 = -326,040 against
    # empty. With whole workers the slot gets 0 minutes (cost 0 against empty) or 9,880 (required
    # covered, 6,916 minutes overstaffed at 1 per minute: -326,040 + 6,916 = -319,124); the hull
    # joins the two, so the LP's best is the whole worker at -319,124.
    costs = whole_worker_period()
    assert (costs.short_required, costs.short_desired, int(costs.over[0])) == (100, 10, 1)
    relaxed = period_lp(costs)
    assert relaxed is not None
    assert relaxed.objective == pytest.approx(-319_124)
    assert relaxed.values.tolist() == pytest.approx([1.0])


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.lists(st.sampled_from([60, 90, 4940, 7904, 9880, 2400]), min_size=1, max_size=7),
    limit=st.integers(0, 40_000),
)
def test_reachable_covers_are_the_subset_sums(minutes: list[int], limit: int) -> None:
    bits, unit = reachable_covers(np.array(minutes, dtype=np.int64), limit)
    sums = {sum(c) for r in range(len(minutes) + 1) for c in itertools.combinations(minutes, r)}
    found = {j * unit for j in range(bits.bit_length()) if bits >> j & 1}
    assert found == {x for x in sums if x <= limit}


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.lists(st.sampled_from([4940, 7904, 9880]), min_size=1, max_size=6),
    required=st.integers(0, 30_000),
    extra=st.integers(0, 20_000),
    room=st.integers(0, 30_000),
    hard=st.booleans(),
)
def test_the_slot_hull_never_prices_a_reachable_cover_above_its_cost(
    minutes: list[int], required: int, extra: int, room: int, hard: bool
) -> None:
    # Validity of the bound: every cover whole workers reach within the slot's limits lies in the
    # hull's range, and the hull there is at most the cover's true cost.
    desired, maximum = required + extra, required + extra + room
    one = np.ones(1, dtype=np.int64)
    costs = PeriodCosts(
        capacity=np.array(minutes, dtype=np.int64), slot_employer=0 * one, required=required * one,
        desired=desired * one, maximum=maximum * one, short_required=100, short_desired=10, cover_required=hard,
        over=3 * one, worker=np.arange(len(minutes)), slot=np.zeros(len(minutes), dtype=np.int64),
        placement_cost=np.zeros(len(minutes), dtype=np.int64), switch_cost=np.zeros(len(minutes), dtype=np.int64),
        head_limit=NO_LIMIT * one, coaching_limit=NO_LIMIT * one, coached=np.zeros(len(minutes), dtype=np.bool_),
    )  # fmt: skip
    sums = {sum(c) for r in range(len(minutes) + 1) for c in itertools.combinations(minutes, r)}
    allowed = sorted(x for x in sums if x <= maximum and (not hard or x >= required))
    hull = slot_hull(costs, 0, np.array(minutes, dtype=np.int64))
    if hull is None:
        assert not allowed
        return
    covers, prices = hull
    assert allowed and covers[0] <= allowed[0] and allowed[-1] <= covers[-1]
    true = costs.slot_cost(np.zeros(len(allowed), dtype=np.int64), np.array(allowed), hard=False)
    assert (np.interp(allowed, covers, prices) <= true + 1e-6).all()


@pytest.mark.parametrize("dense", [True, False])
def test_lookup_finds_every_candidate_and_nothing_else(monkeypatch: pytest.MonkeyPatch, dense: bool) -> None:
    # Both ways of looking up (a dense table, or binary search where that table would be too
    # large) must give each candidate's own index and -1 for every other worker-slot pair.
    if not dense:
        monkeypatch.setattr(local_search, "DENSE_LOOKUP_LIMIT", 0)
    s = generate_scenario(8, 50, seed=4)
    costs = period_costs(s, possible_placements(s), 2, decompose._home_employers(s))
    workers, slots = np.divmod(np.arange(costs.workers * costs.slots), costs.slots)
    found = costs.lookup(workers, slots)
    expected = np.full(len(found), -1, dtype=np.int64)
    expected[costs.worker * costs.slots + costs.slot] = np.arange(len(costs.worker))
    assert (costs._dense_index is not None) == dense
    assert found.dtype == np.int64
    assert np.array_equal(found, expected)
    assert 0 < (found >= 0).sum() < len(found)  # both kinds of pair are looked up


def test_cheapest_keeps_each_workers_and_each_slots_cheapest_and_the_plan() -> None:
    s = generate_scenario(20, 150, seed=2)
    allowed = possible_placements(s)
    costs = period_costs(s, allowed, 3, decompose._home_employers(s))
    plan = np.full(costs.workers, IDLE, dtype=np.int64)
    plan[:5] = [costs.slot[np.flatnonzero(costs.worker == w)[-1]] for w in range(5)]  # each one's last
    kept = set(costs.cheapest(2, keep=plan).tolist())
    for group in (costs.worker, costs.slot):
        for g in np.unique(group):
            members = np.flatnonzero(group == g)
            two_cheapest = np.sort(costs.placement_cost[members])[:2]
            chosen = sorted(costs.placement_cost[[i for i in members if i in kept]].tolist())
            assert chosen[: len(two_cheapest)] == two_cheapest.tolist()
    assert set(costs.lookup(np.arange(5), plan[:5]).tolist()) <= kept


@pytest.mark.parametrize("rounds", [0, 1, 2, 50])
def test_pricing_bounds_the_full_lp_and_reaches_it(monkeypatch: pytest.MonkeyPatch, rounds: int) -> None:
    # Started from each worker's and slot's cheapest placement, the LP's bound (its optimum plus
    # each worker's best reduced cost outside it) never exceeds the LP with every candidate; with
    # rounds enough, no reduced cost is negative and the two are the same.
    monkeypatch.setattr(relaxation, "PRICING_ROUNDS", rounds)
    s = generate_scenario(20, 150, seed=2)
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    for k in (0, 7):
        costs = period_costs(s, allowed, k, home)
        full = period_lp(costs)
        priced = period_lp(costs, costs.cheapest(1))
        assert full is not None and priced is not None
        assert full.bound == full.objective and len(full.columns) == len(costs.worker)
        tolerance = 1e-6 * abs(full.objective)
        assert priced.bound <= full.objective + tolerance <= priced.objective + 2 * tolerance
        assert set(np.flatnonzero(priced.values > 1e-9).tolist()) <= set(priced.columns.tolist())
        if rounds == 50:
            assert priced.objective == pytest.approx(full.objective, rel=1e-9)
            assert priced.bound == pytest.approx(full.objective, rel=1e-9)


def test_a_passed_deadline_stops_pricing_after_the_first_round_and_keeps_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The LP from the cheapest placements is solved, priced and solved once more whatever the
    # deadline; a deadline already passed then stops it, and the bound still holds.
    s = generate_scenario(20, 150, seed=2)
    costs = period_costs(s, possible_placements(s), 7, decompose._home_employers(s))
    solves: list[int] = []
    solve = relaxation._solve_period_lp

    def counted(*args: Any) -> Any:
        solves.append(1)
        return solve(*args)

    monkeypatch.setattr(relaxation, "_solve_period_lp", counted)
    stopped = period_lp(costs, costs.cheapest(1), deadline=0.0)
    assert len(solves) == 2
    unlimited = period_lp(costs, costs.cheapest(1))
    assert len(solves) > 4  # without a deadline it goes on: this case needs more rounds
    full = period_lp(costs)
    assert stopped is not None and unlimited is not None and full is not None
    assert stopped.bound <= full.objective + 1e-6 * abs(full.objective)
