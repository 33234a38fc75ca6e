"""The bound with switches: right prices give the period LPs back, any prices give a lower bound,
and each worker's path is the cheapest one and costs what the evaluation says."""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_properties import SETTINGS, scenarios
from werkdeling import Plan, Scenario, Status, decompose, lagrangian, solve, validate
from werkdeling.generate import generate_scenario
from werkdeling.lagrangian import (
    PeriodPricing,
    PriceBox,
    Prices,
    SwitchPricing,
    evaluate,
    paths,
    pricing,
    restricted,
)
from werkdeling.local_search import period_costs, term_units
from werkdeling.model.eligibility import possible_placements
from werkdeling.relaxation import period_lp
from werkdeling.scenario import OBJECTIVE_SCALE, Term


def limited(s: Scenario) -> Scenario:
    """``s`` with head counts and coaching limits, so their prices take part."""
    data = s.model_dump(mode="json", exclude_unset=True)
    for k, employer in enumerate(data["employers"]):
        employer["max_shared_workers"] = 2 + k % 3
        employer["coaching_capacity"] = 1
    for k, worker in enumerate(data["workers"]):
        worker["needs_coaching"] = k % 3 == 0
    return Scenario.model_validate(data)


def pricings(s: Scenario) -> tuple[list[PeriodPricing], list[float]]:
    """Every period's pricing and LP optimum (against the empty period)."""
    allowed = possible_placements(s)
    home = decompose._home_employers(s)
    found, optima = [], []
    for k in range(s.horizon.periods):
        costs = period_costs(s, allowed, k, home)
        relaxed = period_lp(costs)
        assert relaxed is not None
        found.append(pricing(costs, relaxed))
        optima.append(relaxed.objective)
    return found, optima


def lp_prices(periods: list[PeriodPricing]) -> list[Prices]:
    return [Prices.of_lp(p) for p in periods]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_lp_prices_without_switches_give_the_sum_of_the_period_lps(seed: int) -> None:
    # With a switch cost of 0 each worker's path is their cheapest place in each period apart,
    # so the Lagrangian at the LPs' optimal duals is each period's LP dual value: its optimum
    # (strong duality). Head-count and coaching rows take part (limited()).
    s = limited(generate_scenario(6, 30, seed=seed, periods=4))
    periods, optima = pricings(s)
    assert any((p.head_prices > 0).any() or (p.coaching_prices > 0).any() for p in periods)
    home = decompose._home_employers(s)
    value = evaluate(periods, lp_prices(periods), paths(periods, home), 0.0).value
    assert value == pytest.approx(sum(optima), rel=1e-9)
    # With switches the paths can only cost more.
    switch = float(term_units(s, Term.SWITCHES))
    assert evaluate(periods, lp_prices(periods), paths(periods, home), switch).value >= value - 1e-6


def path_cost(
    periods: list[PeriodPricing], prices: list[Prices], w: int, path: list[int], start: int, switch: float
) -> float:
    """Worker ``w``'s priced cost of ``path`` (a candidate index per period, -1 for none),
    switches counted as the validator counts them."""
    total, last = 0.0, start
    for p, price, i in zip(periods, prices, path, strict=True):
        if i < 0:
            continue
        assert p.worker[i] == w
        e = int(p.employer[i])
        total += p.static[i] - price.cover[p.slot[i]] * p.worker_minutes[w] + price.head[e]
        total += price.coaching[e] if p.worker_coached[w] else 0.0
        total += switch if last >= 0 and last != e else 0.0
        last = e
    return total


@pytest.mark.parametrize("seed", [4, 5])
def test_each_path_is_the_cheapest_and_costs_what_the_evaluation_says(seed: int) -> None:
    # Random prices, so that paths differ from period to period; every path of every worker is
    # tried (at most a few hundred over three periods).
    s = limited(generate_scenario(4, 10, seed=seed, periods=3))
    periods, _ = pricings(s)
    rng = np.random.default_rng(seed)
    prices = [
        Prices(
            p.cover_prices * rng.uniform(0, 2, len(p.cover_prices)),
            rng.uniform(0, 500, len(p.head_prices)),
            rng.uniform(0, 500, len(p.coaching_prices)),
        )
        for p in periods
    ]
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    found = evaluate(periods, prices, paths(periods, home), switch)
    slot_part = 0.0
    for p, price in zip(periods, prices, strict=True):
        slot_part += float((p.prices + price.cover[:, None] * p.covers).min(axis=1).sum()) + p.constant
        slot_part -= float((price.head * p.head_limit).sum() + (price.coaching * p.coaching_limit).sum())
    path_total = 0.0
    for w in range(len(s.workers)):
        options = [[-1, *np.flatnonzero(p.worker == w).tolist()] for p in periods]
        cheapest = min(
            path_cost(periods, prices, w, list(path), int(home[w]), switch) for path in itertools.product(*options)
        )
        taken = path_cost(periods, prices, w, [int(picks[w]) for picks in found.picks], int(home[w]), switch)
        assert taken == pytest.approx(cheapest, abs=1e-6)
        path_total += taken
    assert found.value == pytest.approx(slot_part + path_total, rel=1e-12)


