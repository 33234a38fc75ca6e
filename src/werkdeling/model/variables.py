"""Decision variables, created only where eligibility allows, and the exact expressions built on them.

Decisions:

* ``x[w,p,s]`` (bool): worker ``w`` works in period ``p`` in demand slot ``s``;
* ``a[w,p,s]`` (minutes): how long. Whole-period placements use the period's capacity,
  ``a = C[w,p] x``; with ``rules.splits`` it is a variable whose domain holds the allowed step
  amounts ``floor(C k / K)`` for ``k`` from the minimum to ``K`` (and 0), with ``x = (a > 0)``;
* ``t[w,o,q]`` (bool): worker ``w`` starts training ``o`` in period ``q``;
* ``m[w,e,v,q]`` (bool): worker ``w`` starts in vacancy ``v`` of employer ``e`` in period ``q``.

Derived, each pinned to its exact value:

* ``y[w,p,e]``: works for employer ``e`` in ``p`` (sum of ``x`` over e's slots, or their OR when
  a worker may hold two of e's roles at once);
* ``placed[w,p]``: works at all in ``p`` (sum of ``y``, or their OR with splits);
* ``training_at[w,p]``: sum of the spells covering ``p``;
* ``in_pool[w,p] = 1 - sum_{q <= p} m[w,.,.,q]``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ortools.sat.python import cp_model

from werkdeling.model import eligibility
from werkdeling.model.guards import Guarded, Guards, RuleRef
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray

#: A CP-SAT linear expression, or an int where the value is known when building (OR-Tools is
#: treated as untyped, see pyproject.toml).
Expr: TypeAlias = Any


@dataclass
class PlanVars:
    """Every decision variable, indexed the ways the rule functions need."""

    scenario: Scenario
    split: bool
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    #: Amount variables of split placements (minutes).
    amounts: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    #: (worker, period) -> [(slot, x)]
    by_worker_period: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: (slot, period) -> [(worker, x)]
    by_slot_period: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: (worker, period) -> {employer: y}
    employer_flags: dict[tuple[int, int], dict[int, Expr]] = field(default_factory=dict)
    #: (worker, period) -> placed
    placed: dict[tuple[int, int], Expr] = field(default_factory=dict)
    #: (worker, training, start) -> t
    training: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    #: (worker, period) -> spells covering the period
    training_at: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    #: (worker, employer, vacancy, start) -> m
    permanent: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    #: worker -> [(start, m)]
    moves_of_worker: dict[int, list[tuple[int, cp_model.IntVar]]] = field(default_factory=lambda: defaultdict(list))
    #: Switch count per worker, built on first use (see :mod:`werkdeling.model.switching`).
    switch_counts: dict[int, Expr] | None = None
    #: Literals of switchable rule instances; ``None`` (a normal solve): every rule simply holds.
    guards: Guards | None = None
    #: A period model (see :func:`create_variables`): each worker's employer before its first
    #: period, ``None`` for none; ``None`` as a whole: the ``home_employer`` of each worker.
    last_employers: dict[int, int | None] | None = None
    #: A period model of a plan's middle periods: each worker's employer in their next worked
    #: period after the modelled ones (absent: none), so that the switch there is counted too.
    next_employers: dict[int, int] | None = None
    #: (slot, period) -> coverage expression, see :meth:`coverage`.
    coverage_cache: dict[tuple[int, int], Expr] = field(default_factory=dict, repr=False)

    def employer_before(self, w: int) -> int | None:
        """The employer worker ``w`` last worked for before the modelled periods."""
        if self.last_employers is not None:
            return self.last_employers.get(w)
        home = self.scenario.workers[w].home_employer
        return self.scenario.employer_index[home] if home is not None else None

    def employer_after(self, w: int) -> int | None:
        """The employer worker ``w`` works for next after the modelled periods, if one is given."""
        return None if self.next_employers is None else self.next_employers.get(w)

    def add(self, model: cp_model.CpModel, constraint: Any, ref: RuleRef) -> None:
        """Add a linear ``constraint`` of rule instance ``ref``; guarded when explaining."""
        added = model.add(constraint)
        if self.guards is not None:
            added.only_enforce_if(self.guards.literal(ref))

    def amount(self, w: int, p: int, s: int) -> Expr:
        """Minutes of placement ``(w, p, s)``."""
        if (w, p, s) in self.amounts:
            return self.amounts[(w, p, s)]
        return int(self.scenario.quantities.capacity_minutes[w, p]) * self.x[(w, p, s)]

    def coverage(self, slot: int, period: int) -> Expr:
        """Minutes placed in ``slot`` in ``period`` (built once: several rules and terms use it)."""
        key = (slot, period)
        if key not in self.coverage_cache:
            amounts = [self.amount(w, period, slot) for w, _ in self.by_slot_period[key]]
            self.coverage_cache[key] = cp_model.LinearExpr.sum(amounts)
        return self.coverage_cache[key]

    def worked(self, w: int, p: int) -> Expr:
        """Minutes worker ``w`` works in period ``p``."""
        return cp_model.LinearExpr.sum([self.amount(w, p, s) for s, _ in self.by_worker_period.get((w, p), [])])

    def in_pool(self, w: int, p: int) -> Expr:
        """1 while the worker has not left the pool for a permanent job."""
        left = [m for start, m in self.moves_of_worker.get(w, []) if start <= p]
        return 1 - cp_model.LinearExpr.sum(left) if left else 1

    def flag(self, w: int, p: int, e: int) -> Expr:
        """``y[w,p,e]``, or 0 where the placement is impossible."""
        return self.employer_flags.get((w, p), {}).get(e, 0)

    def placed_at(self, w: int, p: int) -> Expr:
        """``placed[w,p]``, or 0 where no placement is possible."""
        return self.placed.get((w, p), 0)

    def employers_of(self, w: int) -> list[int]:
        """Employers worker ``w`` can work for in some period."""
        periods = range(self.scenario.horizon.periods)
        return sorted({e for p in periods for e in self.employer_flags.get((w, p), {})})

    def decisions(self) -> list[cp_model.IntVar]:
        """Variables that fix a plan (for warm starts)."""
        return [*self.x.values(), *self.amounts.values(), *self.training.values(), *self.permanent.values()]


def _or(model: cp_model.CpModel, literals: list[cp_model.IntVar], name: str) -> Expr:
    """``max(literals)`` pinned exactly; a single literal is returned as is."""
    if len(literals) == 1:
        return literals[0]
    flag = model.new_bool_var(name)
    model.add_max_equality(flag, literals)
    return flag


def _split_values(capacity: int, maximum: int, steps: int, min_steps: int) -> list[int]:
    amounts = {capacity * k // steps for k in range(min_steps, steps + 1)}
    return sorted(v for v in amounts if 0 < v <= maximum)


def create_variables(
    model: cp_model.CpModel,
    scenario: Scenario,
    guards: Guards | None = None,
    *,
    periods: Collection[int] | None = None,
    last_employers: dict[int, int | None] | None = None,
    next_employers: dict[int, int] | None = None,
    allowed: BoolArray | None = None,
) -> PlanVars:
    """Create every decision variable that eligibility allows, and the derived flags.

    With ``guards`` (explaining infeasibility) the employer maximum and the travel limit are
    guarded rules instead of reasons to leave a variable out.

    With ``periods``, only those periods get placement variables: the others are planned empty.
    Such a period model is exact only for scenarios without rules that link periods (see
    :mod:`werkdeling.decompose`); ``last_employers`` then says where each worker last worked
    before, for the switch count, and ``next_employers`` where each worker works next after
    them (workers left out work for nobody later), so that the switch there is counted too.
    ``allowed`` passes :func:`eligibility.possible_placements`
    when a caller building many period models has it already.
    """
    q = scenario.quantities
    splits = scenario.effective_rules.splits
    pv = PlanVars(
        scenario, split=splits is not None, guards=guards, last_employers=last_employers, next_employers=next_employers
    )
    if allowed is None or guards is not None:
        allowed = eligibility.possible_placements(scenario, with_travel_limit=guards is None)
    within = eligibility.travel_limit(scenario)
    modelled = range(scenario.horizon.periods) if periods is None else sorted(periods)
    for w, worker in enumerate(scenario.workers):
        for p in modelled:
            capacity = int(q.capacity_minutes[w, p])
            for s in map(int, allowed[w, p].nonzero()[0]):
                maximum = int(q.slots[s].maximum[p]) if guards is None else capacity
                name = f"[{worker.id},{p},{s}]"
                if splits is None:
                    if capacity > maximum:
                        continue  # the whole period would overfill the slot
                    var = model.new_bool_var("x" + name)
                else:
                    values = _split_values(capacity, maximum, splits.steps, splits.min_steps)
                    if not values:
                        continue
                    var = model.new_bool_var("x" + name)
                    a = model.new_int_var_from_domain(cp_model.Domain.from_values([0, *values]), "a" + name)
                    model.add(a <= values[-1] * var)
                    model.add(a >= values[0] * var)
                    pv.amounts[(w, p, s)] = a
                if guards is not None and not within[w, q.slots[s].employer]:
                    pv.add(model, var == 0, RuleRef(Guarded.TRAVEL_LIMIT, worker=w))
                pv.x[(w, p, s)] = var
                pv.by_worker_period[(w, p)].append((s, var))
                pv.by_slot_period[(s, p)].append((w, var))

    for (w, p), options in pv.by_worker_period.items():
        per_employer: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for s, var in options:
            per_employer[q.slots[s].employer].append(var)
        tag = f"[{scenario.workers[w].id},{p}"
        if splits is None:
            # At most one placement per period (a rule), so sums are exact 0/1 values.
            pv.employer_flags[(w, p)] = {e: cp_model.LinearExpr.sum(vs) for e, vs in per_employer.items()}
            pv.placed[(w, p)] = cp_model.LinearExpr.sum([v for _, v in options])
        else:
            flags = {e: _or(model, vs, f"y{tag},{e}]") for e, vs in per_employer.items()}
            pv.employer_flags[(w, p)] = flags
            pv.placed[(w, p)] = _or(model, list(flags.values()), f"placed{tag}]")

    for w, o, start in eligibility.training_starts(scenario):
        t = model.new_bool_var(f"train[{scenario.workers[w].id},{scenario.trainings[o].id},{start}]")
        pv.training[(w, o, start)] = t
        for p in range(start, start + scenario.trainings[o].duration):
            pv.training_at[(w, p)].append(t)

    for w, e, v, start in eligibility.permanent_moves(scenario):
        m = model.new_bool_var(f"move[{scenario.workers[w].id},{scenario.employers[e].id},{v},{start}]")
        pv.permanent[(w, e, v, start)] = m
        pv.moves_of_worker[w].append((start, m))
    return pv
