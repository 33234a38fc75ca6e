"""A CP-SAT model as a linear program: the rows, and the LP relaxation's optimum from GLOP.

Used by :mod:`werkdeling.decompose` for a proven lower bound and a starting point, and by the
benchmarks to hand the very same formulation to HiGHS. The model is translated constraint by
constraint:

* ``linear`` rows keep their bounds (a domain with holes keeps its outer bounds); an enforced row
  ``lit => lo <= a.x <= hi`` becomes big-M rows from the variables' bounds;
* ``at_most_one`` / ``exactly_one`` / ``bool_or`` / ``bool_and`` become rows on 0/1 columns, a
  negated literal ``not x`` being ``1 - x``;
* ``lin_max`` (``t = max(e_i)``) keeps only ``t >= e_i``: dropping a side of a constraint only
  relaxes it, so the LP optimum stays a lower bound. The werkdeling terms built with it
  (shortfall, overstaffing, fairness) are minimised with positive weights, so an optimal MIP
  solution pins them anyway.

Only what werkdeling's models use is translated; anything else raises ``NotImplementedError``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat.python import cp_model

from werkdeling.local_search import NO_LIMIT, PeriodCosts
from werkdeling.scenario.scenario import IntArray

FloatArray = npt.NDArray[np.float64]

INF = math.inf


@dataclass
class _Rows:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    start: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, terms: dict[int, float], lower: float, upper: float) -> None:
        for var, coef in terms.items():
            if coef:
                self.index.append(var)
                self.value.append(coef)
        self.start.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)

    def add_row(self, variables: list[int], coefficients: list[int], lower: float, upper: float) -> None:
        """A row whose variables are distinct and whose coefficients are not zero."""
        self.index.extend(variables)
        self.value.extend(coefficients)
        self.start.append(len(self.index))
        self.lower.append(lower)
        self.upper.append(upper)


def _literal(lit: int) -> tuple[dict[int, float], float]:
    """A literal as (terms, constant): ``x`` or ``1 - x``."""
    return ({lit: 1.0}, 0.0) if lit >= 0 else ({-lit - 1: -1.0}, 1.0)


def _sum_literals(literals: list[int]) -> tuple[dict[int, float], float]:
    terms: dict[int, float] = {}
    constant = 0.0
    for lit in literals:
        t, c = _literal(lit)
        for var, coef in t.items():
            terms[var] = terms.get(var, 0.0) + coef
        constant += c
    return terms, constant


def to_arrays(
    model: cp_model.CpModel, *, relax: bool = False, skip: Collection[int] = ()
) -> dict[str, npt.NDArray[np.generic]]:
    """The minimised model as arrays of a row-wise LP/MIP (``relax``: all columns continuous), in
    CP-SAT objective units, without the constraints at the positions in ``skip``."""
    proto = model.proto
    n = len(proto.variables)
    low = np.array([v.domain[0] for v in proto.variables], dtype=float)
    high = np.array([v.domain[len(v.domain) - 1] for v in proto.variables], dtype=float)
    rows = _Rows()

    def bounds(terms: dict[int, float]) -> tuple[float, float]:
        lo = sum(c * (low[v] if c > 0 else high[v]) for v, c in terms.items())
        hi = sum(c * (high[v] if c > 0 else low[v]) for v, c in terms.items())
        return lo, hi

    def add_linear(terms: dict[int, float], lo: float, hi: float, enforce: list[int]) -> None:
        if not enforce:
            rows.add(terms, lo, hi)
            return
        # lit => lo <= a.x <= hi, with M from the bounds of a.x; several literals: each must be 1.
        e_terms, e_const = _sum_literals(enforce)  # sum of (literal values); all true = len(enforce)
        k = len(enforce)
        min_ax, max_ax = bounds(terms)
        if lo > -INF and min_ax < lo:
            m = lo - min_ax  # a.x >= lo - m (k - sum lits)
            row = dict(terms)
            for var, coef in e_terms.items():
                row[var] = row.get(var, 0.0) - m * coef
            rows.add(row, lo - m * k + m * e_const, INF)
        if hi < INF and max_ax > hi:
            m = max_ax - hi
            row = dict(terms)
            for var, coef in e_terms.items():
                row[var] = row.get(var, 0.0) + m * coef
            rows.add(row, -INF, hi + m * k - m * e_const)

    skipped = set(skip)
    for position, ct in enumerate(proto.constraints):
        if position in skipped:
            continue
        enforce = list(ct.enforcement_literal)
        if ct.has_linear():
            lin = ct.linear
            domain = list(lin.domain)
            lo = domain[0] if domain[0] > -(2**62) else -INF
            hi = domain[-1] if domain[-1] < 2**62 else INF
            variables, coefficients = list(lin.vars), list(lin.coeffs)
            if not enforce and len(set(variables)) == len(variables) and all(coefficients):
                rows.add_row(variables, coefficients, lo, hi)  # the common case, without a dict
                continue
            terms: dict[int, float] = {}
            for var, coef in zip(variables, coefficients, strict=True):
                terms[var] = terms.get(var, 0.0) + coef
            add_linear(terms, lo, hi, enforce)
        elif ct.has_at_most_one() or ct.has_exactly_one():
            literals = list(ct.at_most_one.literals if ct.has_at_most_one() else ct.exactly_one.literals)
            terms, constant = _sum_literals(literals)
            lo = 1 - constant if ct.has_exactly_one() else -INF
            add_linear(terms, lo, 1 - constant, enforce)
        elif ct.has_bool_or():
            terms, constant = _sum_literals(list(ct.bool_or.literals))
            add_linear(terms, 1 - constant, INF, enforce)
        elif ct.has_bool_and():
            for lit in ct.bool_and.literals:
                terms, constant = _literal(lit)
                add_linear(terms, 1 - constant, INF, enforce)
        elif ct.has_lin_max():
            if enforce:
                raise NotImplementedError("enforced lin_max")
            target = ct.lin_max.target
            for expr in ct.lin_max.exprs:
                terms = {}
                for var, coef in zip(target.vars, target.coeffs, strict=True):
                    terms[var] = terms.get(var, 0.0) + coef
                for var, coef in zip(expr.vars, expr.coeffs, strict=True):
                    terms[var] = terms.get(var, 0.0) - coef
                rows.add(terms, expr.offset - target.offset, INF)
        else:
            raise NotImplementedError(f"constraint not translated: {ct}")

    objective = proto.objective
    cost = np.zeros(n)
    for var, coef in zip(objective.vars, objective.coeffs, strict=True):
        cost[var] += coef
    return {
        "cost": cost,
        "offset": np.array([float(objective.offset)]),
        "col_lower": low,
        "col_upper": high,
        "row_lower": np.array(rows.lower, dtype=float),
        "row_upper": np.array(rows.upper, dtype=float),
        "start": np.array(rows.start, dtype=np.int64),
        "index": np.array(rows.index, dtype=np.int64),
        "value": np.array(rows.value, dtype=float),
        "integer": np.array([not relax]),
    }


@dataclass(frozen=True)
class LpSolution:
    """The LP relaxation's optimum in CP-SAT objective units, and each variable's value (by its
    index in the model)."""

    objective: float
    values: FloatArray


def solve_lp(model: cp_model.CpModel, skip: Collection[int] = ()) -> LpSolution | None:
    """Solve the LP relaxation of the minimised ``model`` with GLOP (part of OR-Tools); ``None``
    if the relaxation is infeasible, and then so is the model.

    ``skip``: constraint positions to leave out, e.g. the rows of helper variables that are not
    in the objective; leaving rows out only relaxes the LP further, so it stays a lower bound.

    Raises ``RuntimeError`` if GLOP ends otherwise without an optimum (werkdeling's objectives
    are bounded below, so that would be a bug).
    """
    arrays = to_arrays(model, relax=True, skip=skip)
    lp = linear_solver_pb2.MPModelProto()
    cost = arrays["cost"].tolist()
    for lo, hi, c in zip(arrays["col_lower"].tolist(), arrays["col_upper"].tolist(), cost, strict=True):
        lp.variable.add(lower_bound=lo, upper_bound=hi, objective_coefficient=c)
    lp.objective_offset = float(arrays["offset"][0])
    start, index, value = arrays["start"].tolist(), arrays["index"].tolist(), arrays["value"].tolist()
    for r, (lo, hi) in enumerate(zip(arrays["row_lower"].tolist(), arrays["row_upper"].tolist(), strict=True)):
        row = lp.constraint.add(lower_bound=lo, upper_bound=hi)
        row.var_index.extend(index[start[r] : start[r + 1]])
        row.coefficient.extend(value[start[r] : start[r + 1]])
    response = _glop(lp)
    if response is None:
        return None
    return LpSolution(objective=response.objective_value, values=np.array(response.variable_value, dtype=np.float64))


def _glop(lp: linear_solver_pb2.MPModelProto) -> linear_solver_pb2.MPSolutionResponse | None:
    """GLOP's optimum of ``lp``; ``None`` if it is infeasible."""
    request = linear_solver_pb2.MPModelRequest(
        model=lp,
        solver_type=linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING,
        # Dual simplex: 0.5-0.8 s instead of 0.8-1.1 s on 2,000-worker periods, same optimum.
        solver_specific_parameters="use_dual_simplex: true",
    )
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)
    if response.status == linear_solver_pb2.MPSOLVER_INFEASIBLE:
        return None
    if response.status != linear_solver_pb2.MPSOLVER_OPTIMAL:
        raise RuntimeError(f"GLOP ended with status {response.status} on the LP relaxation")
    return response


