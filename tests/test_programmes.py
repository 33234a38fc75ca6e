"""One test per programme rule family, each on a tiny scenario whose optimum is derived by hand.

Default weights: required shortfall 100/h plus desired 10/h (a missing required hour costs 110),
idle paid 5/h, switch 50, travel 1/km, training 1/point, missed transition 1000/worker. Workers
have 100-hour contracts and demand is in hours, with maximum = desired = required unless stated.
"""

from __future__ import annotations

from typing import Any

import pytest

from werkdeling import InputError, Placement, Plan, Scenario, Term, validate
from werkdeling.scenario.io import scenario_from_data

from .conftest import employer, hours, north, scenario, worker
from .test_rules import solved


def alternating(**rules: Any) -> Scenario:
    """e1 needs 100 h in the middle month, e2 in the first and last: e2, e1, e2 covers all with
    2 switches (100)."""
    return scenario(
        [employer("e1", [hours("a", [0, 100, 0])]), employer("e2", [hours("a", [100, 0, 100])])],
        [worker("w", ["a"])],
        periods=3,
        rules=rules,
    )


# -- part-time splits --------------------------------------------------------------------------


def two_halves(**splits: Any) -> Scenario:
    rules = {"splits": splits} if splits else {}
    return scenario(
        [employer("e1", [hours("a", 50)]), employer("e2", [hours("a", 50)])], [worker("w", ["a"])], rules=rules
    )


def test_splits_whole_periods_cannot_fit_half_demands() -> None:
    # 100 h never fits a 50 h maximum: both 50 h short (2 x 50 x 110) + 100 h idle (500) = 11500.
    assert solved(two_halves()).objective == 11500


def test_splits_half_and_half_covers_both() -> None:
    result = solved(two_halves(step=0.5, min_share=0.5))
    assert result.objective == 0
    assert sorted((p.employer, p.hours) for p in result.plan.placements) == [("e1", 50), ("e2", 50)]


def test_splits_max_employers_one() -> None:
    # One employer only: 50 h at e1, e2 short 50 h (5500), 50 h idle (250) = 5750.
    assert solved(two_halves(step=0.5, min_share=0.5, max_employers=1)).objective == 5750


def test_splits_min_share() -> None:
    # Steps of 25 h, at least 50 h: e1 (25 h) cannot take the smallest placement, e2 takes 75 h.
    # e1 short 25 h (2750) + 25 h idle (125) = 2875.
    s = scenario(
        [employer("e1", [hours("a", 25)]), employer("e2", [hours("a", 75)])],
        [worker("w", ["a"])],
        rules={"splits": {"step": 0.25, "min_share": 0.5}},
    )
    result = solved(s)
    assert result.objective == 2875
    assert [(p.employer, p.hours) for p in result.plan.placements] == [("e2", 75)]


# -- return after long illness ---------------------------------------------------------------


def returning(ramp: dict[str, Any], periods: int = 2, extra_employer: bool = False) -> Scenario:
    employers = [employer("e", [hours("a", 100)])]
    if extra_employer:
        employers.append(employer("f", [hours("a", 0, [50] + [0] * (periods - 1))]))
    return scenario(employers, [worker("w", ["a"], return_to_work=ramp)], periods=periods)


def test_return_to_work_ramp_limits_hours() -> None:
    # Month 1 at 50 %: 50 h covered, 50 h short (5500); month 2 at full hours: 0. The pool pays
    # only the ramp share, all of it worked: no idle time.
    result = solved(returning({"start": "2027-01", "shares": [0.5]}))
    assert result.objective == 5500
    assert [p.hours for p in result.plan.placements] == [50, 100]


