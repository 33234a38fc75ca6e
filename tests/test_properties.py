"""Property tests on random small scenarios.

Every plan the solver returns validates, its objective equals the validator's recomputation, the
bound never exceeds the objective, adding a worker never lowers what can be covered, and scenario
and plan survive a JSON round trip.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Plan, Scenario, Status, size_pool, solve, validate

ROLES = ["a", "b", "c"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw: st.DrawFn, min_workers: int = 0) -> dict[str, Any]:
    periods = draw(st.integers(1, 4))
    amount = st.sampled_from([0, 0.5, 1, 2])
    employers = []
    for e in range(draw(st.integers(1, 3))):
        demand = []
        for role in draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=2, unique=True)):
            required = [draw(amount) for _ in range(periods)]
            desired = [r + draw(st.sampled_from([0, 0.5, 1])) for r in required]
            maximum = [d + draw(st.sampled_from([0, 0.5, 1])) for d in desired]
            demand.append({"role": role, "required": required, "desired": desired, "maximum": maximum})
        location = {"lat": 50 + draw(st.floats(-0.3, 0.3)), "lon": 5 + draw(st.floats(-0.3, 0.3))}
        employers.append({"id": f"e{e}", "location": location, "demand": demand})
    offered = sorted({d["role"] for e in employers for d in e["demand"]})
    labels = [f"2027-{k + 1:02d}" for k in range(periods)]
    workers = [
        {
            "id": f"w{i}",
            "location": {"lat": 50 + draw(st.floats(-0.3, 0.3)), "lon": 5 + draw(st.floats(-0.3, 0.3))},
            "skills": draw(st.lists(st.sampled_from(offered), min_size=1, max_size=2, unique=True)),
            "fte": draw(st.sampled_from([0.5, 1.0])),
            "guaranteed": draw(st.booleans()),
            "unavailable": draw(st.lists(st.sampled_from(labels), max_size=2, unique=True)),
            "max_travel_km": draw(st.one_of(st.none(), st.sampled_from([15.0, 30.0]))),
            "home_employer": draw(st.one_of(st.none(), st.sampled_from([e["id"] for e in employers]))),
        }
        for i in range(draw(st.integers(min_workers, 4)))
    ]
    weights = {
        "required_shortfall": draw(st.sampled_from([0, 100])),
        "desired_shortfall": draw(st.sampled_from([0, 10])),
        "idle_paid": draw(st.sampled_from([0, 5])),
        "switches": draw(st.sampled_from([0, 50, 300])),
        "travel": draw(st.sampled_from([0, 1])),
    }
    return {
        "horizon": {"start": "2027-01", "periods": periods},
        "employers": employers,
        "workers": workers,
        "weights": weights,
    }


@SETTINGS
@given(scenarios())
def test_solver_plans_validate_and_costs_agree(data: dict[str, Any]) -> None:
    assert_optimal_plan_is_refereed(Scenario.model_validate(data))


def assert_optimal_plan_is_refereed(s: Scenario) -> None:
    """Solved to optimality, the plan validates, the validator's objective equals the solver's
    to the unit, the named terms add up to it, and the bound does not exceed it."""
    result = solve(s, time_limit=20, num_workers=1)
    assert result.status is Status.OPTIMAL
    assert result.plan is not None and result.objective is not None and result.bound is not None
    report = validate(s, result.plan)
    assert report.is_valid, report.summary()
    assert report.objective_units == round(result.objective * 60)
    assert sum(t.cost for t in result.terms.values()) == pytest.approx(result.objective, rel=0, abs=1e-6)
    assert result.bound <= result.objective + 1e-6


@SETTINGS
@given(scenarios(), st.sampled_from(["weighted", "lexicographic"]))
def test_every_mode_returns_valid_plans(data: dict[str, Any], mode: str) -> None:
    s = Scenario.model_validate(data)
    result = solve(s, time_limit=20, num_workers=1, mode=mode)
    assert result.plan is not None
    assert validate(s, result.plan).is_valid


@SETTINGS
@given(scenarios(min_workers=1))
def test_adding_a_worker_never_lowers_required_coverage(data: dict[str, Any]) -> None:
    # Lexicographic with required shortfall first: its optimum can only improve with one more
    # worker, as the old plan (new worker idle or out) is still possible.
    data["weights"]["required_shortfall"] = 100
    data["objective"] = {"mode": "lexicographic"}
    without_last = {**data, "workers": data["workers"][:-1]}
    fewer = solve(Scenario.model_validate(without_last), time_limit=20, num_workers=1)
    more = solve(Scenario.model_validate(data), time_limit=20, num_workers=1)
    assert fewer.stages[0].status is Status.OPTIMAL and more.stages[0].status is Status.OPTIMAL
    assert more.kpis is not None and fewer.kpis is not None
    assert more.kpis.required_pct >= fewer.kpis.required_pct - 1e-9
    assert more.stages[0].objective <= fewer.stages[0].objective  # type: ignore[operator]


@SETTINGS
@given(scenarios(min_workers=1))
def test_adding_a_seasonal_worker_never_raises_the_optimum(data: dict[str, Any]) -> None:
    # A worker who is not guaranteed can always stay out of the plan at no cost.
    data["workers"][-1]["guaranteed"] = False
    without_last = {**data, "workers": data["workers"][:-1]}
    fewer = solve(Scenario.model_validate(without_last), time_limit=20, num_workers=1)
    more = solve(Scenario.model_validate(data), time_limit=20, num_workers=1)
    assert fewer.status is Status.OPTIMAL and more.status is Status.OPTIMAL
    assert more.objective <= fewer.objective + 1e-6  # type: ignore[operator]


@SETTINGS
@given(scenarios())
def test_json_round_trips_are_lossless(data: dict[str, Any]) -> None:
    s = Scenario.model_validate(data)
    assert Scenario.model_validate_json(s.model_dump_json()) == s
    result = solve(s, time_limit=20, num_workers=1)
    assert result.plan is not None
    assert Plan.model_validate_json(result.plan.model_dump_json()) == result.plan


# -- the programmes' rule families -----------------------------------------------------------


def _labels(data: dict[str, Any]) -> list[str]:
    return [f"2027-{k + 1:02d}" for k in range(data["horizon"]["periods"])]


def _add_splits(draw: st.DrawFn, data: dict[str, Any]) -> None:
    step = draw(st.sampled_from([0.25, 0.5, 1.0]))
    min_share = draw(st.sampled_from([step, min(1.0, 2 * step)]))
    data["rules"] = {"splits": {"step": step, "min_share": min_share, "max_employers": draw(st.integers(1, 3))}}


def _add_return_to_work(draw: st.DrawFn, data: dict[str, Any]) -> None:
    labels = _labels(data)
    employer_ids = [e["id"] for e in data["employers"]]
    for w in data["workers"]:
        if draw(st.booleans()):
            w["unavailable"] = []
            ramp: dict[str, Any] = {
                "start": draw(st.sampled_from(labels)),
                "shares": sorted(draw(st.lists(st.sampled_from([0.2, 0.5, 0.8]), min_size=1, max_size=3))),
                "approved_until": draw(st.one_of(st.none(), st.sampled_from(labels))),
            }
            if draw(st.booleans()):
                ramp["employer"] = draw(st.sampled_from(employer_ids))
            if draw(st.booleans()):
                ramp["roles"] = w["skills"][:1]
            w["return_to_work"] = ramp


def _add_training(draw: st.DrawFn, data: dict[str, Any]) -> None:
    offered = sorted({d["role"] for e in data["employers"] for d in e["demand"]})
    periods = data["horizon"]["periods"]
    if periods < 2:
        return
    data["trainings"] = [
        {
            "id": f"t{k}",
            "skill": draw(st.sampled_from(offered)),
            "duration": draw(st.integers(1, periods - 1)),
            "seats": draw(st.integers(1, 2)),
            "cost": draw(st.sampled_from([0, 20, 500])),
        }
        for k in range(draw(st.integers(1, 2)))
    ]
    for w in data["workers"]:
        w["guaranteed"] = draw(st.sampled_from([True, True, False]))
        w["skills"] = w["skills"][:1]
    # A dip, then a late peak in a taught skill, so that training is often worth it.
    taught = data["trainings"][0]["skill"]
    data["weights"]["idle_paid"] = 5
    for e in data["employers"]:
        for d in e["demand"]:
            for k in range(periods - 1):
                d["required"][k] = 0
            if d["role"] == taught:
                d["required"][-1] = d["desired"][-1] = d["maximum"][-1] = 2


def _add_transitions(draw: st.DrawFn, data: dict[str, Any]) -> None:
    labels = _labels(data)
    for e in data["employers"]:
        if draw(st.booleans()):
            e["vacancies"] = [
                {"id": "v", "role": e["demand"][0]["role"], "available_from": draw(st.sampled_from(labels))}
            ]
    for w in data["workers"]:
        if draw(st.booleans()):
            w["transition_deadline"] = draw(st.sampled_from(labels))


def _add_stability(draw: st.DrawFn, data: dict[str, Any]) -> None:
    labels = _labels(data)
    ids = [e["id"] for e in data["employers"]]
    small = st.one_of(st.none(), st.none(), st.integers(1, 3))
    rules = {
        "min_stint": draw(small),
        "max_switches": draw(st.one_of(st.none(), st.integers(0, 2))),
        "max_employers": draw(small),
        "max_periods_per_employer": draw(small),
        "min_work_run": draw(small),
        "min_off_run": draw(small),
        "max_assignment_months": draw(st.one_of(st.none(), st.sampled_from([1, 2]))),
        "assignment_break_months": 1,
        "forbidden_transitions": draw(
            st.lists(
                st.builds(
                    lambda a, b: {"from_employer": a, "to_employer": b}, st.sampled_from(ids), st.sampled_from(ids)
                ),
                max_size=1,
            )
        ),
        "window_limits": draw(
            st.lists(
                st.builds(
                    lambda ps: {"name": "w", "periods": ps, "max_worked": 1},
                    st.lists(st.sampled_from(labels), min_size=1),
                ),
                max_size=1,
            )
        ),
    }
    if draw(st.booleans()):
        rules["max_stint"] = max(rules["min_stint"] or 1, draw(st.integers(1, 3)))
        rules["max_work_run"] = max(rules["min_work_run"] or 1, draw(st.integers(1, 3)))
    data["rules"] = {k: v for k, v in rules.items() if v is not None}
    for w in data["workers"]:
        if draw(st.booleans()):
            w["max_total_hours"] = draw(st.sampled_from([0, 100, 300]))


def _add_preferences(draw: st.DrawFn, data: dict[str, Any]) -> None:
    labels = _labels(data)
    ids = [e["id"] for e in data["employers"]]
    for w in data["workers"]:
        w["preferences"] = [
            {
                "kind": draw(st.sampled_from(["prefer", "avoid"])),
                "employer": draw(st.sampled_from(ids)),
                "periods": draw(st.one_of(st.none(), st.lists(st.sampled_from(labels), min_size=1, max_size=2))),
                "weight": draw(st.integers(1, 300)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
    data["weights"]["fair_idle"] = draw(st.sampled_from([0, 1, 5]))
    data["weights"]["fair_switches"] = draw(st.sampled_from([0, 100]))


def _add_employer_limits(draw: st.DrawFn, data: dict[str, Any]) -> None:
    for e in data["employers"]:
        e["max_shared_workers"] = draw(st.one_of(st.none(), st.integers(1, 2)))
        e["coaching_capacity"] = draw(st.one_of(st.none(), st.integers(0, 1)))
        e["overstaffing_cost"] = draw(st.sampled_from([0, 2, 20]))
    for w in data["workers"]:
        w["needs_coaching"] = draw(st.booleans())


def _add_legal_form(draw: st.DrawFn, data: dict[str, Any]) -> None:
    form = draw(
        st.sampled_from(
            [
                "be_werkgeversgroepering",
                "be_terbeschikkingstelling",
                "de_aueg",
                "nl_collegiaal_uitlenen",
                "fr_groupement",
            ]
        )
    )
    data["legal_form"] = form
    for e in data["employers"]:
        e["member"] = draw(st.booleans())
    data["employers"][0]["member"] = True
    if form == "be_terbeschikkingstelling":
        data["rules"] = {"max_periods_per_employer": draw(st.integers(1, 3))}
        for w in data["workers"]:
            w["guaranteed"] = True
            w["home_employer"] = draw(st.sampled_from([e["id"] for e in data["employers"]]))
    if form == "de_aueg":
        # Short limits so they bind within a few months.
        data["rules"] = {"max_assignment_months": draw(st.sampled_from([1, 2])), "assignment_break_months": 1}


FAMILIES = {
    "legal_form": _add_legal_form,
    "splits": _add_splits,
    "return_to_work": _add_return_to_work,
    "training": _add_training,
    "transitions": _add_transitions,
    "stability": _add_stability,
    "preferences_fairness": _add_preferences,
    "employer_limits": _add_employer_limits,
}


@st.composite
def programme_scenarios(draw: st.DrawFn, family: str) -> dict[str, Any]:
    data = draw(scenarios(min_workers=2))
    FAMILIES[family](draw, data)
    return data


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_programme_rules_give_valid_plans_and_agreeing_costs(family: str, data: st.DataObject) -> None:
    assert_optimal_plan_is_refereed(Scenario.model_validate(data.draw(programme_scenarios(family))))


@SETTINGS
@given(scenarios(), st.sampled_from([0.0, 0.1, 0.3]))
def test_pool_sizing_is_the_most_within_the_idle_share(data: dict[str, Any], share: float) -> None:
    s = Scenario.model_validate(data)
    sizing = size_pool(s, max_idle_share=share)
    curve = {p.contracts: p for p in sizing.curve}
    # The curve's idle time never falls as contracts are added (an extra contract can idle).
    idle = [p.idle_hours for p in sizing.curve]
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(idle))
    # The answer is the largest number of contracts whose least idle time is within the share.
    within = [n for n, p in curve.items() if p.idle_hours <= share * p.paid_hours + 1e-6]
    assert sizing.best.contracts == max(within)
    assert sizing.best.idle_hours == pytest.approx(curve[sizing.best.contracts].idle_hours)