@dataclass(frozen=True)
class PeriodLp:
    """The LP relaxation of one period (see :func:`period_lp`), in objective units against the
    period left empty: ``bound`` is a proven lower bound on it (the LP optimum itself when every
    candidate was a column), ``values`` each candidate placement's value (0 for candidates left
    out), ``columns`` which candidates were columns."""

    objective: float
    bound: float
    values: FloatArray
    columns: IntArray
    #: The slot's cost on the covers whole workers can reach (:func:`slot_hull`), ``None`` for a
    #: slot no candidate can fill.
    hulls: list[tuple[IntArray, IntArray] | None]
    #: Duals of the last LP solved: per slot, what a minute of cover is worth (0 where the slot
    #: has no cover row); per employer, the price of the head-count and coaching rows (at most 0,
    #: 0 where the row is not binding or absent). :mod:`werkdeling.lagrangian` starts from them.
    cover_prices: FloatArray
    head_prices: FloatArray
    coaching_prices: FloatArray


#: Most pricing rounds of :func:`period_lp`; each re-solves the LP with the columns added.
PRICING_ROUNDS = 4


def period_lp(costs: PeriodCosts, columns: IntArray | None = None, deadline: float | None = None) -> PeriodLp | None:
    """The LP relaxation of one period without its switches, built from the arrays of
    :class:`~werkdeling.local_search.PeriodCosts`; ``None`` if even the relaxation is infeasible.

    Columns: the candidate placements, and per slot someone can fill its cover (minutes) and its
    cost. Rows: one place per worker; per slot the cover as the sum of its placements, and the
    cost above each piece of :func:`slot_hull`; the head counts of employers with a limit.

    The slot's cost is priced by :func:`slot_hull` rather than by its own shortfall and
    overstaffing lines: a slot filled by whole workers only reaches some covers, and pricing the
    covers in between by the line between reachable ones keeps every plan's cost (so the optimum
    is still a lower bound) while no longer letting part of a worker fill a required level
    exactly.

    ``columns`` (candidate indices, sorted; every slot with a candidate should have one) starts
    the LP with only those placements, for periods with millions of candidates. The duals then
    price every candidate: those whose reduced cost is negative join the columns and the LP is
    solved again, up to :data:`PRICING_ROUNDS` times, and after the first of those only while
    another round, taken to last twice the one before, ends before ``deadline``
    (``time.perf_counter()``; ``None``: no limit). Whatever is still negative is subtracted
    from the optimum, so ``bound`` is a lower bound on the LP with every candidate (weak duality
    with the placements' bounds of 0 and 1, and each worker in at most one place).
    """
    everyone = np.arange(len(costs.worker))
    active = everyone if columns is None else np.asarray(columns, dtype=np.int64)
    hulls = slot_hulls(costs)
    if hulls is None:
        return None
    for priced in range(PRICING_ROUNDS + 1):
        round_started = time.perf_counter()
        solved = _solve_period_lp(costs, active, hulls)
        if solved is None:
            return None
        objective, values, reduced, worker_dual, prices = solved
        outside = np.ones(len(costs.worker), dtype=np.bool_)
        outside[active] = False
        missing = np.flatnonzero(outside & (reduced < -1e-6))
        if not len(missing) or priced == PRICING_ROUNDS:
            break
        # Each round has up to twice the columns of the one before, and GLOP's time grows faster.
        took = time.perf_counter() - round_started
        if priced >= 1 and deadline is not None and time.perf_counter() + 2 * took > deadline:
            break
        # The most negative first, at most as many as there are columns already.
        missing = missing[np.argsort(reduced[missing], kind="stable")[: len(active)]]
        active = np.union1d(active, missing)
    # Lagrangian bound with every row but the workers' priced by the duals: the optimum less its
    # workers' part, plus each worker's best reduced cost over all their candidates (or 0).
    inside = float(worker_dual.sum()) + float(np.minimum(0.0, reduced[active]).sum())
    best = np.zeros(costs.workers, dtype=np.float64)
    np.minimum.at(best, costs.worker, reduced + worker_dual[costs.worker])
    bound = min(objective, objective - inside + float(best.sum()))
    return PeriodLp(objective, bound, values, active, hulls, *prices)


