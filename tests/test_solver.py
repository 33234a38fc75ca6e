"""Solver options: lexicographic priorities, warm start, determinism, parameters."""

from __future__ import annotations

import re

import pytest
from ortools.sat.python import cp_model

from werkdeling import ObjectiveMode, Placement, Plan, Scenario, Status, Term, decompose, solve, solver, validate
from werkdeling.generate import generate_scenario
from werkdeling.heuristic import greedy_plan
from werkdeling.model import build_model

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


def test_a_pool_linked_only_by_courses_starts_from_its_plan_by_period_without_them() -> None:
    s = generate_scenario(6, 30, seed=2, training=True)
    assert s.trainings
    result = solve(s, time_limit=6, num_workers=2)
    assert result.plan is not None and result.objective is not None
    note = next(n for n in result.notes if n.startswith("warm start: planned by period without the courses"))
    found = re.search(r"objective ([\d,.]+)", note)
    assert found is not None
    start = float(found.group(1).replace(",", ""))
    # CP-SAT starts from that plan (a complete hint), so it ends at or below it, and the plan by
    # period is cheaper than the greedy one it replaced.
    assert result.objective <= start + 1e-6
    assert start < validate(s, greedy_plan(s)).objective


def test_a_large_pool_linked_only_by_courses_is_planned_by_period_without_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Above BY_PERIOD_ABOVE placements the model that could place courses is not built: auto
    # plans the scenario without its courses by period, a plan of the scenario with them at the
    # same cost, and gives no bound (courses could only lower the optimum).
    s = generate_scenario(6, 30, seed=2, training=True)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.status is Status.FEASIBLE and result.plan is not None and result.objective is not None
    assert result.bound is None and result.gap_pct is None and result.stages[0].bound is None
    assert not result.plan.trainings
    report = validate(s, result.plan)
    assert report.is_valid and report.objective == pytest.approx(result.objective)
    assert result.notes[0].startswith("courses left out: with ")
    assert "% above it)" in result.notes[0]  # the bound without courses, in the note
    assert not any(n == solver.BY_PERIOD_NOTE for n in result.notes)
    # Without courses, the same plan with that scenario's bound.
    without = solver._without_courses(s)
    assert without is not None and not without.trainings
    planned = solve(without, time_limit=4, num_workers=1)
    assert planned.bound is not None and planned.objective is not None and planned.bound <= planned.objective
    assert planned.notes[0] == solver.BY_PERIOD_NOTE
    # Asked for the whole model, or with a warm start, courses are planned as before.
    whole = solve(s, time_limit=4, num_workers=1, strategy="whole")
    assert not any(n.startswith("courses left out") for n in whole.notes)
    assert any(n.startswith("warm start: planned by period without the courses") for n in whole.notes)
    started = solve(s, time_limit=2, num_workers=1, warm_start=result.plan)
    assert not any(n.startswith("courses left out") for n in started.notes)


def test_a_pool_that_needs_a_course_to_cover_is_not_called_infeasible_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Required forklift hours in March and April must be covered (cover_required) and only a
    # course can teach 'an' the skill. Without courses no plan keeps that rule, which says
    # nothing about the scenario with them: the status is unknown, not infeasible.
    s = scenario(
        [employer("farm", [hours("picker", 0, 100), hours("heftruck", [0, 0, 100, 100])])],
        [worker("an", ["picker"])],
        periods=4,
        trainings=[{"id": "forklift", "skill": "heftruck", "duration": 2, "seats": 1}],
        rules={"cover_required": True},
    )
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.status is Status.UNKNOWN and result.plan is None and result.bound is None
    assert result.notes[0].startswith("courses left out: with ")
    assert "% above it)" not in result.notes[0]
    # The whole model places the course and covers March and April.
    whole = solve(s, time_limit=10, num_workers=1, strategy="whole")
    assert whole.status is Status.OPTIMAL and whole.plan is not None and whole.plan.trainings


def test_a_model_that_takes_most_of_the_time_limit_to_build_says_so() -> None:
    # A max_switches rule links the periods, so the pool is solved as one model; with 0.05 s
    # its building takes more than half the limit, and the note names the rule.
    data = generate_scenario(6, 30, seed=2).model_dump(mode="json", exclude_unset=True)
    data["rules"] = {**data.get("rules", {}), "max_switches": 3}
    s = Scenario.model_validate(data)
    hurried = solve(s, time_limit=0.05, num_workers=1)
    note = next(n for n in hurried.notes if n.startswith("building the model of the whole horizon"))
    assert "of the 0.05 s time limit" in note and "rules.max_switches" in note
    assert hurried.plan is not None and validate(s, hurried.plan).is_valid
    relaxed = solve(s, time_limit=10, num_workers=1)
    assert not any(n.startswith("building the model") for n in relaxed.notes)


def test_the_start_without_courses_is_planned_weighted_whatever_the_scenarios_mode() -> None:
    # The scenario asks for lexicographic priorities, the call for weighted: the plan by period
    # without courses (weighted only) still gives the start, instead of an error.
    data = generate_scenario(6, 30, seed=2, training=True).model_dump(mode="json", exclude_unset=True)
    data["objective"] = {"mode": "lexicographic"}
    s = Scenario.model_validate(data)
    result = solve(s, time_limit=4, num_workers=2, mode="weighted")
    assert result.plan is not None and validate(s, result.plan).is_valid
    assert any(n.startswith("warm start: planned by period without the courses") for n in result.notes)
