"""Stage 2 of the pipeline: turn a scenario into a CP-SAT model.

:func:`build_model` creates the decision variables (eligibility rules decide which exist), adds
the constraint rules, then the objective terms whose weight is above zero. The order matters only
in that variables come first; rules and terms are independent of each other (the switch count is
built once and shared by whoever needs it first).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from werkdeling.model.objective import TERM_BUILDERS
from werkdeling.model.rules import RULES
from werkdeling.model.variables import Expr, PlanVars, create_variables
from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.settings import TERM_QUANTITY


@dataclass
class BuiltModel:
    """A CP-SAT model with handles on its placement variables and named objective terms."""

    scenario: Scenario
    model: cp_model.CpModel
    variables: PlanVars
    #: Quantity expression of each term with a weight above zero, in its integer unit.
    terms: dict[Term, Expr]

    def objective(self, terms: tuple[Term, ...] | None = None) -> Expr:
        """Weighted sum of ``terms`` (all built terms by default), in objective units."""
        chosen = self.terms if terms is None else {t: self.terms[t] for t in terms if t in self.terms}
        weights = self.scenario.weights
        return cp_model.LinearExpr.sum([weights.of(t) * TERM_QUANTITY[t][2] * expr for t, expr in chosen.items()])


def build_model(scenario: Scenario) -> BuiltModel:
    model = cp_model.CpModel()
    model.name = scenario.name
    variables = create_variables(model, scenario)
    for add_rule in RULES:
        add_rule(model, variables)
    # Zero weight, zero cost: a term with weight 0 gets no helper variables at all.
    terms = {
        term: builder(model, variables) for term, builder in TERM_BUILDERS.items() if scenario.weights.of(term) > 0
    }
    return BuiltModel(scenario, model, variables, terms)
