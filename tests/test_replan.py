"""Re-planning: disruptions change the scenario as described, frozen periods never change, the
change penalty is counted exactly, and fewer placements change than when solving from scratch."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Plan, Scenario, Status, decompose, solve, validate
from werkdeling.errors import InputError
from werkdeling.evaluation import diff_plans
from werkdeling.model import Anchor, AnchorError
from werkdeling.model.eligibility import possible_placements
from werkdeling.period_anchor import period_anchor
from werkdeling.plan import Placement, TrainingSpell
from werkdeling.replan import Disruption, load_disruption, replan
from werkdeling.scenario import OBJECTIVE_SCALE

from .conftest import employer, hours, north, scenario, worker
from .test_properties import FAMILIES, programme_scenarios, scenarios


def disruption(*changes: dict[str, Any], start: str | None = None) -> Disruption:
    data: dict[str, Any] = {"changes": list(changes)}
    if start is not None:
        data["from"] = start
    return Disruption.model_validate(data)


def two_farms() -> tuple[Scenario, Plan]:
    """Two employers need one 100 h worker each in all four months. 'an' lives next to 'west',
    'bo' next to 'east' (22 km apart). The plan agreed at the meeting has them the other way
    round: 44 km of travel a month more than needed, which the coordinator accepted."""
    s = scenario(
        [employer("west", [hours("picker", 100)]), employer("east", [hours("picker", 100)], location=north(0.2))],
        [worker("an", ["picker"]), worker("bo", ["picker"], location=north(0.2))],
        periods=4,
    )
    labels = s.horizon.labels
    plan = Plan(
        placements=tuple(
            Placement(worker=w, period=label, employer=e, role="picker", hours=100)
            for label in labels
            for w, e in (("an", "east"), ("bo", "west"))
        )
    )
    assert validate(s, plan).is_valid
    return s, plan


def test_replan_keeps_the_agreed_plan_where_scratch_reshuffles_everything() -> None:
    s, plan = two_farms()
    # 'an' is ill in 2027-03: 'east' loses its worker that month.
    change = disruption({"kind": "absent", "worker": "an", "periods": ["2027-03"]})
    replanned = replan(s, plan, change, time_limit=20, num_workers=1)
    assert replanned.result.status is Status.OPTIMAL
    assert replanned.frozen_periods == 2
    # Optimum with the default penalty (100 per change): the only change is 'an' out in March.
    # Moving 'bo' to 'east' in March would cost 2 changes (200) and save nothing (one of the two
    # farms is short either way), and swapping the agreed plan would save 2.2 km x 2 workers x
    # 2 months = 88 points of travel for 4 changes (400).
    assert replanned.changes.changed_placements == 1
    assert replanned.changes.lines(s.horizon.labels) == ["'an' 2027-03: 'east' (picker) -> not placed"]
    scratch = solve(change.apply(s), time_limit=20, num_workers=1)
    assert scratch.plan is not None and replanned.result.plan is not None
    # From scratch both workers go to their nearest farm: every month changes for both (for 'an'
    # in March too, as they are no longer placed).
    assert diff_plans(plan, scratch.plan).changed_placements == 8
    assert replanned.changes.changed_placements < diff_plans(plan, scratch.plan).changed_placements


def test_a_zero_change_penalty_is_plain_re_optimisation_of_the_open_periods() -> None:
    s, plan = two_farms()
    s = s.replace(weights={"switches": 0})  # else switching back costs more than the travel it saves
    change = disruption({"kind": "absent", "worker": "an", "periods": ["2027-03"]})
    replanned = replan(s, plan, change, change_penalty=0, time_limit=20, num_workers=1)
    new = replanned.result.plan
    assert new is not None
    # Frozen months keep the agreed (far) places; from March both go to the nearest farm.
    assert {(p.worker, p.period, p.employer) for p in new.placements if p.period < "2027-03"} == {
        (p.worker, p.period, p.employer) for p in plan.placements if p.period < "2027-03"
    }
    assert {(p.worker, p.employer) for p in new.placements if p.period == "2027-04"} == {("an", "west"), ("bo", "east")}


def test_from_freezes_more_and_a_change_before_it_is_refused() -> None:
    s, _ = two_farms()
    later = disruption({"kind": "absent", "worker": "an", "periods": ["2027-04"]}, start="2027-03")
    assert later.frozen_periods(s) == 2
    early = disruption({"kind": "absent", "worker": "an", "periods": ["2027-02"]}, start="2027-03")
    with pytest.raises(InputError, match="touches 2027-02, before 'from'"):
        early.frozen_periods(s)


def test_change_penalty_is_part_of_the_objective_the_solver_reports() -> None:
    s, plan = two_farms()
    anchor = Anchor(plan=plan, change_penalty=30)
    # Forcing 'an' to 'west' in January: one change for 'an', and 'bo' must leave 'west' (a
    # second change). solve() itself checks the solver's objective against the validator's
    # cost plus 30 points per change counted by diff_plans, to the unit.
    forced = Placement(worker="an", period="2027-01", employer="west", role="picker", hours=100)
    result = solve(s, anchor=Anchor(plan=plan, change_penalty=30, forced=(forced,)), time_limit=20, num_workers=1)
    assert result.status is Status.OPTIMAL and result.changes is not None
    assert forced in result.plan.placements  # type: ignore[union-attr]
    assert result.changes.changed_placements >= 2
    unforced = solve(s, anchor=anchor, time_limit=20, num_workers=1)
    assert unforced.changes is not None and unforced.changes.changed_placements == 0


def test_a_frozen_placement_that_became_impossible_is_a_clear_error() -> None:
    s, plan = two_farms()
    ill = disruption({"kind": "absent", "worker": "an", "periods": ["2027-01"]}).apply(s)
    with pytest.raises(AnchorError, match="'an' with 'east' \\(picker\\) in 2027-01 is in a frozen period"):
        solve(ill, anchor=Anchor(plan=plan, frozen_periods=2), time_limit=5)


def test_disruptions_change_the_scenario_as_described() -> None:
    s = scenario(
        [employer("farm", [hours("picker", [100, 100, 100, 100], [100, 100, 200, 200])])],
        [worker("an", ["picker"]), worker("bo", ["picker"])],
        periods=4,
    )
    newcomer = {"id": "cas", "location": north(0.1), "skills": ["picker"], "hours": 100}
    hotel = {"id": "hotel", "location": north(0.1), "demand": [hours("picker", 100)]}
    change = disruption(
        {"kind": "absent", "worker": "an", "periods": ["2027-02..2027-03"]},
        {"kind": "worker_leaves", "worker": "bo", "from": "2027-04"},
        {"kind": "worker_joins", "worker": newcomer, "from": "2027-03"},
        {"kind": "employer_joins", "employer": hotel, "from": "2027-02"},
        {"kind": "demand", "employer": "farm", "role": "picker", "required": {"2027-03..2027-04": 300}},
    )
    assert change.first_period(s) == 1
    after = change.apply(s)
    q = after.quantities
    cap = {w.id: list(q.capacity_minutes[k] // 60) for k, w in enumerate(after.workers)}
    assert cap == {"an": [100, 0, 0, 100], "bo": [100, 100, 100, 0], "cas": [0, 0, 100, 100]}
    farm, hotel_slot = q.slots[q.slot_index[(0, "picker")]], q.slots[q.slot_index[(1, "picker")]]
    assert list(farm.required // 60) == [100, 100, 300, 300]
    # Desired follows a raised requirement; the maximum follows desired.
    assert list(farm.desired // 60) == [100, 100, 300, 300] and list(farm.maximum // 60) == [100, 100, 300, 300]
    assert list(hotel_slot.required // 60) == [0, 100, 100, 100]
    left = disruption({"kind": "employer_leaves", "employer": "farm", "from": "2027-03"}).apply(s)
    assert list(left.quantities.slots[0].maximum // 60) == [100, 100, 0, 0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "absent", "worker": "zoe", "periods": ["2027-01"]}, "change 1 \\(absent\\): worker 'zoe' is not in"),
        ({"kind": "absent", "worker": "an", "periods": ["2031-01"]}, "period '2031-01' is not in the horizon"),
        ({"kind": "worker_leaves", "worker": "an", "from": "2027-13"}, "period '2027-13' is not in the horizon"),
        ({"kind": "demand", "employer": "nope", "role": "picker", "required": {"2027-01": 1}}, "employer 'nope'"),
        ({"kind": "worker_joins", "worker": {"id": "an", "location": north(0)}}, "'an' is already in the scenario"),
    ],
)
def test_bad_disruptions_name_the_change_and_the_problem(change: dict[str, Any], message: str) -> None:
    s, _ = two_farms()
    with pytest.raises(InputError, match=message):
        d = disruption(change)
        d.first_period(s)
        d.apply(s)


def test_disruption_files_read_dates_as_period_labels(tmp_path: Any) -> None:
    path = tmp_path / "change.yaml"
    path.write_text("from: 2027-02\nchanges:\n  - {kind: absent, worker: an, periods: [2027-03]}\n", encoding="utf-8")
    assert load_disruption(path).start == "2027-02"
    path.write_text("changes:\n  - {kind: ill, worker: an}\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind"):
        load_disruption(path)


def planned_then_absent(data: dict[str, Any], draw: st.DataObject) -> tuple[Scenario, Plan, Disruption]:
    """The drawn scenario, its plan, and a drawn worker's absence from a drawn period on."""
    s = Scenario.model_validate(data)
    first = solve(s, time_limit=20, num_workers=1)
    assert first.plan is not None
    labels = s.horizon.labels
    ill = draw.draw(st.sampled_from([w.id for w in s.workers]))
    start = draw.draw(st.integers(0, len(labels) - 1))
    return s, first.plan, disruption({"kind": "absent", "worker": ill, "periods": [f"{labels[start]}..{labels[-1]}"]})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(min_workers=1), st.data())
