"""Hard rules of the CP-SAT model, one function per rule family.

Each function has a same-named check in :mod:`werkdeling.evaluation.validation`. Notation, from
:mod:`werkdeling.model.variables`: ``x``, ``a`` (minutes), ``y[w,p,e]``, ``placed[w,p]``,
``training_at[w,p]``, ``in_pool[w,p]``, ``t[w,o,q]``, ``m[w,e,v,q]``; ``C[w,p]`` is the
period's capacity in minutes and ``M[s,p]`` a slot's maximum. "Runs" are consecutive periods;
minimums are not applied to runs cut by the start or the end of the horizon, and a run of work
ended by the worker's unavailability (holiday, illness) is cut too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from werkdeling.model.guards import Guarded, RuleRef
from werkdeling.model.switching import worker_switches
from werkdeling.model.variables import Expr, PlanVars


def _variable(values: Iterable[Expr]) -> bool:
    """Whether any value is decided by the solver (a constraint on constants is skipped)."""
    return any(not isinstance(v, int) for v in values)


def add_places_per_period(model: cp_model.CpModel, pv: PlanVars) -> None:
    """Where a worker can be in one period.

    Whole periods: ``sum_s x[w,p,s] + training_at[w,p] <= in_pool[w,p]`` (one place, or
    training, or idle; nothing after a permanent move).
    Splits: ``placed + training_at <= in_pool``, ``sum_e y <= max_employers``, ``sum_s a <= C``.
    """
    scenario = pv.scenario
    splits = scenario.effective_rules.splits
    keys = set(pv.by_worker_period) | set(pv.training_at)
    for w, p in keys:
        options = pv.by_worker_period.get((w, p), [])
        training = pv.training_at.get((w, p), [])
        if splits is None:
            busy = [v for _, v in options] + training
        else:
            busy = [pv.placed[(w, p)]] * bool(options) + training
            flags = list(pv.employer_flags.get((w, p), {}).values())
            if len(flags) > splits.max_employers:
                model.add(cp_model.LinearExpr.sum(flags) <= splits.max_employers)
            if len(options) > 1:
                model.add(pv.worked(w, p) <= int(scenario.quantities.capacity_minutes[w, p]))
        in_pool = pv.in_pool(w, p)
        if isinstance(in_pool, int):
            if len(busy) > 1:
                model.add_at_most_one(busy)
        else:
            model.add(cp_model.LinearExpr.sum(busy) <= in_pool)


def add_employer_capacity(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``sum_w a[w,p,s] <= M[s,p]`` where the placements could exceed it."""
    q = pv.scenario.quantities
    for (s, p), options in pv.by_slot_period.items():
        maximum = int(q.slots[s].maximum[p])
        most = sum(int(q.capacity_minutes[w, p]) for w, _ in options)
        if most > maximum:
            pv.add(model, pv.coverage(s, p) <= maximum, RuleRef(Guarded.EMPLOYER_MAXIMUM, slot=s, period=p))


def add_required_cover(model: cp_model.CpModel, pv: PlanVars) -> None:
    """With ``rules.cover_required``: ``sum_w a[w,p,s] >= R[s,p]`` for every slot and period.

    A slot nobody can fill keeps its constraint on a constant, so the model is infeasible and
    :mod:`werkdeling.explain.conflicts` can say why.
    """
    if not pv.scenario.effective_rules.cover_required:
        return
    for s, slot in enumerate(pv.scenario.quantities.slots):
        for p, required in enumerate(map(int, slot.required)):
            if required > 0:
                pv.add(model, pv.coverage(s, p) >= required, RuleRef(Guarded.COVER_REQUIRED, slot=s, period=p))


