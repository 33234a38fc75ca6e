"""Stage 1 of the pipeline: the scenario, validated and immutable."""

from werkdeling.scenario.entities import Employer, Location, RoleDemand, Unit, Worker
from werkdeling.scenario.horizon import Granularity, Horizon
from werkdeling.scenario.io import load_scenario, save_scenario, scenario_from_data
from werkdeling.scenario.legal import LegalForm
from werkdeling.scenario.programmes import Preference, ReturnToWork, TrainingOffer, Vacancy
from werkdeling.scenario.scenario import OBJECTIVE_SCALE, DemandSlot, Quantities, Scenario
from werkdeling.scenario.settings import Objective, ObjectiveMode, Rules, Splits, Term, Weights

__all__ = [
    "OBJECTIVE_SCALE",
    "DemandSlot",
    "Employer",
    "Granularity",
    "Horizon",
    "LegalForm",
    "Location",
    "Objective",
    "ObjectiveMode",
    "Preference",
    "Quantities",
    "ReturnToWork",
    "RoleDemand",
    "Rules",
    "Scenario",
    "Splits",
    "Term",
    "TrainingOffer",
    "Unit",
    "Vacancy",
    "Weights",
    "Worker",
    "load_scenario",
    "save_scenario",
    "scenario_from_data",
]
