"""What :func:`werkdeling.solve` returns: the plan with its status, costs, bound and KPIs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation import CostBreakdown, Kpis, PlanDiff, TermValue
from werkdeling.plan import Plan
from werkdeling.scenario import Term
from werkdeling.scenario.settings import ObjectiveMode
from werkdeling.serialize import write_text_atomic


class Status(StrEnum):
    """``optimal``: proven best; ``feasible``: a plan, not proven best; ``infeasible``: no plan
    can satisfy the hard rules; ``unknown``: no plan found within the time limit."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


def gap_pct(objective: float | None, bound: float | None) -> float | None:
    """Relative distance between a plan's objective and the proven bound, in % of the objective."""
    if objective is None or bound is None:
        return None
    if objective == 0:
        return 0.0
    return max(0.0, 100.0 * (objective - bound) / abs(objective))


class Stage(BaseModel):
    """One CP-SAT solve. A weighted solve has one stage; a lexicographic solve one per level."""

    model_config = ConfigDict(frozen=True)

    terms: tuple[Term, ...]
    status: Status
    objective: float | None
    bound: float | None
    runtime: float


class Result(BaseModel):
    """Outcome of a solve.

    ``objective`` is the weighted sum of all terms of ``plan``; ``terms`` breaks it down by name
    (terms with weight 0 are measured and shown with cost 0). ``bound`` and ``gap_pct`` come from
    the solver's proof: no plan can cost less than ``bound``. In lexicographic mode they are per
    stage (see ``stages``), as a bound on the weighted sum does not exist there.
    """

    model_config = ConfigDict(frozen=True)

    status: Status
    mode: ObjectiveMode
    plan: Plan | None
    objective: float | None
    bound: float | None
    runtime: float
    terms: dict[Term, TermValue]
    kpis: Kpis | None
    stages: tuple[Stage, ...]
    notes: tuple[str, ...] = ()
    #: The plan's cost by term within each employer and each worker.
    costs: CostBreakdown | None = None
    #: With an anchor plan (re-planning): what changed against it, and the change penalties paid
    #: (cost points; part of what the solver minimised and of what ``bound`` bounds).
    changes: PlanDiff | None = None
    change_cost: float = 0.0

    def is_feasible(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def cost(self) -> float | None:
        return self.objective

    @property
    def gap_pct(self) -> float | None:
        """Relative distance between plan and bound, in % of the plan's objective (change
        penalties included when re-planning)."""
        return gap_pct(None if self.objective is None else self.objective + self.change_cost, self.bound)

    def summary(self) -> str:
        lines = [f"status      {self.status.value} ({self.mode.value}, {self.runtime:.2f} s)"]
        if self.objective is not None:
            lines.append(f"objective   {self.objective:,.2f}")
        if self.changes is not None:
            lines.append(
                f"changes     {self.changes.changed_placements} worker-period(s), penalty {self.change_cost:,.2f} "
                f"(objective + penalty {(self.objective or 0) + self.change_cost:,.2f})"
            )
        if self.bound is not None:
            lines.append(f"bound       {self.bound:,.2f}  (gap {self.gap_pct:.2f} %)")
        for stage in self.stages if self.mode is ObjectiveMode.LEXICOGRAPHIC else ():
            names = "+".join(t.value for t in stage.terms)
            obj = "-" if stage.objective is None else f"{stage.objective:,.2f}"
            bound = "-" if stage.bound is None else f"{stage.bound:,.2f}"
            lines.append(f"  stage {names}: {stage.status.value}, {obj} (bound {bound})")
        if self.terms:
            lines.append("cost by term")
            for t in self.terms.values():
                lines.append(
                    f"  {t.term.value:<19} {t.quantity:>12,.2f} {t.unit:<8} x {t.weight:>4} = {t.cost:>14,.2f}"
                )
        if self.kpis is not None:
            lines.append("KPIs")
            lines += ["  " + line for line in self.kpis.summary().splitlines()]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def save(self, path: str | Path) -> None:
        """Write the whole result as JSON, atomically."""
        write_text_atomic(path, self.model_dump_json(indent=2) + "\n")
