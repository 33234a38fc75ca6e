"""Why infeasible: crafted scenarios whose minimal conflicts are known, and random ones.

The explanation must be *sufficient* (the named rules cannot hold together) and *minimal* (drop
any one and the rest can), and switching off every rule named must make the scenario feasible.
The crafted cases check that last point through the scenario itself and :func:`solve`, without
the explanation machinery.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Scenario, Status, solve, validate
from werkdeling.explain import explain_infeasibility, feasible_with_only, feasible_without
from werkdeling.model.guards import Guarded
from werkdeling.plan import Placement, Plan

from .conftest import employer, hours, north, scenario, worker
from .test_properties import scenarios

# 0.2 degree north is 22.2 km away.
FAR = north(0.2)


def forklift_pool(**changes: Any) -> Scenario:
    """'ardo' requires 300 h of 'heftruck' in one month. 'an' and 'bo' can do 100 h each; 'cas'
    holds the skill but is unavailable; 'dirk' holds it but lives 22 km away, over the 20 km
    limit; 'els' lacks the skill. Only 'dirk' could make up the third 100 h: the minimal conflict
    is {required cover of ardo, dirk's travel limit}."""
    workers = [
        worker("an", ["heftruck"]),
        worker("bo", ["heftruck"]),
        worker("cas", ["heftruck"], unavailable=["2027-01"]),
        worker("dirk", ["heftruck"], location=FAR),
        worker("els", ["picker"]),
    ]
    rules = {"cover_required": True, "max_travel_km": 20.0, **changes.pop("rules", {})}
    return scenario(
        [employer("ardo", [hours("heftruck", 300), hours("picker", 0, 100)])], workers, rules=rules, **changes
    )


def test_a_scenario_with_cover_required_that_cannot_be_covered_has_no_plan() -> None:
    assert solve(forklift_pool(), time_limit=10, num_workers=1).status is Status.INFEASIBLE


def test_required_cover_is_checked_by_the_validator() -> None:
    s = forklift_pool()
    plan = Plan(placements=(Placement(worker="an", period="2027-01", employer="ardo", role="heftruck", hours=100),))
    rules = {v.rule for v in validate(s, plan).violations}
    assert rules == {"required_cover"}


def test_forklift_conflict_names_the_demand_and_the_travel_limit() -> None:
    explanation = explain_infeasibility(forklift_pool())
    assert explanation.feasible is False and explanation.complete
    (conflict,) = explanation.conflicts
    assert conflict.minimal
    assert {(r.setting, r.employer, r.worker) for r in conflict.rules} == {
        ("cover_required", "ardo", None),
        ("max_travel_km", None, "dirk"),
    }
    text = explanation.summary()
    assert "'ardo' requires 300 h" in text and "'dirk'" in text
    # The facts name who holds the skill and why the others are out.
    facts = "\n".join(conflict.facts)
    assert "4 worker(s) hold 'heftruck'" in facts
    assert "'cas': unavailable in 2027-01" in facts
    assert "'dirk': 'ardo' is 22.2 km away, over their limit of 20 km" in facts
    assert "2 of them can work for 'ardo': 200 h together, 300 h required" in facts


def test_forklift_conflict_is_lifted_by_changing_either_rule_in_the_scenario() -> None:
    # Sufficient: each rule named, changed in the scenario itself, gives a plan (solve, not explain).
    assert solve(forklift_pool(rules={"cover_required": False}), time_limit=10, num_workers=1).is_feasible()
    assert solve(forklift_pool(rules={"max_travel_km": 25.0}), time_limit=10, num_workers=1).is_feasible()


def stint_pool() -> Scenario:
    """Two independent conflicts over four months of 100 h. 'an' must work 300 h but may work at
    most 1 month in a row (max_work_run): at most 2 of 4 months, 200 h. 'bo' must work 500 h and
    has only 400 h in the year. The second conflict is 'bo's minimum alone."""
    workers = [worker("an", ["picker"], min_total_hours=300), worker("bo", ["picker"], min_total_hours=500)]
    return scenario([employer("farm", [hours("picker", 0, 200)])], workers, periods=4, rules={"max_work_run": 1})


def test_two_independent_conflicts_are_both_found_and_each_is_minimal() -> None:
    explanation = explain_infeasibility(stint_pool())
    assert explanation.complete and len(explanation.conflicts) == 2
    found = {frozenset((r.setting, r.worker) for r in c.rules) for c in explanation.conflicts}
    assert found == {
        frozenset({("min_total_hours", "an"), ("max_work_run", "an")}),
        frozenset({("min_total_hours", "bo")}),
    }
    assert all(c.minimal for c in explanation.conflicts)
    assert "'bo' can be placed for at most 400 h in total" in explanation.summary()


def test_stint_conflicts_are_lifted_in_the_scenario() -> None:
    s = stint_pool()
    relaxed = [w.model_dump(exclude_unset=True) | {"min_total_hours": 200} for w in s.workers]
    assert solve(s.replace(workers=relaxed), time_limit=10, num_workers=1).is_feasible()
    assert not solve(s, time_limit=10, num_workers=1).is_feasible()


def test_a_feasible_scenario_has_nothing_to_explain() -> None:
    explanation = explain_infeasibility(forklift_pool(rules={"cover_required": False}))
    assert explanation.feasible is True and explanation.conflicts == ()
    assert "can all be kept" in explanation.summary()


def test_a_slot_nobody_can_fill_is_a_conflict_of_its_own() -> None:
    s = scenario(
        [employer("ardo", [hours("lasser", 100), hours("heftruck", 0, 100)])],
        [worker("an", ["heftruck"])],
        rules={"cover_required": True},
    )
    (conflict,) = explain_infeasibility(s).conflicts
    assert [r.setting for r in conflict.rules] == ["cover_required"]
    assert "0 worker(s) hold 'lasser'" in conflict.facts[0]


def test_employer_limits_and_seats_are_named() -> None:
    # 'ardo' needs 200 h (two workers) but takes at most one shared worker a month.
    s = scenario(
        [{**employer("ardo", [hours("heftruck", 200)]), "max_shared_workers": 1}],
        [worker("an", ["heftruck"]), worker("bo", ["heftruck"])],
        rules={"cover_required": True},
    )
    (conflict,) = explain_infeasibility(s).conflicts
    assert {r.setting for r in conflict.rules} == {"cover_required", "max_shared_workers"}
    assert any("at most 1 shared workers in 2027-01" in r.message for r in conflict.rules)


@st.composite
def hard_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Random scenarios made often infeasible: required demand is hard, minimums of hours are
    high and stint rules are tight."""
    data = draw(scenarios(min_workers=1))
    periods = data["horizon"]["periods"]
    data["rules"] = {
        "cover_required": draw(st.booleans()),
        "max_work_run": draw(st.one_of(st.none(), st.integers(1, 2))),
        "min_stint": draw(st.one_of(st.none(), st.integers(2, 3))),
    }
    for w in data["workers"]:
        if draw(st.booleans()):
            w["min_total_hours"] = draw(st.sampled_from([80, 160, 320])) * min(periods, 2)
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hard_scenarios())
def test_explanations_are_sufficient_minimal_and_complete(data: dict[str, Any]) -> None:
    s = Scenario.model_validate(data)
    status = solve(s, time_limit=20, num_workers=1).status
    explanation = explain_infeasibility(s, max_conflicts=50)
    # The explainer and the solver agree on whether there is a plan.
    assert explanation.feasible is (status is not Status.INFEASIBLE)
    if explanation.feasible:
        return
    assert explanation.complete
    named = [r.ref for c in explanation.conflicts for r in c.rules]
    assert len(named) == len(set(named)), "conflicts are disjoint"
    assert feasible_without(s, named) is True
    for conflict in explanation.conflicts:
        refs = [r.ref for r in conflict.rules]
        assert feasible_with_only(s, refs) is False, "sufficient"
        assert conflict.minimal
        for k in range(len(refs)):
            assert feasible_with_only(s, refs[:k] + refs[k + 1 :]) is True, "minimal"
        # Every conflict needs a rule that asks for work; limits alone never conflict.
        assert any(r.ref.family in (Guarded.COVER_REQUIRED, Guarded.MIN_TOTAL_HOURS) for r in conflict.rules)
