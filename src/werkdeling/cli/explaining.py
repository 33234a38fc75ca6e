"""Commands that explain: why no plan, why a gap, who could cover it, where the cost comes from."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from werkdeling.cli.common import EXIT_NOT_OK, EXIT_OK, friendly_errors, load_plan_for
from werkdeling.evaluation.costs import CostBreakdown, cost_breakdown
from werkdeling.explain import (
    CoverOptions,
    ShortfallExplanation,
    explain_infeasibility,
    explain_shortfall,
    who_can_cover,
)
from werkdeling.replan import DEFAULT_CHANGE_PENALTY
from werkdeling.report import text_table
from werkdeling.scenario import Scenario, load_scenario

_gap_options = [
    click.option("--employer", required=True, help="Employer id."),
    click.option("--role", required=True, help="Role (skill) of the demand."),
    click.option("--period", required=True, help="Period label, e.g. 2027-11."),
    click.option(
        "--change-penalty",
        type=click.IntRange(min=0),
        default=DEFAULT_CHANGE_PENALTY,
        show_default=True,
        help="Cost points per worker-period that differs from the current plan.",
    ),
    click.option(
        "--from",
        "from_period",
        default=None,
        help="First period that may change; earlier periods keep the current plan.",
    ),
    click.option("--time-limit", type=click.FloatRange(min=0), default=5.0, show_default=True, help="Seconds in all."),
    click.option("--workers", "num_workers", type=click.IntRange(min=1), default=None, help="CP-SAT search workers."),
    click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON."),
]


def gap_options(command: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(_gap_options):
        command = option(command)
    return command


def _frozen(scenario: Scenario, from_period: str | None) -> int:
    from werkdeling.errors import InputError

    if from_period is None:
        return 0
    try:
        return scenario.horizon.index(from_period)
    except ValueError as exc:
        raise InputError([f"--from: {exc}"]) from None


@click.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option("--time-limit", type=click.FloatRange(min=0), default=60.0, show_default=True, help="Seconds in all.")
@click.option("--max-conflicts", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@friendly_errors
def explain(scenario_file: Path, time_limit: float, max_conflicts: int, as_json: bool) -> None:
    """Say why a scenario has no plan: the hard rules that conflict, in the scenario's words.

    Each conflict is minimal (every rule in it is needed), comes with the facts behind it (who
    holds the skill, who is unavailable or too far) and with the changes that would lift it.
    Exit code 1 when the scenario has no plan, 0 when its hard rules can all hold.

    \b
    Example:
      werkdeling explain intake.xlsx
    """
    scenario = load_scenario(scenario_file)
    explanation = explain_infeasibility(scenario, time_limit=time_limit, max_conflicts=max_conflicts)
    if as_json:
        click.echo(explanation.model_dump_json(indent=2))
    else:
        click.echo(explanation.summary())
    sys.exit(EXIT_OK if explanation.feasible else EXIT_NOT_OK)


def _answer_gap(
    ask: Callable[..., CoverOptions | ShortfallExplanation], scenario_file: Path, plan_file: Path, gap: dict[str, Any]
) -> None:
    """Load, ask ``explain_shortfall`` or ``who_can_cover`` about one gap, print the answer."""
    scenario = load_scenario(scenario_file)
    plan = load_plan_for(scenario, plan_file)
    as_json = gap.pop("as_json")
    frozen = _frozen(scenario, gap.pop("from_period"))
    answer = ask(scenario, plan, gap.pop("employer"), gap.pop("role"), gap.pop("period"), frozen_periods=frozen, **gap)
    if as_json:
        plans = {"candidates": {"__all__": {"plan"}}}  # the candidates' whole plans are for Python callers
        exclude = {"options": plans} if isinstance(answer, ShortfallExplanation) else plans
        click.echo(answer.model_dump_json(indent=2, exclude=exclude))
    else:
        click.echo(answer.summary())
    sys.exit(EXIT_OK)


@click.command(name="why")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path))
@gap_options
@friendly_errors
def why(scenario_file: Path, plan_file: Path, **gap: Any) -> None:
    """Say why a peak is not covered: per worker, what keeps them away, and the cheapest fix.

    A worker is kept away by a fact (skill, availability, travel limit, membership, a return to
    work), by a rule that moving only them would break, or by the cost of moving them once the
    whole plan is re-optimised.

    \b
    Example:
      werkdeling why pool.yaml plan.json --employer ardo --role heftruck --period 2027-11
    """
    _answer_gap(explain_shortfall, scenario_file, plan_file, gap)


@click.command(name="cover")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path))
@gap_options
@friendly_errors
def cover(scenario_file: Path, plan_file: Path, **gap: Any) -> None:
    """Rank who could cover a gap, by the cost change of the whole re-optimised plan.

    Each candidate is first costed by moving only them; the most promising are re-optimised with
    them placed there, over a window around the gap, starting from the current plan and paying
    --change-penalty per changed worker-period. The list says what else moves.

    \b
    Example:
      werkdeling cover pool.yaml plan.json --employer ardo --role heftruck --period 2027-11
    """
    _answer_gap(who_can_cover, scenario_file, plan_file, gap)


def cost_tables(costs: CostBreakdown, by: str) -> str:
    """Costs by term, and by term per employer or per worker, as text tables."""
    parts = []
    if by in ("term", "all"):
        rows = [[t.value, f"{v:,.1f}"] for t, v in costs.by_term.items() if v]
        parts.append(text_table(["term", "cost"], [*rows, ["total", f"{costs.total:,.1f}"]]))
    for name in ("employer", "worker"):
        if by in (name, "all"):
            header, table = costs.table(name)
            cells = [[str(row[0]), *(f"{v:,.1f}" for v in row[1:] if isinstance(v, float))] for row in table]
            parts.append(text_table(header, cells))
    return "\n\n".join(parts)


@click.command(name="costs")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.argument("plan_file", type=click.Path(path_type=Path))
@click.option(
    "--by",
    type=click.Choice(["term", "employer", "worker", "all"]),
    default="all",
    show_default=True,
    help="Which breakdown to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the breakdown as JSON.")
@friendly_errors
def costs(scenario_file: Path, plan_file: Path, by: str, as_json: bool) -> None:
    """Show where a plan's cost comes from: by term, and by term per employer and per worker.

    Costs that belong to no single employer (idle pay, course fees) or to no single worker
    (shortfall, overstaffing) are shown on their own line, so every table adds up to the total.

    \b
    Example:
      werkdeling costs pool.yaml plan.json --by employer
    """
    scenario = load_scenario(scenario_file)
    breakdown = cost_breakdown(scenario, load_plan_for(scenario, plan_file))
    if as_json:
        click.echo(json.dumps(breakdown.model_dump(mode="json"), indent=2))
    else:
        click.echo(cost_tables(breakdown, by))
    sys.exit(EXIT_OK)
