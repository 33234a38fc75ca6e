"""The ``werkdeling`` command.

Exit codes: 0 success; 1 no plan found (infeasible or out of time), a plan that breaks rules;
2 bad input (the message says what and where); 3 an internal error (please report it);
130 stopped with Ctrl-C before anything was written.
"""

from __future__ import annotations

import click

from werkdeling.cli.charts import plot
from werkdeling.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_NOT_OK, EXIT_OK, demo_scenario
from werkdeling.cli.files import export, schema, template
from werkdeling.cli.planning import compare, demo, solve_command, validate_command


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
    """


for command in (demo, solve_command, validate_command, compare, template, export, schema, plot):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="werkdeling")


__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_NOT_OK", "EXIT_OK", "cli", "demo_scenario", "main"]
