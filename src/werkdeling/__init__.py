"""werkdeling: share employees between employers with seasonal peaks and dips.

The pipeline, one package or module per stage:

1. :mod:`werkdeling.scenario`: the input, validated and immutable (:class:`Scenario`);
2. :mod:`werkdeling.model`: the CP-SAT model, one function per rule family;
3. :mod:`werkdeling.solver`: :func:`solve`, which returns a :class:`Result` with a :class:`Plan`;
4. :mod:`werkdeling.evaluation`: :func:`validate` and :func:`compute_kpis`, which never touch
   the solver.

Dutch domain terms (werkschakelpunt, werkgeversgroepering) are kept where a coordinator would
look for them.
"""

from werkdeling.errors import InputError, PlanError, ScenarioError, SolverError, WerkdelingError
from werkdeling.evaluation import (
    Kpis,
    TermValue,
    ValidationReport,
    Violation,
    compute_kpis,
    validate,
)
from werkdeling.plan import Placement, Plan, load_plan, save_plan
from werkdeling.result import Result, Stage, Status
from werkdeling.scenario import (
    Employer,
    Granularity,
    Horizon,
    Location,
    Objective,
    ObjectiveMode,
    RoleDemand,
    Rules,
    Scenario,
    Term,
    Unit,
    Weights,
    Worker,
    load_scenario,
    save_scenario,
)
from werkdeling.solver import solve

__version__ = "0.1.0"

__all__ = [
    "Employer",
    "Granularity",
    "Horizon",
    "InputError",
    "Kpis",
    "Location",
    "Objective",
    "ObjectiveMode",
    "Placement",
    "Plan",
    "PlanError",
    "Result",
    "RoleDemand",
    "Rules",
    "Scenario",
    "ScenarioError",
    "SolverError",
    "Stage",
    "Status",
    "Term",
    "TermValue",
    "Unit",
    "ValidationReport",
    "Violation",
    "Weights",
    "WerkdelingError",
    "Worker",
    "__version__",
    "compute_kpis",
    "load_plan",
    "load_scenario",
    "save_plan",
    "save_scenario",
    "solve",
    "validate",
]
