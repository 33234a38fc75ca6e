"""Stage 4 of the pipeline, independent of the solver: validate a plan and compute its KPIs.

Nothing in this package imports the solver or OR-Tools; a test checks that.
"""

from werkdeling.evaluation.costs import CostBreakdown, cost_breakdown
from werkdeling.evaluation.diff import PlacementChange, PlanDiff, diff_plans
from werkdeling.evaluation.kpis import EmployerCoverage, Kpis, compute_kpis
from werkdeling.evaluation.measure import TermValue
from werkdeling.evaluation.validation import ValidationReport, Violation, validate

__all__ = [
    "CostBreakdown",
    "EmployerCoverage",
    "Kpis",
    "PlacementChange",
    "PlanDiff",
    "TermValue",
    "ValidationReport",
    "Violation",
    "compute_kpis",
    "cost_breakdown",
    "diff_plans",
    "validate",
]
