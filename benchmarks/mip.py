"""The werkdeling model handed to a MIP solver (HiGHS), for the benchmark baselines.

OR-Tools and highspy each bundle HiGHS and cannot be loaded into one process, so the model is
turned into plain arrays by :func:`werkdeling.relaxation.to_arrays` (row by row, the very same
formulation and objective; see there for how each constraint becomes rows) and solved by
``highs_solve.py`` in a child process. Any plan read back is costed again by the validator.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

from werkdeling.relaxation import to_arrays


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


def solve_with_highs(
    model: cp_model.CpModel, *, relax: bool, time_limit: float, mip_gap: float | None = None
) -> HighsOutcome:
    """Solve the model's MIP (or its LP relaxation) with HiGHS in a child process; ``mip_gap`` as
    in :func:`solve_arrays_with_highs`."""
    return solve_arrays_with_highs(to_arrays(model, relax=relax), time_limit=time_limit, mip_gap=mip_gap)


def solve_arrays_with_highs(
    arrays: dict[str, np.ndarray], *, time_limit: float, solver: str = "choose", mip_gap: float | None = None
) -> HighsOutcome:
    """Solve an LP/MIP given as the arrays of :func:`werkdeling.relaxation.to_arrays` with HiGHS
    in a child process; ``solver`` is HiGHS's option of that name (``choose``, ``simplex``,
    ``ipm``, ...), ``mip_gap`` its ``mip_rel_gap`` (``None``: HiGHS's default, 1e-4 of the
    objective, under which it stops a MIP as optimal)."""
    with tempfile.TemporaryDirectory() as folder:
        given, answer = Path(folder) / "model.npz", Path(folder) / "answer.npz"
        np.savez(given, **arrays)  # type: ignore[arg-type]  # numpy's stub misreads **kwargs
        started = time.perf_counter()
        # HiGHS checks its time limit between steps; a long one (presolve, a large LP) can run on.
        patience = time_limit * 3 + 60
        command = [sys.executable, str(Path(__file__).with_name("highs_solve.py")), str(given), str(answer)]
        try:
            child = subprocess.run(
                [*command, str(time_limit), solver, "default" if mip_gap is None else repr(mip_gap)],
                capture_output=True,
                text=True,
                timeout=patience,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return HighsOutcome(f"killed after {patience:.0f} s", None, None, None, time.perf_counter() - started, 0.0)
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            tail = child.stderr.strip()
            if "bad_alloc" in tail or "MemoryError" in tail:
                return HighsOutcome("out of memory", None, None, None, seconds, 0.0)
            last_line = tail.splitlines()[-1] if tail else f"exit code {child.returncode}"
            return HighsOutcome(f"error: {last_line[-200:]}", None, None, None, seconds, 0.0)
        data = np.load(answer)
        status = str(data["status"])
        objective = float(data["objective"]) if data["has_solution"] else None
        bound = float(data["bound"]) if np.isfinite(data["bound"]) else None
        values = data["values"] if data["has_solution"] else None
        return HighsOutcome(status, objective, bound, values, seconds, float(data["peak_mb"]))
