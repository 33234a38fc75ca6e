"""Decision variables: one boolean per possible placement, and nothing else."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray


@dataclass
class PlacementVars:
    """``x[w,p,s]`` for each possible placement, indexed three ways for the rule functions."""

    scenario: Scenario
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    #: (worker, period) -> [(slot, var)]
    by_worker_period: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: (slot, period) -> [(worker, var)]
    by_slot_period: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def coverage(self, slot: int, period: int) -> cp_model.LinearExprT:
        """Minutes placed in ``slot`` in ``period``: ``sum_w c_w x[w,p,s]``."""
        minutes = self.scenario.quantities.contract_minutes
        options = self.by_slot_period.get((slot, period), [])
        return cp_model.LinearExpr.weighted_sum([v for _, v in options], [int(minutes[w]) for w, _ in options])


def create_placement_vars(model: cp_model.CpModel, scenario: Scenario, allowed: BoolArray) -> PlacementVars:
    """One boolean per True entry of ``allowed`` (workers, periods, slots)."""
    placements = PlacementVars(scenario)
    for w, p, s in zip(*np.nonzero(allowed), strict=True):
        key = (int(w), int(p), int(s))
        var = model.new_bool_var(f"x[{scenario.workers[key[0]].id},{key[1]},{key[2]}]")
        placements.x[key] = var
        placements.by_worker_period[(key[0], key[1])].append((key[2], var))
        placements.by_slot_period[(key[2], key[1])].append((key[0], var))
    return placements
