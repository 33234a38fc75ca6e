"""Courses and permanent moves chosen by estimate for pools planned period by period (werkdeling.spanning)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from werkdeling import Placement, Plan, Scenario, Status, decompose, solve, solver, spanning, validate
from werkdeling.generate import generate_scenario
from werkdeling.scenario import OBJECTIVE_SCALE

from .conftest import employer, hours, scenario, worker
from .test_properties import programme_scenarios


def forklift_farm(workers: int, seats: int) -> Scenario:
    # Nobody asks for 'picker'; the farm wants 100 forklift hours per worker in March and April,
    # which only the one-month forklift course teaches.
    return scenario(
        [employer("farm", [hours("picker", 0, 0), hours("heftruck", 0, [0, 0, 100 * workers, 100 * workers])])],
        [worker(f"w{i}", ["picker"]) for i in range(workers)],
        periods=4,
        trainings=[{"id": "forklift", "skill": "heftruck", "duration": 1, "seats": seats, "cost": 50}],
    )


def test_spells_keep_the_seats_and_one_course_per_worker() -> None:
    # Four idle pickers, one seat a month. A course in January or February pays 3,450 (see
    # test_solver's forklift case), one in March 1,950 (500 idle pay and 1,500 of April's
    # shortfall and idle pay, less the fee), April leaves no month to work after it: three
    # train, one a month.
    s = forklift_farm(4, seats=1)
    spells = spanning.choose(s, Plan()).spells
    assert sorted(start for _, _, start in spells) == [0, 1, 2]
    assert len({w for w, _, _ in spells}) == 3
    # With two seats a month, all four train, in January and February.
    roomy = spanning.choose(forklift_farm(4, seats=2), Plan()).spells
    assert sorted(start for _, _, start in roomy) == [0, 0, 1, 1]
    assert len({w for w, _, _ in roomy}) == 4


def test_a_fixed_spell_makes_the_trainee_unavailable_and_the_skill_usable_only_after_it() -> None:
    s = forklift_farm(1, seats=1)
    without = spanning.without_spanning(s)
    assert without is not None
    planned, allowed = spanning.fixed(without, s, spanning.Decisions(spells=((0, 0, 1),)))
    assert "heftruck" in planned.workers[0].skills and planned.workers[0].unavailable == ("2027-02",)
    heftruck = [k for k, slot in enumerate(planned.quantities.slots) if slot.role == "heftruck"]
    # The course ends in February: forklift work from March on only.
    assert not allowed[0, :2][:, heftruck].any() and allowed[0, 2:][:, heftruck].all()
    assert not allowed[0, 1].any()  # on the course


def with_vacancies(s: Scenario, movers: int) -> Scenario:
    # Each of the first three employers hires two for its first role from the third period;
    # up to `movers` workers with one of those roles must move by the seventh. A missed deadline
    # costs 500,000, more than these workers' months from the third on are worth (some 70,000 to
    # 100,000 each), so moves pay.
    data = s.model_dump(mode="json", exclude_unset=True)
    data["weights"] = {**data.get("weights", {}), "transition_missed": 500_000}
    labels = s.horizon.labels
    roles = set()
    for employer_row in data["employers"][:3]:
        role = employer_row["demand"][0]["role"]
        employer_row["vacancies"] = [{"id": "vast", "role": role, "available_from": labels[2], "count": 2}]
        roles.add(role)
    movers_left = movers
    for worker_row in data["workers"]:
        if movers_left and roles & set(worker_row.get("skills", [])) and worker_row.get("guaranteed", True):
            worker_row["transition_deadline"] = labels[6]
            movers_left -= 1
    return Scenario.model_validate(data)


@pytest.mark.parametrize("vacancies", [False, True])
@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_plan_with_fixed_decisions_is_a_plan_of_the_scenario_at_its_cost_plus_the_fees(
    vacancies: bool, seed: int
) -> None:
    # The referee's view of what solve() relies on: plan the scenario with the chosen spells
    # and moves fixed, add them, and the validator finds every rule kept and the cost that
    # plan's plus the fees.
    s = generate_scenario(5, 25, seed=seed, training=True)
    if vacancies:
        s = with_vacancies(s, movers=4)
    assume(spanning.spanning_features(s))  # some pools have neither forklift nor operator work
    without = spanning.without_spanning(s)
    assert without is not None
    first = solve(without, time_limit=1, num_workers=1, strategy="by_period")
    assert first.plan is not None
    decisions = spanning.choose(s, first.plan)
    assert decisions.moves if vacancies else not decisions.moves
    workers = [w for w, _, _ in decisions.spells] + [w for w, _, _, _ in decisions.moves]
    assert len(workers) == len(set(workers))  # one decision per worker
    seated = np.zeros((len(s.trainings), s.horizon.periods), dtype=np.int64)
    for _, o, start in decisions.spells:
        seated[o, start : start + s.trainings[o].duration] += 1
    assert all((seated[o] <= offer.seats).all() for o, offer in enumerate(s.trainings))
    planned, allowed = spanning.fixed(without, s, decisions)
    run = solver._Run(seed=0, num_workers=1, log=False, parameters=None, progress=None)
    second = solver._solve_by_period(planned, 1.0, time.perf_counter(), run, allowed)
    assert second.plan is not None and second.objective is not None
    report = validate(s, spanning.with_decisions(s, second.plan, decisions))
    assert report.is_valid, report.summary()
    fees = spanning.fees_units(s, decisions)
    assert report.objective_units == round(second.objective * OBJECTIVE_SCALE) + fees


def shop_and_farm(farm_hours: int) -> Scenario:
    # 'bo' must move by March; the shop hires one picker for good from February. The farm
    # wants `farm_hours` of picking a month, which only 'bo' can do.
    return scenario(
        [
            employer("farm", [hours("picker", 0, farm_hours)]),
            {**employer("shop", []), "vacancies": [{"id": "vast", "role": "picker", "available_from": "2027-02"}]},
        ],
        [worker("bo", ["picker"], transition_deadline="2027-03")],
        periods=4,
    )


def test_a_move_by_the_deadline_is_chosen_when_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nobody asks for picking: staying costs 4 idle months (4 x 100 h x 5 = 2,000) and the
    # missed deadline (1,000). Moving in February leaves January idle (500) and bo is out of the
    # pool after it: 500. March would leave two idle months (1,000).
    s = shop_and_farm(0)
    decisions = spanning.choose(s, Plan())
    assert decisions == spanning.Decisions(moves=((0, 1, 0, 1),))
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.objective == pytest.approx(500) and result.plan is not None
    assert [(m.worker, m.employer, m.vacancy, m.period) for m in result.plan.transitions] == [
        ("bo", "shop", "vast", "2027-02")
    ]
    assert result.notes[0].startswith("permanent moves chosen by estimate: ")
    whole = solve(s, time_limit=10, num_workers=1, strategy="whole")
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(500)


def test_a_move_that_costs_more_cover_than_the_deadline_is_worth_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The farm wants 100 h a month that only bo covers: moving in February or March loses 3
    # or 2 months of it (3,000 or 2,000 in desired shortfall), more than the missed deadline
    # (1,000). So bo stays: 1,000.
    s = shop_and_farm(100)
    working = Plan(
        placements=tuple(
            Placement(worker="bo", period=label, employer="farm", role="picker", hours=100)
            for label in s.horizon.labels
        )
    )
    assert not spanning.choose(s, working)
    # Against the empty plan, where bo is idle, moving in February pays (the case above).
    assert spanning.choose(s, Plan()).moves == ((0, 1, 0, 1),)
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.objective == pytest.approx(1_000) and result.plan is not None and not result.plan.transitions
    assert result.notes[0].startswith("permanent moves left out: ")
    whole = solve(s, time_limit=10, num_workers=1, strategy="whole")
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(1_000)


@pytest.mark.parametrize("family", ["training", "transitions"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plans_by_estimate_are_refereed_and_never_below_the_proven_optimum(family: str, data: st.DataObject) -> None:
    # The random pools of test_properties with courses or vacancies, planned as a large pool
    # would be: whatever is chosen, the plan keeps every rule, costs what the validator says,
    # and costs no less than the optimum the whole model proves.
    s = Scenario.model_validate(data.draw(programme_scenarios(family)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
        estimated = solve(s, time_limit=2, num_workers=1)
    whole = solve(s, time_limit=20, num_workers=1, strategy="whole")
    if estimated.plan is None:
        assert estimated.status is not Status.INFEASIBLE or whole.status is Status.INFEASIBLE
        return
    assert estimated.objective is not None
    report = validate(s, estimated.plan)
    assert report.is_valid, report.summary()
    assert report.objective_units == round(estimated.objective * OBJECTIVE_SCALE)
    if whole.status is Status.OPTIMAL and whole.objective is not None:
        assert estimated.objective >= whole.objective - 1e-6


def test_a_pool_where_no_one_can_move_or_train_is_planned_once_in_the_whole_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The shop hires, but bo has no transition deadline, so no one can take the vacancy: no
    # plan is spent on choosing, and the plan is the one by period of the pool without it.
    data = shop_and_farm(0).model_dump(mode="json", exclude_unset=True)
    del data["workers"][0]["transition_deadline"]
    s = Scenario.model_validate(data)
    assert spanning.spanning_features(s) == "permanent moves" and not spanning.anything_possible(s)
    assert spanning.anything_possible(shop_and_farm(0))
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)
    result = solve(s, time_limit=4, num_workers=1)
    assert result.notes[0].startswith("permanent moves left out: ")
    assert "No course spell or permanent move is possible here, so none was tried" in result.notes[0]
    # bo idles all four months: 4 x 100 h x 5.
    assert result.objective == pytest.approx(2_000) and result.plan is not None
    assert validate(s, result.plan).is_valid