def test_return_to_work_restricted_to_one_employer() -> None:
    # During the ramp only employer f (desired 50 h in month 1): e short 100 h in month 1 (11000),
    # and the move from f to e in month 2 is a switch (50): 11050.
    ramp = {"start": "2027-01", "shares": [0.5], "employer": "f"}
    result = solved(returning(ramp, extra_employer=True))
    assert result.objective == 11050
    # Unrestricted, the worker would help e instead: e short 50 h (5500) + f desired 50 h (500).
    assert solved(returning({"start": "2027-01", "shares": [0.5]}, extra_employer=True)).objective == 6000


def test_return_to_work_unfinished_at_approval_end_is_not_planned() -> None:
    # Two 50 % months, approval ends after the first: re-assess, no work after it.
    # Month 1: 50 h short (5500); months 2 and 3: 100 h short each (22000); nothing is paid then.
    ramp = {"start": "2027-01", "shares": [0.5, 0.5], "approved_until": "2027-01"}
    result = solved(returning(ramp, periods=3))
    assert result.objective == 27500
    assert result.kpis is not None and result.kpis.needs_reassessment == ("w",)


# -- training in quiet periods ---------------------------------------------------------------


def learning(**offer: Any) -> Scenario:
    return scenario(
        [employer("e", [hours("a", 0), hours("b", [0, 0, 100])])],
        [worker("w", ["a"])],
        periods=3,
        trainings=[{"id": "t", "skill": "b", "cost": 10, **offer}],
    )


def test_training_in_a_dip_fills_a_later_peak() -> None:
    # Without training: 300 h idle (1500) + 100 h short in month 3 (11000) = 12500.
    # Training in month 1 or 2 (paid, not idle), idle the other (500), fee 10, work month 3: 510.
    result = solved(learning())
    assert result.objective == 510
    assert [t.training for t in result.plan.trainings] == ["t"]
    assert [(p.period, p.role) for p in result.plan.placements] == [("2027-03", "b")]


def test_training_that_ends_too_late_is_not_used() -> None:
    # A 2-month course may only start in month 2: it would end after the horizon's last use.
    result = solved(learning(duration=2, starts=["2027-02"]))
    assert result.objective == 12500


def test_training_seats() -> None:
    # Two workers, one seat, course only in month 1. One trains and works month 3; the other is
    # idle 3 months (1500) and the trainee idle month 2 (500): 2000 + fee 10 = 2010; e's month-3
    # demand is 100 h, so one trained worker covers it.
    s = scenario(
        [employer("e", [hours("a", 0), hours("b", [0, 0, 100])])],
        [worker("w", ["a"]), worker("v", ["a"])],
        periods=3,
        trainings=[{"id": "t", "skill": "b", "cost": 10, "starts": ["2027-01"], "seats": 1}],
    )
    result = solved(s)
    assert result.objective == 2010
    assert len(result.plan.trainings) == 1


# -- permanent transitions (Van werk naar werk) ----------------------------------------------


def threatened(workers: int = 1, count: int = 1) -> Scenario:
    return scenario(
        [
            {
                **employer("e", [hours("a", 0)]),
                "vacancies": [{"id": "v", "role": "a", "available_from": "2027-02", "count": count}],
            }
        ],
        [worker(f"w{i}", ["a"], transition_deadline="2027-02") for i in range(workers)],
        periods=3,
    )


def test_permanent_transition_by_the_deadline() -> None:
    # Moving in month 2 leaves one idle month (500); staying costs 1500 idle + 1000 missed.
    result = solved(threatened())
    assert result.objective == 500
    assert [(m.worker, m.period) for m in result.plan.transitions] == [("w0", "2027-02")]
    assert result.kpis is not None and result.kpis.transitions_in_time_pct == 100


def test_permanent_transition_vacancy_count() -> None:
    # One vacancy, two workers: 500 for the one who moves, 1500 + 1000 for the other: 3000.
    result = solved(threatened(workers=2))
    assert result.objective == 3000
    assert result.kpis is not None and result.kpis.transitions_in_time == 1