def slot_hulls(costs: PeriodCosts) -> list[tuple[IntArray, IntArray] | None] | None:
    """:func:`slot_hull` of every slot of the period over its candidates' minutes (``None`` for a
    slot without candidates: its cost does not change); ``None`` when whole workers cannot reach
    some hard required cover."""
    hulls: list[tuple[IntArray, IntArray] | None] = []
    minutes = costs.capacity[costs.worker]
    by_slot = np.argsort(costs.slot, kind="stable")
    slot_starts = np.searchsorted(costs.slot[by_slot], np.arange(costs.slots + 1))
    for slot in range(costs.slots):
        members = by_slot[slot_starts[slot] : slot_starts[slot + 1]]
        if not len(members):
            hulls.append(None)
            continue
        hull = slot_hull(costs, slot, minutes[members])
        if hull is None:
            return None
        hulls.append(hull)
    return hulls


def _solve_period_lp(
    costs: PeriodCosts, active: IntArray, hulls: list[tuple[IntArray, IntArray] | None]
) -> tuple[float, FloatArray, FloatArray, FloatArray, tuple[FloatArray, FloatArray, FloatArray]] | None:
    """Optimum of the period LP over the ``active`` candidates, their values (all candidates,
    0 outside), every candidate's reduced cost under the optimum's duals, the dual of each
    worker's row (0 where there is none), and the duals of the cover, head-count and coaching
    rows (see :class:`PeriodLp`)."""
    worker, slot = costs.worker[active], costs.slot[active]
    minutes = costs.capacity[worker].astype(np.float64)
    static = (costs.placement_cost - costs.switch_cost).astype(np.float64)
    lp = linear_solver_pb2.MPModelProto()
    for c in static[active].tolist():
        lp.variable.add(lower_bound=0.0, upper_bound=1.0, objective_coefficient=c)

    def column(lower: float, upper: float, cost: float) -> int:
        lp.variable.add(lower_bound=lower, upper_bound=upper, objective_coefficient=cost)
        return len(lp.variable) - 1

    def row(columns: list[int], coefficients: list[float], lower: float, upper: float) -> int:
        added = lp.constraint.add(lower_bound=lower, upper_bound=upper)
        added.var_index.extend(columns)
        added.coefficient.extend(coefficients)
        return len(lp.constraint) - 1

    # Rows whose duals price the candidates: -1 where there is no such row (its dual is 0).
    worker_row = np.full(costs.workers, -1, dtype=np.int64)
    cover_row = np.full(costs.slots, -1, dtype=np.int64)
    head_row = np.full(len(costs.head_limit), -1, dtype=np.int64)
    coaching_row = np.full(len(costs.head_limit), -1, dtype=np.int64)
    worker_starts = np.searchsorted(worker, np.arange(costs.workers + 1))
    for w in range(costs.workers):
        first, end = int(worker_starts[w]), int(worker_starts[w + 1])
        if end - first > 1:
            worker_row[w] = row(list(range(first, end)), [1.0] * (end - first), -INF, 1.0)
    by_slot = np.argsort(slot, kind="stable")
    slot_starts = np.searchsorted(slot[by_slot], np.arange(costs.slots + 1))
    offset = 0.0
    for s, hull in enumerate(hulls):
        if hull is None:
            continue
        members = by_slot[slot_starts[s] : slot_starts[s + 1]]
        covers, prices = hull
        cover = column(float(covers[0]), float(covers[-1]), 0.0)
        cover_row[s] = row([*members.tolist(), cover], [*minutes[members].tolist(), -1.0], 0.0, 0.0)
        cost = column(float(prices.min()), INF, 1.0)
        for k in range(len(covers) - 1):
            slope = float(prices[k + 1] - prices[k]) / float(covers[k + 1] - covers[k])
            # cost >= prices[k] + slope * (cover - covers[k])
            row([cost, cover], [1.0, -slope], float(prices[k]) - slope * float(covers[k]), INF)
        offset -= float(costs.slot_cost(np.array([s]), np.zeros(1, dtype=np.int64), hard=False)[0])
    employer = costs.slot_employer[slot]
    for limits, counted, rows in (
        (costs.head_limit, np.ones(len(active), dtype=np.bool_), head_row),
        (costs.coaching_limit, costs.coached[worker], coaching_row),
    ):
        for e in np.flatnonzero(limits < NO_LIMIT):
            limited = np.flatnonzero((employer == e) & counted).tolist()
            if len(limited) > limits[e]:
                rows[e] = row(limited, [1.0] * len(limited), -INF, float(limits[e]))
    lp.objective_offset = offset
    response = _glop(lp)
    if response is None:
        return None
    dual = np.append(np.array(response.dual_value, dtype=np.float64), 0.0)  # index -1: no row, dual 0
    everyone_employer = costs.slot_employer[costs.slot]
    reduced = static - dual[worker_row[costs.worker]] - dual[cover_row[costs.slot]] * costs.capacity[costs.worker]
    reduced -= dual[head_row[everyone_employer]]
    reduced -= np.where(costs.coached[costs.worker], dual[coaching_row[everyone_employer]], 0.0)
    values = np.zeros(len(costs.worker), dtype=np.float64)
    values[active] = response.variable_value[: len(active)]
    row_prices = (dual[cover_row], np.minimum(0.0, dual[head_row]), np.minimum(0.0, dual[coaching_row]))
    return response.objective_value, values, reduced, dual[worker_row], row_prices