def random_prices(periods: list[PeriodPricing], rng: np.random.Generator) -> list[Prices]:
    """Prices of any sign for cover (and, where a period has them, for places), at the scale of
    each period's placement costs; head and coaching prices at least 0, as a bound needs."""
    found = []
    for p in periods:
        scale = float(np.abs(p.static).max(initial=1.0))
        found.append(
            Prices(
                rng.normal(0, 1, len(p.cover_prices)) * scale / 1000,
                rng.uniform(0, 1000, len(p.head_prices)),
                rng.uniform(0, 1000, len(p.coaching_prices)),
                None if p.place_prices is None else rng.normal(0, 1, p.place_prices.shape) * scale,
            )
        )
    return found


@SETTINGS
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_any_prices_bound_every_plan(data: dict[str, Any], seed: int) -> None:
    # Weak duality: whatever the prices (head and coaching prices at least 0), the Lagrangian is
    # at most the cost of the best plan, which the whole-horizon model proves.
    s = Scenario.model_validate(data)
    whole = solve(s, strategy="whole", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None
    periods, _ = pricings(s)
    prices = random_prices(periods, np.random.default_rng(seed))
    empty = validate(s, Plan()).objective_units
    switch = float(term_units(s, Term.SWITCHES))
    home = decompose._home_employers(s)
    for tried in (lp_prices(periods), prices):
        value = evaluate(periods, tried, paths(periods, home), switch).value
        assert empty + value <= whole.objective * OBJECTIVE_SCALE + 1e-6 * max(1.0, abs(empty))
        # The groups a cheapest path can take at these prices give the same bound.
        few = [restricted(p, price, switch, 0.0)[0] for p, price in zip(periods, tried, strict=True)]
        assert evaluate(few, tried, paths(few, home), switch).value == pytest.approx(value, rel=1e-9, abs=1e-6)


def within(boxes: list[PriceBox], around: list[Prices], rng: np.random.Generator) -> list[Prices]:
    """Cover prices drawn anywhere in ``boxes`` (edges included; where a box is open, near its
    centre), head and coaching prices as in ``around``."""
    found = []
    for box, p in zip(boxes, around, strict=True):
        low = np.where(np.isfinite(box.low), box.low, p.cover - 1.0)
        high = np.where(np.isfinite(box.high), box.high, p.cover + 1.0)
        cover = rng.uniform(low, high)
        edge = rng.random(len(cover))
        cover = np.where(edge < 0.2, low, np.where(edge > 0.8, high, cover))
        found.append(Prices(cover, p.head.copy(), p.coaching.copy()))
    return found


@pytest.mark.parametrize(("seed", "limits"), [(1, False), (2, False), (3, True)])
def test_restricted_periods_give_the_bound_anywhere_in_their_box(seed: int, limits: bool) -> None:
    # restricted() keeps the groups a cheapest path can take at any cover prices in its box, so
    # there the bound from the kept candidates is evaluate()'s on every candidate; with no reach
    # the box is the prices alone, and fewer candidates are kept the less the reach.
    s = generate_scenario(10, 60, seed=seed, periods=6)
    s = limited(s) if limits else s
    periods, optima = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    rng = np.random.default_rng(seed)
    everyone = sum(len(p.worker) for p in periods)
    kept = []
    for centre in (lp_prices(periods), random_prices(periods, rng)):
        for reach in (0.0, switch, 4 * switch):
            parts = [restricted(p, price, switch, reach) for p, price in zip(periods, centre, strict=True)]
            few, boxes = [f for f, _ in parts], [b for _, b in parts]
            if reach == 0:
                # (a slot no one can take has an open box: its price changes nothing)
                assert all(np.all((b.low == c.cover) | np.isinf(b.low)) for b, c in zip(boxes, centre, strict=True))
            for tried in (centre, within(boxes, centre, rng), within(boxes, centre, rng)):
                value = evaluate(periods, tried, paths(periods, home), switch).value
                assert evaluate(few, tried, paths(few, home), switch).value == pytest.approx(value, rel=1e-9)
            kept.append(sum(len(f.worker) for f in few))
    assert kept[0] < everyone and kept[0] <= kept[1] <= kept[2]
    # At the LPs' prices switches only add to the sum of the LPs, and here they add something.
    few = [restricted(p, price, switch, 0.0)[0] for p, price in zip(periods, lp_prices(periods), strict=True)]
    assert evaluate(few, lp_prices(few), paths(few, home), switch).value > sum(optima) + 1e-6


def test_restricted_periods_refuse_what_they_cannot_keep_exact() -> None:
    s = generate_scenario(4, 12, seed=2, periods=2)
    periods, _ = pricings(s)
    with pytest.raises(ValueError, match="at least 0"):
        restricted(periods[0], Prices.of_lp(periods[0]), 1.0, -1.0)
    with pytest.raises(ValueError, match="2 price boxes for 1 periods"):
        SwitchPricing(
            periods[:1],
            decompose._home_employers(s),
            1.0,
            [restricted(p, Prices.of_lp(p), 1.0, 0.0)[1] for p in periods],
        )


def test_head_and_coaching_prices_folded_into_restricted_periods_count_once_at_any_prices() -> None:
    # restricted() adds its head and coaching prices to the static cost of each candidate it
    # keeps, and an evaluation adds only what its own prices differ from them by. With no limit
    # to the reach every group is kept, so at any prices (other head and coaching prices too)
    # periods restricted once, or again at other prices, give the whole periods' Lagrangian.
    s = limited(generate_scenario(8, 40, seed=6, periods=4))
    periods, _ = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    rng = np.random.default_rng(6)
    first, second = random_prices(periods, rng), random_prices(periods, rng)
    once = [restricted(p, price, switch, math.inf)[0] for p, price in zip(periods, first, strict=True)]
    twice = [restricted(p, price, switch, math.inf)[0] for p, price in zip(once, second, strict=True)]
    assert [len(p.worker) for p in twice] == [len(p.worker) for p in periods]
    assert all(p.head_in_static is not None and p.head_in_static.any() for p in once)
    assert any(p.coaching_in_static is not None and p.coaching_in_static.any() for p in once)
    for tried in (first, second, random_prices(periods, rng), lp_prices(periods)):
        whole = evaluate(periods, tried, paths(periods, home), switch).value
        for few in (once, twice):
            assert evaluate(few, tried, paths(few, home), switch).value == pytest.approx(whole, rel=1e-9)


@SETTINGS
@given(st.lists(st.lists(st.integers(-3, 3), min_size=1, max_size=5), min_size=1, max_size=12), st.data())
def test_the_cheapest_of_some_groups_is_the_first_minimum_of_each(groups: list[list[int]], data: st.DataObject) -> None:
    # evaluate() finds each group's minimum over all candidates but the cheapest candidate only
    # for the groups the paths take (-1: a path taking none); both agree with segment_min, ties
    # going to the first.
    values = np.array([v for g in groups for v in g], dtype=np.float64)
    start = np.r_[0, np.cumsum([len(g) for g in groups])]
    low, at = lagrangian.segment_min(values, start)
    group_start = start[:-1].astype(np.int32)
    assert np.array_equal(lagrangian.group_min(values, group_start), low)
    chosen = np.array(data.draw(st.lists(st.integers(-1, len(groups) - 1), max_size=2 * len(groups))), dtype=np.int64)
    priced: list[np.ndarray[Any, Any]] = []
    found = lagrangian.cheapest_in_groups(
        lambda index: priced.append(index) or values[index], group_start, len(values), chosen
    )
    assert np.array_equal(found, np.where(chosen >= 0, at[chosen], -1))
    # Only the chosen groups' candidates were priced.
    taken = [g for g in chosen.tolist() if g >= 0]
    assert sorted(priced[0].tolist()) == sorted(i for g in taken for i in range(start[g], start[g + 1]))


@pytest.mark.parametrize(("limits", "deflection"), [(False, 1.5), (True, 1.5), (True, 0.0)])
def test_steps_on_restricted_periods_stay_in_their_boxes_and_only_raise_the_bound(
    limits: bool, deflection: float
) -> None:
    # The steps keep every cover price in its box and the head and coaching prices where they
    # were, so each evaluation is the Lagrangian of every candidate; the best is at least the
    # first (the centre's) and at most a plan's cost. Deflected steps (the default) or not.
    s = generate_scenario(8, 40, seed=5, periods=6)
    s = limited(s) if limits else s
    periods, _ = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    parts = [restricted(p, Prices.of_lp(p), switch, switch) for p in periods]
    few, boxes = [f for f, _ in parts], [b for _, b in parts]
    pricer = SwitchPricing(few, home, switch, boxes, deflection=deflection)
    outcome = decompose.plan_by_period(
        s, time_limit=3, run=lambda solver, model: (solver.solve(model), False),
        configure=lambda solver, seconds: setattr(solver.parameters, "max_time_in_seconds", seconds),
    )  # fmt: skip
    upper = outcome.expected_units - validate(s, Plan()).objective_units
    pricer.improve(upper, deadline=0.0)
    assert pricer.best is not None
    first = pricer.best.value
    pricer.improve(upper, deadline=time.perf_counter() + 1)
    assert pricer.evaluations > 1 and first - 1e-6 <= pricer.best.value <= upper + 1e-6
    for price, box, part in zip(pricer.prices, boxes, few, strict=True):
        assert np.all(price.cover >= box.low - 1e-9) and np.all(price.cover <= box.high + 1e-9)
        assert np.array_equal(price.head, part.head_prices) and np.array_equal(price.coaching, part.coaching_prices)
    # At the prices reached, the restricted Lagrangian is the whole one.
    whole = evaluate(periods, pricer.prices, paths(periods, home), switch).value
    assert evaluate(few, pricer.prices, pricer.states, switch).value == pytest.approx(whole, rel=1e-9)


def test_the_subgradient_never_returns_less_than_the_lp_prices_give() -> None:
    s = generate_scenario(6, 30, seed=7, periods=6)
    periods, optima = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    start = evaluate(periods, lp_prices(periods), paths(periods, home), switch).value
    # A plan's cost bounds the steps from above; planning by period gives one.
    outcome = decompose.plan_by_period(
        s, time_limit=5, run=lambda solver, model: (solver.solve(model), False),
        configure=lambda solver, seconds: setattr(solver.parameters, "max_time_in_seconds", seconds),
    )  # fmt: skip
    upper = outcome.expected_units - validate(s, Plan()).objective_units
    found = lagrangian.switch_bound(periods, home, switch, upper, deadline=0.0)
    assert found.evaluations == 1 and found.value == pytest.approx(start)
    longer = lagrangian.switch_bound(periods, home, switch, upper, deadline=time.perf_counter() + 2)
    assert longer.value >= start - 1e-6 and longer.value <= upper + 1e-6
    assert longer.value >= sum(optima) - 1e-6


@pytest.mark.parametrize("limits", [False, True])
def test_a_step_turning_against_the_last_one_keeps_part_of_it(limits: bool) -> None:
    # Camerini, Fratta and Maffioli: d = g + beta x d_last, beta = DEFLECTION x max(0, -g.d_last)
    # / |d_last|^2, so where g turns against d_last, d.d_last = (1 - DEFLECTION) x g.d_last; a
    # head or coaching price at 0 still cannot step below it.
    s = generate_scenario(6, 30, seed=3, periods=4)
    s = limited(s) if limits else s
    periods, _ = pricings(s)
    home = decompose._home_employers(s)
    pricer = SwitchPricing(periods, home, float(term_units(s, Term.SWITCHES)))
    found = evaluate(periods, pricer.prices, pricer.states, pricer.switch)
    plain = pricer._direction(found)  # no last step yet: the supergradient's movable parts
    assert all(np.array_equal(d[0], c) for d, c in zip(plain, found.cover_step, strict=True))

    def flat(direction: list[lagrangian.Direction]) -> np.ndarray:
        return np.concatenate([part.ravel() for parts in direction for part in parts if part is not None])

    rng = np.random.default_rng(11)
    g = flat(plain)
    turns = []
    for sign in (1.0, -1.0):
        last = [
            (
                sign * rng.normal(size=cover.shape) - sign * cover,
                np.zeros_like(head),
                np.zeros_like(coaching),
                None if place is None else np.zeros_like(place),
            )
            for cover, head, coaching, place in plain
        ]
        pricer.direction = last
        turned = flat(pricer._direction(found))
        before = flat(last)
        turn = float(g @ before)
        turns.append(turn)
        beta = pricer.deflection * max(0.0, -turn) / float(before @ before)
        # The head and coaching parts of ``last`` are 0, so only the cover parts deflect.
        assert turned == pytest.approx(g + beta * before, abs=1e-9)
        if turn < 0:
            assert float(turned @ before) == pytest.approx((1 - pricer.deflection) * turn, rel=1e-9)
    assert min(turns) < 0 < max(turns)  # both cases were tried
    # The prices stay where a step cannot follow: heads at 0 never step below 0.
    for price, (_, head, coaching, _) in zip(pricer.prices, pricer._direction(found), strict=True):
        assert np.all(head[price.head <= 0] >= 0) and np.all(coaching[price.coaching <= 0] >= 0)


def test_the_step_rule_refuses_a_factor_or_patience_that_would_never_step() -> None:
    s = generate_scenario(4, 12, seed=2, periods=2)
    periods, _ = pricings(s)
    home = decompose._home_employers(s)
    with pytest.raises(ValueError, match=r"step factor 0\.0, patience 5 and deflection 1\.5"):
        SwitchPricing(periods, home, 1.0, step=0.0, patience=5, deflection=1.5)
    with pytest.raises(ValueError, match=r"step factor 1\.0, patience 0 and deflection 1\.5"):
        SwitchPricing(periods, home, 1.0, step=1.0, patience=0, deflection=1.5)
    with pytest.raises(ValueError, match=r"step factor 1\.0, patience 2 and deflection -1\.0"):
        SwitchPricing(periods, home, 1.0, step=1.0, patience=2, deflection=-1.0)
    pricer = SwitchPricing(periods, home, 1.0, step=0.25, patience=2)
    pricer.factor = 0.01
    pricer.restart()
    assert pricer.factor == 0.25 and pricer.patience == 2


def test_steps_stopped_after_some_evaluations_go_on_where_they_stopped() -> None:
    # Three evaluations, then two more, take the same steps as five in one go: the step after
    # the last evaluation is taken before stopping, so no evaluation repeats the last prices.
    s = generate_scenario(6, 30, seed=7, periods=4)
    periods, optima = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    upper = sum(optima) + 50 * switch  # above the bound, so the steps have a target
    resumed, whole = SwitchPricing(periods, home, switch), SwitchPricing(periods, home, switch)
    resumed.improve(upper, math.inf, evaluations=3)
    assert resumed.evaluations == 3 and not resumed.converged
    resumed.improve(upper, math.inf, evaluations=2)
    whole.improve(upper, math.inf, evaluations=5)
    assert resumed.evaluations == whole.evaluations == 5
    assert resumed.latest is not None and whole.latest is not None
    assert resumed.latest.value == whole.latest.value
    for a, b in zip(resumed.prices, whole.prices, strict=True):
        assert np.array_equal(a.cover, b.cover)
    with pytest.raises(ValueError, match="evaluations 0: give at least 1"):
        whole.improve(upper, math.inf, evaluations=0)


@pytest.mark.parametrize("limits", [False, True])
def test_threads_take_the_same_steps_to_the_last_bit(limits: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # The periods are priced side by side but summed in period order, so two threads give the
    # same value, paths and prices as one after every evaluation, however the threads interleave.
    monkeypatch.setattr(lagrangian, "THREADS_ABOVE", 0)
    s = generate_scenario(8, 40, seed=11, periods=6)
    s = limited(s) if limits else s
    periods, _ = pricings(s)
    home = decompose._home_employers(s)
    switch = float(term_units(s, Term.SWITCHES))
    one, two = (SwitchPricing(periods, home, switch, threads=t) for t in (1, 2))
    assert two.threads == 2
    upper = 2 * abs(evaluate(periods, lp_prices(periods), paths(periods, home), switch).value) + 1e6
    for _ in range(8):
        one.improve(upper, math.inf, evaluations=1)
        two.improve(upper, math.inf, evaluations=1)
        assert one.latest is not None and two.latest is not None
        assert two.latest.value == one.latest.value
        assert all(np.array_equal(a, b) for a, b in zip(one.latest.picks, two.latest.picks, strict=True))
        for a, b in zip(one.prices, two.prices, strict=True):
            assert np.array_equal(a.cover, b.cover) and np.array_equal(a.head, b.head)
            assert np.array_equal(a.coaching, b.coaching)
    with pytest.raises(ValueError, match="threads 0"):
        SwitchPricing(periods, home, switch, threads=0)
