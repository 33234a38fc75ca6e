"""The benchmark pool generator and the greedy warm start."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import solve, validate
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.generate import SECTORS, generate_scenario
from werkdeling.heuristic import greedy_plan


def test_the_same_seed_gives_the_same_pool_and_another_seed_another() -> None:
    a, b = generate_scenario(8, 40, seed=3), generate_scenario(8, 40, seed=3)
    assert a.model_dump() == b.model_dump()
    assert generate_scenario(8, 40, seed=4).model_dump() != a.model_dump()


@pytest.mark.parametrize(
    "options",
    [
        {"employers": 5, "workers": 20},
        {"employers": 12, "workers": 90, "training": True, "return_to_work": True},
        {"employers": 6, "workers": 30, "periods": 52, "granularity": "week"},
    ],
)
def test_pools_have_the_size_asked_and_balanced_demand(options: dict[str, object]) -> None:
    s = generate_scenario(**options)  # type: ignore[arg-type]
    assert len(s.employers) == options["employers"] and len(s.workers) == options["workers"]
    assert s.horizon.periods == options.get("periods", 12)
    assert all(e.sector in SECTORS for e in s.employers)
    q = s.quantities
    # demand_ratio 1: the pooled desired hours over the year are about the pool's capacity
    # (rounding to 0.1 FTE and dropping roles under half an FTE move it a little).
    desired = sum(int(slot.desired.sum()) for slot in q.slots)
    capacity = int(q.contract_minutes.sum()) * s.horizon.periods
    assert 0.8 < desired / capacity < 1.2
    if options.get("training"):
        assert s.trainings and any(w.return_to_work for w in s.workers)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.sampled_from([(3, 10), (6, 30), (10, 60)]), st.booleans())
def test_the_greedy_plan_keeps_every_rule_and_never_exceeds_a_maximum(
    seed: int, size: tuple[int, int], extra: bool
) -> None:
    s = generate_scenario(*size, seed=seed, training=extra, return_to_work=extra)
    plan = greedy_plan(s)
    report = validate(s, plan)
    assert report.is_valid, report.summary()
    m = measure(s, resolve(s, plan))
    assert (m.covered <= [slot.maximum for slot in s.quantities.slots]).all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_solve_is_never_worse_than_the_greedy_plan_it_starts_from(seed: int) -> None:
    s = generate_scenario(3, 10, seed=seed)
    greedy = validate(s, greedy_plan(s))
    result = solve(s, time_limit=5, num_workers=2)
    assert result.objective is not None and result.objective <= greedy.objective


def test_out_of_time_before_a_first_plan_returns_the_plan_it_started_from_with_a_note() -> None:
    # The start is the plan by period, here made with no time to search (each period's rounded
    # LP), which costs less than the greedy plan; CP-SAT has no time to find one of its own.
    s = generate_scenario(5, 20, seed=1)
    result = solve(s, time_limit=0, strategy="whole")  # auto would plan by period (too short)
    assert result.status.value == "feasible" and result.plan is not None and result.bound is None
    assert result.objective == validate(s, result.plan).objective < validate(s, greedy_plan(s)).objective
    assert any(note.startswith("start: the plan by period, made in ") for note in result.notes)
    assert any("no plan within the time limit; this is the plan it started from" in note for note in result.notes)
    # Where the pool cannot be planned by period (a rule links its periods), it is the greedy plan.
    linked = s.replace(rules=s.rules.model_copy(update={"max_switches": 4}))
    alone = solve(linked, time_limit=0)
    assert alone.status.value == "feasible" and alone.plan == greedy_plan(linked)
    assert any("no plan within the time limit" in note for note in alone.notes)
