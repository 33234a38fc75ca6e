"""Stage 1 of the pipeline: the scenario, validated and immutable."""

from werkdeling.scenario.entities import Employer, Location, RoleDemand, Unit, Worker
from werkdeling.scenario.horizon import Granularity, Horizon
from werkdeling.scenario.io import load_scenario, save_scenario, scenario_from_data
from werkdeling.scenario.scenario import OBJECTIVE_SCALE, DemandSlot, Quantities, Scenario
from werkdeling.scenario.settings import Objective, ObjectiveMode, Rules, Term, Weights

__all__ = [
    "OBJECTIVE_SCALE",
    "DemandSlot",
    "Employer",
    "Granularity",
    "Horizon",
    "Location",
    "Objective",
    "ObjectiveMode",
    "Quantities",
    "RoleDemand",
    "Rules",
    "Scenario",
    "Term",
    "Unit",
    "Weights",
    "Worker",
    "load_scenario",
    "save_scenario",
    "scenario_from_data",
]
