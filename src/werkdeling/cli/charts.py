"""The plot command."""

from __future__ import annotations

from pathlib import Path

import click

from werkdeling.cli.common import friendly_errors, load_plan_for
from werkdeling.errors import InputError
from werkdeling.scenario import load_scenario

FORMATS = ("png", "svg", "pdf")


@click.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path), required=False)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("charts"),
    show_default=True,
    help="Folder for the chart files (created if needed).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="File format; repeat for several (default: png and svg).",
)
@friendly_errors
def plot(scenario_file: Path, plan_file: Path | None, out: Path, formats: tuple[str, ...]) -> None:
    """Draw charts of a plan: allocation, demand against cover, pooled demand, worker timelines.

    Without PLAN_FILE only the demand charts are drawn, useful before planning. Needs matplotlib:
    pip install "werkdeling[plot]".

    \b
    Examples:
      werkdeling plot pool.yaml plan.json --out charts/
      werkdeling plot intake.xlsx plan.xlsx --out charts/ --format png
    """
    try:
        from werkdeling.plot import save_charts
    except ImportError:
        raise InputError(['charts need matplotlib; install it with: pip install "werkdeling[plot]"']) from None
    scenario = load_scenario(scenario_file)
    plan = load_plan_for(scenario, plan_file) if plan_file is not None else None
    written = save_charts(scenario, plan, out, formats or ("png", "svg"))
    for path in written:
        click.echo(f"wrote {path}")