# -- stability and working time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # No rule: e2, e1, e2 with two switches.
        ({}, 100),
        # The one-month stint at e1 is too short (it can't grow: e1 takes nobody in month 3), so
        # e2, idle, e2: 100 h idle (500) + e1 short 100 h (11000).
        ({"min_stint": 2}, 11500),
        ({"max_switches": 0}, 11500),
        ({"max_employers": 1}, 11500),
        # e2 -> e1 forbidden; e2, idle, e2 (11500) beats idle, e1, e2 (11000 + 500 + 50).
        ({"forbidden_transitions": [{"from_employer": "e2", "to_employer": "e1"}]}, 11500),
    ],
)
def test_stability_rules_on_alternating_demand(rules: dict[str, Any], expected: int) -> None:
    assert solved(alternating(**rules)).objective == expected


def steady(periods: int = 2, **extra: Any) -> Scenario:
    """One employer needs the one worker every month."""
    return scenario([employer("e", [hours("a", 100)])], [worker("w", ["a"])], periods=periods, **extra)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({}, 0),
        # Only one of the two months worked: 100 h short (11000) + 100 h idle (500).
        ({"max_stint": 1}, 11500),
        ({"max_periods_per_employer": 1}, 11500),
        ({"max_work_run": 1}, 11500),
        ({"window_limits": [{"name": "winter", "periods": ["2027-01..2027-02"], "max_worked": 1}]}, 11500),
    ],
)
def test_stability_rules_on_steady_demand(rules: dict[str, Any], expected: int) -> None:
    assert solved(steady(rules=rules)).objective == expected


def test_work_runs_min_work_run() -> None:
    # Demand only in month 2: a one-month working run is too short (cannot grow, maximum 0), so
    # idle 3 months (1500) + 100 h short (11000) = 12500; without the rule only 1000.
    s = scenario([employer("e", [hours("a", [0, 100, 0])])], [worker("w", ["a"])], periods=3)
    assert solved(s).objective == 1000
    assert solved(s.replace(rules={"min_work_run": 2})).objective == 12500


def test_work_runs_min_off_run() -> None:
    # Demand in months 1 and 3: a one-month break is too short. Work month 1 only:
    # 200 h idle (1000) + 100 h short (11000) = 12000; without the rule, one idle month: 500.
    s = scenario([employer("e", [hours("a", [100, 0, 100])])], [worker("w", ["a"])], periods=3)
    assert solved(s).objective == 500
    assert solved(s.replace(rules={"min_off_run": 2})).objective == 12000


def test_assignment_limit_resets_after_a_break() -> None:
    # AÜG-style with months: at most 2 months with e, counted again after a 1-month break.
    # E.g. work months 1-2, break month 3, work month 4: one month short (11000) + idle (500).
    s = steady(periods=4, rules={"max_assignment_months": 2, "assignment_break_months": 1})
    result = solved(s)
    assert result.objective == 11500
    assert len(result.plan.placements) == 3
    # Three months in a row break the rule.
    plan = Plan(
        placements=tuple(
            p.model_copy(update={"period": f"2027-0{k + 1}"}) for k, p in enumerate(result.plan.placements)
        )
    )
    assert [v.rule for v in validate(s, plan).violations] == ["assignment_limit"]


def test_assignment_limit_in_weeks() -> None:
    # 1 month = 52/12 weeks: at most 4 weeks, a break of 5 weeks resets. In 6 weeks at most 4
    # are worked: 2 weeks short (22000) + 2 idle (1000) = 23000.
    s = scenario(
        [employer("e", [hours("a", 100)])],
        [worker("w", ["a"])],
        horizon={"start": "2027-W01", "periods": 6, "granularity": "week"},
        rules={"max_assignment_months": 1, "assignment_break_months": 1},
    )
    assert solved(s).objective == 23000


