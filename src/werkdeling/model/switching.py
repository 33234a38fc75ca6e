"""Switch counting, shared by the ``switches`` and ``fair_switches`` terms and the ``max_switches`` rule.

A switch is a start with an employer the worker did not work for in their last worked period.
The last worked period is remembered across idle or unavailable periods, and a worker's
``home_employer`` is their last employer before the horizon (in a period model, the employer
they last worked for before its periods); the first placement of a worker without one is not a
switch. With whole-period placements this is "a start at an employer other
than the last one".

With ``y[p,e]`` and ``placed[p]`` from :mod:`werkdeling.model.variables`, a state ``L[p,e]`` (1 if
``e`` is among the employers of the last worked period, after period ``p``) follows

    L[p,e] = y[p,e] + (1 - placed[p]) L[p-1,e]

written as four linear inequalities that pin it exactly. Then

    switch[p] = sum_e ( y[p,e] AND (any[p-1] - L[p-1,e]) )

where ``any[p-1] = max_e L[p-1,e]`` (a plain sum when a worker has one employer per period).
``any - L[e]`` is 1 exactly when there is a last period and ``e`` was not in it. Each AND is
pinned by three inequalities, so the count is exact for every plan, optimal or not.

A period model told the employer each worker works for next after its periods
(``next_employers``, see :func:`~werkdeling.model.variables.create_variables`) also counts the
switch there: ``any - L[next]`` after its last period, as the plan's later periods are fixed.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from werkdeling.model.variables import Expr, PlanVars


def _and(model: cp_model.CpModel, a: Expr, b: Expr, name: str) -> Expr:
    """``a AND b`` for 0/1 values, as a constant when either is known."""
    if isinstance(a, int) or isinstance(b, int):
        known, other = (a, b) if isinstance(a, int) else (b, a)
        return other if known else 0
    both = model.new_bool_var(name)
    model.add(both <= a)
    model.add(both <= b)
    model.add(both >= a + b - 1)
    return both


def _known(values: list[Expr]) -> bool:
    return all(isinstance(v, int) for v in values)


def _any(model: cp_model.CpModel, pv: PlanVars, values: list[Expr], name: str) -> Expr:
    """1 when any of the 0/1 ``values`` is (the worker has a last employer)."""
    if _known(values):
        return int(any(values))
    if not pv.split:
        return cp_model.LinearExpr.sum(values)  # at most one state holds
    anyone = model.new_bool_var(name)
    model.add_max_equality(anyone, values)
    return anyone


def worker_switches(model: cp_model.CpModel, pv: PlanVars) -> dict[int, Expr]:
    """Exact switch count of every worker who can switch at all (built once, then cached)."""
    if pv.switch_counts is not None:
        return pv.switch_counts
    scenario = pv.scenario
    counts: dict[int, Expr] = {}
    for w, worker in enumerate(scenario.workers):
        employers = pv.employers_of(w)
        home = pv.employer_before(w)
        after = pv.employer_after(w)
        if after is None and (not employers or (len(employers) == 1 and home in (None, employers[0]))):
            continue  # only one employer is ever possible: no switch can happen
        states = sorted(set(employers) | ({home} if home is not None else set()))
        last: dict[int, Expr] = {e: int(e == home) for e in states}
        moves: list[Expr] = []
        placeable = [p for p in range(scenario.horizon.periods) if pv.employer_flags.get((w, p))]
        for p in placeable:
            flags = pv.employer_flags[(w, p)]
            placed = pv.placed[(w, p)]
            anyone = _any(model, pv, list(last.values()), f"any[{worker.id},{p}]")
            for e, y in flags.items():
                other = anyone - last[e] if not (_known([anyone, last[e]])) else int(anyone) - int(last[e])
                moves.append(_and(model, y, other, f"move[{worker.id},{p},{e}]"))
            if p == placeable[-1] and after is None:
                break  # no later placement can be a switch, so no state is needed
            new_last: dict[int, Expr] = {}
            for e in states:
                y = flags.get(e, 0)
                state = model.new_bool_var(f"last[{worker.id},{p},{e}]")
                model.add(state >= y)
                model.add(state >= last[e] - placed)
                model.add(state <= y + last[e])
                model.add(state <= y + 1 - placed)
                new_last[e] = state
            if not pv.split:
                # Implied by the above for integers; stated so the LP relaxation knows it too.
                model.add_at_most_one(new_last.values())
            last = new_last
        if after is not None:
            anyone = _any(model, pv, list(last.values()), f"any[{worker.id},after]")
            moves.append(anyone - last.get(after, 0) if not _known([anyone]) else int(anyone) - int(last.get(after, 0)))
        counts[w] = cp_model.LinearExpr.sum(moves)
    pv.switch_counts = counts
    return counts
