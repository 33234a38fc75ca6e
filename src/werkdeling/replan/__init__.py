"""Re-planning after a disruption: what changed, and the revised plan with as few changes as pay."""

from werkdeling.replan.disruption import (
    Absent,
    Change,
    DemandRevised,
    Disruption,
    EmployerJoins,
    EmployerLeaves,
    WorkerJoins,
    WorkerLeaves,
    load_disruption,
)
from werkdeling.replan.replan import DEFAULT_CHANGE_PENALTY, Replanned, replan

__all__ = [
    "DEFAULT_CHANGE_PENALTY",
    "Absent",
    "Change",
    "DemandRevised",
    "Disruption",
    "EmployerJoins",
    "EmployerLeaves",
    "Replanned",
    "WorkerJoins",
    "WorkerLeaves",
    "load_disruption",
    "replan",
]
