"""Pool sizing: how many year-round contracts can the members jointly carry, and at what idle cost?

Before anyone is hired, the question is how many guaranteed full-year contracts the combined
demand supports. :func:`size_pool` answers it exactly with a small CP-SAT model (not a rule of
thumb): ``n_k`` contracts of each skill profile ``k`` work ``h[k,s,p]`` minutes in demand slot
``s`` (whose role the profile holds) in period ``p``:

    sum_s h[k,s,p] <= H n_k        (a contract works at most its hours)
    sum_k h[k,s,p] <= D[s,p]       (never more than the demand level)
    idle = P H sum_k n_k - sum h   (paid but not placed)

where ``H`` is a contract's minutes per period and ``P`` the number of periods. It maximises
``sum_k n_k`` subject to ``idle <= max_idle_share x paid`` and, for that number, minimises idle
time; the curve gives the least idle time for every total from 0 to the peak. Travel, switches
and the people themselves are left out on purpose: this is the ceiling any plan can reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict

from werkdeling.errors import SolverError
from werkdeling.scenario import Scenario


class SizingPoint(BaseModel):
    """Least idle time with ``contracts`` year-round contracts."""

    model_config = ConfigDict(frozen=True)

    contracts: int
    per_profile: dict[str, int]
    idle_hours: float
    paid_hours: float
    #: Idle time at the scenario's ``idle_paid`` weight, in cost points.
    idle_cost: float

    @property
    def idle_share(self) -> float:
        return 0.0 if self.paid_hours == 0 else self.idle_hours / self.paid_hours


class PoolSizing(BaseModel):
    """The answer of :func:`size_pool`."""

    model_config = ConfigDict(frozen=True)

    level: str
    max_idle_share: float
    profiles: dict[str, tuple[str, ...]]
    #: The most contracts with idle time within ``max_idle_share``, with the least idle time.
    best: SizingPoint
    #: Least idle time for every number of contracts from 0 to the pooled peak.
    curve: tuple[SizingPoint, ...]

    def summary(self) -> str:
        lines = [
            f"year-round contracts the pool can carry ({self.level} demand, idle at most "
            f"{self.max_idle_share:.0%}): {self.best.contracts}",
            "  " + ", ".join(f"{name}: {n}" for name, n in self.best.per_profile.items() if n),
            f"  idle {self.best.idle_hours:,.0f} h of {self.best.paid_hours:,.0f} paid ({self.best.idle_share:.1%}), "
            f"cost {self.best.idle_cost:,.0f}",
            "contracts  idle hours  idle share",
        ]
        # The curve near the answer; the whole curve is in ``curve``.
        near = [p for p in self.curve if abs(p.contracts - self.best.contracts) <= 3]
        lines += [f"{p.contracts:9d}  {p.idle_hours:10,.0f}  {p.idle_share:9.1%}" for p in near]
        return "\n".join(lines)


def _profiles(scenario: Scenario, profiles: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    roles = sorted({s.role for s in scenario.quantities.slots})
    if profiles is None:
        return {role: (role,) for role in roles}
    checked = {}
    for name, skills in profiles.items():
        unknown = [s for s in skills if s not in roles]
        if unknown or not skills:
            raise ValueError(
                f"profile '{name}': skill '{unknown[0] if unknown else ''}' is not a role any employer asks for; "
                f"use some of {', '.join(roles)}"
            )
        checked[name] = tuple(skills)
    return checked


class _SizingModel:
    def __init__(self, scenario: Scenario, profiles: dict[str, tuple[str, ...]], level: str, contract_fte: float):
        q = scenario.quantities
        self.periods = scenario.horizon.periods
        self.hours = round(scenario.full_time_hours_per_period * contract_fte * 60)
        self.model = cp_model.CpModel()
        demand = [getattr(s, level) for s in q.slots]
        self.n: dict[str, cp_model.IntVar] = {}
        #: Upper bound on the total: every profile at its own peak.
        self.most = 0
        placed = []
        per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for name, skills in profiles.items():
            slots = [k for k, s in enumerate(q.slots) if s.role in skills]
            peak = max((sum(int(demand[k][p]) for k in slots) for p in range(self.periods)), default=0)
            n = self.model.new_int_var(0, math.ceil(peak / self.hours), f"n[{name}]")
            self.n[name] = n
            self.most += math.ceil(peak / self.hours)
            for p in range(self.periods):
                work = []
                for k in slots:
                    if demand[k][p] > 0:
                        h = self.model.new_int_var(0, int(demand[k][p]), f"h[{name},{k},{p}]")
                        work.append(h)
                        per_slot.setdefault((k, p), []).append(h)
                if work:
                    self.model.add(cp_model.LinearExpr.sum(work) <= self.hours * n)
                placed += work
        for (k, p), work in per_slot.items():
            if len(work) > 1:
                self.model.add(cp_model.LinearExpr.sum(work) <= int(demand[k][p]))
        self.total = cp_model.LinearExpr.sum(list(self.n.values()))
        self.paid = self.periods * self.hours * self.total
        self.idle = self.paid - cp_model.LinearExpr.sum(placed)

    def solve(self, time_limit: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 1
        status = solver.solve(self.model)
        if status != cp_model.OPTIMAL:
            raise SolverError(f"pool sizing did not reach a proven optimum ({solver.status_name(status)})")
        return solver


def size_pool(
    scenario: Scenario,
    *,
    profiles: Mapping[str, Sequence[str]] | None = None,
    level: Literal["required", "desired"] = "desired",
    max_idle_share: float = 0.1,
    contract_fte: float = 1.0,
    time_limit: float = 10.0,
) -> PoolSizing:
    """How many year-round contracts of ``contract_fte`` each the members' demand can carry.

    Parameters
    ----------
    profiles
        Skill profiles by name, e.g. ``{"picker-packer": ["picker", "packer"]}``; by default one
        profile per role.
    level
        Demand level that counts as work: ``desired`` (default) or ``required``.
    max_idle_share
        Most idle time, as a share of paid time, the pool accepts.
    contract_fte
        Size of each contract in FTE of the scenario's full-time norm.
    time_limit
        Seconds per solve; each solve is small and normally proven optimal in well under that.
    """
    if not 0 <= max_idle_share < 1:
        raise ValueError("max_idle_share must be at least 0 and below 1, e.g. 0.1 for 10 %")
    chosen = _profiles(scenario, profiles)
    idle_weight = scenario.weights.idle_paid

    def point(model: _SizingModel, solver: cp_model.CpSolver) -> SizingPoint:
        idle = solver.value(model.idle)
        return SizingPoint(
            contracts=int(solver.value(model.total)),
            per_profile={name: int(solver.value(n)) for name, n in model.n.items()},
            idle_hours=idle / 60,
            paid_hours=solver.value(model.paid) / 60,
            idle_cost=idle * idle_weight / 60,
        )

    # The most contracts within the idle share (idle <= share x paid, scaled to integers) ...
    best_model = _SizingModel(scenario, chosen, level, contract_fte)
    scale = 10_000
    best_model.model.add(scale * best_model.idle <= round(max_idle_share * scale) * best_model.paid)
    best_model.model.maximize(best_model.total)
    most = int(best_model.solve(time_limit).objective_value)
    # ... and for that number the least idle time.
    best_model.model.add(best_model.total == most)
    best_model.model.minimize(best_model.idle)
    best = point(best_model, best_model.solve(time_limit))

    curve = []
    upper = _SizingModel(scenario, chosen, level, contract_fte).most
    for total in range(upper + 1):
        m = _SizingModel(scenario, chosen, level, contract_fte)
        m.model.add(m.total == total)
        m.model.minimize(m.idle)
        curve.append(point(m, m.solve(time_limit)))
    return PoolSizing(level=level, max_idle_share=max_idle_share, profiles=chosen, best=best, curve=tuple(curve))
