"""Solver options: lexicographic priorities, warm start, determinism, parameters."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

import pytest
from ortools.sat.python import cp_model

from werkdeling import (
    ObjectiveMode,
    Placement,
    Plan,
    Scenario,
    Status,
    Term,
    decompose,
    solve,
    solver,
    spanning,
    validate,
)
from werkdeling.generate import generate_scenario
from werkdeling.heuristic import greedy_plan
from werkdeling.model import Anchor, BuiltModel, build_model

from .conftest import employer, hours, north, scenario, worker


def far_peak() -> Scenario:
    # Desired 100 h at an employer 10 degrees north (about 1112 km), travel 2 per km: covering it
    # costs about 2224 in travel, leaving it costs 1000 shortfall + 500 idle = 1500.
    return scenario(
        [employer("far", [hours("a", 0, 100)], location=north(10))],
        [worker("w", ["a"])],
        weights={"travel": 2},
    )


def test_weighted_trades_shortfall_against_travel() -> None:
    result = solve(far_peak(), time_limit=10, num_workers=1)
    assert result.status is Status.OPTIMAL
    assert result.objective == 1500
    assert result.terms[Term.DESIRED_SHORTFALL].quantity == 100


def test_lexicographic_covers_demand_first() -> None:
    s = far_peak()
    result = solve(s, time_limit=10, num_workers=1, mode="lexicographic")
    assert result.status is Status.OPTIMAL
    assert result.mode is ObjectiveMode.LEXICOGRAPHIC
    assert result.terms[Term.DESIRED_SHORTFALL].quantity == 0
    km = s.quantities.distance_hm[0, 0] / 10
    assert result.objective == pytest.approx(2 * km)
    # one stage per level with a weighted term; no overall bound in this mode
    # (the fairness terms have weight 0 by default and are left out)
    assert [st.terms for st in result.stages] == [
        (Term.REQUIRED_SHORTFALL, Term.TRANSITION_MISSED),
        (Term.DESIRED_SHORTFALL,),
        (Term.IDLE_PAID, Term.SWITCHES, Term.TRAVEL, Term.TRAINING, Term.PREFERENCES, Term.OVERSTAFFING),
    ]
    assert result.bound is None and result.gap_pct is None


def test_lexicographic_mode_from_the_scenario(small: Scenario) -> None:
    s = small.replace(objective={"mode": "lexicographic"})
    result = solve(s, time_limit=10, num_workers=1)
    assert result.mode is ObjectiveMode.LEXICOGRAPHIC
    assert validate(s, result.plan).is_valid  # type: ignore[arg-type]


def test_bound_and_gap_when_optimal(small: Scenario) -> None:
    result = solve(small, time_limit=10, num_workers=1)
    assert result.status is Status.OPTIMAL
    assert result.bound == pytest.approx(result.objective)
    assert result.gap_pct == pytest.approx(0, abs=1e-9)
    assert "status      optimal" in result.summary()


def test_same_seed_single_thread_gives_the_same_plan(small: Scenario) -> None:
    plans = [solve(small, time_limit=10, num_workers=1, seed=7).plan for _ in range(2)]
    assert plans[0] == plans[1]


def test_warm_start_from_an_optimal_plan_keeps_its_value(small: Scenario) -> None:
    first = solve(small, time_limit=10, num_workers=1)
    again = solve(small, time_limit=10, num_workers=1, warm_start=first.plan)
    assert again.objective == first.objective
    assert again.notes == ()


def test_warm_start_ignores_impossible_rows_and_says_so(small: Scenario) -> None:
    bad = Plan(placements=(Placement(worker="bo", period="2027-06", employer="orchard", role="picker", hours=1),))
    result = solve(small, time_limit=10, num_workers=1, warm_start=bad)
    assert result.status is Status.OPTIMAL
    assert "1 row(s) of the earlier plan are not possible" in result.notes[0]


def test_zero_time_limit_reports_unknown_or_a_plan(small: Scenario) -> None:
    result = solve(small, time_limit=0, num_workers=1)
    assert result.status in (Status.UNKNOWN, Status.FEASIBLE, Status.OPTIMAL)
    if result.status is Status.UNKNOWN:
        assert result.plan is None and result.objective is None


def test_cp_sat_parameters_pass_through(small: Scenario) -> None:
    result = solve(small, time_limit=10, num_workers=1, parameters={"linearization_level": 2})
    assert result.status is Status.OPTIMAL
    with pytest.raises(ValueError, match="'no_such_thing' is not a CP-SAT parameter"):
        solve(small, time_limit=1, parameters={"no_such_thing": 1})


def test_result_json_round_trip(small: Scenario) -> None:
    from werkdeling import Result

    result = solve(small, time_limit=10, num_workers=1)
    assert Result.model_validate_json(result.model_dump_json()) == result


def test_kpis_of_the_small_pool(small: Scenario) -> None:
    result = solve(small, time_limit=10, num_workers=1)
    kpis = result.kpis
    assert kpis is not None
    assert kpis.guaranteed_workers == 2
    # Required FTE-months: orchard 2 + 2, warehouse 1 + 1 + 1 = 7. Only 'an' (1 FTE) and 'cas'
    # (0.5 FTE) pick, so the orchard gets 1.5 + 1.5; 'bo' covers the warehouse: 6 of 7.
    assert kpis.required_pct == pytest.approx(100 * 6 / 7)
    assert 0 < kpis.utilisation_pct <= 100
    assert set(kpis.switches_per_worker) == {"an", "bo", "cas"}


def test_the_start_becomes_a_complete_hint_at_the_plans_own_cost() -> None:
    # CP-SAT gets every variable's value, helpers too, so its first solution is the start.
    s = generate_scenario(6, 30, seed=3)
    start = greedy_plan(s)
    report = validate(s, start)
    assert report.is_valid
    built = build_model(s)
    solver.hint_plan(built, start)
    built.model.minimize(built.objective())
    assert len(built.model.proto.solution_hint.vars) < len(built.model.proto.variables)
    solver._complete_hint(built, 5.0)
    assert list(built.model.proto.solution_hint.vars) == list(range(len(built.model.proto.variables)))
    check = cp_model.CpSolver()
    check.parameters.fix_variables_to_their_hinted_value = True
    assert check.solve(built.model) == cp_model.OPTIMAL
    assert round(check.objective_value) == report.objective_units


def test_a_pool_linked_only_by_courses_starts_from_its_plan_by_period_with_courses_by_estimate() -> None:
    s = generate_scenario(6, 30, seed=2, training=True)
    assert s.trainings
    result = solve(s, time_limit=6, num_workers=2)
    assert result.plan is not None and result.objective is not None
    note = next(n for n in result.notes if n.startswith("start: the plan by period with "))
    found = re.search(
        r"(\d+) course spell\(s\) and 0 permanent move\(s\) chosen by estimate, .*objective ([\d,.]+)", note
    )
    assert found is not None
    start = float(found.group(2).replace(",", ""))
    # CP-SAT starts from that plan (a complete hint), so it ends at or below it, and the plan by
    # period is cheaper than the greedy one it replaced (the note rounds its objective to cents).
    assert result.objective <= start + 0.005
    assert start < validate(s, greedy_plan(s)).objective
    assert int(found.group(1)) > 0  # on this pool courses pay (see the next test)


def test_a_large_pool_linked_only_by_courses_gets_courses_chosen_by_estimate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Above BY_PERIOD_ABOVE placements the model that could place courses is not built: auto
    # plans the scenario without its courses by period, chooses spells from that plan
    # (werkdeling.courses), plans by period again with them fixed and keeps the cheaper plan. It
    # gives no bound (other courses could lower the optimum).
    s = generate_scenario(6, 30, seed=2, training=True)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.status is Status.FEASIBLE and result.plan is not None and result.objective is not None
    assert result.bound is None and result.gap_pct is None and result.stages[0].bound is None
    report = validate(s, result.plan)
    assert report.is_valid and report.objective == pytest.approx(result.objective)
    assert result.plan.trainings
    without = spanning.without_spanning(s)
    assert without is not None and not without.trainings
    placements = int(solver.possible_placements(without).sum())
    assert result.notes[0].startswith(f"courses chosen by estimate: with {placements} possible placements")
    assert f"with {len(result.plan.trainings)} course spell(s) fixed" in result.notes[0]
    assert "% above it)" in result.notes[0]  # the bound with those spells, in the note
    found = re.search(
        r"without them in 30% of the time, which these were chosen from, cost ([\d,]+\.\d\d)", result.notes[0]
    )
    assert found is not None and result.objective < float(found.group(1).replace(",", ""))
    assert not any(n == solver.BY_PERIOD_NOTE for n in result.notes)
    # Without courses, planned by period in the same time: courses pay on this pool.
    planned = solve(without, time_limit=4, num_workers=1)
    assert planned.bound is not None and planned.objective is not None and planned.bound <= planned.objective
    assert planned.notes[0] == solver.BY_PERIOD_NOTE
    assert result.objective < planned.bound  # below every plan without courses
    # Asked for the whole model, courses are placed in it, from the plan by period.
    whole = solve(s, time_limit=4, num_workers=1, strategy="whole")
    assert not any(n.startswith("courses ") for n in whole.notes)
    assert any(n.startswith("start: the plan by period with ") for n in whole.notes)
    # With a warm start, the plans by period begin from it, and it is kept where they cost more.
    started = solve(s, time_limit=2, num_workers=1, warm_start=result.plan)
    assert started.plan is not None and started.objective is not None
    assert started.objective <= result.objective + 1e-6
    assert validate(s, started.plan).objective == pytest.approx(started.objective)
    assert started.notes[0].startswith(("courses ", "the warm start ("))


def forklift_farm(fee: int, **rules: bool) -> Scenario:
    # 'an' holds 'picker', for which nobody asks; the farm wants 100 forklift hours in March and
    # April, which only the one-month forklift course can teach her.
    return scenario(
        [employer("farm", [hours("picker", 0, 0), hours("heftruck", 0, [0, 0, 100, 100])])],
        [worker("an", ["picker"])],
        periods=4,
        trainings=[{"id": "forklift", "skill": "heftruck", "duration": 1, "seats": 1, "cost": fee}],
        rules=rules,
    )


def test_courses_by_estimate_reach_the_optimum_of_a_small_case(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the course: 4 idle months (4 x 100 h x 5 = 2,000) and 200 h of desired forklift
    # work missing (x 10 = 2,000): 4,000. With it in January (or February): one idle month
    # (500), the course's month is no idle time, March and April covered, the fee 50: 550.
    s = forklift_farm(50)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.objective == pytest.approx(550) and result.plan is not None
    assert [(t.worker, t.training, t.start) for t in result.plan.trainings] == [("an", "forklift", "2027-01")]
    assert "without them in 30% of the time, which these were chosen from, cost 4,000.00" in result.notes[0]
    whole = solve(s, time_limit=10, num_workers=1, strategy="whole")
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(550)


def test_a_course_that_does_not_pay_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fee of 5,000 is more than the 3,450 the course saves (4,000 - 550 + 50): no course.
    s = forklift_farm(5_000)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.objective == pytest.approx(4_000) and result.plan is not None and not result.plan.trainings
    assert result.notes[0].startswith("courses left out: with ")
    assert "Nothing paid by its estimate" in result.notes[0]


def test_a_pool_that_needs_a_course_to_cover_gets_it_chosen_from_the_empty_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Required forklift hours in March and April must be covered (cover_required) and only the
    # course can teach 'an' the skill. Without courses no plan keeps that rule, so the spells
    # are chosen against the empty plan, and the course makes the plan: 550, as above.
    s = forklift_farm(50, cover_required=True)
    data = s.model_dump(mode="json", exclude_unset=True)
    data["employers"][0]["demand"][1]["required"] = [0, 0, 100, 100]
    s = Scenario.model_validate(data)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    without = spanning.without_spanning(s)
    assert without is not None and solve(without, time_limit=4, num_workers=1).plan is None
    result = solve(s, time_limit=4, num_workers=1)
    assert result.status is Status.FEASIBLE and result.objective == pytest.approx(550) and result.bound is None
    assert result.notes[0].startswith("courses chosen by estimate: ")
    assert "Without them no plan keeps every hard rule" in result.notes[0]
    # A course that may only start in April leaves no month to use the skill, so no spell is
    # possible: unknown, not infeasible, since other courses might help.
    late_data = copy.deepcopy(data)
    late_data["trainings"][0]["starts"] = ["2027-04"]
    unknown = solve(Scenario.model_validate(late_data), time_limit=4, num_workers=1)
    assert unknown.status is Status.UNKNOWN and unknown.plan is None and unknown.bound is None
    assert unknown.notes[0].startswith("courses left out: with ")
    assert "No course spell or permanent move is possible here" in unknown.notes[0]
    # A course that is possible but teaches what nobody asks for (packing, asked for at 0 h)
    # pays nothing against the empty plan: its fee (1,000) is more than the idle month it saves
    # (500). Nothing is chosen, and it is unknown too.
    useless_data = copy.deepcopy(data)
    useless_data["trainings"] = [{"id": "packing", "skill": "packer", "duration": 1, "seats": 1, "cost": 1_000}]
    useless_data["employers"][0]["demand"].append(hours("packer", 0, 0))
    useless = Scenario.model_validate(useless_data)
    assert spanning.anything_possible(useless)
    nothing = solve(useless, time_limit=4, num_workers=1)
    assert nothing.status is Status.UNKNOWN and nothing.plan is None
    assert "Nothing was chosen from the empty plan either" in nothing.notes[0]


def test_a_model_that_takes_most_of_the_time_limit_to_build_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # A max_switches rule links the periods, so the pool is solved as one model; building it is
    # made to take 0.04 s (on a fast machine it takes less than half of 0.05 s), more than half
    # the limit, and the note names the rule.
    data = generate_scenario(6, 30, seed=2).model_dump(mode="json", exclude_unset=True)
    data["rules"] = {**data.get("rules", {}), "max_switches": 3}
    s = Scenario.model_validate(data)

    def slow_build(*args: Any, **kwargs: Any) -> BuiltModel:
        built = build_model(*args, **kwargs)
        time.sleep(0.04)
        return built

    with monkeypatch.context() as patched:
        patched.setattr(solver, "build_model", slow_build)
        hurried = solve(s, time_limit=0.05, num_workers=1)
    note = next(n for n in hurried.notes if n.startswith("building the model of the whole horizon"))
    assert "of the 0.05 s time limit" in note and "rules.max_switches" in note
    assert hurried.plan is not None and validate(s, hurried.plan).is_valid
    relaxed = solve(s, time_limit=10, num_workers=1)
    assert not any(n.startswith("building the model") for n in relaxed.notes)


def test_the_start_by_period_is_planned_weighted_whatever_the_scenarios_mode() -> None:
    # The scenario asks for lexicographic priorities, the call for weighted: the plan by period
    # with courses by estimate (weighted only) still gives the start, instead of an error.
    data = generate_scenario(6, 30, seed=2, training=True).model_dump(mode="json", exclude_unset=True)
    data["objective"] = {"mode": "lexicographic"}
    s = Scenario.model_validate(data)
    result = solve(s, time_limit=4, num_workers=2, mode="weighted")
    assert result.plan is not None and validate(s, result.plan).is_valid
    assert any(n.startswith("start: the plan by period with ") for n in result.notes)


def test_planning_by_period_begins_from_a_warm_start_and_never_returns_a_dearer_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = generate_scenario(6, 30, seed=5)
    good = solve(s, strategy="by_period", time_limit=3, num_workers=1)
    # With no time to search, each period's plan is its rounded LP (see test_decompose).
    poor = solve(s, strategy="by_period", time_limit=0.001, num_workers=1)
    assert good.objective is not None and poor.objective is not None
    assert good.plan is not None and poor.plan is not None
    assert good.objective < poor.objective
    started = solve(s, strategy="by_period", time_limit=0.001, num_workers=1, warm_start=good.plan)
    assert started.plan is not None and started.objective is not None and started.bound is not None
    assert started.objective <= good.objective + 1e-6
    assert validate(s, started.plan).objective == pytest.approx(started.objective)
    assert any(
        re.fullmatch(r"the start plan was taken in \d+ of 12 period\(s\) planned in the first pass; .*", n)
        for n in started.notes
    )
    # The warm start itself where it costs less than the plan made, with the bound kept.
    kept = solver._no_worse_than(s, poor, good.plan, time.perf_counter())
    assert kept.plan == good.plan and kept.objective == pytest.approx(good.objective)
    assert kept.terms == validate(s, good.plan).terms and kept.bound == poor.bound
    assert kept.status is Status.FEASIBLE and kept.stages[-1].objective == kept.objective
    assert kept.notes[0] == (
        f"the warm start ({good.objective:,.2f}) costs less than the plan made from it ({poor.objective:,.2f}), "
        "so it is returned"
    )
    assert kept.notes[1:] == poor.notes
    # Not where it costs as much or more, or breaks a rule.
    assert solver._no_worse_than(s, good, good.plan, time.perf_counter()) is good
    assert solver._no_worse_than(s, good, poor.plan, time.perf_counter()) is good
    stranger = Placement(worker="nobody", period="2027-01", employer=s.employers[0].id, role="x", hours=1)
    assert solver._no_worse_than(s, poor, Plan(placements=(stranger,)), time.perf_counter()) is poor
    # Auto with a warm start plans large pools by period too (it planned them whole before).
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    auto = solve(s, time_limit=1, num_workers=1, warm_start=good.plan)
    assert solver.BY_PERIOD_NOTE in auto.notes and auto.objective is not None
    assert auto.objective <= good.objective + 1e-6


def test_the_whole_model_of_a_pool_nothing_links_starts_from_its_plan_by_period() -> None:
    # Below BY_PERIOD_ABOVE placements auto builds the whole model. Its start is the plan by
    # period, made in at most START_SECONDS: CP-SAT keeps it until it finds better, so a limit
    # too short for CP-SAT's search still returns a plan far below the greedy one.
    s = generate_scenario(10, 60, seed=1)
    assert not decompose.linking_features(s)
    assert int(solver.possible_placements(s).sum()) <= decompose.BY_PERIOD_ABOVE
    reports: list[solver.Progress] = []
    # 2 s is under 1 ms per possible placement here, where auto plans by period outright.
    result = solve(s, time_limit=2, num_workers=1, progress=reports.append, strategy="whole")
    assert result.plan is not None and result.objective is not None
    assert solver.BY_PERIOD_NOTE not in result.notes  # the whole model's result
    note = next(n for n in result.notes if n.startswith("start: the plan by period, made in "))
    found = re.search(r"objective ([\d,]+\.\d\d)\)", note)
    assert found is not None
    start = float(found.group(1).replace(",", ""))
    assert result.objective <= start + 0.005  # the note rounds the start's objective to cents
    assert start < 0.9 * validate(s, greedy_plan(s)).objective
    # Progress is reported while the start is planned, in the whole solve's time.
    assert any(r.objective == pytest.approx(start) for r in reports)
    assert all(r.time_limit == 2 for r in reports)
    assert [r.elapsed for r in reports] == sorted(r.elapsed for r in reports)
    # Given a warm start, the whole model starts from it instead.
    again = solve(s, time_limit=2, num_workers=1, warm_start=result.plan, strategy="whole")
    assert not any(n.startswith("start: the plan by period") for n in again.notes)
    assert again.objective is not None and again.objective <= result.objective + 1e-6


def test_re_planning_out_of_time_keeps_the_plan_in_force_where_it_keeps_every_rule() -> None:
    s = generate_scenario(5, 20, seed=1)
    in_force = solve(s, time_limit=5, num_workers=1).plan
    assert in_force is not None and in_force.placements
    anchor = Anchor(plan=in_force, frozen_periods=2, change_penalty=10)
    kept = solve(s, time_limit=0, num_workers=1, anchor=anchor, strategy="whole")  # not by period (too short)
    assert kept.status is Status.FEASIBLE and kept.plan == in_force and kept.bound is None
    assert kept.objective == validate(s, in_force).objective
    assert kept.changes is not None and kept.changes.changed_placements == 0 and kept.change_cost == 0
    assert any("no plan within the time limit; this is the plan in force, unchanged" in n for n in kept.notes)
    # Not where a forced placement is missing from it: then there is no plan to give.
    first, *rest = in_force.placements
    without_first = Plan(placements=tuple(rest))
    missing = solve(
        s, time_limit=0, num_workers=1, anchor=Anchor(plan=without_first, forced=(first,)), strategy="whole"
    )
    assert missing.status is Status.UNKNOWN and missing.plan is None
