"""Commands that plan or judge plans: demo, solve, validate, compare."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from werkdeling.cli.common import (
    EXIT_NOT_OK,
    EXIT_OK,
    demo_scenario,
    friendly_errors,
    load_plan_for,
    refuse_overwriting_inputs,
    solve_options,
    solve_with_progress,
    write_plan,
)
from werkdeling.cli.explaining import cost_tables
from werkdeling.evaluation import Kpis, TermValue, validate
from werkdeling.evaluation.kpis import kpis_of
from werkdeling.evaluation.measure import measure, resolve
from werkdeling.evaluation.validation import validate_measured
from werkdeling.report import period_employer_table, text_table, worker_table
from werkdeling.result import Result
from werkdeling.scenario import Scenario, Term, load_scenario

_plan_out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the plan: .json, .yaml, .xlsx (a workbook for the members), .csv (placements), "
    "or a folder name for CSV files.",
)


def _print_result(scenario: Scenario, result: Result, as_json: bool) -> None:
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    click.echo(
        f"{scenario.name}: {scenario.horizon.describe()}, "
        f"{len(scenario.employers)} employers, {len(scenario.workers)} workers"
    )
    if result.plan is not None:
        click.echo()
        click.echo(period_employer_table(scenario, result.plan))
        click.echo()
        click.echo(worker_table(scenario, result.plan))
        click.echo()
    click.echo(result.summary())
    if result.costs is not None:
        click.echo()
        click.echo("cost by employer (werkdeling costs shows them per worker too)")
        click.echo(cost_tables(result.costs, "employer"))


@click.command()
@functools.partial(solve_options, default_time_limit=10.0)
@click.option(
    "--save-scenario",
    type=click.Path(path_type=Path),
    help="Also write the example scenario to this file (.yaml, .json, .xlsx), to edit and re-run.",
)
@_plan_out_option
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@friendly_errors
def demo(
    time_limit: float,
    seed: int,
    num_workers: int | None,
    mode: str | None,
    log: bool,
    quiet: bool,
    save_scenario: Path | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """Solve the built-in example and print the plan with its KPIs.

    \b
    Example:
      werkdeling demo --time-limit 10 --save-scenario my-pool.xlsx --out plan.xlsx
    """
    scenario = demo_scenario()
    if save_scenario is not None:
        from werkdeling.scenario.io import save_scenario as write

        write(scenario, save_scenario)
    result = solve_with_progress(
        scenario, time_limit=time_limit, seed=seed, num_workers=num_workers, mode=mode, log=log, quiet=quiet
    )
    if out is not None and result.plan is not None:
        write_plan(scenario, result.plan, out)
    _print_result(scenario, result, as_json)
    sys.exit(EXIT_OK if result.is_feasible() else EXIT_NOT_OK)


@click.command(name="solve")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@solve_options
@_plan_out_option
@click.option(
    "--result",
    "result_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole result (plan, costs, KPIs) as JSON.",
)
@click.option("--warm-start", type=click.Path(path_type=Path), help="Start from an earlier plan.")
@click.option(
    "--strategy",
    type=click.Choice(["auto", "whole", "by_period"]),
    default="auto",
    show_default=True,
    help="One model of the whole horizon, or period by period with an LP bound (large pools); auto picks by size.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON instead of tables.")
@friendly_errors
def solve_command(
    scenario_file: Path,
    time_limit: float,
    seed: int,
    num_workers: int | None,
    mode: str | None,
    log: bool,
    quiet: bool,
    out: Path | None,
    result_file: Path | None,
    warm_start: Path | None,
    strategy: str,
    as_json: bool,
) -> None:
    """Plan a scenario: a workbook (.xlsx), a folder of CSV files, or a .yaml/.json file.

    While it searches, a live line shows the best plan so far, the proven bound and the gap.
    Ctrl-C stops the search and still writes the best plan found.

    \b
    Examples:
      werkdeling solve intake.xlsx --out plan.xlsx --time-limit 60
      werkdeling solve pool.yaml --out plan.json --json > result.json
    """
    refuse_overwriting_inputs(out, scenario_file, warm_start)
    refuse_overwriting_inputs(result_file, scenario_file, warm_start)
    scenario = load_scenario(scenario_file)
    start_plan = load_plan_for(scenario, warm_start) if warm_start is not None else None
    result = solve_with_progress(
        scenario,
        time_limit=time_limit,
        seed=seed,
        num_workers=num_workers,
        mode=mode,
        log=log,
        quiet=quiet,
        warm_start=start_plan,
        strategy=strategy,
    )
    if out is not None and result.plan is not None:
        write_plan(scenario, result.plan, out)
    if result_file is not None:
        result.save(result_file)
    _print_result(scenario, result, as_json)
    if not result.is_feasible():
        hint = (
            f"; `werkdeling explain {scenario_file}` says which rules conflict"
            if result.status.value == "infeasible"
            else ""
        )
        click.echo(f"no plan: {result.status.value}{hint}", err=True)
    sys.exit(EXIT_OK if result.is_feasible() else EXIT_NOT_OK)


@click.command(name="validate")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@friendly_errors
def validate_command(scenario_file: Path, plan_file: Path | None, as_json: bool) -> None:
    """Check a scenario, or a plan (for example one edited in its workbook) against a scenario.

    With only a scenario, checks that it can be read and is consistent (exit code 2 names every
    problem by sheet, row and column). With a plan, lists every broken rule in words and
    recomputes the cost of each term; exit code 1 when a rule is broken.

    \b
    Examples:
      werkdeling validate intake.xlsx
      werkdeling validate intake.xlsx plan.xlsx
    """
    scenario = load_scenario(scenario_file)
    if plan_file is None:
        summary = {
            "scenario": scenario.name,
            "employers": len(scenario.employers),
            "workers": len(scenario.workers),
            "horizon": scenario.horizon.describe(),
        }
        if as_json:
            click.echo(json.dumps({**summary, "is_valid": True}, indent=2))
        else:
            click.echo(
                f"scenario '{scenario.name}' is valid: {summary['employers']} employers, "
                f"{summary['workers']} workers, {summary['horizon']}"
            )
        sys.exit(EXIT_OK)
    plan = load_plan_for(scenario, plan_file)
    report = validate(scenario, plan)
    if as_json:
        data = {**report.model_dump(mode="json"), "is_valid": report.is_valid, "objective": report.objective}
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(report.summary())
    sys.exit(EXIT_OK if report.is_valid else EXIT_NOT_OK)


@dataclass
class _Column:
    """One scenario or plan in a comparison."""

    name: str
    status: str
    objective: float | None = None
    gap_pct: float | None = None
    kpis: Kpis | None = None
    terms: dict[Term, TermValue] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "objective": self.objective,
            "gap_pct": self.gap_pct,
            "kpis": {f.name: f.value for f in self.kpis.figures()} if self.kpis else None,
            "costs": {t.value: v.cost for t, v in self.terms.items()},
        }


def _names(files: tuple[Path, ...]) -> list[str]:
    """Short column names: file stems, or whole paths where stems repeat."""
    stems = [f.stem or f.name for f in files]
    return [str(f) if stems.count(s) > 1 else s for f, s in zip(files, stems, strict=True)]


def _comparison_table(columns: list[_Column]) -> str:
    def number(value: float | int | str | None) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value)

    rows = [
        ["status", *(c.status for c in columns)],
        ["objective", *(number(c.objective) for c in columns)],
        ["gap to bound %", *(number(c.gap_pct) for c in columns)],
    ]
    figures = [c.kpis.figures() if c.kpis else None for c in columns]
    template = next((f for f in figures if f is not None), [])
    for k, (name, _, unit, _) in enumerate(template):
        if not any(f is not None and f[k].relevant for f in figures):
            continue
        cells = [number(f[k].value) if f is not None else "-" for f in figures]
        rows.append([f"{name} ({unit})" if unit and unit not in name else name, *cells])
    for term in Term:
        cells = [number(c.terms[term].cost) if term in c.terms else "-" for c in columns]
        if any(cell not in ("0.0", "-") for cell in cells):
            rows.append([f"cost: {term.value}", *cells])
    header = ["", *(c.name for c in columns)]
    if len(columns) == 2:
        header.append("difference")
        for row in rows:
            row.append(_difference(row[1], row[2]))
    return text_table(header, rows)


def _difference(first: str, second: str) -> str:
    """``second - first`` for two numeric cells, else empty."""
    try:
        a, b = float(first.replace(",", "")), float(second.replace(",", ""))
    except ValueError:
        return ""
    return f"{b - a:+,.1f}"


@click.command()
@click.argument("files", type=click.Path(path_type=Path), nargs=-1, required=True)
@click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(path_type=Path),
    help="Compare plans of this scenario; FILES are then plans (.json, .yaml, .xlsx, .csv).",
)
@solve_options
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@friendly_errors
def compare(
    files: tuple[Path, ...],
    scenario_file: Path | None,
    time_limit: float,
    seed: int,
    num_workers: int | None,
    mode: str | None,
    log: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Compare scenarios (each is solved) or plans of one scenario: KPIs and costs side by side.

    Exit code 1 when a scenario has no plan or a plan breaks a rule.

    \b
    Examples:
      werkdeling compare pool.yaml pool-plus-20pct.yaml without-bakery.xlsx --time-limit 20
      werkdeling compare --scenario pool.yaml plan-a.json plan-b.xlsx
    """
    columns: list[_Column] = []
    names = _names(files)
    if scenario_file is not None:
        scenario = load_scenario(scenario_file)
        for name, path in zip(names, files, strict=True):
            measured = measure(scenario, resolve(scenario, load_plan_for(scenario, path)))
            report = validate_measured(scenario, measured)
            status = "valid" if report.is_valid else f"breaks {len(report.violations)} rule(s)"
            columns.append(_Column(name, status, report.objective, None, kpis_of(scenario, measured), report.terms))
    else:
        scenarios = [load_scenario(path) for path in files]  # read all first: bad input fails before solving
        for name, scenario in zip(names, scenarios, strict=True):
            if not quiet and not as_json:
                click.echo(f"solving {name} ...", err=True)
            result = solve_with_progress(
                scenario, time_limit=time_limit, seed=seed, num_workers=num_workers, mode=mode, log=log, quiet=quiet
            )
            columns.append(
                _Column(name, result.status.value, result.objective, result.gap_pct, result.kpis, result.terms)
            )
    if as_json:
        click.echo(json.dumps([c.as_json() for c in columns], indent=2))
    else:
        click.echo(_comparison_table(columns))
    ok = all(c.status in ("optimal", "feasible", "valid") for c in columns)
    sys.exit(EXIT_OK if ok else EXIT_NOT_OK)
