"""One test per rule family, each on a tiny scenario whose optimum is derived by hand.

Default weights: required shortfall 100/h, desired shortfall 10/h (desired includes required, so
a missing required hour costs 110), idle paid 5/h, switch 50, travel 1 per one-way km per period.
Workers have 100-hour contracts unless stated.
"""

from __future__ import annotations

import pytest

from werkdeling import Status, Term, solve, validate
from werkdeling.evaluation.measure import measure, resolve

from .conftest import employer, hours, north, scenario, worker


def solved(s, **kwargs):  # type: ignore[no-untyped-def]
    result = solve(s, time_limit=10, num_workers=1, **kwargs)
    assert result.status is Status.OPTIMAL
    assert result.plan is not None
    report = validate(s, result.plan)
    assert report.is_valid, report.summary()
    assert report.objective == pytest.approx(result.objective)
    return result


def test_places_per_period_idle_guaranteed_worker_is_paid() -> None:
    # No demand: the guaranteed worker is idle in all 3 periods: 3 x 100 h x 5 = 1500.
    s = scenario([employer("e", [hours("a", 0)])], [worker("w", ["a"])], periods=3)
    result = solved(s)
    assert result.objective == 1500
    assert result.terms[Term.IDLE_PAID].quantity == 300
    assert len(result.plan) == 0


def test_places_per_period_worker_fills_only_one_of_two_needs() -> None:
    # Two employers each require 100 h in the one period; one worker covers one of them.
    # The other: 100 h required (100/h) + 100 h desired (10/h) = 11000.
    s = scenario([employer("e1", [hours("a", 100)]), employer("e2", [hours("a", 100)])], [worker("w", ["a"])])
    result = solved(s)
    assert result.objective == 11000
    assert len(result.plan) == 1


def test_not_guaranteed_worker_costs_nothing_when_unused() -> None:
    # A seasonal (not guaranteed) worker with no demand: not in the plan, no idle pay: 0.
    s = scenario([employer("e", [hours("a", 0)])], [worker("w", ["a"], guaranteed=False)], periods=2)
    assert solved(s).objective == 0


def test_skills_worker_without_the_role_cannot_cover() -> None:
    # Demand for 'a', worker only has 'b' (in the catalogue): required 100 h uncovered
    # (100 x 110 = 11000) and the worker idles (100 x 5 = 500): 11500.
    s = scenario([employer("e", [hours("a", 100)])], [worker("w", ["b"])], skills=["a", "b"])
    result = solved(s)
    assert result.objective == 11500


def test_skills_worker_with_the_role_covers() -> None:
    s = scenario([employer("e", [hours("a", 100)])], [worker("w", ["a"])])
    result = solved(s)
    assert result.objective == 0
    assert [(p.worker, p.employer, p.role, p.hours) for p in result.plan.placements] == [("w", "e", "a", 100)]


def test_availability_no_placement_and_no_idle_pay_when_unavailable() -> None:
    # Required 100 h in both months; the worker is away in 2027-02: that month 100 h uncovered
    # (11000); no idle pay for the month away: 11000.
    s = scenario([employer("e", [hours("a", 100)])], [worker("w", ["a"], unavailable=["2027-02"])], periods=2)
    result = solved(s)
    assert result.objective == 11000
    assert [p.period for p in result.plan.placements] == ["2027-01"]


def test_availability_ranges_are_inclusive() -> None:
    s = scenario([employer("e", [hours("a", 0)])], [worker("w", ["a"], unavailable=["2027-02..2027-03"])], periods=4)
    # Idle only in the two available months: 2 x 100 x 5 = 1000.
    assert solved(s).objective == 1000


def test_travel_limit_too_far_means_no_placement() -> None:
    # The employer is 0.2 degree north (22.2 km); the worker travels at most 15 km: same as a
    # missing skill: 11000 shortfall + 500 idle = 11500.
    s = scenario([employer("e", [hours("a", 100)], location=north(0.2))], [worker("w", ["a"], max_travel_km=15)])
    assert solved(s).objective == 11500


def test_travel_limit_from_scenario_rules_applies_to_workers_without_their_own() -> None:
    s = scenario(
        [employer("e", [hours("a", 100)], location=north(0.2))],
        [worker("w", ["a"]), worker("v", ["a"], max_travel_km=30)],
        rules={"max_travel_km": 15},
    )
    # 'w' may not go (15 km limit) and idles (500); 'v' may (30 km) and goes: travel 22.2 km.
    result = solved(s)
    assert [p.worker for p in result.plan.placements] == ["v"]
    assert result.objective == pytest.approx(500 + 22.2)


def test_employer_capacity_never_exceeded() -> None:
    # Maximum 50 h, contract 100 h: the worker cannot be placed. Required 40 h and desired 50 h
    # are missing: 40 x 100 + 50 x 10 = 4500, plus idle 100 x 5 = 500: 5000.
    s = scenario([employer("e", [hours("a", 40, 50, 50)])], [worker("w", ["a"])])
    assert solved(s).objective == 5000


