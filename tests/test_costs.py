"""Cost breakdowns add up, attribute each term where it belongs, and plan diffs read well."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Plan, Scenario, Term, solve
from werkdeling.evaluation import cost_breakdown, diff_plans
from werkdeling.plan import Placement
from werkdeling.scenario import OBJECTIVE_SCALE

from .conftest import employer, hours, north, scenario, worker
from .test_properties import FAMILIES, programme_scenarios, scenarios


def units(points: float) -> int:
    return round(points * OBJECTIVE_SCALE)


def assert_views_add_up(s: Scenario, plan: Plan) -> None:
    costs = cost_breakdown(s, plan)
    for term, total in costs.by_term.items():
        by_employer = sum(units(c.get(term, 0)) for c in costs.by_employer.values())
        by_worker = sum(units(c.get(term, 0)) for c in costs.by_worker.values())
        assert by_employer + units(costs.not_by_employer.get(term, 0)) == units(total), term
        assert by_worker + units(costs.not_by_worker.get(term, 0)) == units(total), term
    assert units(costs.total) == sum(units(v) for v in costs.by_term.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_view_adds_up_to_the_total(data: dict[str, Any]) -> None:
    s = Scenario.model_validate(data)
    result = solve(s, time_limit=10, num_workers=1)
    assert result.plan is not None and result.costs is not None
    assert_views_add_up(s, result.plan)
    assert result.costs.total == result.objective


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_views_add_up_in_every_programme(family: str, data: st.DataObject) -> None:
    s = Scenario.model_validate(data.draw(programme_scenarios(family)))
    result = solve(s, time_limit=10, num_workers=1)
    assert result.plan is not None
    assert_views_add_up(s, result.plan)


def test_each_term_goes_to_the_employer_and_worker_it_concerns() -> None:
    # 'an' (home 'west') works at 'east', 11.1 km away, in January and is idle in February;
    # 'east' wants 100 h both months and gets them only in January.
    s = scenario(
        [employer("west", [hours("picker", 0)]), employer("east", [hours("picker", 100)], location=north(0.1))],
        [worker("an", ["picker"], home_employer="west")],
        periods=2,
    )
    plan = Plan(placements=(Placement(worker="an", period="2027-01", employer="east", role="picker", hours=100),))
    costs = cost_breakdown(s, plan)
    assert costs.by_employer == {
        "east": {
            Term.REQUIRED_SHORTFALL: 10_000.0,
            Term.DESIRED_SHORTFALL: 1_000.0,
            Term.SWITCHES: 50.0,
            Term.TRAVEL: 11.1,
        }
    }
    assert costs.not_by_employer == {Term.IDLE_PAID: 500.0}
    assert costs.by_worker == {"an": {Term.SWITCHES: 50.0, Term.TRAVEL: 11.1, Term.IDLE_PAID: 500.0}}
    assert costs.not_by_worker == {Term.REQUIRED_SHORTFALL: 10_000.0, Term.DESIRED_SHORTFALL: 1_000.0}
    assert costs.employer_total("east") == 11_061.1 and costs.worker_total("an") == 561.1


def test_plan_diff_groups_consecutive_months_and_shows_hours_when_only_they_change() -> None:
    def at(w: str, month: int, e: str, h: float = 100) -> Placement:
        return Placement(worker=w, period=f"2027-{month:02d}", employer=e, role="picker", hours=h)

    old = Plan(placements=(at("an", 1, "west"), at("an", 2, "west"), at("an", 3, "west"), at("bo", 1, "east")))
    new = Plan(placements=(at("an", 1, "west"), at("an", 2, "east"), at("an", 3, "east"), at("bo", 1, "east", 50)))
    diff = diff_plans(old, new)
    assert diff.changed_placements == 3 and diff.changed_workers == ("an", "bo")
    labels = [f"2027-{m:02d}" for m in range(1, 5)]
    assert diff.lines(labels) == [
        "'an' 2027-02..2027-03: 'west' (picker) -> 'east' (picker)",
        "'bo' 2027-01: 'east' (picker, 100 h) -> 'east' (picker, 50 h)",
    ]
    assert diff_plans(old, old).is_empty()
