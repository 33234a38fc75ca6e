"""The period LP as a min-cost flow: GLOP's optimum, duals that prove it, a bound for any prices,
and GLOP kept wherever head counts, coaching limits or hard covers make it no flow."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_lagrangian import limited
from tests.test_local_search import whole_worker_period
from tests.test_properties import SETTINGS, scenarios
from werkdeling import Scenario, decompose
from werkdeling.flow_lp import applies, cover_price_bound, flow_lp
from werkdeling.generate import generate_scenario
from werkdeling.local_search import IDLE, PeriodCosts, period_costs
from werkdeling.model.eligibility import possible_placements
from werkdeling.relaxation import period_lp, slot_hulls


def every_period(s: Scenario) -> list[PeriodCosts]:
    """Each period's arrays, switches counted from the home employers (the LPs leave them out)."""
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    return [period_costs(s, allowed, k, home) for k in range(s.horizon.periods)]


@pytest.mark.parametrize(
    ("employers", "workers", "periods", "granularity", "seed"),
    [(6, 30, 12, "month", 1), (20, 150, 4, "month", 2), (8, 40, 6, "week", 3), (10, 60, 6, "month", 4)],
)
def test_the_flow_reaches_glops_optimum_and_its_prices_prove_it(
    employers: int, workers: int, periods: int, granularity: str, seed: int
) -> None:
    s = generate_scenario(employers, workers, periods=periods, granularity=granularity, seed=seed,
                          return_to_work=seed == 4)  # fmt: skip
    for costs in every_period(s):
        assert applies(costs)
        flow, glop = flow_lp(costs), period_lp(costs)
        assert flow is not None and glop is not None
        # The unit divides every worker's minutes and hull piece, so the flow is the LP itself.
        assert flow.objective == pytest.approx(glop.objective, rel=1e-9, abs=1e-6)
        assert flow.bound == pytest.approx(glop.objective, rel=1e-9, abs=1e-6)
        assert flow.bound <= flow.objective
        # Its values are an LP solution: shares in [0, 1], each worker placed at most once, and
        # no slot above the top of its hull.
        assert (flow.values >= 0).all()
        assert (np.bincount(costs.worker, weights=flow.values, minlength=costs.workers) <= 1 + 1e-9).all()
        cover = np.bincount(costs.slot, weights=flow.values * costs.capacity[costs.worker], minlength=costs.slots)
        for slot, hull in enumerate(flow.hulls):
            assert cover[slot] <= (0 if hull is None else hull[0][-1]) + 1e-6
        # The prices are the bound, and GLOP's own duals give the same value.
        assert cover_price_bound(costs, flow.hulls, flow.cover_prices) == pytest.approx(flow.bound)
        assert cover_price_bound(costs, glop.hulls, glop.cover_prices) == pytest.approx(glop.objective, rel=1e-9)
        assert len(flow.columns) == len(costs.worker)


def test_a_slot_that_only_a_whole_worker_can_fill() -> None:
    # The hand-made case of test_local_search (whole_worker_period): required = desired = 2,964 minutes, one candidate
    # of 9,880 minutes, 1 point per minute above desired. The slot costs 110 x 2,964 = 326,040
    # empty and 9,880 - 2,964 = 6,916 with her, so placing her saves 319,124, and the hull's
    # line between the two covers lets no part of her do better. The flow places her whole; her
    # slot's distance to the sink (back through her, at no cost) prices a minute at 0, and at
    # that price the bound is the slot's cheaper point, -319,124, with her own part 0.
    costs = whole_worker_period()
    flow = flow_lp(costs)
    assert flow is not None
    assert flow.objective == pytest.approx(-319_124)
    assert flow.bound == pytest.approx(-319_124)
    assert flow.values.tolist() == pytest.approx([1.0])
    assert flow.cover_prices.tolist() == pytest.approx([0.0])


def test_binding_head_counts_coaching_limits_and_hard_covers_keep_glop() -> None:
    s = generate_scenario(6, 30, periods=3, seed=1)
    assert all(applies(costs) for costs in every_period(s))
    # Head counts of 2-4 and coaching limits of 1 bind somewhere in every period.
    for costs in every_period(limited(s)):
        assert not applies(costs)
        assert flow_lp(costs) is None
    # Limits nobody can reach bind nowhere.
    roomy = s.model_dump(mode="json", exclude_unset=True)
    for employer in roomy["employers"]:
        employer["max_shared_workers"] = len(roomy["workers"])
    assert all(applies(costs) for costs in every_period(Scenario.model_validate(roomy)))
    hard = s.model_dump(mode="json", exclude_unset=True)
    hard["rules"] = {**hard.get("rules", {}), "cover_required": True}
    for costs in every_period(Scenario.model_validate(hard)):
        if (costs.required[np.unique(costs.slot)] > 0).any():
            assert flow_lp(costs) is None


def _cheapest_plan(costs: PeriodCosts) -> int:
    """The period's cheapest plan against empty, by trying every one (a slot or none per worker)."""
    options = [[IDLE, *costs.slot[costs.worker == w].tolist()] for w in range(costs.workers)]
    best = 0
    for choice in itertools.product(*options):
        assignment = np.array(choice, dtype=np.int64)
        if costs.within_limits(assignment):
            best = min(best, costs.cost(assignment))
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), price_seed=st.integers(0, 10_000), spread=st.sampled_from([1.0, 30.0, 200.0]))
def test_any_cover_prices_bound_every_plan_of_the_period(seed: int, price_seed: int, spread: float) -> None:
    # Weak duality: whatever a minute of cover is worth in each slot, the bound is at most the
    # cost of the period's best plan (found by brute force on a pool of 5 workers).
    s = generate_scenario(3, 5, periods=1, seed=seed)
    costs = every_period(s)[0]
    hulls = slot_hulls(costs)
    assert hulls is not None
    prices = np.random.default_rng(price_seed).uniform(-spread, spread, costs.slots)
    best = _cheapest_plan(costs)
    assert cover_price_bound(costs, hulls, prices) <= best + 1e-6
    flow = flow_lp(costs)
    assert flow is not None and flow.bound <= best + 1e-6


@SETTINGS
@given(scenarios())
def test_on_any_pool_the_flow_is_glops_lp_wherever_it_applies(data: dict[str, Any]) -> None:
    # Preferences, part-timers, returns to work, unavailability, limits that do not bind: the
    # flow's optimum and bound are GLOP's; where a limit binds or a cover is hard it steps aside.
    s = Scenario.model_validate(data)
    for costs in every_period(s):
        flow, glop = flow_lp(costs), period_lp(costs)
        if not applies(costs):
            assert flow is None
            continue
        assert flow is not None and glop is not None
        assert flow.objective == pytest.approx(glop.objective, rel=1e-9, abs=1e-6)
        assert flow.bound == pytest.approx(glop.objective, rel=1e-9, abs=1e-6)
