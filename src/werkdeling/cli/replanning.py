"""The replan command: revise a plan in force after a disruption."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from werkdeling.cli.common import (
    EXIT_NOT_OK,
    EXIT_OK,
    LiveProgress,
    friendly_errors,
    load_plan_for,
    refuse_overwriting_inputs,
    write_plan,
)
from werkdeling.replan import DEFAULT_CHANGE_PENALTY, load_disruption, replan
from werkdeling.scenario import load_scenario
from werkdeling.scenario.io import save_scenario


@click.command(name="replan")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path))
@click.option(
    "--change",
    "change_file",
    type=click.Path(path_type=Path),
    required=True,
    help="What happened (.yaml or .json): absences, leavers, joiners, revised demand.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Write the revised plan (.json, .yaml, .xlsx, .csv).")
@click.option(
    "--scenario-out",
    type=click.Path(path_type=Path),
    help="Write the scenario with the changes applied (.yaml, .json, .xlsx), for the next meeting.",
)
@click.option(
    "--change-penalty",
    type=click.IntRange(min=0),
    default=DEFAULT_CHANGE_PENALTY,
    show_default=True,
    help="Cost points per worker-period that differs from the current plan.",
)
@click.option("--time-limit", type=click.FloatRange(min=0), default=30.0, show_default=True, help="Seconds.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--workers", "num_workers", type=click.IntRange(min=1), default=None, help="CP-SAT search workers.")
@click.option("--quiet", "-q", is_flag=True, help="No live progress display.")
@click.option("--json", "as_json", is_flag=True, help="Print the result and the changes as JSON.")
@friendly_errors
def replan_command(
    scenario_file: Path,
    plan_file: Path,
    change_file: Path,
    out: Path | None,
    scenario_out: Path | None,
    change_penalty: int,
    time_limit: float,
    seed: int,
    num_workers: int | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Revise a plan after a disruption, changing as few placements as is worth it.

    Periods before the disruption (or before 'from' in the change file) keep the plan; the
    current plan is the starting point; each changed worker-period costs --change-penalty. The
    changes are listed as who moves where, from when.

    \b
    A change file:
      from: 2027-05
      changes:
        - {kind: absent, worker: an, periods: ["2027-05..2027-07"]}
        - {kind: demand, employer: orchard, role: picker, required: {"2027-09": 3}}
    Other kinds: worker_leaves, worker_joins, employer_joins, employer_leaves.

    \b
    Example:
      werkdeling replan pool.yaml plan.json --change change.yaml --out plan-v2.json
    """
    for target in (out, scenario_out):
        refuse_overwriting_inputs(target, scenario_file, plan_file, change_file)
    scenario = load_scenario(scenario_file)
    plan = load_plan_for(scenario, plan_file)
    disruption = load_disruption(change_file)
    with LiveProgress(time_limit, enabled=not quiet) as display:
        replanned = replan(
            scenario, plan, disruption, change_penalty=change_penalty, time_limit=time_limit, seed=seed,
            num_workers=num_workers, progress=display.update,
        )  # fmt: skip
    result = replanned.result
    if out is not None and result.plan is not None:
        write_plan(replanned.scenario, result.plan, out)
    if scenario_out is not None:
        save_scenario(replanned.scenario, scenario_out)
    if as_json:
        data = {
            "result": result.model_dump(mode="json"),
            "frozen_periods": replanned.frozen_periods,
            "changes": replanned.changes.lines(replanned.scenario.horizon.labels),
        }
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(replanned.summary())
        click.echo()
        click.echo(result.summary())
    sys.exit(EXIT_OK if result.is_feasible() else EXIT_NOT_OK)
