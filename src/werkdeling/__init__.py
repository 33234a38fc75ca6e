"""werkdeling: share employees between employers with seasonal peaks and dips.

The pipeline, one package or module per stage:

1. :mod:`werkdeling.scenario`: the input, validated and immutable (:class:`Scenario`);
2. :mod:`werkdeling.model`: the CP-SAT model, one function per rule family;
3. :mod:`werkdeling.solver`: :func:`solve`, which returns a :class:`Result` with a :class:`Plan`;
4. :mod:`werkdeling.evaluation`: :func:`validate` and :func:`compute_kpis`, which never touch
   the solver.

Beside it, :mod:`werkdeling.analysis` answers the questions asked before planning: how well the
members complement each other (:func:`complementarity`) and how many year-round contracts their
demand can carry (:func:`size_pool`).

Dutch domain terms (werkschakelpunt, werkgeversgroepering) are kept where a coordinator would
look for them.
"""

from werkdeling.analysis import Complementarity, PoolSizing, complementarity, size_pool
from werkdeling.errors import InputError, PlanError, ScenarioError, SolverError, WerkdelingError
from werkdeling.evaluation import (
    Kpis,
    TermValue,
    ValidationReport,
    Violation,
    compute_kpis,
    validate,
)
from werkdeling.plan import PermanentMove, Placement, Plan, TrainingSpell, load_plan, save_plan
from werkdeling.result import Result, Stage, Status
from werkdeling.scenario import (
    Employer,
    Granularity,
    Horizon,
    LegalForm,
    Location,
    Objective,
    ObjectiveMode,
    Preference,
    ReturnToWork,
    RoleDemand,
    Rules,
    Scenario,
    Splits,
    Term,
    TrainingOffer,
    Unit,
    Vacancy,
    Weights,
    Worker,
    load_scenario,
    save_scenario,
)
from werkdeling.solver import solve

__version__ = "0.1.0"

__all__ = [
    "Complementarity",
    "Employer",
    "Granularity",
    "Horizon",
    "InputError",
    "Kpis",
    "LegalForm",
    "Location",
    "Objective",
    "ObjectiveMode",
    "PermanentMove",
    "Placement",
    "Plan",
    "PlanError",
    "PoolSizing",
    "Preference",
    "Result",
    "ReturnToWork",
    "RoleDemand",
    "Rules",
    "Scenario",
    "ScenarioError",
    "SolverError",
    "Splits",
    "Stage",
    "Status",
    "Term",
    "TermValue",
    "TrainingOffer",
    "TrainingSpell",
    "Unit",
    "Vacancy",
    "ValidationReport",
    "Violation",
    "Weights",
    "WerkdelingError",
    "Worker",
    "__version__",
    "complementarity",
    "compute_kpis",
    "load_plan",
    "load_scenario",
    "save_plan",
    "save_scenario",
    "size_pool",
    "solve",
    "validate",
]
