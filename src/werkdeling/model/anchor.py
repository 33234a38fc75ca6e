"""Staying close to an agreed plan: frozen periods, forced placements and a penalty per change.

Used for re-planning after a disruption and for "who can cover this?". With an :class:`Anchor`:

* periods before ``frozen_periods``, and from ``open_until`` on if given, keep the anchor plan
  exactly (``x``, amounts, training starts and permanent moves fixed to their old values);
* each placement in ``forced`` must happen (``x = 1``);
* ``changes`` counts the worker-periods in the open periods whose placements differ from
  the anchor plan, exactly (the same count as :func:`werkdeling.evaluation.diff.diff_plans`).
  Per worker-period, with ``x0`` the old placement's variable: ``1 - x0`` when the old placement
  is still possible as it was; ``placed[w,p]`` when there was none; 1 when it can no longer be
  made as it was. With splits, a changed amount counts too: ``changed = max(d_s)`` with
  ``d_s = (a_s != old minutes)`` for the old slots and ``d_s = x_s`` for the others.

Planning by period keeps an anchor in its own terms (:mod:`werkdeling.period_anchor`); both
raise the same errors (:func:`frozen_problems`, :func:`forced_problems`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from ortools.sat.python import cp_model

from werkdeling.errors import InputError
from werkdeling.evaluation.measure import Resolved, ResolvedRow, resolve
from werkdeling.model.variables import Expr, PlanVars
from werkdeling.plan import Placement, Plan
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import hours_to_minutes


@dataclass(frozen=True)
class Anchor:
    """An agreed plan to stay close to.

    Parameters
    ----------
    plan
        The plan in force.
    frozen_periods
        Periods before this position keep ``plan`` as it is (the past, or what is agreed).
    open_until
        If given, periods from this position on keep ``plan`` as well: only the window
        ``[frozen_periods, open_until)`` may change.
    change_penalty
        Cost points per changed worker-period.
    forced
        Placements that must be in the new plan.
    """

    plan: Plan
    frozen_periods: int = 0
    change_penalty: int = 0
    forced: tuple[Placement, ...] = ()
    open_until: int | None = None

    def is_frozen(self, period: int) -> bool:
        return period < self.frozen_periods or (self.open_until is not None and period >= self.open_until)


class AnchorError(InputError):
    """The anchor plan or a forced placement cannot be kept in this scenario."""


def frozen_problems(
    scenario: Scenario,
    anchor: Anchor,
    resolved: Resolved,
    fits: Callable[[ResolvedRow], bool],
    spells: Collection[tuple[int, int, int]],
    moves: Collection[tuple[int, int, int, int]],
) -> list[str]:
    """What keeps the anchor plan's frozen periods from being kept as they are: rows that name
    something not in ``scenario`` or do not ``fit`` (a placement no longer possible), and courses
    ``(worker, training, start)`` and permanent moves ``(worker, employer, vacancy, period)``
    not among the possible ``spells`` and ``moves``. ``resolved`` is the anchor plan resolved."""
    labels = scenario.horizon.labels
    frozen = anchor.is_frozen
    problems = []
    for row in resolved.rows:
        if frozen(row.period) and not fits(row):
            p = row.placement
            problems.append(
                f"placement of '{p.worker}' with '{p.employer}' ({p.role}) in {p.period} is in a frozen period "
                "but no longer possible; unfreeze that period (an earlier 'from') or correct the plan"
            )
    positions = scenario.horizon.positions
    resolved_rows = {row.index for row in resolved.rows}
    for i, placement in enumerate(anchor.plan.placements):
        k = positions.get(placement.period)
        if k is None:
            problems.append(f"row {i + 1}: period '{placement.period}' is not in the horizon")
        elif frozen(k) and i not in resolved_rows:
            problems.append(
                f"row {i + 1}: '{placement.worker}' with '{placement.employer}' ({placement.role}) in "
                f"{placement.period} names something not in the scenario, in a frozen period"
            )
    frozen_spells = {(s.worker, s.training, s.start) for s in resolved.spells if frozen(s.start)}
    frozen_moves = {(m.worker, m.employer, m.vacancy, m.period) for m in resolved.moves if frozen(m.period)}
    for w, _, start in sorted(frozen_spells - set(spells)):
        problems.append(
            f"training of '{scenario.workers[w].id}' starting {labels[start]} is frozen but no longer possible; "
            f"let the plan change from {labels[start]} ('from' in the change file) so it can be re-planned"
        )
    for w, _, _, start in sorted(frozen_moves - set(moves)):
        problems.append(
            f"permanent move of '{scenario.workers[w].id}' in {labels[start]} is frozen but no longer possible"
        )
    return problems


def _fix_frozen(model: cp_model.CpModel, pv: PlanVars, anchor: Anchor) -> None:
    scenario = pv.scenario
    frozen = anchor.is_frozen
    resolved = resolve(scenario, anchor.plan)

    def fits(row: ResolvedRow) -> bool:
        key = (row.worker, row.period, row.slot)
        if key not in pv.x:
            return False
        if pv.split:
            return row.minutes in _domain(pv.amounts[key])
        return row.minutes == int(scenario.quantities.capacity_minutes[row.worker, row.period])

    problems = frozen_problems(scenario, anchor, resolved, fits, pv.training, pv.permanent)
    keep = {(row.worker, row.period, row.slot): row.minutes for row in resolved.rows if frozen(row.period)}
    frozen_spells = {(s.worker, s.training, s.start) for s in resolved.spells if frozen(s.start)}
    frozen_moves = {(m.worker, m.employer, m.vacancy, m.period) for m in resolved.moves if frozen(m.period)}
    if problems:
        raise AnchorError(problems)
    # Fixed through the variables' domains rather than constraints: presolve then drops them
    # at once, which matters when only a few periods are open (who can cover).
    for placement_key, x in pv.x.items():
        if frozen(placement_key[1]):
            _fix(x, int(placement_key in keep))
            if placement_key in pv.amounts:
                model.add(pv.amounts[placement_key] == keep.get(placement_key, 0))
    for spell_key, t in pv.training.items():
        if frozen(spell_key[2]):
            _fix(t, int(spell_key in frozen_spells))
    for move_key, m in pv.permanent.items():
        if frozen(move_key[3]):
            _fix(m, int(move_key in frozen_moves))


def _fix(literal: cp_model.IntVar, value: int) -> None:
    """Fix a Boolean variable by its domain ``[value, value]``."""
    literal.proto.domain[0] = value
    literal.proto.domain[1] = value


def _domain(var: cp_model.IntVar) -> set[int]:
    bounds = list(var.proto.domain)
    return {v for lo, hi in zip(bounds[::2], bounds[1::2], strict=True) for v in range(lo, hi + 1)}


def forced_problems(anchor: Anchor, resolved: Resolved, possible: Callable[[ResolvedRow], bool]) -> list[str]:
    """What keeps the anchor's forced placements (``resolved``) from being made: names not in
    the scenario, placements not ``possible``, and placements in frozen periods."""
    problems = list(resolved.unknown)
    for row in resolved.rows:
        p = row.placement
        if not possible(row):
            problems.append(f"'{p.worker}' cannot work for '{p.employer}' as '{p.role}' in {p.period}")
        elif anchor.is_frozen(row.period):
            problems.append(f"{p.period} is frozen; '{p.worker}' cannot be moved there")
    return problems


def _force(model: cp_model.CpModel, pv: PlanVars, anchor: Anchor) -> None:
    resolved = resolve(pv.scenario, Plan(placements=anchor.forced))
    if problems := forced_problems(anchor, resolved, lambda row: (row.worker, row.period, row.slot) in pv.x):
        raise AnchorError(problems)
    for row in resolved.rows:
        model.add(pv.x[(row.worker, row.period, row.slot)] == 1)


def _changed(model: cp_model.CpModel, pv: PlanVars, w: int, p: int, old: list[tuple[int, int]]) -> Expr:
    """Whether worker ``w``'s placements in ``p`` differ from ``old`` [(slot, minutes)], exactly."""
    capacity = int(pv.scenario.quantities.capacity_minutes[w, p])
    if not old:
        return pv.placed_at(w, p)
    if not pv.split:
        if len(old) > 1:
            return 1  # two whole-period placements can never be made again
        ((s, minutes),) = old
        x = pv.x.get((w, p, s))
        return 1 - x if x is not None and minutes == capacity else 1
    old_slots = dict(old)
    options = pv.by_worker_period.get((w, p), [])
    if len(old_slots) < len(old) or not set(old_slots) <= {s for s, _ in options}:
        return 1  # two rows in one slot, or a slot no longer possible: it can only change
    differs: list[Expr] = []
    for s, x in options:
        if s not in old_slots:
            differs.append(x)
            continue
        a = pv.amounts[(w, p, s)]
        if old_slots[s] not in _domain(a):
            return 1
        d = model.new_bool_var(f"differs[{w},{p},{s}]")
        model.add(a == old_slots[s]).only_enforce_if(~d)
        model.add(a != old_slots[s]).only_enforce_if(d)
        differs.append(d)
    changed = model.new_bool_var(f"changed[{w},{p}]")
    model.add_max_equality(changed, differs)
    return changed


