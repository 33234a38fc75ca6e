"""Objective terms, one function per named term.

Each function returns the term's quantity as an exact CP-SAT expression in its integer unit
(minutes, switches or hectometres; see ``TERM_QUANTITY``). Exact matters: helper variables are
pinned to their true value (``max`` equalities, not one-sided bounds), so the objective of any
plan the solver reports, optimal or not, equals the validator's recomputation from the plan.

Notation as in :mod:`werkdeling.model.rules`; ``cov[s,p] = sum_w c_w x[w,p,s]``, ``R[s,p]`` and
``D[s,p]`` the required and desired minutes, ``d[w,e]`` hectometres from home to employer.

* required_shortfall = ``sum_{s,p} max(0, R[s,p] - cov[s,p])``
* desired_shortfall = ``sum_{s,p} max(0, D[s,p] - cov[s,p])``
* idle_paid = ``sum_{w guaranteed} sum_{p available} c_w (1 - sum_s x[w,p,s])``
* travel = ``sum_{w,p,s} d[w,e(s)] x[w,p,s]``
* switches: see :func:`switches`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from ortools.sat.python import cp_model

from werkdeling.model.variables import PlacementVars
from werkdeling.scenario import Scenario, Term
from werkdeling.scenario.scenario import IntArray

#: A CP-SAT linear expression (OR-Tools is treated as untyped, see pyproject.toml).
Expr: TypeAlias = Any
#: A 0/1 value that is either known when building (an int) or decided by the solver.
ZeroOne: TypeAlias = Any


def _shortfall(model: cp_model.CpModel, placements: PlacementVars, level: list[IntArray], name: str) -> Expr:
    terms: list[Expr] = []
    constant = 0
    for s, targets in enumerate(level):
        for p, target in enumerate(targets):
            target = int(target)
            if target <= 0:
                continue
            if not placements.by_slot_period.get((s, p)):
                constant += target  # nobody can be placed here: the shortfall is known
                continue
            short = model.new_int_var(0, target, f"{name}[{s},{p}]")
            coverage = placements.coverage(s, p)
            model.add_max_equality(short, [target - coverage, 0])
            # The convex half again as a plain linear row: CP-SAT's default LP relaxation leaves
            # max equalities out, which made it see shortfall as free and weakened the bound.
            model.add(short >= target - coverage)
            terms.append(short)
    return cp_model.LinearExpr.sum(terms) + constant


def required_shortfall(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> Expr:
    return _shortfall(model, placements, [s.required for s in scenario.quantities.slots], "short_req")


def desired_shortfall(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> Expr:
    return _shortfall(model, placements, [s.desired for s in scenario.quantities.slots], "short_des")


def idle_paid(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> Expr:
    q = scenario.quantities
    constant = 0
    variables, coefficients = [], []
    for w, worker in enumerate(scenario.workers):
        if not worker.guaranteed:
            continue
        c = int(q.contract_minutes[w])
        for p in range(scenario.horizon.periods):
            if not q.available[w, p]:
                continue
            constant += c
            for _, var in placements.by_worker_period.get((w, p), []):
                variables.append(var)
                coefficients.append(-c)
    return cp_model.LinearExpr.weighted_sum(variables, coefficients) + constant


def travel(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> Expr:
    q = scenario.quantities
    variables, coefficients = [], []
    for (w, _, s), var in placements.x.items():
        distance = int(q.distance_hm[w, q.slots[s].employer])
        if distance:
            variables.append(var)
            coefficients.append(distance)
    return cp_model.LinearExpr.weighted_sum(variables, coefficients)


def _and(model: cp_model.CpModel, a: ZeroOne, b: ZeroOne, name: str) -> ZeroOne:
    """``a AND b`` for 0/1 values, as a constant when either is known."""
    if isinstance(a, int) or isinstance(b, int):
        known, other = (a, b) if isinstance(a, int) else (b, a)
        return other if known else 0
    both = model.new_bool_var(name)
    model.add(both <= a)
    model.add(both <= b)
    model.add(both >= a + b - 1)
    return both


def switches(model: cp_model.CpModel, scenario: Scenario, placements: PlacementVars) -> Expr:
    """Times a worker starts at an employer other than the one they last worked for.

    The last employer is remembered across idle or unavailable periods, and a worker's
    ``home_employer`` is their last employer before the horizon. With ``y[p,e] = sum_{s of e}
    x[w,p,s]`` and ``placed[p] = sum_e y[p,e]``, a state ``last[p,e]`` (1 if ``e`` is the last
    employer after period ``p``) follows

        last[p,e] = y[p,e] + (1 - placed[p]) last[p-1,e]

    written as four linear inequalities that pin it exactly. Then

        switch[p] = sum_e ( y[p,e] AND sum_{e' != e} last[p-1,e'] )

    which is 1 exactly when the worker works in ``p`` for someone other than their last employer.
    Each AND is pinned by three inequalities (``z <= a``, ``z <= b``, ``z >= a + b - 1``).
    """
    q = scenario.quantities
    total: list[Expr] = []
    for w, worker in enumerate(scenario.workers):
        by_period: list[dict[int, list[cp_model.IntVar]]] = []
        for p in range(scenario.horizon.periods):
            per_employer: dict[int, list[cp_model.IntVar]] = {}
            for s, var in placements.by_worker_period.get((w, p), []):
                per_employer.setdefault(q.slots[s].employer, []).append(var)
            by_period.append(per_employer)
        employers = sorted({e for per in by_period for e in per})
        home = scenario.employer_index[worker.home_employer] if worker.home_employer is not None else None
        if not employers or (len(employers) == 1 and home in (None, employers[0])):
            continue  # only one employer is ever possible: no switch can happen
        states = sorted(set(employers) | ({home} if home is not None else set()))
        last: dict[int, ZeroOne] = {e: int(e == home) for e in states}
        for p, per_employer in enumerate(by_period):
            if not per_employer:
                continue  # not placed: the last employer stays as it was
            y: dict[int, ZeroOne] = {e: cp_model.LinearExpr.sum(per_employer.get(e, [])) for e in states}
            placed = cp_model.LinearExpr.sum([v for vs in per_employer.values() for v in vs])
            # move[p,e] = y[p,e] AND (the last employer is someone other than e): each is >= 0,
            # which keeps the LP relaxation's switch count non-negative.
            for e in per_employer:
                others = [v for e2, v in last.items() if e2 != e]
                other: ZeroOne = (
                    sum(int(v) for v in others)
                    if all(isinstance(v, int) for v in others)
                    else cp_model.LinearExpr.sum(others)
                )
                total.append(_and(model, y[e], other, f"move[{worker.id},{p},{e}]"))
            if p == scenario.horizon.periods - 1:
                break
            new_last: dict[int, ZeroOne] = {}
            for e in states:
                state = model.new_bool_var(f"last[{worker.id},{p},{e}]")
                model.add(state >= y[e])
                model.add(state >= last[e] - placed)
                model.add(state <= y[e] + last[e])
                model.add(state <= y[e] + 1 - placed)
                new_last[e] = state
            # Implied by the above for integers; stated so the LP relaxation knows it too.
            model.add_at_most_one(new_last.values())
            last = new_last
    return cp_model.LinearExpr.sum(total)


#: The builder of each term, in reporting order.
TERM_BUILDERS: dict[Term, Callable[[cp_model.CpModel, Scenario, PlacementVars], Expr]] = {
    Term.REQUIRED_SHORTFALL: required_shortfall,
    Term.DESIRED_SHORTFALL: desired_shortfall,
    Term.IDLE_PAID: idle_paid,
    Term.SWITCHES: switches,
    Term.TRAVEL: travel,
}
