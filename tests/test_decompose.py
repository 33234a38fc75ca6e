"""Planning period by period: plans are refereed, the bound holds, and the price of planning one
period at a time is exactly what a crafted case predicts."""

from __future__ import annotations

import math
import threading
import time
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from tests.test_lagrangian import limited, pricings
from tests.test_properties import SETTINGS, scenarios
from werkdeling import Placement, Plan, Scenario, Status, decompose, solve, solver, validate
from werkdeling import ahead as ahead_module
from werkdeling.ahead import LpAhead
from werkdeling.errors import InputError
from werkdeling.evaluation.measure import resolve
from werkdeling.flow_lp import flow_lp
from werkdeling.generate import generate_scenario
from werkdeling.heuristic import fill_period, greedy_plan
from werkdeling.lagrangian import Prices, SwitchPricing, evaluate, paths, pricing, switch_bound
from werkdeling.local_search import period_costs, term_units
from werkdeling.model import Anchor
from werkdeling.model.build import build_model
from werkdeling.model.eligibility import possible_placements
from werkdeling.patterns import pattern_lp, slot_counts
from werkdeling.period_anchor import period_anchor
from werkdeling.relaxation import period_lp, solve_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Term


def solve_to_the_end(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[int, bool]:
    """A runner for plan_by_period that the user never stops."""
    return solver.solve(model), False


def one_search_worker(solver: cp_model.CpSolver, seconds: float) -> None:
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1


def two_search_workers(solver: cp_model.CpSolver, seconds: float) -> None:
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2


def myopic_pool() -> Scenario:
    here = {"lat": 51.0, "lon": 4.0}
    return Scenario.model_validate(
        {
            "horizon": {"start": "2027-01", "periods": 2},
            "employers": [
                {"id": "a", "location": here, "demand": [{"role": "r", "required": 0, "desired": [1, 0]}]},
                {"id": "b", "location": here, "demand": [{"role": "r", "required": 0, "desired": [1, 1]}]},
            ],
            "workers": [
                {
                    "id": "an", "location": here, "skills": ["r"], "guaranteed": False,
                    "preferences": [{"kind": "prefer", "employer": "a", "periods": ["2027-01"], "weight": 5}],
                }
            ],
            "weights": {"required_shortfall": 0, "desired_shortfall": 10, "idle_paid": 0, "switches": 50,
                        "travel": 0, "preferences": 1},
        }
    )  # fmt: skip


def test_the_sweep_undoes_the_switch_the_first_pass_could_not_foresee() -> None:
    s = myopic_pool()
    whole = solve(s, strategy="whole", time_limit=10, num_workers=1)
    by_period = solve(s, strategy="by_period", time_limit=10, num_workers=1)
    # One full-time month is 38 h x 52 / 12 = 9,880 minutes; one FTE of desired demand left
    # open costs 9,880 / 60 x 10 = 1,646.67. January has two such slots and one worker.
    # First pass, period by period: January takes 'a' (her preference, 0), leaving 'b' open
    # (1,646.67, its LP bound exactly); February then only has 'b', a switch (50, its LP 0).
    # The sweep then sees February: in January, 'a' now costs the switch (50) against her unmet
    # preference (5) at 'b', so she moves, and the plan is the whole-horizon optimum: 'b' both
    # months, her preference unmet (5) and 'a' open: 1,651.67.
    # The periods' LPs without switches bound it by January's 1,646.67 plus February's 0, which
    # is 5 short. Pricing the switches (werkdeling.lagrangian) closes that: with a minute of
    # cover worth 10/60 points in January's slots and in February's 'b', her path 'a' then 'b'
    # costs a switch (50) and 'b' twice her unmet preference (5), each more than taking her
    # best place in each month apart, so the bound is 1,651.67 and the plan is proven optimal.
    open_fte = 9880 / 60 * 10
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(open_fte + 5)
    assert by_period.objective == pytest.approx(open_fte + 5)
    assert by_period.bound == pytest.approx(open_fte + 5)
    assert by_period.status is Status.OPTIMAL
    assert any("period by period" in note for note in by_period.notes)
    assert not any("period by period" in note for note in whole.notes)

    run, configure = solve_to_the_end, one_search_worker
    first_pass = decompose.plan_by_period(s, time_limit=10, run=run, configure=configure).reports
    assert [r.above_lp_units / OBJECTIVE_SCALE for r in first_pass] == pytest.approx([0, 50])


def _check_by_period_against_the_whole_model(data: dict[str, Any]) -> None:
    s = Scenario.model_validate(data)
    assert decompose.linking_features(s) == []
    whole = solve(s, strategy="whole", time_limit=20, num_workers=1)
    # solve() itself raises SolverError unless the plan validates and the period objectives add
    # up to the validator's cost; checked again here.
    by_period = solve(s, strategy="by_period", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None
    assert by_period.plan is not None and by_period.objective is not None and by_period.bound is not None
    report = validate(s, by_period.plan)
    assert report.is_valid, report.summary()
    assert report.objective_units == round(by_period.objective * OBJECTIVE_SCALE)
    assert by_period.bound <= whole.objective + 1e-9
    assert by_period.objective >= whole.objective - 1e-9
    if s.weights.switches == 0:
        # Nothing links the periods then: the best plan of each period together is the optimum.
        assert by_period.objective == pytest.approx(whole.objective, abs=1e-9)


@SETTINGS
@given(scenarios())
def test_by_period_plans_are_refereed_and_never_beat_the_bound_or_the_optimum(data: dict[str, Any]) -> None:
    _check_by_period_against_the_whole_model(data)


@SETTINGS
@given(scenarios())
def test_with_glop_for_every_period_lp_plans_are_still_refereed_and_bounded(data: dict[str, Any]) -> None:
    # The generated pools' limits seldom bind, so most periods' LPs are min-cost flows; GLOP,
    # which periods with binding head counts keep, must plan and bound as well.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decompose, "flow_lp", lambda costs: None)
        _check_by_period_against_the_whole_model(data)


@SETTINGS
@given(scenarios())
def test_with_pattern_lps_in_the_first_pass_plans_are_still_refereed_and_bounded(data: dict[str, Any]) -> None:
    # Every period solves its pattern LP before its search and starts from its rounded solution,
    # as periods above FIRST_PATTERN_ABOVE candidates do.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decompose, "FIRST_PATTERN_ABOVE", 0)
        _check_by_period_against_the_whole_model(data)


def test_rules_that_link_periods_are_named_and_refuse_planning_by_period() -> None:
    base = myopic_pool()
    linked = base.replace(rules=base.rules.model_copy(update={"min_stint": 2, "max_switches": 1}))
    assert decompose.linking_features(linked) == ["rules.min_stint", "rules.max_switches"]
    with pytest.raises(InputError, match=r"rules\.min_stint, rules\.max_switches"):
        solve(linked, strategy="by_period", time_limit=5, num_workers=1)
    fair = base.replace(weights=base.weights.model_copy(update={"fair_idle": 1}))
    assert decompose.linking_features(fair) == ["weights.fair_idle"]
    with_course = generate_scenario(3, 8, seed=2, training=True)
    assert decompose.linking_features(with_course) == [
        "trainings (a course spans periods and adds skills for later ones)"
    ]
    with pytest.raises(InputError, match="weighted mode only"):
        solve(base, strategy="by_period", mode="lexicographic", time_limit=5, num_workers=1)


def test_auto_plans_a_small_pool_by_period_when_the_time_is_too_short_for_the_whole_model() -> None:
    s = generate_scenario(4, 16, seed=3)
    placements = int(possible_placements(s).sum())
    assert placements <= decompose.BY_PERIOD_ABOVE
    # Under 1 ms per possible placement (the most the whole model's start by period may take)
    # the whole model could only return its start, so auto plans by period outright.
    short = solve(s, time_limit=0.5 * solver.START_SECONDS_PER_PLACEMENT * placements, num_workers=1)
    assert any(note.startswith("planned period by period") for note in short.notes)
    assert short.plan is not None and validate(s, short.plan).is_valid
    longer = solve(s, time_limit=2 * solver.START_SECONDS_PER_PLACEMENT * placements, num_workers=1)
    assert not any(note.startswith("planned period by period") for note in longer.notes)
    # Not where courses link the periods: planning by period would choose them by estimate.
    with_course = generate_scenario(3, 8, seed=2, training=True)
    tiny = solve(with_course, time_limit=0.01, num_workers=1)
    assert not any(note.startswith("planned period by period") for note in tiny.notes)


def test_auto_plans_large_separable_pools_by_period(monkeypatch: pytest.MonkeyPatch) -> None:
    s = generate_scenario(4, 16, seed=3)
    assert decompose.linking_features(s) == []
    assert int(possible_placements(s).sum()) <= decompose.BY_PERIOD_ABOVE
    small = solve(s, time_limit=10, num_workers=1)
    assert not any("period by period" in note for note in small.notes)
    assert small.status is Status.OPTIMAL and small.objective is not None
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    large = solve(s, time_limit=10, num_workers=1)
    assert any("period by period" in note for note in large.notes)
    assert large.plan is not None and validate(s, large.plan).is_valid
    assert large.bound is not None and large.objective is not None
    assert large.bound <= small.objective + 1e-9 <= large.objective + 2e-9


def test_lp_relaxation_of_a_small_model() -> None:
    # Two 0/1 variables with 2x + 2y <= 3, minimising -x - y: the LP takes x + y = 1.5.
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(2 * x + 2 * y <= 3)
    model.minimize(-x - y)
    relaxed = solve_lp(model)
    assert relaxed is not None and relaxed.objective == pytest.approx(-1.5)
    assert relaxed.values.sum() == pytest.approx(1.5)
    model.add(x + y >= 2)  # now even the LP is infeasible
    assert solve_lp(model) is None


def test_without_time_for_search_every_period_takes_the_rounded_lp_and_stays_valid() -> None:
    # Every period starts from the rounded LP, repaired to keep the maximums and head counts, so
    # even a time limit that leaves no search gives a complete plan that the validator accepts.
    s = generate_scenario(6, 30, seed=5)
    result = solve(s, strategy="by_period", time_limit=0.001, num_workers=1)
    cut = [note for note in result.notes if "ran out of time" in note]
    assert len(cut) == s.horizon.periods
    assert result.plan is not None and validate(s, result.plan).is_valid
    assert result.objective is not None and result.bound is not None
    assert result.bound <= result.objective
    assert validate(s, result.plan).objective == pytest.approx(result.objective)


def test_a_period_takes_the_start_where_it_costs_no_more_than_the_search_from_the_lp() -> None:
    # The myopic pool's January, nobody placed before: 'an' at 'a' fills its desired month
    # (-1,646.67 against the empty period) at her preference; at 'b' the same less her unmet
    # preference (+5); idle costs nothing (she is not guaranteed and idle pay weighs 0).
    s = myopic_pool()
    costs = period_costs(s, possible_placements(s), 0, np.array([-1]))
    at_a, at_b = s.quantities.slot_index[(0, "r")], s.quantities.slot_index[(1, "r")]
    a, b, idle = np.array([at_a]), np.array([at_b]), np.array([-1])
    assert costs.cost(a) == costs.cost(b) - 5 * OBJECTIVE_SCALE < costs.cost(idle) == 0
    # The start's 'b' costs more than 'a' from the LP: not taken.
    chosen, converged, taken = decompose._or_start(costs, a, True, b, 1.0)
    assert (chosen.tolist(), converged, taken) == ([at_a], True, False)
    # Against an idle plan (a search cut short) it is taken and searched on, which moves her to 'a'.
    chosen, converged, taken = decompose._or_start(costs, idle, False, b, 1.0)
    assert (chosen.tolist(), converged, taken) == ([at_a], True, True)
    # A tie goes to the start.
    assert decompose._or_start(costs, a, True, a, 1.0)[2]
    # Where 'a' is no candidate, the start's column keeps nothing of it.
    only_b = costs.restricted(np.flatnonzero(costs.slot == at_b))
    assert decompose._start_column(only_b, a).tolist() == [-1]
    assert decompose._start_column(costs, a).tolist() == [at_a]


def test_a_warm_start_the_periods_do_not_reach_in_time_is_returned_itself() -> None:
    # The myopic pool from its optimum ('b' both months, 1,651.67), with no time to search:
    # January takes 'a' from its LP (1,646.67 against 'b's 1,651.67, so the start's column is
    # not taken), February 'b', which is also the start's (a switch, 50): 1,696.67. No time is
    # left for the sweep that would undo the switch, so the warm start itself is returned. The
    # bound is the periods' LPs alone (1,646.67 + 0): pricing the switches had no time either.
    s = myopic_pool()
    open_fte = 9880 / 60 * 10
    whole = solve(s, strategy="whole", time_limit=10, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(open_fte + 5)
    alone = solve(s, strategy="by_period", time_limit=0, num_workers=1)
    assert alone.objective == pytest.approx(open_fte + 50)
    started = solve(s, strategy="by_period", time_limit=0, num_workers=1, warm_start=whole.plan)
    assert started.plan == whole.plan and started.objective == pytest.approx(open_fte + 5)
    assert started.status is Status.FEASIBLE and started.bound == pytest.approx(open_fte)
    assert started.notes[0] == (
        "the warm start (1,651.67) costs less than the plan made from it (1,696.67), so it is returned"
    )
    assert (
        "the start plan was taken in 1 of 2 period(s) planned in the first pass; the rounded LP in the rest"
        in started.notes
    )


def test_a_start_array_has_each_workers_slot_per_period() -> None:
    s = generate_scenario(6, 30, seed=5)
    result = solve(s, strategy="by_period", time_limit=1, num_workers=1)
    assert result.plan is not None and result.plan.placements
    first = result.plan.placements[0]
    extra = (
        Placement(worker="nobody", period=first.period, employer=first.employer, role=first.role, hours=1),
        Placement(worker=first.worker, period=first.period, employer="nowhere", role=first.role, hours=1),
    )
    array = decompose.start_array(s, Plan(placements=(*result.plan.placements, *extra)))
    expected = np.full((len(s.workers), s.horizon.periods), -1)
    for p in result.plan.placements:
        expected[s.worker_index[p.worker], s.horizon.index(p.period)] = s.quantities.slot_index[
            (s.employer_index[p.employer], p.role)
        ]
    assert (array == expected).all()
    # Two rows for one worker and period: the first counts.
    w, k = s.worker_index[first.worker], s.horizon.index(first.period)
    other = next(p for p in result.plan.placements if (p.employer, p.role) != (first.employer, first.role))
    twice = Plan(placements=(other.model_copy(update={"worker": first.worker, "period": first.period}), first))
    assert (
        decompose.start_array(s, twice)[w, k] == s.quantities.slot_index[(s.employer_index[other.employer], other.role)]
    )


@SETTINGS
@given(scenarios())
def test_planning_by_period_from_the_optimum_ends_at_the_optimum(data: dict[str, Any]) -> None:
    # Each period's search begins from the optimal plan where that costs less, and the warm
    # start itself is returned where the plan made from it costs more, so the result can be
    # neither below the optimum nor above it.
    s = Scenario.model_validate(data)
    whole = solve(s, strategy="whole", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None
    started = solve(s, strategy="by_period", time_limit=2, num_workers=1, warm_start=whole.plan)
    assert started.plan is not None and started.objective is not None and started.bound is not None
    report = validate(s, started.plan)
    assert report.is_valid and report.objective == pytest.approx(started.objective)
    assert started.objective == pytest.approx(whole.objective, abs=1e-9)
    assert started.bound <= started.objective + 1e-9
    assert (started.status is Status.OPTIMAL) == (round(started.bound * OBJECTIVE_SCALE) >= report.objective_units)


@pytest.mark.parametrize("first_patterns", [False, True])
def test_period_reports_add_up_to_the_gap_between_plan_and_bound(
    monkeypatch: pytest.MonkeyPatch, first_patterns: bool
) -> None:
    # expected = E + sum(units_k) + swept + what re-planning from the priced paths and the
    # windows at the end saved, and
    # bound = E + sum(LP_k) + what pricing the switches added, all against the empty period, so
    # expected - bound is exactly the sum over periods of units_k - LP_k plus those two changes
    # of the plan, less the switches' part of the bound. The bound is rounded up to whole units
    # after taking off a margin of 1e-7 of itself for GLOP's tolerances. With the pattern LPs in
    # the first pass, the same holds.
    if first_patterns:
        monkeypatch.setattr(decompose, "FIRST_PATTERN_ABOVE", 0)
    s = generate_scenario(6, 30, seed=5)

    run, configure = solve_to_the_end, one_search_worker
    told: list[tuple[int, float]] = []
    outcome = decompose.plan_by_period(
        s, time_limit=5, run=run, configure=configure, on_period=lambda k, units: told.append((k, units))
    )
    assert outcome.bound_units is not None
    assert [r.label for r in outcome.reports] == list(s.horizon.labels)
    # Told after each period, then of every cheaper whole plan: the last is the plan returned.
    periods = s.horizon.periods
    assert [k for k, _ in told[:periods]] == list(range(periods))
    assert all(k == periods - 1 for k, _ in told[periods:])
    assert told[-1][1] == outcome.expected_units
    assert outcome.plan is not None and validate(s, outcome.plan).objective_units == outcome.expected_units
    assert all(min(r.model_seconds, r.lp_seconds, r.search_seconds) >= 0 for r in outcome.reports)
    gap = outcome.expected_units - outcome.bound_units
    assert outcome.swept_units <= 0
    assert outcome.switch_bound_units > 0  # this pool has switches that no plan avoids
    assert outcome.repath_units <= 0
    assert outcome.path_plan_units <= 0
    assert outcome.pattern_plan_units <= 0
    assert outcome.window_units <= 0
    above = sum(r.above_lp_units for r in outcome.reports) + outcome.swept_units
    above += outcome.repath_units + outcome.path_plan_units + outcome.pattern_plan_units + outcome.window_units
    assert outcome.pattern_periods > 0 and outcome.pattern_bound_units >= 0
    above -= outcome.switch_bound_units + outcome.pattern_bound_units
    above += 1e-7 * abs(outcome.bound_units)
    assert above - 1 < gap <= above + 1e-6


@pytest.mark.parametrize("limits", [False, True])
def test_crowded_periods_are_priced_and_searched_on_their_cheapest_placements(
    monkeypatch: pytest.MonkeyPatch, limits: bool
) -> None:
    # With every period counted as crowded, the search moves among 2 placements per worker and
    # slot and the LP's. Without limits the LP is the min-cost flow over every candidate; with
    # head counts and coaching limits GLOP starts from those placements and prices in the rest.
    # Either way the plan is refereed and the bound below it.
    monkeypatch.setattr(decompose, "PRUNE_ABOVE", 0)
    monkeypatch.setattr(decompose, "KEEP_CHEAPEST", 2)
    s = generate_scenario(20, 150, seed=2)
    if limits:
        s = limited(s)
    pruned = solve(s, strategy="by_period", time_limit=5, num_workers=1)
    assert pruned.plan is not None and validate(s, pruned.plan).is_valid
    assert validate(s, pruned.plan).objective == pytest.approx(pruned.objective)
    assert pruned.bound is not None and pruned.objective is not None and pruned.bound <= pruned.objective


@pytest.mark.parametrize(("limits", "steps"), [(False, False), (True, False), (False, True), (True, True)])
def test_without_memory_for_the_switch_prices_they_are_priced_near_the_lp_prices(limits: bool, steps: bool) -> None:
    # With no memory allowed for every period's candidates, the bound prices the switches on
    # the candidates a cheapest path can take near the LPs' prices: more than the periods' LPs
    # alone and never above the optimum the whole model proves. With no time for steps, it is
    # exactly the Lagrangian at the LPs' prices; with steps, at least that. (No time for the
    # pattern LPs, whose bounds, where higher, would be taken instead.)
    s = generate_scenario(6, 30, seed=3, periods=4)
    s = limited(s) if limits else s
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decompose, "SWITCH_BOUND_BYTES", 0)
        patch.setattr(decompose, "PATTERN_SHARE", 0.0)
        if not steps:
            patch.setattr(decompose.SwitchPricing, "improve", _one_evaluation)
        outcome = _plan_by_period(s)
    assert outcome.plan is not None and outcome.bound_units is not None
    assert validate(s, outcome.plan).objective_units == outcome.expected_units
    assert outcome.switch_bound_units > 0 and outcome.path_plan_units == 0
    assert any("near the LPs' prices" in note for note in outcome.notes)
    # The LPs' prices as planning by period has them: the flow's where it applies, else GLOP's.
    allowed = possible_placements(s)
    nobody = np.full(len(s.workers), -1, dtype=np.int64)
    periods = []
    for k in range(s.horizon.periods):
        costs = period_costs(s, allowed, k, nobody)
        relaxed = flow_lp(costs) or period_lp(costs)
        assert relaxed is not None
        periods.append(pricing(costs, relaxed))
    switch = float(term_units(s, Term.SWITCHES))
    at_lp = evaluate(periods, [Prices.of_lp(p) for p in periods], paths(periods, decompose._home_employers(s)), switch)
    empty = validate(s, Plan()).objective_units
    at_lp_units = math.ceil(empty + at_lp.value - 1e-7 * abs(empty + at_lp.value))
    assert outcome.pattern_periods == 0
    if steps:
        assert outcome.bound_units >= at_lp_units
    else:
        assert outcome.bound_units == at_lp_units
    whole = solve(s, strategy="whole", time_limit=30, num_workers=2)
    assert whole.status is Status.OPTIMAL and whole.objective is not None
    assert outcome.bound_units <= round(whole.objective * OBJECTIVE_SCALE)


def test_a_plan_from_the_priced_paths_is_valid_and_costs_what_the_periods_say() -> None:
    # The paths break slot maximums where many workers find the same slot cheap; repair() takes
    # workers out until every limit holds, the sweeps improve it, and the validator must agree
    # with the periods' costs.
    s = generate_scenario(8, 60, seed=4, periods=6)
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    periods, _ = pricings(s)
    empty = validate(s, Plan()).objective_units
    switch = float(term_units(s, Term.SWITCHES))
    priced = switch_bound(periods, home, switch, upper=0.0, deadline=time.perf_counter() + 1)
    nobody = np.full(len(s.workers), -1, dtype=np.int64)
    spaces = [period_costs(s, allowed, k, nobody) for k in range(s.horizon.periods)]
    plan, units, stopped = decompose._plan_from_paths(
        s, allowed, periods, spaces, SwitchPricing(periods, home, switch), priced.picks, home, slot_employer,
        time.perf_counter() + 5,
    )  # fmt: skip
    assert plan is not None and not stopped
    rows = decompose._outcome(s, plan, empty + units, None, [], []).plan
    assert rows is not None
    report = validate(s, rows)
    assert report.is_valid, report.summary()
    assert report.objective_units == empty + units
    assert empty + priced.value <= report.objective_units


def test_re_planning_never_plans_twice_from_the_same_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rounds plan from the best prices' paths, else the latest. Alternating between the two
    # planned from the best paths again whenever they had not changed (on this pool 11 distinct
    # paths in 18 plans), each round the same plan for nothing; now every round's paths are new.
    # The plan is still refereed and bounded.
    s = generate_scenario(6, 30, seed=1)
    planned: list[bytes] = []
    plan_from_paths = decompose._plan_from_paths

    def recorded(*args: Any, **kwargs: Any) -> tuple[Any, int, bool]:
        planned.append(b"".join(np.asarray(picks, dtype=np.int64).tobytes() for picks in args[5]))
        return plan_from_paths(*args, **kwargs)

    monkeypatch.setattr(decompose, "_plan_from_paths", recorded)
    outcome = decompose.plan_by_period(
        s, time_limit=3, run=lambda solver, model: (solver.solve(model), False),
        configure=lambda solver, seconds: setattr(solver.parameters, "max_time_in_seconds", seconds), threads=1,
    )  # fmt: skip
    assert len(planned) >= 3  # the third repeated the first before
    assert len(set(planned)) == len(planned)
    assert outcome.plan is not None and outcome.bound_units is not None
    report = validate(s, outcome.plan)
    assert report.is_valid and report.objective_units == outcome.expected_units >= outcome.bound_units


def _interrupted(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


_improve = decompose.SwitchPricing.improve


def _one_evaluation(
    pricer: SwitchPricing,
    upper: float,
    deadline: float,
    evaluations: int | None = None,
    stop: threading.Event | None = None,
) -> None:
    """:meth:`SwitchPricing.improve` with time for one evaluation only."""
    _improve(pricer, upper, deadline, 1, stop)


def _plan_by_period(s: Scenario) -> decompose.ByPeriod:
    """``s`` planned period by period in 5 s, each CP-SAT solve run as is (no Ctrl-C handling)."""
    return decompose.plan_by_period(
        s, time_limit=5, run=lambda solver, model: (solver.solve(model), False),
        configure=lambda solver, seconds: setattr(solver.parameters, "max_time_in_seconds", seconds),
    )  # fmt: skip


def test_a_first_pass_pattern_lp_stopped_early_is_solved_again_and_its_gain_counts_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Here the first pass's pattern LPs stop after 2 rounds, as a period's time would stop them
    # on a slow machine; on this pool 6 of the 12 end there short of their tolerance, two of
    # them already above their LP's bound. The pattern LPs after the pass solve those again,
    # from the bound the first proved: what the pattern LPs add to a period is the best of their
    # bounds over its LP's, counted once.
    s = generate_scenario(6, 30, seed=5)
    monkeypatch.setattr(decompose, "FIRST_PATTERN_ABOVE", 0)
    first_pass = decompose._first_pattern_lp

    def two_rounds(*args: Any, **kwargs: Any) -> Any:
        with monkeypatch.context() as patch:
            patch.setattr("werkdeling.patterns.PATTERN_ROUNDS", 2)
            return first_pass(*args, **kwargs)

    monkeypatch.setattr(decompose, "_first_pattern_lp", two_rounds)
    gains = decompose._pattern_gain
    calls: dict[int, list[tuple[float, float, float, bool]]] = {}

    def recorded(pricings: Any, period: int, counts: Any, found: Any, lp_bound: float) -> float:
        gain = gains(pricings, period, counts, found, lp_bound)
        calls.setdefault(period, []).append((lp_bound, found.bound, gain, found.within(decompose.PATTERN_TOLERANCE)))
        return gain

    monkeypatch.setattr(decompose, "_pattern_gain", recorded)
    outcome = decompose.plan_by_period(s, time_limit=10, run=solve_to_the_end, configure=one_search_worker)
    assert sorted(calls) == list(range(s.horizon.periods))
    again = [k for k, made in calls.items() if len(made) == 2]
    assert again and all(not calls[k][0][3] for k in again)  # exactly those that stopped short
    assert all(len(made) == 1 for k, made in calls.items() if k not in again)
    for k in again:
        (lp_bound, first_bound, first_gain, _), (base, _, _, _) = calls[k]
        assert base == lp_bound + first_gain == max(lp_bound, first_bound)
    best = sum(max(0.0, max(bound for _, bound, _, _ in made) - made[0][0]) for made in calls.values())
    assert outcome.pattern_bound_units == pytest.approx(best, rel=1e-12)
    assert outcome.pattern_periods == s.horizon.periods
    assert any(calls[k][0][2] > 0 for k in again)  # a first gain the second must not count again


def test_ctrl_c_during_a_first_pass_pattern_lp_stops_in_that_period(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first pass solves each period's pattern LP before its search; Ctrl-C there stops
    # planning at that period, as Ctrl-C in its search does.
    s = generate_scenario(6, 30, seed=5)
    monkeypatch.setattr(decompose, "FIRST_PATTERN_ABOVE", 0)
    monkeypatch.setattr(decompose, "pattern_lp", _interrupted)
    outcome = _plan_by_period(s)
    assert outcome.stopped
    assert f"stopped by the user in period {s.horizon.labels[0]}; it and later periods are empty" in outcome.notes


def test_ctrl_c_during_the_pattern_lps_keeps_the_whole_plan_and_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C in the pattern LPs after every period is planned (here the first pass solves
    # none): the plan stays whole and valid, the bound is the periods' LPs', and a note says
    # where it stopped.
    s = generate_scenario(6, 30, seed=5)
    monkeypatch.setattr(decompose, "_first_pattern_lp", lambda *args, **kwargs: None)
    monkeypatch.setattr(decompose, "pattern_lp", _interrupted)
    outcome = _plan_by_period(s)
    assert "stopped by the user during the pattern LPs at the end; every period is planned" in outcome.notes
    assert outcome.plan is not None and validate(s, outcome.plan).is_valid
    assert outcome.pattern_periods == 0 and outcome.swept_units == 0
    assert outcome.bound_units is not None and outcome.bound_units <= outcome.expected_units


def test_ctrl_c_while_pricing_the_switches_near_the_lp_prices_keeps_the_whole_plan_and_the_lp_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Too many candidates to keep: the switches are priced on a thread of their own after the
    # first pass, beside the pattern LPs and the sweeps. Ctrl-C there (raised on that thread
    # here) keeps the plan whole and valid and bounds by the periods' LPs alone; the plan's
    # own steps still count.
    s = generate_scenario(6, 30, seed=5)
    monkeypatch.setattr(decompose, "SWITCH_BOUND_BYTES", 0)
    monkeypatch.setattr(decompose.SwitchPricing, "improve", _interrupted)
    outcome = _plan_by_period(s)
    assert "stopped by the user while pricing the switches; every period is planned" in outcome.notes
    assert outcome.plan is not None and validate(s, outcome.plan).objective_units == outcome.expected_units
    assert outcome.switch_bound_units == 0
    assert outcome.bound_units is not None and outcome.bound_units <= outcome.expected_units


def test_ctrl_c_during_the_sweeps_stops_the_switch_pricing_beside_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C lands on the main thread, in the sweeps; the pricing on its own thread must be
    # asked to stop then, not run on to the time limit (here it would wait a minute).
    s = generate_scenario(6, 30, seed=5)
    monkeypatch.setattr(decompose, "SWITCH_BOUND_BYTES", 0)
    monkeypatch.setattr(decompose, "_sweep", lambda *args, **kwargs: (0, True))
    asked: list[bool] = []

    def until_stopped(
        pricer: SwitchPricing, upper: float, deadline: float, evaluations: int | None, stop: threading.Event
    ) -> None:
        asked.append(stop.wait(timeout=60))

    monkeypatch.setattr(decompose.SwitchPricing, "improve", until_stopped)
    started = time.perf_counter()
    outcome = _plan_by_period(s)
    assert asked == [True] and time.perf_counter() - started < 30
    assert "stopped by the user during the sweeps at the end; every period is planned" in outcome.notes
    assert outcome.plan is not None and validate(s, outcome.plan).objective_units == outcome.expected_units


def test_a_plan_from_the_pattern_lp_replaces_a_period_only_where_the_validator_finds_it_cheaper() -> None:
    # From the greedy plan, each period's rounded pattern LP solution, searched with the other
    # periods kept, may replace it: the change it reports must be the validator's, never above
    # 0, and on the greedy plan (far from the optimum) it must pay somewhere.
    s = generate_scenario(8, 60, seed=4, periods=6)
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    plan = np.full((len(s.workers), s.horizon.periods), -1, dtype=np.int64)
    for k in range(s.horizon.periods):
        for w, slot in fill_period(s, allowed, k, {}).items():
            plan[w, k] = slot
    nobody = np.full(len(s.workers), -1, dtype=np.int64)

    def cost(assignment: np.ndarray) -> int:
        rows = decompose._outcome(s, assignment, 0, None, [], []).plan
        assert rows is not None
        report = validate(s, rows)
        assert report.is_valid, report.summary()
        return report.objective_units

    changes = []
    for k in range(s.horizon.periods):
        costs = period_costs(s, allowed, k, nobody)
        counts = slot_counts(costs)
        assert counts is not None
        found = pattern_lp(costs, counts, plan[:, k], deadline=float("inf"))
        assert found is not None and found.values.shape == costs.worker.shape
        before = cost(plan)
        change = decompose._pattern_plan(s, allowed, plan, home, slot_employer, k, found.values, float("inf"))
        assert change <= 0
        assert cost(plan) - before == change
        changes.append(change)
    assert min(changes) < 0


def _window_units(s: Scenario, plan: Plan, window: range) -> int | None:
    """The objective (units) of the period model of ``window``, with ``plan``'s placements there
    fixed and its periods before and after giving each worker's last and next employers."""
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    assignment = np.full((len(s.workers), s.horizon.periods), -1, dtype=np.int64)
    for row in resolve(s, plan).rows:
        assignment[row.worker, row.period] = row.slot
    last = decompose._last_employers(assignment, decompose._home_employers(s), slot_employer, window.start)
    following = decompose._next_employers(assignment, slot_employer, window.stop - 1)
    built = build_model(
        s, periods=window, last_employers={w: int(e) if e >= 0 else None for w, e in enumerate(last)},
        next_employers={w: int(e) for w, e in enumerate(following) if e >= 0},
    )  # fmt: skip
    built.model.minimize(built.objective())
    for (w, k, slot), var in built.variables.x.items():
        built.model.add(var == int(assignment[w, k] == slot))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if solver.solve(built.model) != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)


def _mixed(s: Scenario, outside: Plan, inside: Plan, window: range) -> Plan:
    """``outside``'s placements outside ``window`` and ``inside``'s in it."""
    labels = {s.horizon.labels[k] for k in window}
    kept = [p for p in outside.placements if p.period not in labels]
    return Plan(placements=tuple(kept + [p for p in inside.placements if p.period in labels]))


def test_a_window_model_counts_the_switch_to_the_next_employer_after_it() -> None:
    # The myopic pool, January alone as the window, February fixed at 'b'. With 'an' at 'a' in
    # January she switches to 'b' in February (50); at 'b' she does not, but her January
    # preference for 'a' goes unmet (5). Either way one January slot stays open. So the plan
    # with 'b' in January is 45 points cheaper, and the window model must say so; without the
    # switch after the window it would call it 5 points dearer.
    s = myopic_pool()
    row = {"worker": "an", "role": "r", "hours": round(9880 / 60, 4)}
    at_a = Plan.model_validate({"placements": [{**row, "period": "2027-01", "employer": "a"},
                                               {**row, "period": "2027-02", "employer": "b"}]})  # fmt: skip
    at_b = Plan.model_validate({"placements": [{**row, "period": "2027-01", "employer": "b"},
                                               {**row, "period": "2027-02", "employer": "b"}]})  # fmt: skip
    before, after = validate(s, at_a), validate(s, at_b)
    assert before.is_valid and after.is_valid
    assert after.objective_units - before.objective_units == -45 * OBJECTIVE_SCALE
    a_units, b_units = _window_units(s, at_a, range(0, 1)), _window_units(s, at_b, range(0, 1))
    assert a_units is not None and b_units is not None
    assert b_units - a_units == -45 * OBJECTIVE_SCALE


@SETTINGS
@given(scenarios(), st.data())
def test_a_window_model_prices_every_change_inside_it_as_the_validator_does(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    # The window's period model counts the switches into it, inside it and out of it (the next
    # employer after it), so two plans that differ only inside the window differ by the same
    # units there as the validator says they do over the whole horizon.
    s = Scenario.model_validate(data)
    periods = s.horizon.periods
    start = draw.draw(st.integers(0, periods - 1))
    window = range(start, draw.draw(st.integers(start + 1, periods)))
    greedy = greedy_plan(s)
    optimum = solve(s, strategy="whole", time_limit=20, num_workers=1).plan
    assert optimum is not None
    for one, other in ((greedy, optimum), (optimum, greedy)):
        mixed = _mixed(s, one, other, window)
        before, after = validate(s, one), validate(s, mixed)
        if not (before.is_valid and after.is_valid):
            continue  # the greedy plan can leave a hard required cover unmet
        one_units, mixed_units = _window_units(s, one, window), _window_units(s, mixed, window)
        assert one_units is not None and mixed_units is not None
        assert mixed_units - one_units == after.objective_units - before.objective_units


def _slot_matrix(s: Scenario, plan: Plan) -> np.ndarray:
    """The slot of each worker in each period of ``plan``; -1 for none."""
    matrix = np.full((len(s.workers), s.horizon.periods), -1, dtype=np.int64)
    for row in resolve(s, plan).rows:
        matrix[row.worker, row.period] = row.slot
    return matrix


def test_windows_re_plan_the_greedy_plan_cheaper_by_exactly_what_the_validator_says() -> None:
    # Each window's model prices a change inside it as the whole plan's cost changes (the tests
    # above), so the changes add up to the validator's difference; the greedy plan of a pool
    # with seasons and switches is far from the best, so CP-SAT finds cheaper windows.
    s = generate_scenario(4, 16, periods=9, seed=3)
    greedy = greedy_plan(s)
    before = validate(s, greedy)
    assert before.is_valid
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    plan = _slot_matrix(s, greedy)

    run, configure = solve_to_the_end, one_search_worker
    change, solved, stopped = decompose._replan_windows(
        s, possible_placements(s), plan, decompose._home_employers(s), slot_employer, time.perf_counter() + 20,
        run, configure,
    )  # fmt: skip
    # Each window of the first round gets an even share of the time, so that round is complete.
    assert len(decompose._window_starts(9, decompose.WINDOW_PERIODS)) == 4
    assert solved >= 4 and not stopped
    assert change < 0
    after = validate(s, decompose._outcome(s, plan, 0, None, [], []).plan or Plan())
    assert after.is_valid, after.summary()
    assert after.objective_units - before.objective_units == change


def test_windows_overlap_by_half_and_reach_the_last_period() -> None:
    assert decompose._window_starts(9, 4) == [0, 2, 4, 5]
    assert decompose._window_starts(8, 4) == [0, 2, 4]
    assert decompose._window_starts(3, 3) == [0]
    assert decompose._window_starts(5, 1) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("case", ["windows", "too many placements", "too little time"])
def test_windows_end_planning_where_they_are_small_and_have_time(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    # 12 months make 5 windows of 4; 30 % of 10 s gives each 0.6 s.
    monkeypatch.setattr(decompose, "MIN_WINDOW_SECONDS", 0.75 if case == "too little time" else 0.5)
    if case == "too many placements":
        monkeypatch.setattr(decompose, "WINDOW_CANDIDATES", 0)
    s = generate_scenario(6, 30, seed=5)

    run, configure = solve_to_the_end, two_search_workers
    outcome = decompose.plan_by_period(s, time_limit=10, run=run, configure=configure)
    assert outcome.plan is not None and validate(s, outcome.plan).objective_units == outcome.expected_units
    assert outcome.window_units <= 0
    if case == "windows":
        assert outcome.windows > 0 and any("window(s) of 4 periods" in note for note in outcome.notes)
    else:
        assert outcome.windows == 0 and outcome.window_units == 0


def test_ctrl_c_during_a_window_keeps_the_plan_whole() -> None:
    s = generate_scenario(4, 16, periods=9, seed=3)
    greedy = greedy_plan(s)
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    plan = _slot_matrix(s, greedy)
    solves: list[int] = []

    def run(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[int, bool]:
        # Ctrl-C during the first window's search, after the plan there was costed.
        solves.append(1)
        return solver.solve(model), len(solves) == 2

    configure = one_search_worker
    change, solved, stopped = decompose._replan_windows(
        s, possible_placements(s), plan, decompose._home_employers(s), slot_employer, time.perf_counter() + 20,
        run, configure,
    )  # fmt: skip
    assert stopped and solved == 1 and len(solves) == 2
    after = validate(s, decompose._outcome(s, plan, 0, None, [], []).plan or Plan())
    assert after.is_valid, after.summary()
    assert after.objective_units - validate(s, greedy).objective_units == change


def test_a_window_with_some_workers_free_moves_only_them_and_prices_the_change_exactly() -> None:
    # The neighbourhoods of benchmarks/window_search.py: in the window only the free workers may
    # move, the others keep their placements, and the window model still prices the change as
    # the validator does. Half the workers free in 4 of the 9 months of the greedy plan gain.
    s = generate_scenario(4, 16, periods=9, seed=3)
    greedy = greedy_plan(s)
    slot_employer = np.array([slot.employer for slot in s.quantities.slots], dtype=np.int64)
    plan, home, allowed = _slot_matrix(s, greedy), decompose._home_employers(s), possible_placements(s)
    free = np.zeros(len(s.workers), dtype=bool)
    free[::2] = True
    window = range(2, 6)

    run, configure = solve_to_the_end, one_search_worker
    built = decompose._window_model(s, allowed, plan, home, slot_employer, window, free)
    outcome = decompose.solve_window(built, lambda: 20.0, run, configure)
    assert outcome.solved and outcome.proven and not outcome.interrupted
    assert outcome.values is not None and outcome.change < 0
    after = plan.copy()
    for k in window:
        after[:, k] = decompose._assignment(built, outcome.values, k)
    assert (after[~free] == plan[~free]).all()
    assert (after[:, : window.start] == plan[:, : window.start]).all() and (
        after[:, window.stop :] == plan[:, window.stop :]
    ).all()
    assert (after[free][:, window] != plan[free][:, window]).any()
    checked = validate(s, decompose._outcome(s, after, 0, None, [], []).plan or Plan())
    assert checked.is_valid, checked.summary()
    assert checked.objective_units - validate(s, greedy).objective_units == outcome.change

    # With nobody free there is nothing to change: the plan is proven optimal given itself.
    nobody = decompose._window_model(
        s, allowed, plan, home, slot_employer, window, np.zeros(len(s.workers), dtype=bool)
    )
    unchanged = decompose.solve_window(nobody, lambda: 20.0, run, configure)
    assert unchanged.solved and unchanged.proven and unchanged.values is None and unchanged.change == 0


def test_an_lp_solved_ahead_in_a_child_process_is_the_periods_lp_whatever_came_before() -> None:
    # The LP leaves the switches out, so the child's (built with no employer before the period)
    # is the one the parent would solve with the plan before it; only the period started is sent.
    s = generate_scenario(20, 150, seed=2)
    allowed = possible_placements(s)
    last = decompose._home_employers(s)
    assert (last >= 0).any() and term_units(s, Term.SWITCHES) > 0
    ahead = LpAhead(s, allowed)
    try:
        ahead.start(1)
        assert ahead.take(2) is None  # another period: not started, and the child runs on
        found = ahead.take(1)
        assert ahead.take(1) is None  # taken once
    finally:
        ahead.close()
    here = flow_lp(period_costs(s, allowed, 1, last))
    assert found is not None and here is not None
    assert found.bound == here.bound and found.objective == here.objective
    np.testing.assert_array_equal(found.values, here.values)
    np.testing.assert_array_equal(found.cover_prices, here.cover_prices)


def test_an_lp_solved_ahead_takes_a_re_plans_anchor() -> None:
    # A re-plan's costs per candidate include the change penalty (and the keeping price of a
    # frozen period's placements); the child's LP must be the one the parent would solve.
    s = generate_scenario(20, 150, seed=2)
    allowed = possible_placements(s)
    first = solve(s, strategy="by_period", time_limit=3, num_workers=1).plan
    assert first is not None
    anchor = period_anchor(s, Anchor(plan=first, frozen_periods=2, change_penalty=100), allowed)
    allowed = anchor.restrict(allowed)
    for period in (1, 5):  # a frozen period and an open one
        ahead = LpAhead(s, allowed, anchor)
        try:
            ahead.start(period)
            found = ahead.take(period)
        finally:
            ahead.close()
        nobody = np.full(len(s.workers), -1, dtype=np.int64)
        here = flow_lp(period_costs(s, allowed, period, nobody, anchor=anchor))
        without = flow_lp(period_costs(s, allowed, period, nobody))
        assert found is not None and here is not None and without is not None
        assert found.bound == here.bound != without.bound  # the anchor's terms are in it
        np.testing.assert_array_equal(found.values, here.values)


def test_closing_stops_a_child_still_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    s = generate_scenario(5, 20, seed=1)
    monkeypatch.setattr(ahead_module, "flow_lp", lambda costs: time.sleep(60))
    ahead = LpAhead(s, possible_placements(s))
    ahead.start(0)
    assert ahead._running is not None
    child = ahead._running[1]
    started = time.perf_counter()
    ahead.close()
    assert not child.is_alive() and time.perf_counter() - started < 10
    assert ahead.take(0) is None


@pytest.mark.parametrize("child_fails", [False, True])
def test_with_lps_solved_ahead_plans_are_refereed_and_bounded(
    monkeypatch: pytest.MonkeyPatch, child_fails: bool
) -> None:
    # Every period's LP ahead of it, on two threads; where the child fails (here: raises), the
    # parent solves the LP itself. Either way the plan and its bound are as without it.
    monkeypatch.setattr(decompose, "LP_AHEAD_ABOVE", 0)
    if child_fails:
        monkeypatch.setattr(ahead_module, "flow_lp", _raises)
    taken = _count_takes(monkeypatch)
    s = generate_scenario(20, 150, seed=2)
    planned = solve(s, strategy="by_period", time_limit=5, num_workers=2)
    periods = s.horizon.periods
    assert taken == [False] + [not child_fails] * (periods - 1)  # the first period's LP is the parent's
    assert planned.plan is not None and planned.objective is not None and planned.bound is not None
    report = validate(s, planned.plan)
    assert report.is_valid and report.objective == pytest.approx(planned.objective)
    assert planned.bound <= planned.objective


def test_a_pattern_lp_solved_ahead_is_the_one_the_parent_would_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pattern LP leaves the switches out as the LP does, so the child's (no employer before
    # the period) has the optimum the parent's would have, whatever came before; it comes only
    # when asked for with a deadline, once, after the LP it came with.
    monkeypatch.setattr(decompose, "PATTERN_AHEAD_ABOVE", 0)  # this pool's periods are small
    s = generate_scenario(20, 150, seed=2)
    allowed = possible_placements(s)
    ahead = LpAhead(s, allowed, pattern=partial(decompose._pattern_ahead, s, allowed))
    try:
        ahead.start(1)
        assert ahead.take(1) is not None and ahead.take_pattern(1) is None  # not asked for
        ahead.start(1, pattern_until=time.perf_counter() + 60)
        assert ahead.take_pattern(1) is None  # not before its LP is taken
        relaxed = ahead.take(1)
        assert ahead.take_pattern(2) is None  # another period
        found = ahead.take_pattern(1)
        assert ahead.take_pattern(1) is None  # taken once
    finally:
        ahead.close()
    assert relaxed is not None and found is not None
    nobody = np.full(len(s.workers), -1, dtype=np.int64)
    for last in (nobody, decompose._home_employers(s)):
        costs = period_costs(s, allowed, 1, last)
        here = flow_lp(costs)
        assert here is not None
        direct = decompose._pattern_ahead(s, allowed, costs, here, 1, math.inf)
        assert direct is not None and direct.bound > here.bound  # whole workers raise this month's bound
        # The same optimum; from the same start (nobody before), the same solution and prices.
        assert found.objective == pytest.approx(direct.objective, rel=1e-12)
        if last is nobody:
            np.testing.assert_array_equal(found.values, direct.values)
            np.testing.assert_array_equal(found.place_prices, direct.place_prices)


def test_with_pattern_lps_solved_ahead_plans_are_refereed_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every period but the first gets its LP and pattern LP from the child, and its search the
    # period's whole share; the plan is the validator's and the bound has the pattern LPs in it.
    monkeypatch.setattr(decompose, "PATTERN_AHEAD_ABOVE", 0)
    patterns = _count_takes(monkeypatch, "take_pattern")
    s = generate_scenario(20, 150, seed=2)
    outcome = decompose.plan_by_period(s, time_limit=5, run=solve_to_the_end, configure=one_search_worker, threads=2)
    assert patterns == [False] + [True] * (s.horizon.periods - 1)
    assert outcome.plan is not None and outcome.bound_units is not None
    assert validate(s, outcome.plan).objective_units == outcome.expected_units
    assert outcome.pattern_periods == s.horizon.periods and outcome.pattern_bound_units > 0
    assert outcome.bound_units <= outcome.expected_units


def test_a_re_plan_with_lps_solved_ahead_keeps_its_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    # As above with a plan in force: the open periods' LPs come from the child, and solve()
    # checks the plan's cost plus the penalty per change against what the periods expected.
    s = generate_scenario(20, 150, seed=2)
    first = solve(s, strategy="by_period", time_limit=3, num_workers=1).plan
    assert first is not None
    monkeypatch.setattr(decompose, "LP_AHEAD_ABOVE", 0)
    taken = _count_takes(monkeypatch)
    anchor = Anchor(plan=first, frozen_periods=3, change_penalty=100)
    planned = solve(s, anchor=anchor, strategy="by_period", time_limit=5, num_workers=2)
    assert taken == [False] + [True] * (s.horizon.periods - 1)
    assert planned.plan is not None and planned.objective is not None and planned.bound is not None
    assert validate(s, planned.plan).is_valid
    frozen = set(s.horizon.labels[:3])
    assert {p for p in first.placements if p.period in frozen} == {
        p for p in planned.plan.placements if p.period in frozen
    }
    assert planned.bound <= planned.objective + planned.change_cost


def _count_takes(monkeypatch: pytest.MonkeyPatch, method: str = "take") -> list[bool]:
    """Records, for each call of LpAhead's ``method`` (``take`` or ``take_pattern``), whether
    the child's LP (or pattern LP) came back."""
    taken: list[bool] = []
    take = getattr(LpAhead, method)

    def counted(self: LpAhead, period: int) -> object:
        found = take(self, period)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(LpAhead, method, counted)
    return taken


def _raises(*args: object) -> None:
    raise MemoryError("a child's failure")