def test_total_hours() -> None:
    # At most 100 h over two months: one month short and idle, 11500.
    s = scenario([employer("e", [hours("a", 100)])], [worker("w", ["a"], max_total_hours=100)], periods=2)
    assert solved(s).objective == 11500
    # At least 100 h for a seasonal worker 11.1 km away, where nobody needs them: one month of
    # travel (11.1 km, 1 per km) is the price of the guaranteed hours.
    s = scenario(
        [employer("e", [hours("a", 0, 0, 100)], location=north(0.1))],
        [worker("w", ["a"], guaranteed=False, min_total_hours=100)],
        periods=2,
    )
    result = solved(s)
    assert result.terms[Term.TRAVEL].quantity == pytest.approx(11.1)
    assert len(result.plan.placements) == 1


# -- preferences and fairness ----------------------------------------------------------------


def test_preferences_trade_off_against_demand() -> None:
    # e2 wants 100 h (desired only, 10/h); the worker prefers e1 (weight 2000 a month), which
    # has room but no need. Working at e1 leaves e2's 1000 unmet; working at e2 costs 2000.
    s = scenario(
        [employer("e1", [hours("a", 0, 0, 100)]), employer("e2", [hours("a", 0, 100)])],
        [worker("w", ["a"], preferences=[{"kind": "prefer", "employer": "e1", "weight": 2000}])],
    )
    result = solved(s)
    assert result.objective == 1000
    assert [p.employer for p in result.plan.placements] == ["e1"]
    avoid = s.replace(
        workers=[worker("w", ["a"], preferences=[{"kind": "avoid", "periods": ["2027-01"], "weight": 600}])]
    )
    # Avoiding work in the month costs 600 if worked; not working costs 1000 + 500 idle.
    assert solved(avoid).objective == 600


def test_fair_idle_spreads_idle_time() -> None:
    # Two workers, one needed per month: 200 h idle either way (1000). With fair_idle 1/h the
    # worst-off worker has 100 h idle (not 200): 1000 + 100 = 1100.
    s = scenario(
        [employer("e", [hours("a", 100)])],
        [worker("w", ["a"]), worker("v", ["a"])],
        periods=2,
        weights={"fair_idle": 1},
    )
    result = solved(s)
    assert result.objective == 1100
    assert result.terms[Term.FAIR_IDLE].quantity == 100


def test_fair_switches_spreads_moves() -> None:
    # Two workers both start at home e1; in month 2 e1 and e2 each need one. One of them must
    # switch: 50. fair_switches 100/switch adds the worst-off worker's 1 switch: 150.
    s = scenario(
        [employer("e1", [hours("a", 100)]), employer("e2", [hours("a", [0, 100])])],
        [worker("w", ["a"], home_employer="e1"), worker("v", ["a"], home_employer="e1")],
        periods=2,
        weights={"fair_switches": 100},
    )
    # Month 1: e1 needs 100 h, e2 nothing: one idle (500). Month 2: both placed.
    assert solved(s).objective == 500 + 50 + 100


# -- employer-side limits --------------------------------------------------------------------


def test_employer_limits_max_shared_workers_and_coaching() -> None:
    # e needs 200 h; only 1 shared worker at once: 100 h short (11000) + 100 h idle (500).
    def pool(**limits: Any) -> Scenario:
        workers = [worker("w", ["a"], needs_coaching=True), worker("v", ["a"], needs_coaching=True)]
        return scenario([{**employer("e", [hours("a", 200)]), **limits}], workers)

    assert solved(pool()).objective == 0
    assert solved(pool(max_shared_workers=1)).objective == 11500
    assert solved(pool(coaching_capacity=1)).objective == 11500


@pytest.mark.parametrize(("cost", "expected"), [(3, 300), (10, 500)])
def test_overstaffing_cost(cost: int, expected: int) -> None:
    # Room for 100 h above desired (0): placing costs 100 x cost, idling costs 500.
    s = scenario([{**employer("e", [hours("a", 0, 0, 100)]), "overstaffing_cost": cost}], [worker("w", ["a"])])
    assert solved(s).objective == expected


