"""Objective terms, one function per named term.

Each function returns the term's quantity as an exact CP-SAT expression in its integer unit
(see ``TERM_QUANTITY``). Exact matters: helper variables are pinned to their true value (``max``
equalities, not one-sided bounds), so the objective of any plan the solver reports, optimal or
not, equals the validator's recomputation from the plan.

Notation as in :mod:`werkdeling.model.rules`; ``cov[s,p] = sum_w a[w,p,s]``, ``R``, ``D`` the
required and desired minutes, ``d[w,e]`` hectometres from home to employer.

* required_shortfall = ``sum_{s,p} max(0, R[s,p] - cov[s,p])``
* desired_shortfall = ``sum_{s,p} max(0, D[s,p] - cov[s,p])``
* idle_paid = ``sum_{w guaranteed} idle[w]``, with
  ``idle[w] = sum_p C[w,p] (in_pool[w,p] - training_at[w,p]) - sum_{p,s} a[w,p,s]``
* switches: see :mod:`werkdeling.model.switching`
* travel = ``sum_{w,p,s} d[w,e(s)] x[w,p,s]``
* training = ``sum cost_o t[w,o,q]``
* transition_missed = ``sum_{w with a deadline} (1 - sum_{q <= deadline_w} m[w,.,.,q])``
* preferences: see :func:`preferences`
* overstaffing = ``sum_{s,p} cost_e(s) max(0, cov[s,p] - D[s,p])``
* fair_idle = ``max_w idle[w]``; fair_switches = ``max_w switches[w]``
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from werkdeling.model.switching import worker_switches
from werkdeling.model.variables import Expr, PlanVars
from werkdeling.scenario import Term
from werkdeling.scenario.programmes import PreferenceKind
from werkdeling.scenario.scenario import IntArray


def _shortfall(model: cp_model.CpModel, pv: PlanVars, level: list[IntArray], name: str) -> Expr:
    terms: list[Expr] = []
    constant = 0
    for s, targets in enumerate(level):
        for p, target in enumerate(targets):
            target = int(target)
            if target <= 0:
                continue
            if not pv.by_slot_period.get((s, p)):
                constant += target  # nobody can be placed here: the shortfall is known
                continue
            short = model.new_int_var(0, target, f"{name}[{s},{p}]")
            coverage = pv.coverage(s, p)
            model.add_max_equality(short, [target - coverage, 0])
            # The convex half again as a plain linear row: CP-SAT's default LP relaxation leaves
            # max equalities out, which made it see shortfall as free and weakened the bound.
            model.add(short >= target - coverage)
            terms.append(short)
    return cp_model.LinearExpr.sum(terms) + constant


def required_shortfall(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    return _shortfall(model, pv, [s.required for s in pv.scenario.quantities.slots], "short_req")


def desired_shortfall(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    return _shortfall(model, pv, [s.desired for s in pv.scenario.quantities.slots], "short_des")


def worker_idle(pv: PlanVars, w: int) -> Expr:
    """Idle paid minutes of guaranteed worker ``w`` (see the module docstring)."""
    capacity = pv.scenario.quantities.capacity_minutes[w]
    parts: list[Expr] = []
    for p in range(pv.scenario.horizon.periods):
        c = int(capacity[p])
        if c == 0:
            continue
        parts.append(c * pv.in_pool(w, p))
        parts.extend(-c * t for t in pv.training_at.get((w, p), []))
        parts.append(-pv.worked(w, p))
    return cp_model.LinearExpr.sum(parts)


def idle_paid(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    return cp_model.LinearExpr.sum(
        [worker_idle(pv, w) for w, worker in enumerate(pv.scenario.workers) if worker.guaranteed]
    )


def switches(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    return cp_model.LinearExpr.sum(list(worker_switches(model, pv).values()))


def travel(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    q = pv.scenario.quantities
    variables, coefficients = [], []
    for (w, _, s), var in pv.x.items():
        distance = int(q.distance_hm[w, q.slots[s].employer])
        if distance:
            variables.append(var)
            coefficients.append(distance)
    return cp_model.LinearExpr.weighted_sum(variables, coefficients)


def training(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    offers = pv.scenario.trainings
    return cp_model.LinearExpr.weighted_sum(list(pv.training.values()), [offers[o].cost for (_, o, _) in pv.training])


def transition_missed(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    scenario = pv.scenario
    missed: list[Expr] = []
    for w, worker in enumerate(scenario.workers):
        if worker.transition_deadline is None:
            continue
        deadline = scenario.horizon.index(worker.transition_deadline)
        in_time = [m for start, m in pv.moves_of_worker.get(w, []) if start <= deadline]
        missed.append(1 - cp_model.LinearExpr.sum(in_time) if in_time else 1)
    return cp_model.LinearExpr.sum(missed)


def preferences(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    """Unmet preference points; per listed period (all periods if none are listed):

    * prefer employer ``e``: ``weight (1 - y[w,p,e])``; prefer periods: ``weight (1 - placed[w,p])``;
    * avoid employer ``e``: ``weight y[w,p,e]``; avoid periods: ``weight placed[w,p]``.
    """
    scenario = pv.scenario
    parts: list[Expr] = []
    for w, worker in enumerate(scenario.workers):
        for preference in worker.preferences:
            periods = scenario.horizon.resolve_all(preference.periods)
            e = scenario.employer_index[preference.employer] if preference.employer is not None else None
            for p in periods:
                worked = pv.placed_at(w, p) if e is None else pv.flag(w, p, e)
                unmet = 1 - worked if preference.kind is PreferenceKind.PREFER else worked
                parts.append(preference.weight * unmet)
    return cp_model.LinearExpr.sum(parts)


def overstaffing(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    scenario = pv.scenario
    parts: list[Expr] = []
    for s, slot in enumerate(scenario.quantities.slots):
        cost = scenario.employers[slot.employer].overstaffing_cost
        if cost == 0:
            continue
        for p in range(scenario.horizon.periods):
            room = int(slot.maximum[p] - slot.desired[p])
            if room <= 0 or not pv.by_slot_period.get((s, p)):
                continue
            over = model.new_int_var(0, room, f"over[{s},{p}]")
            model.add_max_equality(over, [pv.coverage(s, p) - int(slot.desired[p]), 0])
            parts.append(cost * over)
    return cp_model.LinearExpr.sum(parts)


def _max_of(model: cp_model.CpModel, values: list[Expr], upper: int, name: str) -> Expr:
    if not values:
        return 0
    most = model.new_int_var(0, upper, name)
    model.add_max_equality(most, values)
    return most


def fair_idle(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    q = pv.scenario.quantities
    guaranteed = [w for w, worker in enumerate(pv.scenario.workers) if worker.guaranteed]
    upper = int(q.capacity_minutes.sum(axis=1).max()) if guaranteed else 0
    return _max_of(model, [worker_idle(pv, w) for w in guaranteed], upper, "fair_idle")


def fair_switches(model: cp_model.CpModel, pv: PlanVars) -> Expr:
    most = pv.scenario.horizon.periods * len(pv.scenario.employers)
    return _max_of(model, list(worker_switches(model, pv).values()), most, "fair_switches")


#: The builder of each term, in reporting order.
TERM_BUILDERS: dict[Term, Callable[[cp_model.CpModel, PlanVars], Expr]] = {
    Term.REQUIRED_SHORTFALL: required_shortfall,
    Term.DESIRED_SHORTFALL: desired_shortfall,
    Term.IDLE_PAID: idle_paid,
    Term.SWITCHES: switches,
    Term.TRAVEL: travel,
    Term.TRAINING: training,
    Term.TRANSITION_MISSED: transition_missed,
    Term.PREFERENCES: preferences,
    Term.OVERSTAFFING: overstaffing,
    Term.FAIR_IDLE: fair_idle,
    Term.FAIR_SWITCHES: fair_switches,
}
