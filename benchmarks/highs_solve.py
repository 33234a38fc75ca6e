"""Child process of ``mip.py``: solve an LP/MIP given as arrays with HiGHS (no OR-Tools here).

python highs_solve.py model.npz answer.npz TIME_LIMIT [SOLVER [MIP_GAP]]

SOLVER is HiGHS's option of that name (default ``choose``; ``ipm`` for the interior point method);
MIP_GAP its ``mip_rel_gap`` (``default``: HiGHS's own).
"""

from __future__ import annotations

import resource
import sys

import highspy
import numpy as np


def main() -> None:
    given, answer, time_limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    solver = sys.argv[4] if len(sys.argv) > 4 else "choose"
    mip_gap = sys.argv[5] if len(sys.argv) > 5 else "default"
    data = np.load(given)
    lp = highspy.HighsLp()
    lp.num_col_ = len(data["cost"])
    lp.num_row_ = len(data["row_lower"])
    lp.col_cost_ = data["cost"]
    lp.offset_ = float(data["offset"][0])
    lp.col_lower_ = data["col_lower"]
    inf = highspy.kHighsInf
    lp.col_upper_ = np.where(np.isfinite(data["col_upper"]), data["col_upper"], inf)
    lp.row_lower_ = np.where(np.isfinite(data["row_lower"]), data["row_lower"], -inf)
    lp.row_upper_ = np.where(np.isfinite(data["row_upper"]), data["row_upper"], inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = data["start"].astype(np.int32)
    lp.a_matrix_.index_ = data["index"].astype(np.int32)
    lp.a_matrix_.value_ = data["value"]
    # One flag for every column, or one per column (a MIP with continuous columns).
    flags = data["integer"].astype(bool)
    whole = flags if len(flags) == lp.num_col_ else np.full(lp.num_col_, bool(flags[0]))
    integer = bool(whole.any())
    if integer:
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[flag] for flag in whole.tolist()]
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("threads", 2)
    h.setOptionValue("solver", solver)
    if mip_gap != "default":
        h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.array(h.getSolution().col_value) if has_solution else np.zeros(0)
    # A MIP's dual bound; an LP's optimum is itself the bound.
    lp_bound = info.objective_function_value if status == "Optimal" else -np.inf
    bound = info.mip_dual_bound if integer else lp_bound
    np.savez(
        answer,
        status=np.array(status),
        has_solution=np.array(has_solution),
        objective=np.array(info.objective_function_value),
        bound=np.array(bound if np.isfinite(bound) else -np.inf),
        values=values,
        peak_mb=np.array(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )


if __name__ == "__main__":
    main()
