"""What the commands share: exit codes, error handling, solve options, output files, progress."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.live import Live
from rich.text import Text

from werkdeling.errors import InputError, SolverError
from werkdeling.plan import Plan, load_plan, save_plan
from werkdeling.result import Result
from werkdeling.scenario import Scenario, load_scenario
from werkdeling.scenario.io import DATA_SUFFIXES
from werkdeling.scenario.settings import ObjectiveMode
from werkdeling.solver import Progress, solve

EXIT_OK, EXIT_NOT_OK, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: What shells report for a program stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(command: F) -> F:
    """Turn input errors into a message on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except PermissionError as exc:
            click.echo(f"error: cannot write {exc.filename}: permission denied; choose another place", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except SolverError as exc:
            click.echo(f"internal error: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)
        except KeyboardInterrupt:
            click.echo("stopped by the user; nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


def demo_scenario() -> Scenario:
    """The built-in example: five Limburg employers share fourteen workers in 2027."""
    with resources.as_file(resources.files("werkdeling") / "data" / "demo.yaml") as path:
        return load_scenario(path)


def refuse_overwriting_inputs(out: Path | None, *inputs: Path | None) -> None:
    if out is None:
        return
    for source in inputs:
        if source is not None and source.exists() and out.resolve() == source.resolve():
            raise InputError([f"--out {out} is also an input file; werkdeling never overwrites its inputs"])


def refuse_existing(out: Path, force: bool) -> None:
    """A filled-in workbook must never be lost to a new template."""
    if out.exists() and not force:
        raise InputError([f"{out} already exists; choose another name, or pass --force to replace it"])


def load_plan_for(scenario: Scenario, path: Path) -> Plan:
    """Read a plan; periods a spreadsheet turned into dates are read in the scenario's granularity."""
    return load_plan(path, scenario.horizon.granularity)


def write_plan(scenario: Scenario, plan: Plan, path: Path) -> None:
    """Write a plan by the kind of ``path``: ``.json``/``.yaml``; ``.xlsx`` (the coordinator's
    workbook); ``.csv`` (placements only); anything else is a folder of CSV files."""
    if path.suffix.lower() in DATA_SUFFIXES:
        save_plan(plan, path)
        return
    from werkdeling.sheets.plan_sheets import write_plan_book

    write_plan_book(scenario, plan, path)


def solve_options(command: F, default_time_limit: float = 30.0) -> F:
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
        click.option("--quiet", "-q", is_flag=True, help="No live progress display."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class LiveProgress:
    """One live line on stderr while CP-SAT searches: elapsed time, best plan, bound and gap.

    Shown only on a terminal and without ``--quiet`` or ``--log``; scripts and pipes get nothing.
    """

    def __init__(self, time_limit: float, enabled: bool) -> None:
        self._console = Console(stderr=True)
        self._enabled = enabled and self._console.is_terminal
        self._time_limit = time_limit
        self._latest: Progress | None = None
        self._started = time.perf_counter()
        self._live: Live | None = None

    def update(self, progress: Progress) -> None:
        self._latest = progress  # one reference swap: safe to call from CP-SAT's threads

    def __rich__(self) -> Text:
        elapsed = time.perf_counter() - self._started
        text = Text(f"solving {elapsed:5.1f} s of {self._time_limit:g} s", style="bold")
        p = self._latest
        if p is not None and p.stages > 1:
            text.append(f"  stage {p.stage}/{p.stages} ({'+'.join(t.value for t in p.terms)})")
        if p is None or p.objective is None:
            text.append("  looking for a first plan")
        else:
            text.append(f"  best plan {p.objective:,.1f}", style="green")
            if p.bound is not None:
                text.append(f"  bound {p.bound:,.1f}  gap {p.gap_pct or 0:.1f} %")
        text.append("  Ctrl-C: stop, keep best", style="dim")
        return text

    def __enter__(self) -> LiveProgress:
        if self._enabled:
            self._live = Live(self, console=self._console, refresh_per_second=4, transient=True)
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()


def solve_with_progress(
    scenario: Scenario,
    *,
    time_limit: float,
    seed: int,
    num_workers: int | None,
    mode: str | None,
    log: bool,
    quiet: bool,
    warm_start: Plan | None = None,
    strategy: str = "auto",
) -> Result:
    with LiveProgress(time_limit, enabled=not (quiet or log)) as display:
        return solve(
            scenario,
            time_limit=time_limit,
            seed=seed,
            num_workers=num_workers,
            log=log,
            warm_start=warm_start,
            mode=mode,
            progress=display.update,
            strategy=strategy,
        )
