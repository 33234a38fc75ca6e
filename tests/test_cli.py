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


def test_solve_by_period_on_request_and_a_clear_refusal_where_rules_link_periods(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    code, out, _ = run("solve", SMALL, "--strategy", "by_period", "--out", str(plan_file), "--workers", "1")
    assert code == 0 and "planned period by period" in out
    assert validate(load_scenario(SMALL), load_plan(plan_file)).is_valid
    code, out, err = run("solve", str(DATA / "complete.yaml"), "--strategy", "by_period", "--workers", "1")
    assert code == 2 and "Traceback" not in err
    assert "cannot be planned period by period because of rules.max_stint" in err
    assert "use strategy 'whole' or 'auto'" in err


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


# -- compare, export, plot, progress and Ctrl-C ------------------------------------------------


@pytest.mark.parametrize("command", ["compare", "template", "export", "plot"])
def test_new_commands_have_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example" in out and f"werkdeling {command}" in out


def test_compare_scenarios_side_by_side(tmp_path: Path) -> None:
    more = load_scenario(SMALL).model_dump(mode="json", exclude_unset=True)
    more["name"] = "small-plus-seasonal"
    more["workers"].append({"id": "dia", "location": {"lat": 50.85, "lon": 5.25}, "skills": ["picker"],
                            "guaranteed": False})  # fmt: skip
    other = tmp_path / "more.yaml"
    other.write_text(json.dumps(more))
    code, out, _ = run("compare", SMALL, str(other), "--workers", "1", "--quiet")
    assert code == 0
    header, *rows = out.splitlines()
    assert "small" in header and "more" in header
    assert any(r.startswith("required demand covered (%)") for r in rows)
    assert any(r.startswith("cost: switches") for r in rows)
    code, out, _ = run("compare", SMALL, str(other), "--workers", "1", "--json")
    columns = json.loads(out)
    assert [c["name"] for c in columns] == ["small", "more"]
    # An extra seasonal worker can only help: the optimum never gets worse.
    assert columns[1]["objective"] <= columns[0]["objective"] + 1e-6
    covered = [c["kpis"]["required demand covered"] for c in columns]
    assert covered[1] >= covered[0]


def test_compare_plans_of_one_scenario(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    assert run("solve", SMALL, "--out", str(good), "--workers", "1", "--quiet")[0] == 0
    empty = tmp_path / "empty.json"
    empty.write_text('{"placements": []}')
    code, out, _ = run("compare", "--scenario", SMALL, str(good), str(empty), "--json")
    assert code == 0
    good_column, empty_column = json.loads(out)
    assert good_column["status"] == empty_column["status"] == "valid"
    assert good_column["objective"] < empty_column["objective"]
    assert empty_column["kpis"]["required demand covered"] < 100
    broken = tmp_path / "broken.json"
    broken.write_text('{"placements": [{"worker": "bo", "period": "2027-06", "employer": "orchard", '
                      '"role": "picker", "hours": 10}]}')  # fmt: skip
    code, out, _ = run("compare", "--scenario", SMALL, str(good), str(broken))
    assert code == 1 and "breaks" in out


def test_export_converts_scenarios_and_plans(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert run("solve", SMALL, "--out", str(plan_file), "--workers", "1", "--quiet")[0] == 0
    plan = load_plan(plan_file)
    for target in ("plan.xlsx", "plan.yaml", "plan-csv", "placements.csv"):
        code, _out, err = run("export", SMALL, str(plan_file), "--out", str(tmp_path / target))
        assert code == 0, err
        assert load_plan(tmp_path / target) == plan
    for target in ("pool.xlsx", "pool.json", "pool-csv"):
        assert run("export", SMALL, "--out", str(tmp_path / target))[0] == 0
        assert load_scenario(tmp_path / target) == load_scenario(SMALL)
    code, _, err = run("export", SMALL, str(plan_file), "--out", str(plan_file))
    assert code == 2 and "never overwrites its inputs" in err


def test_plot_without_a_plan_draws_the_demand(tmp_path: Path) -> None:
    code, _out, _ = run("plot", SMALL, "--out", str(tmp_path / "charts"), "--format", "png")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["coverage.png", "pooled-demand.png"]


def test_progress_line_shows_plan_bound_and_gap() -> None:
    from werkdeling.cli.common import LiveProgress
    from werkdeling.scenario import Term
    from werkdeling.solver import Progress

    display = LiveProgress(time_limit=30, enabled=False)
    assert "looking for a first plan" in display.__rich__().plain
    display.update(Progress(2, 3, (Term.DESIRED_SHORTFALL,), 1.0, 30, 1250.0, 1000.0))
    line = display.__rich__().plain
    assert "stage 2/3 (desired_shortfall)" in line
    assert "best plan 1,250.0" in line and "bound 1,000.0" in line and "gap 20.0 %" in line


def test_ctrl_c_stops_the_search_and_writes_the_best_plan(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from werkdeling.generate import generate_scenario
    from werkdeling.scenario.io import save_scenario

    # A pool the solver cannot prove optimal within seconds (the demo now can).
    pool = generate_scenario(20, 150, seed=1)
    scenario_file, plan_file = tmp_path / "pool.json", tmp_path / "plan.json"
    save_scenario(pool, scenario_file)
    command = [sys.executable, "-c", "from werkdeling.cli import main; main()", "solve", str(scenario_file),
               "--time-limit", "300", "--out", str(plan_file), "--quiet"]  # fmt: skip
    # A shell may start background jobs with Ctrl-C ignored; give the child the default handling.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    time.sleep(6)
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert time.perf_counter() - started < 30
    assert process.returncode == 0, err
    assert "stopped by the user" in out
    assert validate(pool, load_plan(plan_file)).is_valid


def test_template_with_an_impossible_start(tmp_path: Path) -> None:
    code, _, err = run("template", str(tmp_path / "intake.xlsx"), "--start", "2027-13")
    assert code == 2 and "--start 2027-13: '2027-13' is not a real month" in err
    assert not (tmp_path / "intake.xlsx").exists()


# -- explain, why, cover, costs, replan --------------------------------------------------------


@pytest.mark.parametrize("command", ["explain", "why", "cover", "costs", "replan"])
def test_explaining_commands_have_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example" in out and f"werkdeling {command}" in out


def _hard_small(tmp_path: Path) -> Path:
    data = load_scenario(SMALL).model_dump(mode="json", exclude_unset=True)
    data["rules"] = {"cover_required": True}
    path = tmp_path / "hard.yaml"
    path.write_text(json.dumps(data))
    return path


def test_explain_names_the_conflict_and_solve_points_to_it(tmp_path: Path) -> None:
    hard = _hard_small(tmp_path)
    code, _, err = run("solve", str(hard), "--workers", "1", "--quiet")
    assert code == 1 and "werkdeling explain" in err
    code, out, _ = run("explain", str(hard))
    # The orchard needs 2 FTE of pickers in August and September; 'an' and 'cas' (0.5 FTE) make 1.5.
    assert code == 1
    assert "'orchard' requires 329.3 h (2 FTE) of 'picker' in 2027-08" in out
    assert "2 worker(s) hold 'picker': 'an', 'cas'" in out
    code, out, _ = run("explain", str(hard), "--json")
    assert code == 1 and len(json.loads(out)["conflicts"]) == 2
    assert run("explain", SMALL)[0] == 0


def test_why_cover_and_costs_on_a_solved_plan(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert run("solve", SMALL, "--out", str(plan_file), "--workers", "1", "--quiet")[0] == 0
    gap = ["--employer", "orchard", "--role", "picker", "--period", "2027-09", "--workers", "1"]
    code, out, _ = run("why", SMALL, str(plan_file), *gap)
    assert code == 0 and "bo: cannot" in out and "lacks the skill 'picker'" in out and "cheapest change" in out
    code, out, _ = run("cover", SMALL, str(plan_file), *gap, "--json")
    assert code == 0 and json.loads(out)["already_there"] == ["an", "cas"]
    code, _, err = run(
        "cover", SMALL, str(plan_file), "--employer", "orchard", "--role", "baker", "--period", "2027-09"
    )
    assert code == 2 and "has no demand for role 'baker' (roles: picker)" in err
    code, out, _ = run("costs", SMALL, str(plan_file))
    # Shortfall belongs to no single worker; it gets its own line and column, so rows add up.
    single = next(line for line in out.splitlines() if line.startswith("(no single worker)"))
    assert code == 0 and "required_shortfall" in out and single.split()[-1] == "20,583.3"
    code, out, _ = run("costs", SMALL, str(plan_file), "--json")
    costs = json.loads(out)
    assert set(costs["by_employer"]) <= {"orchard", "warehouse"}


def test_replan_writes_the_revised_plan_and_keeps_frozen_periods(tmp_path: Path) -> None:
    plan_file, new_file, scenario_file = tmp_path / "plan.json", tmp_path / "new.json", tmp_path / "after.yaml"
    assert run("solve", SMALL, "--out", str(plan_file), "--workers", "1", "--quiet")[0] == 0
    change = tmp_path / "change.yaml"
    change.write_text("changes:\n  - {kind: absent, worker: an, periods: ['2027-08..2027-09']}\n")
    code, out, _ = run(
        "replan", SMALL, str(plan_file), "--change", str(change), "--out", str(new_file),
        "--scenario-out", str(scenario_file), "--workers", "1", "--quiet",
    )  # fmt: skip
    assert code == 0, out
    assert "kept as planned: 2027-06..2027-07" in out and "'an' 2027-08..2027-09:" in out
    old, new = load_plan(plan_file), load_plan(new_file)
    early = {"2027-06", "2027-07"}
    assert {p for p in old.placements if p.period in early} == {p for p in new.placements if p.period in early}
    after = load_scenario(scenario_file)
    assert validate(after, new).is_valid
    assert after.workers[0].unavailable == ("2027-08..2027-09",)
    code, _, err = run("replan", SMALL, str(plan_file), "--change", str(change), "--out", str(change))
    assert code == 2 and "never overwrites its inputs" in err


def test_compare_two_plans_shows_the_difference_term_by_term(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    assert run("solve", SMALL, "--out", str(good), "--workers", "1", "--quiet")[0] == 0
    empty = tmp_path / "empty.json"
    empty.write_text('{"placements": []}')
    code, out, _ = run("compare", "--scenario", SMALL, str(good), str(empty))
    assert code == 0
    header, _, *rows = out.splitlines()
    assert header.rstrip().endswith("difference")
    shortfall = next(r for r in rows if r.startswith("cost: required_shortfall"))
    cells = shortfall.split()
    assert float(cells[-1].replace(",", "")) == float(cells[-2].replace(",", "")) - float(cells[-3].replace(",", ""))
