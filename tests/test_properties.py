"""Property tests on random small scenarios.

Every plan the solver returns validates, its objective equals the validator's recomputation, the
bound never exceeds the objective, adding a worker never lowers what can be covered, and scenario
and plan survive a JSON round trip.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Plan, Scenario, Status, solve, validate

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
    s = Scenario.model_validate(data)
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