def add_training(model: cp_model.CpModel, pv: PlanVars) -> None:
    """Courses: seats, once per worker, and the skill only after completion.

    * ``sum_{w, q covering p} t[w,o,q] <= seats_o`` for every period;
    * ``sum_q t[w,o,q] <= 1``;
    * a placement in a role the worker does not hold needs a course teaching it that ended
      before: ``x[w,p,s] <= sum_{o teaches role(s), q + duration_o <= p} t[w,o,q]``.
    """
    scenario = pv.scenario
    seated: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    per_worker: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    learned_by: dict[tuple[int, str], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (w, o, start), t in pv.training.items():
        offer = scenario.trainings[o]
        for p in range(start, start + offer.duration):
            seated[(o, p)].append(t)
        per_worker[(w, o)].append(t)
        learned_by[(w, offer.skill)].append((start + offer.duration, t))
    for (o, _), spells in seated.items():
        if len(spells) > scenario.trainings[o].seats:
            seats = scenario.trainings[o].seats
            pv.add(model, cp_model.LinearExpr.sum(spells) <= seats, RuleRef(Guarded.TRAINING_SEATS, item=o))
    for spells in per_worker.values():
        if len(spells) > 1:
            model.add_at_most_one(spells)
    q = scenario.quantities
    for (w, p, s), x in pv.x.items():
        role = q.slots[s].role
        if role in scenario.workers[w].skills:
            continue
        ready = [t for first_use, t in learned_by.get((w, role), []) if first_use <= p]
        if ready:
            model.add(x <= cp_model.LinearExpr.sum(ready))
        else:
            model.add(x == 0)


def add_permanent_transitions(model: cp_model.CpModel, pv: PlanVars) -> None:
    """Van werk naar werk: ``sum m[w,.,.,.] <= 1`` per worker and ``sum m[.,e,v,.] <= count_v``.

    Leaving the pool is applied through ``in_pool`` in :func:`add_places_per_period`.
    """
    per_vacancy: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (_, e, v, _), m in pv.permanent.items():
        per_vacancy[(e, v)].append(m)
    for moves in pv.moves_of_worker.values():
        if len(moves) > 1:
            model.add_at_most_one(m for _, m in moves)
    for (e, v), moves in per_vacancy.items():
        count = pv.scenario.employers[e].vacancies[v].count
        if len(moves) > count:
            model.add(cp_model.LinearExpr.sum(moves) <= count)


def add_total_hours(model: cp_model.CpModel, pv: PlanVars) -> None:
    """Annualised hours: ``min_w <= sum_p sum_s a[w,p,s] <= max_w`` (in minutes)."""
    periods = range(pv.scenario.horizon.periods)
    for w, worker in enumerate(pv.scenario.workers):
        if worker.min_total_hours is None and worker.max_total_hours is None:
            continue
        total = cp_model.LinearExpr.sum([pv.worked(w, p) for p in periods])
        if worker.min_total_hours is not None:
            pv.add(model, total >= round(worker.min_total_hours * 60), RuleRef(Guarded.MIN_TOTAL_HOURS, worker=w))
        if worker.max_total_hours is not None:
            pv.add(model, total <= round(worker.max_total_hours * 60), RuleRef(Guarded.MAX_TOTAL_HOURS, worker=w))


def _series(pv: PlanVars, w: int, e: int | None) -> list[Expr]:
    """``y[w,.,e]`` over the horizon, or ``placed[w,.]`` when ``e`` is None."""
    periods = range(pv.scenario.horizon.periods)
    if e is None:
        return [pv.placed_at(w, p) for p in periods]
    return [pv.flag(w, p, e) for p in periods]


def _min_run(model: cp_model.CpModel, pv: PlanVars, series: list[Expr], length: int, ref: RuleRef) -> None:
    """A run of ones starting at ``p >= 1`` lasts ``length`` periods, or until the horizon ends or
    the worker is unavailable (an absence cuts a run as the horizon's end does):
    ``series[p+k] >= series[p] - series[p-1]`` for ``0 < k < length`` up to the first such cut."""
    assert ref.worker is not None
    available = pv.scenario.quantities.capacity_minutes[ref.worker] > 0
    for p in range(1, len(series)):
        for k in range(1, length):
            if p + k >= len(series) or not available[p + k]:
                break
            if _variable([series[p], series[p - 1], series[p + k]]):
                pv.add(model, series[p + k] >= series[p] - series[p - 1], ref)


def _max_run(model: cp_model.CpModel, pv: PlanVars, series: list[Expr], length: int, ref: RuleRef) -> None:
    """No ``length + 1`` consecutive ones: every window of that size sums to at most ``length``."""
    for p in range(len(series) - length):
        window = series[p : p + length + 1]
        if _variable(window):
            pv.add(model, cp_model.LinearExpr.sum(window) <= length, ref)


def add_stints(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``min_stint`` / ``max_stint``: runs of ``y[w,.,e]`` for every worker and employer."""
    rules = pv.scenario.effective_rules
    if rules.min_stint is None and rules.max_stint is None:
        return
    for w in range(len(pv.scenario.workers)):
        for e in pv.employers_of(w):
            series = _series(pv, w, e)
            if rules.min_stint is not None:
                _min_run(model, pv, series, rules.min_stint, RuleRef(Guarded.MIN_STINT, worker=w))
            if rules.max_stint is not None:
                _max_run(model, pv, series, rules.max_stint, RuleRef(Guarded.MAX_STINT, worker=w))


def add_work_runs(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``min_work_run`` / ``max_work_run`` on ``placed``; ``min_off_run`` on ``1 - placed``:
    an off run that starts at ``p`` (worked in ``p-1``, not in ``p``) lasts ``min_off_run``
    periods before the next work: ``placed[p+k] <= 1 - placed[p-1] + placed[p]``."""
    rules = pv.scenario.effective_rules
    if rules.min_work_run is None and rules.max_work_run is None and rules.min_off_run is None:
        return
    for w in range(len(pv.scenario.workers)):
        series = _series(pv, w, None)
        if rules.min_work_run is not None:
            _min_run(model, pv, series, rules.min_work_run, RuleRef(Guarded.MIN_WORK_RUN, worker=w))
        if rules.max_work_run is not None:
            _max_run(model, pv, series, rules.max_work_run, RuleRef(Guarded.MAX_WORK_RUN, worker=w))
        if rules.min_off_run is not None:
            ref = RuleRef(Guarded.MIN_OFF_RUN, worker=w)
            for p in range(1, len(series)):
                for k in range(1, rules.min_off_run):
                    if p + k < len(series) and _variable([series[p - 1], series[p], series[p + k]]):
                        pv.add(model, series[p + k] <= 1 - series[p - 1] + series[p], ref)


def add_switch_limits(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``max_switches`` per worker, ``max_employers`` distinct employers per worker
    (``used[w,e] >= y[w,p,e]``, ``sum_e used[w,e] <= max``) and ``max_periods_per_employer``
    (``sum_p y[w,p,e] <= max``)."""
    rules = pv.scenario.effective_rules
    if rules.max_switches is not None:
        for w, count in worker_switches(model, pv).items():
            pv.add(model, count <= rules.max_switches, RuleRef(Guarded.MAX_SWITCHES, worker=w))
    for w, worker in enumerate(pv.scenario.workers):
        employers = pv.employers_of(w)
        if rules.max_employers is not None and len(employers) > rules.max_employers:
            used = []
            for e in employers:
                u = model.new_bool_var(f"used[{worker.id},{e}]")
                for y in _series(pv, w, e):
                    if not isinstance(y, int):
                        model.add(u >= y)
                used.append(u)
            ref = RuleRef(Guarded.MAX_EMPLOYERS, worker=w)
            pv.add(model, cp_model.LinearExpr.sum(used) <= rules.max_employers, ref)
        if rules.max_periods_per_employer is not None:
            for e in employers:
                series = [y for y in _series(pv, w, e) if not isinstance(y, int)]
                if len(series) > rules.max_periods_per_employer:
                    ref = RuleRef(Guarded.MAX_PERIODS_PER_EMPLOYER, worker=w)
                    pv.add(model, cp_model.LinearExpr.sum(series) <= rules.max_periods_per_employer, ref)


def add_forbidden_transitions(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``y[w,p-1,a] + y[w,p,b] <= 1`` for every forbidden pair ``(a, b)``."""
    scenario = pv.scenario
    for i, pair in enumerate(scenario.effective_rules.forbidden_transitions):
        a, b = scenario.employer_index[pair.from_employer], scenario.employer_index[pair.to_employer]
        for w in range(len(scenario.workers)):
            ref = RuleRef(Guarded.FORBIDDEN_TRANSITION, worker=w, item=i)
            for p in range(1, scenario.horizon.periods):
                before, after = pv.flag(w, p - 1, a), pv.flag(w, p, b)
                if _variable([before]) and _variable([after]):
                    pv.add(model, before + after <= 1, ref)


def add_window_limits(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``sum_{p in window} placed[w,p] <= k`` for every window limit and worker."""
    scenario = pv.scenario
    for i, limit in enumerate(scenario.effective_rules.window_limits):
        periods = scenario.horizon.resolve_all(limit.periods)
        for w in range(len(scenario.workers)):
            worked = [pv.placed_at(w, p) for p in periods]
            worked = [v for v in worked if not isinstance(v, int)]
            if len(worked) > limit.max_worked:
                ref = RuleRef(Guarded.WINDOW_LIMIT, worker=w, item=i)
                pv.add(model, cp_model.LinearExpr.sum(worked) <= limit.max_worked, ref)


def add_assignment_limit(model: cp_model.CpModel, pv: PlanVars) -> None:
    """German AÜG: at most ``A`` periods with one user employer, counted since the last break of at
    least ``B`` periods away from it (the count starts at 0 at the horizon start).

    ``r[p] = 1`` only if ``y[p-B+1..p]`` are all 0 (a break); the count
    ``n[p] in [0, A]`` satisfies ``n[p] >= n[p-1] + y[p] - A r[p]``.
    """
    scenario = pv.scenario
    rules = scenario.effective_rules
    if rules.max_assignment_months is None:
        return
    most, reset = rules.assignment_periods(scenario.horizon.granularity)
    if most >= scenario.horizon.periods:
        return  # cannot bind within the horizon
    for w, worker in enumerate(scenario.workers):
        ref = RuleRef(Guarded.ASSIGNMENT_LIMIT, worker=w)
        for e in pv.employers_of(w):
            series = _series(pv, w, e)
            count: Expr = 0
            for p, y in enumerate(series):
                recent = series[max(0, p - reset + 1) : p + 1]
                # n's upper bound is the rule itself; when explaining, it is a guarded constraint.
                n = model.new_int_var(0, most if pv.guards is None else len(series), f"assigned[{worker.id},{e},{p}]")
                if pv.guards is not None:
                    pv.add(model, n <= most, ref)
                if p + 1 >= reset:
                    r = model.new_bool_var(f"break[{worker.id},{e},{p}]")
                    for v in recent:
                        if not isinstance(v, int):
                            pv.add(model, r <= 1 - v, ref)
                    pv.add(model, n >= count + y - most * r, ref)
                else:
                    pv.add(model, n >= count + y, ref)
                count = n


def add_employer_limits(model: cp_model.CpModel, pv: PlanVars) -> None:
    """``sum_w y[w,p,e] <= max_shared_workers_e`` and, over workers who need coaching,
    ``sum_w y[w,p,e] <= coaching_capacity_e``."""
    scenario = pv.scenario
    for e, employer in enumerate(scenario.employers):
        if employer.max_shared_workers is None and employer.coaching_capacity is None:
            continue
        for p in range(scenario.horizon.periods):
            everyone, coached = [], []
            for w, worker in enumerate(scenario.workers):
                y = pv.flag(w, p, e)
                if isinstance(y, int):
                    continue
                everyone.append(y)
                if worker.needs_coaching:
                    coached.append(y)
            if employer.max_shared_workers is not None and len(everyone) > employer.max_shared_workers:
                ref = RuleRef(Guarded.MAX_SHARED_WORKERS, employer=e, period=p)
                pv.add(model, cp_model.LinearExpr.sum(everyone) <= employer.max_shared_workers, ref)
            if employer.coaching_capacity is not None and len(coached) > employer.coaching_capacity:
                ref = RuleRef(Guarded.COACHING_CAPACITY, employer=e, period=p)
                pv.add(model, cp_model.LinearExpr.sum(coached) <= employer.coaching_capacity, ref)


#: Every constraint rule, in the order they are added (the order does not change the model's meaning).
RULES = (
    add_places_per_period,
    add_employer_capacity,
    add_required_cover,
    add_training,
    add_permanent_transitions,
    add_total_hours,
    add_stints,
    add_work_runs,
    add_switch_limits,
    add_forbidden_transitions,
    add_window_limits,
    add_assignment_limit,
    add_employer_limits,
)
