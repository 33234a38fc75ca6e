"""The ``werkdeling`` command.

Exit codes: 0 success; 1 no plan found (infeasible or out of time) or the plan breaks rules;
2 bad input (the message says what and where); 3 an internal error (please report it).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from werkdeling.errors import InputError, SolverError
from werkdeling.evaluation import validate
from werkdeling.plan import Plan, load_plan, save_plan
from werkdeling.report import period_employer_table, worker_table
from werkdeling.result import Result
from werkdeling.scenario import Scenario, load_scenario
from werkdeling.scenario.settings import ObjectiveMode
from werkdeling.solver import solve

EXIT_OK, EXIT_NOT_OK, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(command: F) -> F:
    """Turn input errors into a message on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except SolverError as exc:
            click.echo(f"internal error: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def demo_scenario() -> Scenario:
    """The built-in example: five Limburg employers share fourteen workers in 2027."""
    with resources.as_file(resources.files("werkdeling") / "data" / "demo.yaml") as path:
        return load_scenario(path)


def _refuse_overwriting_inputs(out: Path | None, *inputs: Path | None) -> None:
    if out is None:
        return
    for source in inputs:
        if source is not None and source.exists() and out.resolve() == source.resolve():
            raise InputError([f"--out {out} is also an input file; werkdeling never overwrites its inputs"])


def _solve_options(command: F, default_time_limit: float = 30.0) -> F:
    options = [
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0),
            default=default_time_limit,
            show_default=True,
            help="Seconds for the search.",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="Random seed; with --workers 1 the same seed gives the same plan.",
        ),
        click.option(
            "--workers",
            "num_workers",
            type=click.IntRange(min=1),
            default=None,
            help="CP-SAT search workers (default: all cores).",
        ),
        click.option(
            "--mode",
            type=click.Choice([m.value for m in ObjectiveMode]),
            default=None,
            help="Override the scenario's objective mode.",
        ),
        click.option("--log", is_flag=True, help="Print CP-SAT's search log."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_plan_out_option = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan to this file (.json or .yaml).",
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="werkdeling")
def cli() -> None:
    """Plan shared workers across employers with seasonal peaks and dips.

    \b
    Start with the built-in example:
      werkdeling demo
    """


@cli.command()
@functools.partial(_solve_options, default_time_limit=10.0)
@click.option(
    "--save-scenario",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the example scenario to this file, to edit and re-run.",
)
@_plan_out_option
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@_friendly_errors
def demo(time_limit: float, seed: int, num_workers: int | None, mode: str | None, log: bool,
         save_scenario: Path | None, out: Path | None, as_json: bool) -> None:  # fmt: skip
    """Solve the built-in example and print the plan with its KPIs.

    \b
    Example:
      werkdeling demo --time-limit 10 --save-scenario my-pool.yaml
    """
    scenario = demo_scenario()
    if save_scenario is not None:
        from werkdeling.scenario.io import save_scenario as write

        write(scenario, save_scenario)
    result = solve(scenario, time_limit=time_limit, seed=seed, num_workers=num_workers, log=log, mode=mode)
    if out is not None and result.plan is not None:
        save_plan(result.plan, out)
    _print_result(scenario, result, as_json)
    sys.exit(EXIT_OK if result.is_feasible() else EXIT_NOT_OK)


@cli.command(name="solve")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@_solve_options
@_plan_out_option
@click.option(
    "--result",
    "result_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole result (plan, costs, KPIs) as JSON.",
)
@click.option("--warm-start", type=click.Path(path_type=Path), help="Start from an earlier plan.")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON instead of tables.")
@_friendly_errors
def solve_command(scenario_file: Path, time_limit: float, seed: int, num_workers: int | None, mode: str | None,
                  log: bool, out: Path | None, result_file: Path | None, warm_start: Path | None,
                  as_json: bool) -> None:  # fmt: skip
    """Plan a scenario file (.json or .yaml).

    \b
    Example:
      werkdeling solve pool.yaml --out plan.json --time-limit 60
    """
    _refuse_overwriting_inputs(out, scenario_file, warm_start)
    _refuse_overwriting_inputs(result_file, scenario_file, warm_start)
    scenario = load_scenario(scenario_file)
    start_plan = load_plan(warm_start) if warm_start is not None else None
    result = solve(scenario, time_limit=time_limit, seed=seed, num_workers=num_workers, log=log,
                   warm_start=start_plan, mode=mode)  # fmt: skip
    if out is not None and result.plan is not None:
        save_plan(result.plan, out)
    if result_file is not None:
        result.save(result_file)
    _print_result(scenario, result, as_json)
    if not result.is_feasible():
        click.echo(f"no plan: {result.status.value}", err=True)
    sys.exit(EXIT_OK if result.is_feasible() else EXIT_NOT_OK)


@cli.command(name="validate")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_friendly_errors
def validate_command(scenario_file: Path, plan_file: Path, as_json: bool) -> None:
    """Check a plan (for example one edited by hand) against a scenario.

    Lists every broken rule in words and recomputes the cost of each term. Exit code 1 when a
    rule is broken.

    \b
    Example:
      werkdeling validate pool.yaml plan.json
    """
    scenario = load_scenario(scenario_file)
    plan = load_plan(plan_file)
    report = validate(scenario, plan)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **report.model_dump(mode="json"),
                    "is_valid": report.is_valid,
                    "objective": report.objective,
                },
                indent=2,
            )
        )
    else:
        click.echo(report.summary())
    sys.exit(EXIT_OK if report.is_valid else EXIT_NOT_OK)


@cli.command()
@click.argument("what", type=click.Choice(["scenario", "plan"]), default="scenario")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file instead of printing.",
)
@_friendly_errors
def schema(what: str, out: Path | None) -> None:
    """Print the JSON Schema of a scenario (default) or a plan file.

    \b
    Example:
      werkdeling schema > scenario.schema.json
    """
    from werkdeling.serialize import write_text_atomic

    model = Scenario if what == "scenario" else Plan
    text = json.dumps(model.model_json_schema(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(out, text)


def main() -> None:
    cli(prog_name="werkdeling")


if __name__ == "__main__":  # pragma: no cover
    main()
