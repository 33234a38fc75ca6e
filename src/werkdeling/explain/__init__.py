"""Explanations: why a scenario has no plan, why a peak is not covered, who could cover it.

These modules read the scenario and plans and, where they need to re-optimise, call the solver;
the validator still referees every plan they propose.
"""

from werkdeling.explain.conflicts import (
    Conflict,
    ConflictRule,
    InfeasibilityExplanation,
    explain_infeasibility,
    feasible_with_only,
    feasible_without,
)
from werkdeling.explain.cover import (
    Candidate,
    CoverOptions,
    ShortfallExplanation,
    WorkerSituation,
    explain_shortfall,
    who_can_cover,
)
from werkdeling.explain.reasons import Obstacle, Reason, obstacles

__all__ = [
    "Candidate",
    "Conflict",
    "ConflictRule",
    "CoverOptions",
    "InfeasibilityExplanation",
    "Obstacle",
    "Reason",
    "ShortfallExplanation",
    "WorkerSituation",
    "explain_infeasibility",
    "explain_shortfall",
    "feasible_with_only",
    "feasible_without",
    "obstacles",
    "who_can_cover",
]
