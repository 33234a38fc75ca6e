"""Does OR-Tools' min-cost flow let other Python threads run while it solves?

Planning by period could solve the next period's LP (a min-cost flow) beside the current
period's search, but only if the flow lets go of the GIL. This solves a random bipartite
assignment flow on a thread and counts how often a plain Python loop on the main thread turns
meanwhile, against how often it turns in a second alone. Near the second figure (per second):
the flow runs beside Python; far below it: the flow holds the GIL, and the LP would need a
process of its own.

    python benchmarks/flow_gil.py
"""

from __future__ import annotations

import argparse
import threading
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def _flow(nodes: int, arcs: int, seed: int) -> min_cost_flow.SimpleMinCostFlow:
    """Each of ``nodes`` sources sends one unit to one of as many sinks, over random arcs."""
    rng = np.random.default_rng(seed)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = rng.integers(0, nodes, arcs)
    heads = rng.integers(nodes, 2 * nodes, arcs)
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, np.ones(arcs, dtype=np.int64), rng.integers(1, 1000, arcs))
    for node in range(nodes):
        flow.set_node_supply(node, 1)
        flow.set_node_supply(nodes + node, -1)
    return flow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000, help="sources (and as many sinks)")
    parser.add_argument("--arcs", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.nodes <= 0 or args.arcs <= 0:
        parser.error("--nodes and --arcs must be more than 0")
    flow = _flow(args.nodes, args.arcs, args.seed)
    done = threading.Event()
    status: list[object] = []

    def solve() -> None:
        status.append(flow.solve_max_flow_with_min_cost())
        done.set()

    started = time.perf_counter()
    thread = threading.Thread(target=solve)
    thread.start()
    turns = 0
    while not done.is_set():
        turns += 1
    seconds = time.perf_counter() - started
    thread.join()
    alone, until = 0, time.perf_counter() + 1.0
    while time.perf_counter() < until:
        alone += 1
    print(f"{args.arcs:,} arcs: {status[0]} in {seconds:.2f} s on a thread")
    print(f"loop turns on the main thread meanwhile: {turns:,} ({turns / seconds:,.0f} a second)")
    print(f"loop turns in a second alone:            {alone:,}")


if __name__ == "__main__":
    main()
