"""An anchor plan (:class:`werkdeling.model.Anchor`) in the terms of planning by period.

Re-planning a large pool (:func:`werkdeling.replan`) keeps the frozen periods of the plan in
force and charges ``change_penalty`` per changed worker-period. Without splits, a worker works
in at most one slot per period, so the change count is linear in the period's placements:

* a worker who had slot ``s`` in an open period changes unless placed in ``s`` again: the
  change costs the penalty, less the penalty where the placement in ``s`` is made;
* a worker who had none changes by being placed anywhere: each placement costs the penalty;
* a placement that can no longer be made as it was (its slot is gone, its hours differ from
  the worker's, or the worker had two) is a change whatever the new plan does.

So each candidate placement's cost moves by ``-penalty``, ``+penalty`` or 0
(:meth:`PeriodAnchor.extra`), and the plan's change cost is :attr:`PeriodAnchor.constant_units`
plus those moves: the period models, their LPs and their searches need nothing else. Frozen
periods are not planned at all: they keep the anchor plan's column (:attr:`PeriodAnchor.fixed`).
Forced placements are not supported here; :func:`werkdeling.solve` builds the whole model for
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from werkdeling.evaluation.diff import diff_plans
from werkdeling.evaluation.measure import ResolvedRow, resolve
from werkdeling.model.anchor import Anchor, AnchorError, frozen_problems
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario
from werkdeling.scenario.scenario import BoolArray, IntArray

#: No placement in the anchor plan (as ``IDLE`` in :mod:`werkdeling.local_search`).
NONE = -1
#: A placement of the anchor plan that no candidate can make again as it was.
LOST = -2


@dataclass(frozen=True)
class PeriodAnchor:
    """The anchor plan as arrays, for :func:`werkdeling.decompose.plan_by_period`."""

    #: ``(workers, periods)``: the anchor plan's slot of each worker in each period, ``NONE``
    #: for none, ``LOST`` for a placement no candidate makes again as it was.
    old: IntArray
    #: ``(periods,)``: whether the period may change.
    open: BoolArray
    #: ``(workers, periods)``: the slot of each worker in each frozen period (``NONE``: none).
    fixed: IntArray
    #: Objective units per changed worker-period.
    penalty_units: int
    #: The change cost of the plan empty in the open periods (and frozen elsewhere), in units.
    constant_units: int

    def extra(self, period: int, worker: IntArray, slot: IntArray) -> IntArray:
        """What the change penalty adds to each candidate placement's cost in ``period``
        (``worker[i]`` in ``slot[i]``), against leaving the worker unplaced."""
        if not self.open[period] or self.penalty_units == 0:
            return np.zeros(len(worker), dtype=np.int64)
        old = self.old[worker, period]
        return np.where(old == NONE, self.penalty_units, np.where(old == slot, -self.penalty_units, 0)).astype(np.int64)

    @property
    def frozen(self) -> BoolArray:
        return ~self.open


def supported(anchor: Anchor) -> bool:
    """Whether planning by period can keep ``anchor``: it has no forced placements."""
    return not anchor.forced


def period_anchor(scenario: Scenario, anchor: Anchor, allowed: BoolArray) -> PeriodAnchor:
    """``anchor`` for planning ``scenario`` by period, whose possible placements are
    ``allowed``. Raises :class:`~werkdeling.model.AnchorError` where a frozen placement is no
    longer possible, with the same messages as the whole model."""
    if not supported(anchor):
        raise ValueError("planning by period does not take forced placements")
    workers, periods = len(scenario.workers), scenario.horizon.periods
    q = scenario.quantities
    capacity = q.capacity_minutes
    maximum = np.array([[int(m) for m in slot.maximum] for slot in q.slots], dtype=np.int64).reshape(-1, periods)

    def fits(row: ResolvedRow) -> bool:
        minutes = int(capacity[row.worker, row.period])
        return bool(
            allowed[row.worker, row.period, row.slot]
            and 0 < minutes == row.minutes
            and minutes <= maximum[row.slot, row.period]
        )

    resolved = resolve(scenario, anchor.plan)
    if problems := frozen_problems(scenario, anchor, resolved, fits, (), ()):
        raise AnchorError(problems)
    open_ = np.array([not anchor.is_frozen(k) for k in range(periods)], dtype=np.bool_)
    old = np.full((workers, periods), NONE, dtype=np.int64)
    fixed = np.full((workers, periods), NONE, dtype=np.int64)
    for row in resolved.rows:
        w, k = row.worker, row.period
        if not open_[k]:
            fixed[w, k] = row.slot
        elif old[w, k] != NONE or not fits(row):
            old[w, k] = LOST  # a second row, or one no candidate makes again: a change whatever happens
        else:
            old[w, k] = row.slot
    # The plan empty in the open periods changes every worker-period the anchor plan has there,
    # including rows that name something not in the scenario (counted as the validator does).
    kept = Plan(placements=tuple(r.placement for r in resolved.rows if not open_[r.period]))
    penalty_units = anchor.change_penalty * OBJECTIVE_SCALE
    constant = penalty_units * diff_plans(anchor.plan, kept).changed_placements
    return PeriodAnchor(old, open_, fixed, penalty_units, constant)
