"""Courses chosen by estimate for pools planned period by period (werkdeling.courses)."""

from __future__ import annotations

import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from werkdeling import ObjectiveMode, Plan, Scenario, courses, solve, solver, validate
from werkdeling.generate import generate_scenario
from werkdeling.scenario import OBJECTIVE_SCALE

from .conftest import employer, hours, scenario, worker


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
    spells = courses.choose_spells(s, Plan())
    assert sorted(start for _, _, start in spells) == [0, 1, 2]
    assert len({w for w, _, _ in spells}) == 3
    # With two seats a month, all four train, in January and February.
    roomy = courses.choose_spells(forklift_farm(4, seats=2), Plan())
    assert sorted(start for _, _, start in roomy) == [0, 0, 1, 1]
    assert len({w for w, _, _ in roomy}) == 4


def test_a_fixed_spell_makes_the_trainee_unavailable_and_the_skill_usable_only_after_it() -> None:
    s = forklift_farm(1, seats=1)
    without = solver._without_courses(s)
    assert without is not None
    planned, allowed = courses.fixed(without, s, [(0, 0, 1)])
    assert "heftruck" in planned.workers[0].skills and planned.workers[0].unavailable == ("2027-02",)
    heftruck = [k for k, slot in enumerate(planned.quantities.slots) if slot.role == "heftruck"]
    # The course ends in February: forklift work from March on only.
    assert not allowed[0, :2][:, heftruck].any() and allowed[0, 2:][:, heftruck].all()
    assert not allowed[0, 1].any()  # on the course


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_plan_with_fixed_spells_is_a_plan_of_the_scenario_at_its_cost_plus_the_fees(seed: int) -> None:
    # The referee's view of what solve() relies on: plan the scenario with the chosen spells
    # fixed, add the spells, and the validator finds every rule kept and the cost that plan's
    # plus the fees.
    s = generate_scenario(5, 25, seed=seed, training=True)
    without = solver._without_courses(s)
    assert without is not None
    first = solve(without, time_limit=1, num_workers=1, strategy="by_period")
    assert first.plan is not None
    spells = courses.choose_spells(s, first.plan)
    workers = [w for w, _, _ in spells]
    assert len(workers) == len(set(workers))
    seated = np.zeros((len(s.trainings), s.horizon.periods), dtype=np.int64)
    for _, o, start in spells:
        seated[o, start : start + s.trainings[o].duration] += 1
    assert all((seated[o] <= offer.seats).all() for o, offer in enumerate(s.trainings))
    planned, allowed = courses.fixed(without, s, spells)
    args = (0, 1, False, None, None, ObjectiveMode.WEIGHTED, allowed)
    second = solver._solve_by_period(planned, 1.0, time.perf_counter(), *args)
    assert second.plan is not None and second.objective is not None
    report = validate(s, courses.with_spells(s, second.plan, spells))
    assert report.is_valid, report.summary()
    fees = courses.fees_units(s, spells)
    assert report.objective_units == round(second.objective * OBJECTIVE_SCALE) + fees