def add_anchor(model: cp_model.CpModel, pv: PlanVars, anchor: Anchor) -> Expr:
    """Freeze, force, and return the exact number of changed worker-periods."""
    scenario = pv.scenario
    _fix_frozen(model, pv, anchor)
    _force(model, pv, anchor)
    positions = scenario.horizon.positions
    old: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    impossible: set[tuple[str, str]] = set()
    for placement in anchor.plan.placements:
        k = positions.get(placement.period)
        if k is None or anchor.is_frozen(k):
            continue
        w = scenario.worker_index.get(placement.worker)
        e = scenario.employer_index.get(placement.employer)
        slot = scenario.quantities.slot_index.get((e, placement.role)) if e is not None else None
        if w is None or slot is None:
            impossible.add((placement.worker, placement.period))  # it can only change
        else:
            old[(w, k)].append((slot, hours_to_minutes(placement.hours)))
    parts: list[Expr] = [len(impossible)]
    keys = {key for key in pv.by_worker_period if not anchor.is_frozen(key[1])} | set(old)
    for w, p in sorted(keys):
        if (scenario.workers[w].id, scenario.horizon.labels[p]) in impossible:
            continue  # already counted
        parts.append(_changed(model, pv, w, p, old.get((w, p), [])))
    return cp_model.LinearExpr.sum(parts)
