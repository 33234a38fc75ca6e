"""Stage 2 of the pipeline: turn a scenario into a CP-SAT model.

:func:`build_model` creates the decision variables (eligibility rules decide which exist), adds
the constraint rules, then the objective terms whose weight is above zero. The order matters only
in that variables come first; rules and terms are independent of each other (the switch count is
built once and shared by whoever needs it first).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from werkdeling.model.anchor import Anchor, add_anchor
from werkdeling.model.guards import Guards
from werkdeling.model.objective import TERM_BUILDERS
from werkdeling.model.rules import RULES
from werkdeling.model.variables import Expr, PlanVars, create_variables
from werkdeling.plan import PermanentMove, Placement, Plan, TrainingSpell
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.scenario import BoolArray
from werkdeling.scenario.settings import TERM_QUANTITY


@dataclass
class BuiltModel:
    """A CP-SAT model with handles on its placement variables and named objective terms."""

    scenario: Scenario
    model: cp_model.CpModel
    variables: PlanVars
    #: Quantity expression of each term with a weight above zero, in its integer unit.
    terms: dict[Term, Expr]
    #: With an anchor plan: the number of changed worker-periods, and its cost points per change.
    changes: Expr = 0
    change_penalty: int = 0
    #: The constraints (positions in the proto) each term's helper variables added; a term left
    #: out of an objective can leave its rows out of an LP relaxation too.
    term_rows: dict[Term, range] = field(default_factory=dict)

    def objective(self, terms: tuple[Term, ...] | None = None, *, with_changes: bool = True) -> Expr:
        """Weighted sum of ``terms`` (all built terms by default), in objective units, plus the
        change penalty of an anchored model when ``with_changes``."""
        chosen = self.terms if terms is None else {t: self.terms[t] for t in terms if t in self.terms}
        weights = self.scenario.weights
        parts = [weights.of(t) * TERM_QUANTITY[t][2] * expr for t, expr in chosen.items()]
        if with_changes and self.change_penalty:
            parts.append(self.change_penalty * OBJECTIVE_SCALE * self.changes)
        return cp_model.LinearExpr.sum(parts)


def build_model(
    scenario: Scenario,
    *,
    explain: bool = False,
    anchor: Anchor | None = None,
    periods: Collection[int] | None = None,
    last_employers: dict[int, int | None] | None = None,
    next_employers: dict[int, int] | None = None,
    allowed: BoolArray | None = None,
) -> BuiltModel:
    """Build the model of ``scenario``.

    ``periods``, ``last_employers`` and ``next_employers`` build a period model, which places
    people only in those periods (see :func:`~werkdeling.model.variables.create_variables` and
    :mod:`werkdeling.decompose`); ``allowed`` saves recomputing the possible placements.

    With an ``anchor`` plan, frozen periods keep it, forced placements are made and each changed
    worker-period costs ``anchor.change_penalty`` (see :mod:`werkdeling.model.anchor`).
    ``explain=True`` builds a feasibility model for :mod:`werkdeling.explain.conflicts`: every
    rule instance a coordinator could change is guarded by a literal (``variables.guards``) and
    no objective terms are built.
    """
    model = cp_model.CpModel()
    model.name = scenario.name
    guards = Guards(model) if explain else None
    variables = create_variables(
        model, scenario, guards, periods=periods, last_employers=last_employers, next_employers=next_employers,
        allowed=allowed,
    )  # fmt: skip
    for add_rule in RULES:
        add_rule(model, variables)
    if explain:
        return BuiltModel(scenario, model, variables, {})
    # Zero weight, zero cost: a term with weight 0 gets no helper variables at all.
    terms: dict[Term, Expr] = {}
    term_rows: dict[Term, range] = {}
    for term, builder in TERM_BUILDERS.items():
        if scenario.weights.of(term) > 0:
            first = len(model.proto.constraints)
            terms[term] = builder(model, variables)
            term_rows[term] = range(first, len(model.proto.constraints))
    built = BuiltModel(scenario, model, variables, terms, term_rows=term_rows)
    if anchor is not None:
        built.changes = add_anchor(model, variables, anchor)
        built.change_penalty = anchor.change_penalty
    return built


def placement_of(scenario: Scenario, worker: int, period: int, slot: int, minutes: int) -> Placement:
    """The plan row of ``worker`` working ``minutes`` in ``slot`` in ``period`` (positions)."""
    demand = scenario.quantities.slots[slot]
    return Placement(
        worker=scenario.workers[worker].id,
        period=scenario.horizon.labels[period],
        employer=scenario.employers[demand.employer].id,
        role=demand.role,
        # minutes/60 to 4 decimals always maps back to the same whole minute
        hours=round(minutes / 60, 4),
    )


def read_plan(built: BuiltModel, value: Callable[[cp_model.IntVar], int]) -> Plan:
    """The plan in a solution, given the value of each decision variable (e.g. ``solver.value``)."""
    scenario = built.scenario
    pv = built.variables
    labels = scenario.horizon.labels
    capacity = scenario.quantities.capacity_minutes
    placements = []
    for (w, p, s), var in pv.x.items():
        if value(var):
            amount = pv.amounts.get((w, p, s))
            minutes = int(value(amount)) if amount is not None else int(capacity[w, p])
            placements.append(placement_of(scenario, w, p, s, minutes))
    trainings = [
        TrainingSpell(worker=scenario.workers[w].id, training=scenario.trainings[o].id, start=labels[q])
        for (w, o, q), var in pv.training.items()
        if value(var)
    ]
    transitions = [
        PermanentMove(
            worker=scenario.workers[w].id,
            employer=scenario.employers[e].id,
            vacancy=scenario.employers[e].vacancies[v].id,
            period=labels[q],
        )
        for (w, e, v, q), var in pv.permanent.items()
        if value(var)
    ]
    return Plan(placements=tuple(placements), trainings=tuple(trainings), transitions=tuple(transitions))
