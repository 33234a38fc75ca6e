"""The ``werkdeling`` command.

Exit codes: 0 success; 1 no plan found (infeasible or out of time), a plan that breaks rules;
2 bad input (the message says what and where); 3 an internal error (please report it);
130 stopped with Ctrl-C before anything was written.
"""

from __future__ import annotations

import click

from werkdeling.cli.charts import plot
from werkdeling.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_NOT_OK, EXIT_OK, demo_scenario
from werkdeling.cli.explaining import costs, cover, explain, why
from werkdeling.cli.files import export, schema, template
from werkdeling.cli.planning import compare, demo, solve_command, validate_command
from werkdeling.cli.replanning import replan_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="werkdeling")
def cli() -> None:
    """Plan shared workers across employers with seasonal peaks and dips.

    \b
    Start with the built-in example:
      werkdeling demo
    From a spreadsheet:
      werkdeling template intake.xlsx        (fill it in)
      werkdeling solve intake.xlsx --out plan.xlsx
      werkdeling plot intake.xlsx plan.xlsx --out charts/
    When things go wrong:
      werkdeling explain intake.xlsx         (why is there no plan?)
      werkdeling why intake.xlsx plan.xlsx --employer E --role R --period P
      werkdeling cover intake.xlsx plan.xlsx --employer E --role R --period P
      werkdeling replan intake.xlsx plan.xlsx --change change.yaml --out plan-v2.xlsx
    """


COMMANDS = (
    demo, solve_command, validate_command, compare, costs, explain, why, cover, replan_command, template, export,
    schema, plot,
)  # fmt: skip
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="werkdeling")


__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_NOT_OK", "EXIT_OK", "cli", "demo_scenario", "main"]
