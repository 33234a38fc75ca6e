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
plus those moves.

A frozen period keeps the anchor plan's column, and a forced placement must be made: such a
worker-period is *held*. Its only candidate is its placement (none for a worker idle in a
frozen period; :meth:`PeriodAnchor.restrict`), cheaper by :attr:`PeriodAnchor.keep_units`
(put back in the constant), which is more than dropping it can gain, even where another
worker takes its place in the same move (:func:`_keep_units`). Held worker-periods are then planned
like the others, and every step of planning by period (its LPs, the switch pricing, the
whole-path moves, the sweeps) keeps them, with no code of its own: a held worker can only be
dropped, at a loss. The bound stays valid: it bounds plans that may drop a held placement at
that price, which include every plan that keeps them.
:func:`werkdeling.decompose.plan_by_period` puts back any held placement a step dropped before
it returns (each such drop costs more than it gains, so this only lowers the cost). Only a
forced placement can still be missing then (a frozen period has no other candidates): where a
hard required cover made a search trade it away and putting it back breaks a limit;
:func:`werkdeling.solve` then returns no plan and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from werkdeling.evaluation.diff import diff_plans
from werkdeling.evaluation.measure import ResolvedRow, resolve
from werkdeling.local_search import period_costs, term_units
from werkdeling.model.anchor import Anchor, AnchorError, forced_problems, frozen_problems
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
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
    #: ``(workers, periods)``: whether the worker's placement in the period is held (frozen
    #: periods, forced placements).
    held: BoolArray
    #: ``(workers, periods)``: the slot of each held worker-period (``NONE``: none).
    fixed: IntArray
    #: Objective units per changed worker-period.
    penalty_units: int
    #: What keeping a held placement saves (units): more than dropping it can gain.
    keep_units: int
    #: The change cost of the empty plan, plus ``keep_units`` per held placement (units).
    constant_units: int

    def extra(self, period: int, worker: IntArray, slot: IntArray) -> IntArray:
        """What the anchor adds to each candidate placement's cost in ``period`` (``worker[i]``
        in ``slot[i]``), against leaving the worker unplaced: the change penalty in an open
        period, and ``-keep_units`` for a held placement."""
        held = self.held[worker, period] & (self.fixed[worker, period] == slot)
        extra = np.where(held, -self.keep_units, 0).astype(np.int64)
        if self.open[period] and self.penalty_units:
            old = self.old[worker, period]
            extra += np.where(old == NONE, self.penalty_units, np.where(old == slot, -self.penalty_units, 0))
        return extra

    def restrict(self, allowed: BoolArray) -> BoolArray:
        """``allowed`` (worker, period, slot) with only their placement for held worker-periods."""
        return _restricted(allowed, self.held, self.fixed)

    def keeps(self, plan: IntArray) -> IntArray:
        """``plan`` (a slot or ``NONE`` per worker and period) with its held worker-periods as
        fixed: a step may drop a held placement (see the module docstring), never add one."""
        kept = plan.copy()
        kept[self.held] = self.fixed[self.held]
        return kept

    @property
    def frozen(self) -> BoolArray:
        return ~self.open