def reachable_covers(minutes: IntArray, limit: int) -> tuple[int, int]:
    """The covers (minutes) whole workers of ``minutes`` can give a slot, up to ``limit``, as a
    bit set (bit ``j`` set: ``j * unit`` minutes are reachable) and its ``unit``, the greatest
    common divisor of ``minutes``.

    A bounded subset sum: each distinct number of minutes is added once, twice, four times, ...
    as many times as there are such workers, by shifting the set.
    """
    unit = int(np.gcd.reduce(minutes)) if len(minutes) else 1
    top = limit // unit
    mask = (1 << (top + 1)) - 1
    reachable = 1
    values, counts = np.unique(minutes // unit, return_counts=True)
    for value, count in zip(values.tolist(), counts.tolist(), strict=True):
        piece = 1
        while count > 0:
            take = min(piece, count)
            reachable = (reachable | (reachable << (value * take))) & mask
            count -= take
            piece *= 2
    return reachable, unit


def slot_hull(costs: PeriodCosts, slot: int, minutes: IntArray) -> tuple[IntArray, IntArray] | None:
    """The slot's cost on the covers whole workers with ``minutes`` can give it, made convex:
    covers (increasing) and the cost at each, the pieces between them priced by the line joining
    them. ``None`` when a hard required cover cannot be reached.

    The cost (shortfall below required and desired, overstaffing above desired) is linear except
    at the required and desired levels, so the reachable covers that matter are the nearest ones
    on either side of each level, the least (``0``, or the least reaching a hard required level)
    and the most up to the slot's maximum. That most is searched only up to the higher level
    plus one worker: above it the cost is linear, so the maximum itself (or the sum of
    everyone's minutes, if less) prices the same line.
    """
    required, desired, maximum = (int(a[slot]) for a in (costs.required, costs.desired, costs.maximum))
    total = int(minutes.sum())
    searched = min(maximum, total, max(required, desired) + int(minutes.max()))
    bits, unit = reachable_covers(minutes, searched)

    def at_most(level: int) -> int | None:
        below = bits & ((1 << (level // unit + 1)) - 1) if level >= 0 else 0
        return (below.bit_length() - 1) * unit if below else None

    def at_least(level: int) -> int | None:
        first = -(-level // unit)
        above = bits >> first
        return ((above & -above).bit_length() - 1 + first) * unit if above else None

    lowest = 0
    if costs.cover_required and required > 0:
        # Beyond the search's end a cover above every level is reachable, so None is final.
        reached = at_least(required)
        if reached is None:
            return None
        lowest = reached
    highest = at_most(searched) if searched == min(maximum, total) else min(maximum, total)
    assert highest is not None  # 0 is always reachable
    points = {lowest, highest}
    for level in (required, desired):
        for near in (at_most(level), at_least(level)):
            if near is not None and lowest <= near <= highest:
                points.add(near)
    covers = np.array(sorted(points), dtype=np.int64)
    prices = costs.slot_cost(np.full(len(covers), slot), covers, hard=False)
    return _lower_hull(covers, prices)


def _lower_hull(x: IntArray, y: IntArray) -> tuple[IntArray, IntArray]:
    """The points of the lower convex hull of (``x``, ``y``), ``x`` increasing."""
    keep: list[int] = []
    for k in range(len(x)):
        while len(keep) >= 2:
            a, b = keep[-2], keep[-1]
            # b is on or above the line from a to k: drop it (integer cross product, exact).
            if (int(y[b]) - int(y[a])) * (int(x[k]) - int(x[a])) >= (int(y[k]) - int(y[a])) * (int(x[b]) - int(x[a])):
                keep.pop()
            else:
                break
        keep.append(k)
    return x[keep], y[keep]