# -- legal forms -----------------------------------------------------------------------------


def test_legal_form_preset_and_override() -> None:
    s = scenario(
        [employer("e", [hours("a", 100)]), {**employer("x", [hours("a", 100)]), "member": False}],
        [worker("w", ["a"])],
        legal_form="be_werkgeversgroepering",
    )
    rules = s.effective_rules
    assert (rules.max_workers, rules.min_contract_hours_per_week, rules.members_only) == (50, 19, True)
    # Members only: the worker goes to e; x (not a member) stays short 100 h: 11000.
    result = solved(s)
    assert result.objective == 11000
    assert [p.employer for p in result.plan.placements] == ["e"]
    # A rule set in the scenario wins over the preset.
    assert not s.replace(rules={"members_only": False}).effective_rules.members_only


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"workers": [worker("w", ["a"], h=60)]}, "contract of 13.8 h a week is below the minimum of 19 h"),
        ({"workers": [worker(f"w{i}", ["a"]) for i in range(51)]}, "may employ at most 50"),
    ],
)
def test_legal_form_input_checks(change: dict[str, Any], words: str) -> None:
    data = {
        "horizon": {"start": "2027-01", "periods": 1},
        "legal_form": "be_werkgeversgroepering",
        "employers": [employer("e", [hours("a", 100)])],
        "workers": [worker("w", ["a"])],
        **change,
    }
    with pytest.raises(InputError) as info:
        scenario_from_data(data)
    assert words in str(info.value)


def test_legal_form_art32_needs_duration_and_permanent_staff() -> None:
    data = {
        "horizon": {"start": "2027-01", "periods": 1},
        "legal_form": "be_terbeschikkingstelling",
        "employers": [employer("e", [hours("a", 100)])],
        "workers": [worker("w", ["a"])],
    }
    with pytest.raises(InputError) as info:
        scenario_from_data(data)
    assert "set rules.max_periods_per_employer" in str(info.value)
    assert "places only permanent staff" in str(info.value)
    data["rules"] = {"max_periods_per_employer": 6}
    data["workers"] = [worker("w", ["a"], home_employer="e")]
    assert scenario_from_data(data).effective_rules.permanent_staff_only


def test_legal_form_de_aueg_limits_in_weeks() -> None:
    s = scenario(
        [employer("e", [hours("a", 100)])],
        [worker("w", ["a"])],
        horizon={"start": "2027-W01", "periods": 4, "granularity": "week"},
        legal_form="de_aueg",
    )
    # 18 months = 78 weeks; a 3-month break = 13 weeks.
    assert s.effective_rules.assignment_periods(s.horizon.granularity) == (78, 13)


# -- the validator catches each family --------------------------------------------------------


def test_validator_names_programme_rules() -> None:
    s = alternating(min_stint=2, max_switches=0)
    plan = Plan(
        placements=tuple(
            Placement(worker="w", period=f"2027-0{k + 1}", employer=e, role="a", hours=100)
            for k, e in enumerate(["e2", "e1", "e2"])
        )
    )
    rules = {v.rule for v in validate(s, plan).violations}
    assert rules == {"stints", "switch_limits"}


def test_warm_start_uses_trainings_and_moves() -> None:
    # Every row of a plan with a training and a permanent move maps back onto the model.
    for s in (learning(), threatened()):
        first = solved(s)
        again = solved(s, warm_start=first.plan)
        assert again.notes == ()
        assert again.objective == first.objective


def test_training_ids_are_unique() -> None:
    data = {
        "horizon": {"start": "2027-01", "periods": 2},
        "employers": [employer("e", [hours("a", 0)])],
        "workers": [worker("w", ["a"])],
        "trainings": [{"id": "t", "skill": "a"}, {"id": "t", "skill": "a"}],
    }
    with pytest.raises(InputError, match="training id 't' is used twice"):
        scenario_from_data(data)
