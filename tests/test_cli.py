"""The command line: demo, solve, validate, schema; exit codes 0/1/2; no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from werkdeling import load_plan, load_scenario, validate
from werkdeling.cli import cli

from .conftest import DATA

SMALL = str(DATA / "small.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_demo_prints_the_plan_and_kpis(tmp_path: Path) -> None:
    saved = tmp_path / "demo.yaml"
    code, out, _ = run("demo", "--time-limit", "3", "--workers", "1", "--save-scenario", str(saved))
    assert code == 0
    assert "pear-grower" in out and "2027-12" in out
    assert "required demand covered" in out and "cost by term" in out
    assert load_scenario(saved).name == "limburg-demo"


def test_solve_writes_a_plan_that_validates(tmp_path: Path) -> None:
    plan_file, result_file = tmp_path / "plan.json", tmp_path / "result.json"
    code, out, _ = run("solve", SMALL, "--out", str(plan_file), "--result", str(result_file), "--workers", "1")
    assert code == 0
    assert "status      optimal" in out
    assert validate(load_scenario(SMALL), load_plan(plan_file)).is_valid
    assert json.loads(result_file.read_text())["status"] == "optimal"
    code, out, _ = run("validate", SMALL, str(plan_file))
    assert code == 0 and "plan is valid" in out


def test_solve_json_output_and_warm_start(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.yaml"
    assert run("solve", SMALL, "--out", str(plan_file), "--workers", "1")[0] == 0
    code, out, _ = run(
        "solve", SMALL, "--warm-start", str(plan_file), "--json", "--workers", "1", "--mode", "lexicographic"
    )
    assert code == 0
    assert json.loads(out)["mode"] == "lexicographic"


def test_validate_reports_violations_with_exit_1(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps(
            {
                "placements": [
                    {"worker": "bo", "period": "2027-06", "employer": "orchard", "role": "picker", "hours": 10}
                ]
            }
        )
    )
    code, out, _ = run("validate", SMALL, str(plan_file))
    assert code == 1
    assert "[skills] row 1" in out and "[placement_hours]" in out
    code, out, _ = run("validate", SMALL, str(plan_file), "--json")
    assert code == 1 and json.loads(out)["is_valid"] is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("horizon: {start: '2027-13', periods: 2}\nemployers: []\n", "'2027-13' is not a real month"),
        ("", "the file is empty"),
        ("horizon: [", "not valid YAML"),
    ],
)
def test_bad_scenario_gives_a_message_and_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    for command in (["solve", str(path)], ["validate", str(path), str(path)]):
        code, _, err = run(*command)
        assert code == 2
        assert expected in err
        assert "Traceback" not in err


def test_missing_file_exit_2() -> None:
    code, _, err = run("solve", "no-such-file.yaml")
    assert code == 2 and "file not found" in err


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    copy = tmp_path / "pool.yaml"
    copy.write_text(Path(SMALL).read_text())
    before = copy.read_text()
    code, _, err = run("solve", str(copy), "--out", str(copy))
    assert code == 2 and "never overwrites its inputs" in err
    assert copy.read_text() == before


@pytest.mark.parametrize("what", ["scenario", "plan"])
def test_schema(tmp_path: Path, what: str) -> None:
    code, out, _ = run("schema", what)
    assert code == 0
    assert "properties" in json.loads(out)
    target = tmp_path / "schema.json"
    assert run("schema", what, "--out", str(target))[0] == 0
    assert json.loads(target.read_text()) == json.loads(out)


@pytest.mark.parametrize("command", ["demo", "solve", "validate", "schema"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example" in out
