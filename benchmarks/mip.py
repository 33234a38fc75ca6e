"""The werkdeling model handed to a MIP solver (HiGHS), for the benchmark baselines.

OR-Tools and highspy each bundle HiGHS and cannot be loaded into one process, so the model is
turned into plain arrays here and solved by ``highs_solve.py`` in a child process.

The CP-SAT model is translated constraint by constraint, so HiGHS solves the very same
formulation and objective:

* ``linear`` rows keep their bounds (a domain with holes keeps its outer bounds); an enforced row
  ``lit => lo <= a.x <= hi`` becomes big-M rows from the variables' bounds;
* ``at_most_one`` / ``exactly_one`` / ``bool_or`` / ``bool_and`` become rows on 0/1 columns, a
  negated literal ``not x`` being ``1 - x``;
* ``lin_max`` (``t = max(e_i)``) keeps only ``t >= e_i``. The werkdeling objective terms built
  with it (shortfall, overstaffing, fairness) are minimised with positive weights, so an optimal
  MIP solution pins them; any plan read back is costed again by the validator anyway.

Only what werkdeling's models use is translated; anything else raises ``NotImplementedError``.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

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


def to_arrays(model: cp_model.CpModel, *, relax: bool = False) -> dict[str, np.ndarray]:
    """The minimised model as arrays of a row-wise LP/MIP (``relax``: all columns continuous), in
    CP-SAT objective units."""
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

    for ct in proto.constraints:
        enforce = list(ct.enforcement_literal)
        if ct.has_linear():
            lin = ct.linear
            terms: dict[int, float] = {}
            for var, coef in zip(lin.vars, lin.coeffs, strict=True):
                terms[var] = terms.get(var, 0.0) + coef
            domain = list(lin.domain)
            lo = domain[0] if domain[0] > -(2**62) else -INF
            hi = domain[-1] if domain[-1] < 2**62 else INF
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


@dataclass
class HighsOutcome:
    """What HiGHS reported: status, objective and bound (CP-SAT objective units), the column
    values, wall time and the child's peak memory."""

    status: str
    objective: float | None
    bound: float | None
    values: np.ndarray | None
    seconds: float
    peak_mb: float


def solve_with_highs(model: cp_model.CpModel, *, relax: bool, time_limit: float) -> HighsOutcome:
    """Solve the model's MIP (or its LP relaxation) with HiGHS in a child process."""
    arrays = to_arrays(model, relax=relax)
    with tempfile.TemporaryDirectory() as folder:
        given, answer = Path(folder) / "model.npz", Path(folder) / "answer.npz"
        np.savez(given, **arrays)
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("highs_solve.py")), str(given), str(answer), str(time_limit)],
            capture_output=True,
            text=True,
            timeout=time_limit * 3 + 60,
            check=False,
        )
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            return HighsOutcome(f"error: {child.stderr.strip()[-200:]}", None, None, None, seconds, 0.0)
        data = np.load(answer)
        status = str(data["status"])
        objective = float(data["objective"]) if data["has_solution"] else None
        bound = float(data["bound"]) if np.isfinite(data["bound"]) else None
        values = data["values"] if data["has_solution"] else None
        return HighsOutcome(status, objective, bound, values, seconds, float(data["peak_mb"]))
