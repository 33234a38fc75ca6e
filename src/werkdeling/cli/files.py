"""Commands that make or convert files: template, export, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import ValidationError

from werkdeling.cli.common import (
    demo_scenario,
    friendly_errors,
    load_plan_for,
    refuse_existing,
    refuse_overwriting_inputs,
    write_plan,
)
from werkdeling.errors import InputError
from werkdeling.plan import Plan
from werkdeling.scenario import Granularity, Horizon, Scenario, load_scenario, save_scenario
from werkdeling.scenario.io import problems_from
from werkdeling.serialize import write_text_atomic


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--start", default="2027-01", show_default=True, help="First period (2027-01, 2027-W01, 2027-01-04).")
@click.option("--periods", type=click.IntRange(1, 1000), default=12, show_default=True, help="Number of periods.")
@click.option(
    "--granularity",
    type=click.Choice([g.value for g in Granularity]),
    default="month",
    show_default=True,
    help="Length of a period.",
)
@click.option("--example", is_flag=True, help="Fill it with the built-in example instead of leaving it empty.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists (never done without this flag).")
@friendly_errors
def template(out: Path, start: str, periods: int, granularity: str, example: bool, force: bool) -> None:
    """Write an intake workbook to fill in: employers, demand per period, workers, skills, ...

    OUT ending in .xlsx gives an Excel workbook; any other name gives a folder of CSV files.
    Hover over a column name in Excel to see what goes in it. An existing OUT is never replaced
    unless --force is given.

    \b
    Examples:
      werkdeling template intake.xlsx
      werkdeling template intake.xlsx --start 2027-W01 --periods 52 --granularity week
      werkdeling template intake-csv --example
    """
    from werkdeling.sheets import template_sheets, write_scenario_book, write_sheets

    refuse_existing(out, force)
    if example:
        written = write_scenario_book(demo_scenario(), out)
    else:
        try:
            horizon = Horizon(start=start, periods=periods, granularity=Granularity(granularity))
        except ValidationError as exc:
            raise InputError([f"--start {start}: {m}" for m in problems_from(exc, {})]) from None
        written = write_sheets(template_sheets(horizon), out)
    click.echo(f"wrote {out}" + (f" ({len(written)} files)" if len(written) > 1 else ""))
    click.echo(f"fill it in, then run:  werkdeling validate {out}  and  werkdeling solve {out} --out plan.xlsx")


@click.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path), required=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Target: .xlsx, .json, .yaml, .csv (plan placements only) or a folder name for CSV files.",
)
@friendly_errors
def export(scenario_file: Path, plan_file: Path | None, out: Path) -> None:
    """Convert a plan (or, without PLAN_FILE, the scenario) to another format.

    A plan exported to .xlsx is the workbook for the members: an overview per employer and
    period, one sheet per employer and per worker, KPIs and named costs. Its Placements sheet can
    be edited and checked with `werkdeling validate`.

    \b
    Examples:
      werkdeling export pool.yaml plan.json --out plan.xlsx
      werkdeling export pool.yaml plan.json --out plan-csv
      werkdeling export intake.xlsx --out pool.yaml
    """
    refuse_overwriting_inputs(out, scenario_file, plan_file)
    scenario = load_scenario(scenario_file)
    if plan_file is None:
        save_scenario(scenario, out)
    else:
        plan: Plan = load_plan_for(scenario, plan_file)
        write_plan(scenario, plan, out)
    click.echo(f"wrote {out}")


@click.command()
@click.argument("what", type=click.Choice(["scenario", "plan"]), default="scenario")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file instead of printing.")
@friendly_errors
def schema(what: str, out: Path | None) -> None:
    """Print the JSON Schema of a scenario (default) or a plan file.

    \b
    Example:
      werkdeling schema > scenario.schema.json
    """
    model = Scenario if what == "scenario" else Plan
    text = json.dumps(model.model_json_schema(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(out, text)