def period_anchor(scenario: Scenario, anchor: Anchor, allowed: BoolArray) -> PeriodAnchor:
    """``anchor`` for planning ``scenario`` by period, whose possible placements are
    ``allowed``. Raises :class:`~werkdeling.model.AnchorError` where a frozen placement is no
    longer possible or a forced one cannot be made, with the same messages as the whole model."""
    workers, periods = len(scenario.workers), scenario.horizon.periods
    q = scenario.quantities
    capacity = q.capacity_minutes
    maximum = np.array([[int(m) for m in slot.maximum] for slot in q.slots], dtype=np.int64).reshape(-1, periods)

    def possible(row: ResolvedRow) -> bool:
        minutes = int(capacity[row.worker, row.period])
        return bool(allowed[row.worker, row.period, row.slot] and 0 < minutes <= maximum[row.slot, row.period])

    def fits(row: ResolvedRow) -> bool:
        return possible(row) and row.minutes == int(capacity[row.worker, row.period])

    resolved = resolve(scenario, anchor.plan)
    forced = resolve(scenario, Plan(placements=anchor.forced))
    problems = frozen_problems(scenario, anchor, resolved, fits, (), ())
    problems += forced_problems(anchor, forced, possible)
    open_ = np.array([not anchor.is_frozen(k) for k in range(periods)], dtype=np.bool_)
    held = np.zeros((workers, periods), dtype=np.bool_)
    held[:, ~open_] = True
    fixed = np.full((workers, periods), NONE, dtype=np.int64)
    for row in forced.rows:
        w, k = row.worker, row.period
        if held[w, k] and fixed[w, k] not in (NONE, row.slot):
            p = row.placement
            problems.append(f"'{p.worker}' is forced into two placements in {p.period}; a worker has one per period")
        held[w, k], fixed[w, k] = True, row.slot
    old = np.full((workers, periods), NONE, dtype=np.int64)
    frozen_rows: set[tuple[int, int]] = set()
    for row in resolved.rows:
        w, k = row.worker, row.period
        if not open_[k]:
            if (w, k) in frozen_rows:
                p = row.placement
                problems.append(
                    f"'{p.worker}' has two placements in {p.period}, a frozen period; a worker has one per period"
                )
            frozen_rows.add((w, k))
            fixed[w, k] = row.slot
        elif old[w, k] != NONE or not fits(row):
            old[w, k] = LOST  # a second row, or one no candidate makes again: a change whatever happens
        else:
            old[w, k] = row.slot
    if problems:
        raise AnchorError(problems)
    # The plan empty in the open periods changes every worker-period the anchor plan has there,
    # including rows that name something not in the scenario (counted as the validator does).
    kept = Plan(placements=tuple(r.placement for r in resolved.rows if not open_[r.period]))
    penalty_units = anchor.change_penalty * OBJECTIVE_SCALE
    # Priced on every candidate of the held periods, not only the held ones: a price at least as
    # high, without a second restricted copy of ``allowed`` (1.4 GB at 20,000 workers).
    keep_units = _keep_units(scenario, allowed, held, fixed) + penalty_units
    constant = penalty_units * diff_plans(anchor.plan, kept).changed_placements
    constant += keep_units * int((held & (fixed >= 0)).sum())
    return PeriodAnchor(old, open_, held, fixed, penalty_units, keep_units, constant)


def _restricted(allowed: BoolArray, held: BoolArray, fixed: IntArray) -> BoolArray:
    restricted = allowed.copy()
    w, k = np.nonzero(held)
    restricted[w, k, :] = False
    placed = fixed[w, k] >= 0
    restricted[w[placed], k[placed], fixed[w[placed], k[placed]]] = True
    return restricted


def _keep_units(scenario: Scenario, allowed: BoolArray, held: BoolArray, fixed: IntArray) -> int:
    """More than dropping a held placement can gain, the change it may avoid aside, even where
    another worker takes its place in the same move: in any period with one, two candidates'
    costs without switches (travel, preferences, paid idle time saved), a worker's minutes at
    the highest soft rate a slot's minute costs (overstaffing, required and desired shortfall),
    and two switches (the path may switch into and out of the period). A hard required cover is
    not priced here: where a plan by period still drops a forced placement, :func:`werkdeling.solve`
    says so (module docstring). Raises :class:`~werkdeling.model.AnchorError` where the held
    placements of a period alone break a slot's maximum or an employer's limits."""
    nobody = np.full(len(scenario.workers), NONE, dtype=np.int64)
    most = 0
    problems = []
    for k in np.flatnonzero(held.any(axis=0)).tolist():
        costs = period_costs(scenario, allowed, k, nobody)
        if not costs.within_limits(np.where(held[:, k], fixed[:, k], NONE)):
            problems.append(
                f"the frozen and forced placements in {scenario.horizon.labels[k]} alone break a slot's maximum hours "
                "or an employer's limit on shared workers or coaching; force fewer placements there"
            )
        if len(costs.worker):
            rate = int(costs.over.max(initial=0)) + costs.short_required + costs.short_desired
            most = max(most, 2 * int(np.abs(costs.placement_cost).max()) + int(costs.capacity.max()) * rate)
    if problems:
        raise AnchorError(problems)
    return most + 2 * term_units(scenario, Term.SWITCHES) + 1
