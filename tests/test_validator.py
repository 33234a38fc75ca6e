"""The validator, on hand-edited plans: each hard rule is caught and named, costs are recomputed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import werkdeling
from werkdeling import Placement, Plan, PlanError, Scenario, Term, load_plan, save_plan, solve, validate

from .conftest import employer, hours, north, scenario, worker


def two_employers() -> Scenario:
    return scenario(
        [
            employer("near", [hours("a", 100, 100, 100)]),
            employer("far", [hours("b", 0, 100)], location=north(0.3)),
        ],
        [worker("w", ["a"], max_travel_km=20, unavailable=["2027-02"]), worker("v", ["a", "b"])],
        periods=2,
    )


def row(
    worker: str = "w", period: str = "2027-01", employer: str = "near", role: str = "a", h: float = 100
) -> Placement:
    return Placement(worker=worker, period=period, employer=employer, role=role, hours=h)


def rules_broken(plan: Plan) -> list[str]:
    return [v.rule for v in validate(two_employers(), plan).violations]


def test_a_correct_plan_is_valid() -> None:
    assert rules_broken(Plan(placements=(row(), row("v", "2027-02")))) == []


@pytest.mark.parametrize(
    ("rows", "rule", "words"),
    [
        ([row(worker="x")], "known_references", "worker 'x' is not in the scenario"),
        ([row(period="2027-09")], "known_references", "period '2027-09' is not in the horizon"),
        ([row(employer="bakery")], "known_references", "employer 'bakery' is not in the scenario"),
        ([row(role="b")], "known_references", "employer 'near' has no demand for role 'b'"),
        ([row(), row(employer="far", role="b")], "places_per_period", "2 placements in one period"),
        ([row(period="2027-02")], "availability", "worker is not available in this period"),
        ([row("w", employer="far", role="b")], "skills", "worker does not have the skill 'b'"),
        (
            [row("v", employer="far", role="b"), row("w", "2027-01", "far", "b")],
            "travel_limit",
            "over the limit of 20.0 km",
        ),
        ([row(h=80)], "placement_hours", "placement has 80 h but the worker's period is 100.00 h"),
        ([row(), row("v")], "employer_capacity", "200.00 h placed, above the maximum of 100.00 h"),
    ],
)
def test_each_broken_rule_is_named(rows: list[Placement], rule: str, words: str) -> None:
    report = validate(two_employers(), Plan(placements=tuple(rows)))
    assert not report.is_valid
    matching = [v for v in report.violations if v.rule == rule]
    assert matching, report.summary()
    assert words in matching[0].message
    assert words in report.summary()


def test_costs_are_recomputed_from_the_plan_alone() -> None:
    # 'v' works at 'near' in January: required 100 h in February uncovered (100 x 110 = 11000),
    # desired 100 h at 'far' both months (2 x 1000), idle: 'w' in January (500), 'v' in
    # February (500); travel 0. Total 14000.
    report = validate(two_employers(), Plan(placements=(row("v"),)))
    assert report.is_valid
    assert report.terms[Term.REQUIRED_SHORTFALL].quantity == 100
    assert report.terms[Term.DESIRED_SHORTFALL].quantity == 300
    assert report.terms[Term.IDLE_PAID].quantity == 200
    assert report.objective == 14000


def test_the_solver_plan_matches_the_validator() -> None:
    s = two_employers()
    result = solve(s, time_limit=10, num_workers=1)
    assert result.plan is not None
    assert validate(s, result.plan).objective_units == round(result.objective * 60)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_validator_never_imports_the_solver() -> None:
    """Follow every werkdeling import from the evaluation package: none reaches OR-Tools."""
    root = Path(werkdeling.__file__).parent
    seen: set[str] = set()
    todo = ["werkdeling.evaluation"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        relative = Path(*module.split(".")[1:])
        path = root / relative / "__init__.py" if (root / relative).is_dir() else root / f"{relative}.py"
        if module == "werkdeling":
            continue  # the package root re-exports solve(); evaluation code imports submodules only
        for name in _imports(path):
            assert not name.startswith("ortools"), f"{module} imports {name}"
            assert name not in ("werkdeling.solver", "werkdeling.model") and not name.startswith("werkdeling.model."), (
                f"{module} imports {name}"
            )
            if name.startswith("werkdeling"):
                todo.append(name)
    assert "werkdeling.evaluation.validation" in seen


def test_plan_file_round_trip(tmp_path: Path) -> None:
    plan = Plan(placements=(row(), row("v", "2027-02", h=164.6667)))
    for suffix in (".json", ".yaml"):
        save_plan(plan, tmp_path / f"p{suffix}")
        assert load_plan(tmp_path / f"p{suffix}") == plan


def test_plan_views() -> None:
    plan = Plan(placements=(row(), row("v", "2027-02")))
    assert plan.to_records()[0] == {"worker": "w", "period": "2027-01", "employer": "near", "role": "a", "hours": 100}
    array = plan.to_numpy()
    assert array["hours"].sum() == 200 and list(array["worker"]) == ["w", "v"]
    assert plan.employer_matrix(two_employers()).tolist() == [[0, -1], [-1, 0]]
    assert Plan.from_records(plan.to_records()) == plan


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"placements": [{"worker": "w"}]}', "placement #1, period: this field is required"),
        ('{"placements": [{"worker": "w", "period": "2027-01", "employer": "e", "role": "a", "hours": -1}]}', "hours"),
        ('"text"', "a plan must be a mapping"),
        ('{"placements": [], "extra": 1}', "extra: unknown field"),
    ],
)
def test_bad_plan_files(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(PlanError, match=expected):
        load_plan(path)