def test_employer_capacity_packs_workers_up_to_the_maximum() -> None:
    # Three 50-hour workers, maximum 100 h: two are placed, one idles: 50 x 5 = 250.
    s = scenario([employer("e", [hours("a", 100)])], [worker(f"w{i}", ["a"], h=50) for i in range(3)])
    result = solved(s)
    assert result.objective == 250
    assert len(result.plan) == 2


def test_shortfall_required_and_desired_levels() -> None:
    # Required 100 h, desired 200 h, one 100-hour worker: desired shortfall 100 h x 10 = 1000.
    s = scenario([employer("e", [hours("a", 100, 200)])], [worker("w", ["a"])])
    result = solved(s)
    assert result.objective == 1000
    assert result.terms[Term.DESIRED_SHORTFALL].quantity == 100
    assert result.terms[Term.REQUIRED_SHORTFALL].quantity == 0


def test_fte_units_half_time_worker_covers_half_an_fte() -> None:
    # Demand 1 FTE (38 h x 52/12 = 164.67 h a month); two 0.5 FTE workers cover it exactly.
    s = scenario(
        [employer("e", [{"role": "a", "required": 1}])],
        [{"id": f"w{i}", "location": north(0), "skills": ["a"], "fte": 0.5} for i in range(2)],
    )
    result = solved(s)
    assert result.objective == 0
    assert sum(p.hours for p in result.plan.placements) == pytest.approx(38 * 52 / 12, abs=0.01)


def test_travel_cost_prefers_the_nearer_employer() -> None:
    # Desired 100 h at two employers, 11.1 km and 22.2 km away; one worker. One employer misses
    # 100 desired hours (1000) either way; the nearer one costs 11.1 km: 1011.1.
    s = scenario(
        [employer("near", [hours("a", 0, 100)], north(0.1)), employer("far", [hours("a", 0, 100)], north(0.2))],
        [worker("w", ["a"])],
    )
    result = solved(s)
    assert result.objective == pytest.approx(1011.1)
    assert result.plan.placements[0].employer == "near"


def _alternating(switch_weight: int):  # type: ignore[no-untyped-def]
    # One worker; desired 100 h at A in months 1 and 3 and at B in month 2 (same place).
    return scenario(
        [employer("A", [hours("a", 0, [100, 0, 100])]), employer("B", [hours("a", 0, [0, 100, 0])])],
        [worker("w", ["a"])],
        periods=3,
        weights={"switches": switch_weight},
    )


def test_switches_cheap_moves_are_made() -> None:
    # A, B, A: two switches x 50 = 100 beats idling a month (500 idle + 1000 shortfall).
    result = solved(_alternating(50))
    assert result.objective == 100
    assert result.kpis.switches_per_worker == {"w": 2}


def test_switches_expensive_moves_are_avoided() -> None:
    # Switch 2000: A, idle, A costs 500 idle + 1000 desired shortfall = 1500, the best option
    # (A,B,A = 4000; A,B,idle = 2000 + 500 + 1000 = 3500).
    result = solved(_alternating(2000))
    assert result.objective == 1500
    assert [p.employer for p in result.plan.placements] == ["A", "A"]


def test_switches_count_across_a_gap() -> None:
    # A in month 1, away in month 2, B in month 3: still one switch (50).
    s = scenario(
        [employer("A", [hours("a", 0, [100, 0, 0])]), employer("B", [hours("a", 0, [0, 0, 100])])],
        [worker("w", ["a"], unavailable=["2027-02"])],
        periods=3,
    )
    assert solved(s).objective == 50


def test_switches_leaving_the_home_employer_counts() -> None:
    # Home employer B has no demand; A needs 100 h: moving to A is one switch (50), better than
    # idling (500 + 1000).
    s = scenario(
        [employer("A", [hours("a", 0, 100)]), employer("B", [hours("a", 0)])],
        [worker("w", ["a"], home_employer="B")],
    )
    assert solved(s).objective == 50


def test_zero_weight_terms_build_nothing_but_are_still_measured() -> None:
    s = _alternating(0)
    result = solved(s)
    assert result.objective == 0
    assert result.terms[Term.SWITCHES].weight == 0
    assert result.terms[Term.SWITCHES].quantity == 2
    from werkdeling.model import build_model

    assert Term.SWITCHES not in build_model(s).terms


def test_measure_counts_switches_from_home_and_across_gaps(small) -> None:  # type: ignore[no-untyped-def]
    from werkdeling import Placement, Plan

    plan = Plan(
        placements=(
            Placement(worker="an", period="2027-06", employer="warehouse", role="packer", hours=164.6667),
            Placement(worker="an", period="2027-08", employer="warehouse", role="packer", hours=164.6667),
            Placement(worker="an", period="2027-09", employer="orchard", role="picker", hours=164.6667),
        )
    )
    # home orchard -> warehouse (1), warehouse again after a gap (0), -> orchard (1)
    assert list(measure(small, resolve(small, plan)).switches) == [2, 0, 0]
