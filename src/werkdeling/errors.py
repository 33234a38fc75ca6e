"""Named exceptions. Each carries messages meant for a coordinator, not a Python developer."""

from __future__ import annotations


class WerkdelingError(Exception):
    """Base of every error werkdeling raises on purpose."""


class InputError(WerkdelingError, ValueError):
    """A scenario or plan that cannot be used, with one line per problem.

    Attributes
    ----------
    source
        The file (or other origin) the input came from, if known.
    problems
        What is wrong, each naming where and how to fix it.
    """

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        if len(problems) == 1:
            text = f"{head}{problems[0]}"
        else:
            text = f"{head}{len(problems)} problems\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(text)


class ScenarioError(InputError):
    """The scenario is malformed or inconsistent."""


class PlanError(InputError):
    """The plan file is malformed (a plan that breaks rules is reported by ``validate``)."""


class SolverError(WerkdelingError):
    """The solver failed in a way that is a bug in werkdeling, not in the input."""
