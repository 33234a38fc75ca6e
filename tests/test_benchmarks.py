"""The benchmark runner and its baselines (``benchmarks/``).

The baselines must solve exactly werkdeling's scenario and objective, so on pools small enough
for both to prove the optimum they must agree on it, and the cost each solver gives its own plan
must be the validator's. The runner must referee every plan with the validator and measure every
gap against the best bound any method proved.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from werkdeling import Scenario, Status, solve, validate

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import baselines  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
import run  # noqa: E402

#: Tiny pools: both werkdeling (CP-SAT) and HiGHS prove their optimum in about a second.
TINY = run.Instance(3, 8, periods=3, time_limit=10.0)


def _optimum(s: Scenario) -> float:
    result = solve(s, time_limit=30, seed=0)
    assert result.status is Status.OPTIMAL and result.objective is not None
    return result.objective


def _costed_by_validator(s: Scenario, outcome: baselines.Outcome) -> float:
    """The validator's cost of a baseline's plan, which must be the cost the baseline itself
    reported for it (its last trace point, in points)."""
    assert outcome.plan is not None and outcome.trace
    report = validate(s, outcome.plan)
    assert report.is_valid, report.summary()
    # HiGHS keeps whole columns within 1e-6 of whole, so its own cost of a plan may be off by a
    # hair; a column costed wrongly would be off by at least 1/60 point (OBJECTIVE_SCALE).
    assert report.objective == pytest.approx(outcome.trace[-1][1], rel=1e-9, abs=1e-3)
    return report.objective


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.booleans(), st.sampled_from(["month", "week"]))
def test_every_baseline_solves_werkdelings_own_objective(seed: int, extras: bool, granularity: str) -> None:
    # HiGHS stops a MIP as optimal within its default relative gap (1e-4), so its plan may cost
    # up to that much more than the optimum CP-SAT proves; its bound and the LP's never exceed it.
    s = run._scenario(replace(TINY, granularity=granularity, seed=seed, training=extras, return_to_work=extras))
    optimum = _optimum(s)
    tolerance = 1e-6 * max(1.0, abs(optimum))

    mip = baselines.highs_mip(s, time_limit=30)
    assert mip.status == "optimal"
    assert mip.bound is not None and mip.bound <= optimum + tolerance
    assert optimum - tolerance <= _costed_by_validator(s, mip) <= optimum + 1e-4 * abs(optimum) + tolerance

    lp = baselines.highs_lp_bound(s, time_limit=30)
    assert lp.plan is None and lp.bound is not None and lp.bound <= optimum + tolerance

    plain = baselines.plain_cp_sat(s, time_limit=30)
    assert _costed_by_validator(s, plain) >= optimum - tolerance
    assert plain.bound is not None and plain.bound <= optimum + tolerance

    greedy = baselines.greedy(s)
    assert greedy.plan is not None and validate(s, greedy.plan).objective >= optimum - tolerance


def test_each_gap_is_measured_against_the_best_bound_any_method_proved() -> None:
    rows: list[dict[str, Any]] = [
        {"method": "a", "objective": 110.0, "bound": 90.0},
        {"method": "b", "objective": 125.0, "bound": None},
        {"method": "c", "objective": None, "bound": 100.0},  # a bound without a plan (the LP)
        {"method": "d", "status": "out of memory"},  # neither
    ]
    run._gaps(rows)
    assert [r["best_bound"] for r in rows] == [100.0] * 4
    # (110 - 100) / 110 = 9.09 %, (125 - 100) / 125 = 20 %.
    assert [r["gap_pct"] for r in rows] == [9.09, 20.0, None, None]


def test_no_bound_from_any_method_leaves_every_gap_open() -> None:
    rows: list[dict[str, Any]] = [{"method": "greedy", "objective": 10.0, "bound": None}]
    run._gaps(rows)
    assert rows[0]["best_bound"] is None and rows[0]["gap_pct"] is None


def test_the_runner_referees_every_plan_and_writes_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each method runs in its own child process; the parent writes the CSV and markdown whole.
    monkeypatch.setitem(run.SUITES, "tiny", [TINY])
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    run._run_suite("tiny", list(run.METHODS), memory_gb=16.0, no_variants=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.csv", "tiny.md"]  # no temporary files left

    with (tmp_path / "tiny.csv").open(newline="") as f:
        rows = {row["method"]: row for row in csv.DictReader(f)}
    assert list(rows) == list(run.METHODS)
    assert {row["instance"] for row in rows.values()} == {"3e-8w-3m"}
    planned = [m for m in run.METHODS if m != "lp-bound"]
    assert all(rows[m]["valid"] == "True" for m in planned), rows
    assert rows["lp-bound"]["objective"] == ""  # the LP gives a bound, no plan
    assert rows["werkdeling"]["status"] == "optimal"

    best = float(rows["werkdeling"]["best_bound"])
    bounds = [float(row["bound"]) for row in rows.values() if row["bound"]]
    assert best == max(bounds)
    # werkdeling proves the optimum, so no plan is below the best bound and its own gap is 0
    # (HiGHS's bound may pass the optimum by its tolerance).
    tolerance = 1e-6 * best
    assert float(rows["werkdeling"]["gap_pct"]) == pytest.approx(0.0, abs=0.01)
    assert all(float(rows[m]["objective"]) >= best - tolerance for m in planned)
    assert all(float(rows[m]["peak_mb"]) > 0 for m in run.METHODS)

    table = (tmp_path / "tiny.md").read_text()
    assert table.startswith("`python benchmarks/run.py --suite tiny --no-variants` (")
    assert table.count("| 3e-8w-3m |") == len(run.METHODS)
    assert table in capsys.readouterr().out


def test_an_unknown_method_is_refused_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    monkeypatch.setattr(sys, "argv", ["run.py", "--suite", "small", "--methods", "werkdeling,gready"])
    with pytest.raises(SystemExit) as stopped:
        run.main()
    assert stopped.value.code == 2
    assert "--methods: unknown method 'gready'; choose from werkdeling, greedy" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