def test_replanning_never_changes_frozen_periods_nor_beats_scratch_on_changes(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    s, first, change = planned_then_absent(data, draw)
    labels = s.horizon.labels
    penalty = draw.draw(st.sampled_from([0, 1, 100]))
    replanned = replan(s, first, change, change_penalty=penalty, time_limit=20, num_workers=1)
    new = replanned.result.plan
    assert replanned.result.status is Status.OPTIMAL and new is not None
    assert validate(replanned.scenario, new).is_valid
    frozen = set(labels[: replanned.frozen_periods])
    assert {p for p in first.placements if p.period in frozen} == {p for p in new.placements if p.period in frozen}
    scratch = solve(replanned.scenario, time_limit=20, num_workers=1)
    assert scratch.plan is not None and scratch.objective is not None and replanned.result.objective is not None
    # When scratch's plan keeps the frozen periods it is a candidate re-plan, so (both optimal)
    # re-plan cost + penalty <= scratch cost + penalty, while scratch's cost is the lower: with a
    # positive penalty the re-plan changes no more placements than scratch.
    keeps_frozen = {p for p in scratch.plan.placements if p.period in frozen} == {
        p for p in first.placements if p.period in frozen
    }
    if penalty and keeps_frozen:
        assert replanned.changes.changed_placements <= diff_plans(first, scratch.plan).changed_placements


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_replanning_every_programme_keeps_frozen_periods_and_counts_changes_exactly(
    family: str, data: st.DataObject
) -> None:
    # solve() raises SolverError unless the solver's objective equals the validator's cost plus
    # the penalty times the changes diff_plans counts: with splits, training and moves too.
    s = Scenario.model_validate(data.draw(programme_scenarios(family)))
    first = solve(s, time_limit=20, num_workers=1)
    if first.plan is None:
        return  # a drawn minimum of hours can make a scenario infeasible; nothing to re-plan
    labels = s.horizon.labels
    ill = data.draw(st.sampled_from([w.id for w in s.workers]))
    start = data.draw(st.integers(0, len(labels) - 1))
    change = disruption({"kind": "absent", "worker": ill, "periods": [labels[start]]})
    try:
        change.apply(s)
    except InputError:
        return  # e.g. the absence breaks a return-to-work ramp's checks; the message says so
    replanned = replan(s, first.plan, change, change_penalty=7, time_limit=20, num_workers=1)
    new = replanned.result.plan
    if new is None:
        assert replanned.result.status is Status.INFEASIBLE
        return
    frozen = set(labels[: replanned.frozen_periods])
    assert {p for p in first.plan.placements if p.period in frozen} == {p for p in new.placements if p.period in frozen}
    assert {t for t in first.plan.trainings if t.start in frozen} == {t for t in new.trainings if t.start in frozen}
    assert {m for m in first.plan.transitions if m.period in frozen} == {
        m for m in new.transitions if m.period in frozen
    }


def test_an_absence_cuts_a_stint_so_a_frozen_start_survives_an_illness() -> None:
    # min_stint 2: 'an' starts at 'east' in March (frozen) and falls ill in April. The stint is
    # cut by the absence as by the horizon's end: valid, and re-planning finds a plan.
    s = scenario(
        [employer("east", [hours("picker", 0, [0, 0, 100, 100, 100])])],
        [worker("an", ["picker"])],
        periods=5,
        rules={"min_stint": 2},
    )
    plan = Plan(
        placements=tuple(
            Placement(worker="an", period=f"2027-0{m}", employer="east", role="picker", hours=100) for m in (3, 4, 5)
        )
    )
    change = disruption({"kind": "absent", "worker": "an", "periods": ["2027-04"]})
    replanned = replan(s, plan, change, time_limit=10, num_workers=1)
    assert replanned.result.plan is not None
    assert validate(replanned.scenario, replanned.result.plan).is_valid
    # A one-month stint ended by the employer's own demand, not by an absence, still breaks it.
    short = Plan(placements=(Placement(worker="an", period="2027-03", employer="east", role="picker", hours=100),))
    assert {v.rule for v in validate(s, short).violations} == {"stints"}


def test_a_course_running_into_an_absence_is_re_planned_as_a_whole() -> None:
    # 'an' follows a two-month course from January; falling ill in February cuts it. Without
    # 'from', the plan may change from January, the course's start, so it can be dropped.
    s = scenario(
        [employer("farm", [hours("picker", 0, 100), hours("heftruck", 0, [0, 0, 100, 100])])],
        [worker("an", ["picker"])],
        periods=4,
        trainings=[{"id": "forklift", "skill": "heftruck", "duration": 2, "seats": 1}],
    )
    plan = Plan(
        placements=tuple(
            Placement(worker="an", period=f"2027-0{m}", employer="farm", role="heftruck", hours=100) for m in (3, 4)
        ),
        trainings=(TrainingSpell(worker="an", training="forklift", start="2027-01"),),
    )
    assert validate(s, plan).is_valid
    ill = disruption({"kind": "absent", "worker": "an", "periods": ["2027-02"]})
    replanned = replan(s, plan, ill, time_limit=10, num_workers=1)
    assert replanned.frozen_periods == 0 and replanned.result.plan is not None
    assert replanned.changes.trainings_dropped == plan.trainings
    # With 'from' after the course's start, the course cannot be kept: a clear error.
    late = disruption({"kind": "absent", "worker": "an", "periods": ["2027-02"]}, start="2027-02")
    with pytest.raises(AnchorError, match="training of 'an' starting 2027-01 is frozen but no longer possible"):
        replan(s, plan, late, time_limit=10, num_workers=1)


@pytest.mark.parametrize("strategy", ["whole", "by_period"])
def test_a_frozen_placement_that_became_impossible_is_the_same_error_by_period(strategy: str) -> None:
    s, plan = two_farms()
    ill = disruption({"kind": "absent", "worker": "an", "periods": ["2027-01"]}).apply(s)
    with pytest.raises(AnchorError, match="'an' with 'east' \\(picker\\) in 2027-01 is in a frozen period"):
        solve(ill, anchor=Anchor(plan=plan, frozen_periods=2), strategy=strategy, time_limit=5)


def test_replanning_by_period_makes_the_one_change_the_whole_model_makes() -> None:
    s, plan = two_farms()
    change = disruption({"kind": "absent", "worker": "an", "periods": ["2027-03"]})
    whole = replan(s, plan, change, time_limit=20, num_workers=1, strategy="whole")
    by_period = replan(s, plan, change, time_limit=20, num_workers=1, strategy="by_period")
    # As in the first test: with 100 points per change, the optimum only takes 'an' out in
    # March; moving 'bo' or swapping back to the nearest farms costs more in changes than it saves.
    assert whole.result.status is Status.OPTIMAL
    assert any("period by period" in note for note in by_period.result.notes)
    assert by_period.changes.lines(s.horizon.labels) == ["'an' 2027-03: 'east' (picker) -> not placed"]
    assert by_period.result.objective == pytest.approx(whole.result.objective)
    assert by_period.result.change_cost == whole.result.change_cost == 100
    # The bound holds the change penalty too: with the two frozen months' own costs and the
    # open months' LPs it cannot exceed the optimum, cost plus changes.
    assert by_period.result.bound is not None
    assert by_period.result.bound <= whole.result.objective + 100 + 1e-9  # type: ignore[operator]


def test_replanning_a_large_pool_plans_by_period_with_forced_placements_too(monkeypatch: pytest.MonkeyPatch) -> None:
    s, plan = two_farms()
    monkeypatch.setattr(decompose, "BY_PERIOD_ABOVE", 0)  # every pool counts as large
    anchored = solve(s, anchor=Anchor(plan=plan, frozen_periods=1, change_penalty=10), time_limit=5, num_workers=1)
    assert any("period by period" in note for note in anchored.notes)
    assert anchored.changes is not None and anchored.changes.changed_placements == 0
    # Forcing 'an' to 'west' in February: 'bo' must leave 'west' (a change each), as in
    # test_change_penalty_is_part_of_the_objective_the_solver_reports; by period as a whole.
    forced = Placement(worker="an", period="2027-02", employer="west", role="picker", hours=100)
    anchor = Anchor(plan=plan, frozen_periods=1, change_penalty=30, forced=(forced,))
    by_period = solve(s, anchor=anchor, time_limit=5, num_workers=1)
    assert any("period by period" in note for note in by_period.notes)
    whole = solve(s, anchor=anchor, strategy="whole", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None and by_period.objective is not None
    assert by_period.plan is not None and forced in by_period.plan.placements
    assert by_period.objective + by_period.change_cost == pytest.approx(whole.objective + whole.change_cost)
    assert by_period.changes is not None and by_period.changes.changed_placements >= 2


@pytest.mark.parametrize("strategy", ["whole", "by_period"])
def test_a_forced_placement_that_cannot_be_made_is_the_same_error_by_period(strategy: str) -> None:
    s, plan = two_farms()
    nowhere = Placement(worker="an", period="2027-02", employer="west", role="baker", hours=100)
    with pytest.raises(AnchorError, match="employer 'west' has no demand for role 'baker'"):
        solve(s, anchor=Anchor(plan=plan, forced=(nowhere,)), strategy=strategy, time_limit=5)
    ill = disruption({"kind": "absent", "worker": "an", "periods": ["2027-02"]}).apply(s)
    absent = Placement(worker="an", period="2027-02", employer="west", role="picker", hours=100)
    with pytest.raises(AnchorError, match="'an' cannot work for 'west' as 'picker' in 2027-02"):
        solve(ill, anchor=Anchor(plan=plan, forced=(absent,)), strategy=strategy, time_limit=5)
    frozen = Placement(worker="an", period="2027-01", employer="west", role="picker", hours=100)
    with pytest.raises(AnchorError, match="2027-01 is frozen; 'an' cannot be moved there"):
        solve(s, anchor=Anchor(plan=plan, frozen_periods=1, forced=(frozen,)), strategy=strategy, time_limit=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(min_workers=1), st.data())
def test_replanning_by_period_keeps_frozen_periods_and_never_beats_the_bound_or_the_optimum(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    s, first, change = planned_then_absent(data, draw)
    labels = s.horizon.labels
    start = change.frozen_periods(s)
    revised = change.apply(s)
    frozen = set(labels[:start])
    # Sometimes one of the first plan's later placements is forced (the ill worker's cannot be).
    later = [p for p in first.placements if p.period not in frozen]
    forced = (draw.draw(st.sampled_from(later)),) if later and draw.draw(st.booleans()) else ()
    penalty = draw.draw(st.sampled_from([0, 1, 100]))
    anchor = Anchor(plan=first, frozen_periods=start, change_penalty=penalty, forced=forced)
    try:
        whole = solve(revised, anchor=anchor, strategy="whole", time_limit=20, num_workers=1)
    except AnchorError as error:
        with pytest.raises(AnchorError, match=re.escape(str(error).splitlines()[-1])):
            solve(revised, anchor=anchor, strategy="by_period", time_limit=20, num_workers=1)
        return
    # solve() raises SolverError unless the validator's cost plus the penalty per change that
    # diff_plans counts equals what the period models expected, and unless frozen periods and
    # forced placements are kept.
    by_period = solve(revised, anchor=anchor, strategy="by_period", time_limit=20, num_workers=1)
    if whole.status is Status.INFEASIBLE:  # a forced placement can leave a hard cover unmet
        assert by_period.plan is None
        return
    assert whole.status is Status.OPTIMAL and whole.objective is not None
    assert by_period.plan is not None and by_period.objective is not None and by_period.bound is not None
    assert validate(revised, by_period.plan).is_valid
    assert {p for p in first.placements if p.period in frozen} == {
        p for p in by_period.plan.placements if p.period in frozen
    }
    optimum = whole.objective + whole.change_cost
    assert by_period.bound <= optimum + 1e-9
    assert by_period.objective + by_period.change_cost >= optimum - 1e-9
    if s.weights.switches == 0:
        # Nothing links the periods then, the changes included: each period's best is the optimum.
        assert by_period.objective + by_period.change_cost == pytest.approx(optimum, abs=1e-9)


def test_the_anchor_as_costs_per_placement_counts_each_kind_of_change() -> None:
    s, plan = two_farms()
    rows = [p for p in plan.placements if not (p.worker == "bo" and p.period == "2027-04")]
    # 'an' in March at 50 h: no placement makes that again (a month is 100 h), so it is a change.
    rows = [p.model_copy(update={"hours": 50}) if (p.worker, p.period) == ("an", "2027-03") else p for p in rows]
    anchor = Anchor(plan=Plan(placements=tuple(rows)), frozen_periods=1, change_penalty=10)
    allowed = possible_placements(s)
    kept = period_anchor(s, anchor, allowed)
    an, bo = s.worker_index["an"], s.worker_index["bo"]
    west, east = (s.quantities.slot_index[(s.employer_index[e], "picker")] for e in ("west", "east"))
    workers, slots = np.array([an, an, bo, bo]), np.array([west, east, west, east])
    units = 10 * OBJECTIVE_SCALE
    # February: each keeps their place for `-units` (no change), elsewhere it is a change either way.
    assert kept.extra(1, workers, slots).tolist() == [0, -units, -units, 0]
    # March: 'an' changes whatever happens; April: placing 'bo' anywhere is a change.
    assert kept.extra(2, workers, slots).tolist() == [0, 0, -units, 0]
    assert kept.extra(3, workers, slots).tolist() == [0, -units, units, units]
    # January is frozen: its placements are its only candidates, each kept for `keep`, more than
    # dropping one could gain even with another worker taking its place: twice the largest
    # candidate cost of the month ('an' at 'west' or 'bo' at 'east': 500 points of paid idle time
    # saved, no travel), a month's 6,000 minutes at the highest soft rate (100 points an hour of
    # required cover plus 10 of desired), two switches (50 each), a change (10) and one unit.
    keep = kept.keep_units
    assert keep == round((2 * 500 + 2 * 50 + 10) * OBJECTIVE_SCALE) + 6000 * (100 + 10) + 1
    assert kept.extra(0, workers, slots).tolist() == [0, -keep, -keep, 0]
    assert kept.fixed[[an, bo], 0].tolist() == [east, west]
    frozen = kept.restrict(allowed)[:, 0, :]
    assert frozen.sum() == 2 and frozen[an, east] and frozen[bo, west]
    dropped = np.full_like(kept.fixed, -1)  # nobody anywhere: January gets its placements back
    assert kept.keeps(dropped)[:, 0].tolist() == kept.fixed[:, 0].tolist()
    assert (kept.keeps(dropped)[:, 1:] == -1).all()
    # With everyone unplaced from February: 'an' changes 3 worker-periods and 'bo' 2; the two
    # frozen placements' `keep` comes back in the constant.
    assert kept.constant_units == 5 * units + 2 * keep
    whole = solve(s, anchor=anchor, strategy="whole", time_limit=20, num_workers=1)
    by_period = solve(s, anchor=anchor, strategy="by_period", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None and by_period.objective is not None
    assert by_period.objective + by_period.change_cost == pytest.approx(whole.objective + whole.change_cost)


@pytest.mark.parametrize("penalty", [0, 30])
def test_a_window_re_planned_by_period_keeps_both_frozen_ends(penalty: int) -> None:
    s, plan = two_farms()
    s = s.replace(weights={"switches": 0})  # else the agreed (far) places are kept anyway
    # Only February and March may change. Each worker saves 22 points of travel a month at the
    # nearest farm (see test_replan_keeps_the_agreed_plan...): with no penalty both move there
    # in both months (4 changes), with 30 points per change the agreed plan is kept. The whole
    # model agrees either way, and January and April stay as agreed.
    anchor = Anchor(plan=plan, frozen_periods=1, open_until=3, change_penalty=penalty)
    whole = solve(s, anchor=anchor, strategy="whole", time_limit=20, num_workers=1)
    by_period = solve(s, anchor=anchor, strategy="by_period", time_limit=20, num_workers=1)
    assert whole.status is Status.OPTIMAL and whole.objective is not None and by_period.plan is not None
    assert by_period.objective == pytest.approx(whole.objective)
    assert by_period.changes is not None and whole.changes is not None
    assert by_period.changes.changed_placements == whole.changes.changed_placements == (4 if penalty == 0 else 0)
    ends = {"2027-01", "2027-04"}
    assert {p for p in by_period.plan.placements if p.period in ends} == {
        p for p in plan.placements if p.period in ends
    }


def test_ctrl_c_before_a_forced_placements_period_returns_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    s, plan = two_farms()
    searched = decompose.improve
    calls = []

    def stop_in_the_second_period(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt  # as Ctrl-C in the second period's search
        return searched(*args, **kwargs)

    monkeypatch.setattr(decompose, "improve", stop_in_the_second_period)
    forced = Placement(worker="an", period="2027-04", employer="west", role="picker", hours=100)
    result = solve(s, anchor=Anchor(plan=plan, forced=(forced,)), strategy="by_period", time_limit=5, num_workers=1)
    # The plan so far has January only: without April's forced placement it is no re-plan.
    assert calls == [1, 1] and result.plan is None and result.status is Status.UNKNOWN
    assert "the plan so far leaves out frozen or forced placements of later periods, so none is returned" in (
        result.notes
    )


def test_forced_placements_over_a_slots_maximum_are_a_clear_error_by_period() -> None:
    s, plan = two_farms()
    # 'west' takes 100 h of pickers; two 100-h workers forced there cannot both be placed. The
    # whole model proves it infeasible; by period it is named before planning.
    both = tuple(Placement(worker=w, period="2027-02", employer="west", role="picker", hours=100) for w in ("an", "bo"))
    assert solve(s, anchor=Anchor(plan=plan, forced=both), strategy="whole", time_limit=5).status is Status.INFEASIBLE
    with pytest.raises(AnchorError, match="forced placements in 2027-02 alone break a slot's maximum hours"):
        solve(s, anchor=Anchor(plan=plan, forced=both), strategy="by_period", time_limit=5)


def test_two_placements_of_a_worker_in_a_frozen_period_are_named_by_period() -> None:
    s, plan = two_farms()
    twice = Placement(worker="an", period="2027-01", employer="west", role="picker", hours=100)
    doubled = Plan(placements=(*plan.placements, twice))
    with pytest.raises(AnchorError, match="'an' has two placements in 2027-01, a frozen period"):
        solve(s, anchor=Anchor(plan=doubled, frozen_periods=1), strategy="by_period", time_limit=5)
