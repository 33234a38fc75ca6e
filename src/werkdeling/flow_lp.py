"""A period's LP relaxation as a min-cost flow: exact, fast, with its duals, where no head count binds.

The LP of :func:`werkdeling.relaxation.period_lp` places each worker at most once, fractionally,
and prices each slot's cover by its hull (:func:`~werkdeling.relaxation.slot_hull`), a convex
piecewise-linear function. Counted in minutes instead of shares of a worker, that is a
transportation problem with convex costs, so a min-cost flow:

* each worker is a source of as many flow units as they work in the period (a unit is the
  greatest common divisor of every worker's minutes and every hull's covers);
* an arc per candidate placement to its slot, at the placement's cost per unit, and one straight
  to the sink (unplaced, cost 0);
* per slot, one arc to the sink per hull piece, as long as the piece and at its slope per unit.
  The hull is convex, so the cheaper pieces fill first, and the flow's cost is the hull's.

OR-Tools' :class:`~ortools.graph.python.min_cost_flow.SimpleMinCostFlow` needs whole-number costs,
so the costs per unit are scaled and rounded; the flow is then optimal for the rounded costs.
It gives no duals, so each node's shortest distance to the sink in the flow's residual graph
(:func:`_potentials`, exact in those whole numbers) gives them: a slot's distance is what one
more unit of its cover costs at the optimum. Those per-minute prices ``v`` make the
bound by weak duality, evaluated exactly on the unrounded costs (:func:`cover_price_bound`):

    sum over workers of min(0, min over their candidates of cost - v[slot] x minutes)
    + sum over slots of min over the hull's points of hull(c) + v[slot] x c

Whatever the rounding, that is a lower bound on every plan of the period; on the benchmark
months it is the flow's own cost to the point. A 20,000-worker month (6 million candidates)
takes 12.7 s, where one pricing round of GLOP over 245,000 of them took 20.5 s
(``benchmarks/crowded_period.py``), and a round cut short by the time box left a month's bound
millions of points low (``benchmarks/README.md``, item 21).

Head counts and coaching limits count workers, not minutes, and a hard required cover puts a
floor under a slot's flow, so periods where any of those binds keep GLOP (:func:`flow_lp` returns
``None``).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from werkdeling.local_search import NO_LIMIT, PeriodCosts
from werkdeling.relaxation import FloatArray, PeriodLp, slot_hulls
from werkdeling.scenario.scenario import IntArray

#: A distance not (yet) reached; small enough that adding a cost cannot overflow int64.
_FAR = np.iinfo(np.int64).max // 4

#: The largest scaled cost times the nodes (or the total flow) stays below 2**62 / this, within
#: what OR-Tools' cost scaling and the flow's total cost can hold in int64.
_HEADROOM = 16


def applies(costs: PeriodCosts) -> bool:
    """Whether the period's LP is a min-cost flow: no head count or coaching limit below the
    number of workers who could count against it, and no hard required cover."""
    if costs.cover_required and (costs.required[np.unique(costs.slot)] > 0).any():
        return False
    employer = costs.slot_employer[costs.slot]
    everyone = np.ones(len(costs.worker), dtype=np.bool_)
    for limits, counted in ((costs.head_limit, everyone), (costs.coaching_limit, costs.coached[costs.worker])):
        limited = limits < NO_LIMIT
        if not limited.any():
            continue
        at_limited = limited[employer] & counted
        # Distinct (employer, worker) pairs: a worker counts once however many roles they could take.
        pairs = np.unique(employer[at_limited] * costs.workers + costs.worker[at_limited])
        if (np.bincount(pairs // max(1, costs.workers), minlength=len(limits)) > limits).any():
            return False
    return True


def flow_lp(costs: PeriodCosts) -> PeriodLp | None:
    """The LP relaxation of one period (as :func:`~werkdeling.relaxation.period_lp` defines it)
    solved as a min-cost flow; ``None`` where that does not apply (:func:`applies`) or the flow
    solver gives no optimum, so the caller uses GLOP.

    ``objective`` is the exact cost of the flow as an LP solution (at least the LP optimum),
    ``bound`` the exact :func:`cover_price_bound` at the flow's distances (at most the LP
    optimum); ``values`` each candidate's share of its worker; every candidate is a column.
    """
    if not applies(costs):
        return None
    hulls = slot_hulls(costs)
    if hulls is None:  # only with a hard required cover, which applies() left out
        return None
    minutes = costs.capacity
    piece_slot, piece_minutes, piece_slope = _pieces(hulls)
    unit = max(1, int(np.gcd.reduce(np.concatenate([minutes[minutes > 0], piece_minutes, [0]]))))
    supply = minutes // unit
    piece_units = piece_minutes // unit
    static = (costs.placement_cost - costs.switch_cost).astype(np.float64)
    # Costs per unit of flow: a placement's over its worker's units, a piece's slope times a unit.
    placed_cost = static / np.maximum(1, supply[costs.worker])
    piece_cost = piece_slope * unit

    workers, slots, candidates = costs.workers, costs.slots, len(costs.worker)
    sink = workers + slots
    largest = max(1.0, float(np.abs(placed_cost).max(initial=0.0)), float(np.abs(piece_cost).max(initial=0.0)))
    scale = 2.0**62 / _HEADROOM / max(sink + 1, int(supply.sum()) + 1) / largest
    tails = np.concatenate([costs.worker, np.arange(workers), workers + piece_slot])
    heads = np.concatenate([workers + costs.slot, np.full(workers, sink), np.full(len(piece_slot), sink)])
    capacities = np.concatenate([supply[costs.worker], supply, piece_units])
    scaled = np.rint(np.concatenate([placed_cost, np.zeros(workers), piece_cost]) * scale).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, scaled)
    supplies = np.concatenate([supply, np.zeros(slots, dtype=np.int64), [-int(supply.sum())]])
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    flows = np.asarray(flow.flows(np.arange(len(tails))), dtype=np.int64)

    distance = _potentials(costs, scaled, flows, supply, piece_slot, piece_units)
    # The slot's distance is its marginal cost per unit; a minute of cover is worth minus that.
    prices = np.where(distance < _FAR, -distance / scale / unit, 0.0)
    values = flows[:candidates] / np.maximum(1, supply[costs.worker])
    cover = np.bincount(costs.slot, weights=values * minutes[costs.worker], minlength=slots)
    objective = float(static @ values)
    empty = _empty_costs(costs)
    for s, hull in enumerate(hulls):
        if hull is not None:
            objective += float(np.interp(cover[s], hull[0], hull[1])) - empty[s]
    bound = cover_price_bound(costs, hulls, prices)
    employers = len(costs.head_limit)
    zeros = np.zeros(employers, dtype=np.float64)
    # The bound is at most the cost of any LP solution; min() only absorbs float rounding.
    return PeriodLp(objective, min(bound, objective), values, np.arange(candidates), hulls, prices, zeros, zeros.copy())


def cover_price_bound(costs: PeriodCosts, hulls: list[tuple[IntArray, IntArray] | None], prices: FloatArray) -> float:
    """The period's Lagrangian bound at ``prices`` (per slot, what a minute of cover is worth):
    a lower bound, against the period left empty, on every plan of the period for any prices,
    and on its LP; with the LP's optimal duals, the LP optimum. Head counts and coaching limits
    are not priced (a period where they bind needs :mod:`werkdeling.lagrangian`)."""
    static = (costs.placement_cost - costs.switch_cost).astype(np.float64)
    reduced = static - prices[costs.slot] * costs.capacity[costs.worker]
    best = np.zeros(costs.workers, dtype=np.float64)
    np.minimum.at(best, costs.worker, reduced)
    total = float(best.sum())
    empty = _empty_costs(costs)
    for s, hull in enumerate(hulls):
        if hull is not None:
            covers, cost = hull
            total += float(np.min(cost + prices[s] * covers)) - empty[s]
    return total


def _pieces(hulls: list[tuple[IntArray, IntArray] | None]) -> tuple[IntArray, IntArray, FloatArray]:
    """Every hull piece in order: its slot, its length (minutes) and its slope (units per minute)."""
    slot, length, slope = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    for s, hull in enumerate(hulls):
        if hull is not None:
            covers, cost = hull
            slot.append(np.full(len(covers) - 1, s, dtype=np.int64))
            length.append(np.diff(covers))
            slope.append(np.diff(cost) / np.diff(covers))
    return np.concatenate(slot), np.concatenate(length), np.concatenate(slope)


def _empty_costs(costs: PeriodCosts) -> FloatArray:
    """Each slot's cost with nobody placed, the level the period's costs are taken against."""
    return costs.slot_cost(np.arange(costs.slots), np.zeros(costs.slots, dtype=np.int64), hard=False).astype(np.float64)


def _potentials(
    costs: PeriodCosts, scaled: IntArray, flows: IntArray, supply: IntArray, piece_slot: IntArray, piece_units: IntArray
) -> IntArray:
    """Each slot's shortest distance to the sink in the residual graph of an optimal ``flows``
    (arcs as :func:`flow_lp` lays them out, ``scaled`` costs), ``_FAR`` where none.

    Residual arcs out of a slot: a piece not yet full (its cost) and, back along a placement
    with flow, to the worker (minus its cost); out of a worker: a placement not yet full, and
    the sink while the worker is not wholly unplaced (0). The flow is optimal, so there is no
    negative cycle and label correcting ends; each round relaxes only the arcs into what the
    round before changed.
    """
    workers, slots, candidates = costs.workers, costs.slots, len(costs.worker)
    placed_flow = flows[:candidates]
    unplaced_flow = flows[candidates : candidates + workers]
    piece_flow = flows[candidates + workers :]
    placed_cost = scaled[:candidates]

    to_slot = np.full(slots, _FAR, dtype=np.int64)
    open_piece = piece_flow < piece_units
    np.minimum.at(to_slot, piece_slot[open_piece], scaled[candidates + workers :][open_piece])
    to_worker = np.where(unplaced_flow < supply, 0, _FAR).astype(np.int64)

    # Forward placements, by slot: a worker reaches the sink through the slot.
    forward = np.flatnonzero(placed_flow < supply[costs.worker])
    forward = forward[np.argsort(costs.slot[forward], kind="stable")]
    forward_starts = np.searchsorted(costs.slot[forward], np.arange(slots + 1))
    # Placements with flow, by worker: a slot reaches the sink back through the worker.
    backward = np.flatnonzero(placed_flow > 0)  # candidates are sorted by worker already
    backward_starts = np.searchsorted(costs.worker[backward], np.arange(workers + 1))

    changed_slots = np.flatnonzero(to_slot < _FAR)
    started = to_worker < _FAR  # the workers who reach the sink directly change first
    for _ in range(workers + slots + 1):
        # Workers through the slots that changed.
        arcs = forward[_ranges(forward_starts, changed_slots)]
        before = to_worker.copy()
        np.minimum.at(to_worker, costs.worker[arcs], placed_cost[arcs] + to_slot[costs.slot[arcs]])
        changed_workers = np.flatnonzero((to_worker < before) | started)
        started[:] = False
        # Slots back through the workers that changed.
        arcs = backward[_ranges(backward_starts, changed_workers)]
        arcs = arcs[to_worker[costs.worker[arcs]] < _FAR]
        before = to_slot.copy()
        np.minimum.at(to_slot, costs.slot[arcs], to_worker[costs.worker[arcs]] - placed_cost[arcs])
        changed_slots = np.flatnonzero(to_slot < before)
        if not len(changed_slots):
            break
    return to_slot


def _ranges(starts: IntArray, members: IntArray) -> IntArray:
    """The positions ``starts[m]`` to ``starts[m + 1]`` of every ``m`` in ``members``, concatenated."""
    begin, end = starts[members], starts[members + 1]
    lengths = end - begin
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(begin - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total)
