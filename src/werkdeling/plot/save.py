"""Write every chart of a scenario and plan to files, as ``werkdeling plot`` does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from werkdeling.plan import Plan
from werkdeling.plot.allocation import plot_allocation
from werkdeling.plot.coverage import plot_coverage_grid
from werkdeling.plot.pooled_demand import plot_pooled_demand
from werkdeling.plot.timelines import plot_timelines
from werkdeling.scenario import Scenario
from werkdeling.serialize import atomic_output

#: File names (without suffix) of the charts :func:`save_charts` writes.
CHART_NAMES = ("allocation", "coverage", "pooled-demand", "timelines")


def _figure(width: float, height: float) -> Figure:
    # A bare Figure, not pyplot: no GUI backend is involved, so this works on a server.
    return Figure(figsize=(width, height), layout="constrained")


def save_charts(
    scenario: Scenario, plan: Plan | None, folder: str | Path, formats: Sequence[str] = ("png", "svg"), dpi: int = 150
) -> list[Path]:
    """Draw every chart and write it in each of ``formats`` into ``folder``; return the files.

    Without a plan only the demand charts (``pooled-demand``, ``coverage`` without cover) are
    drawn. Each file is written atomically.
    """
    folder = Path(folder)
    n_workers, n_periods = len(scenario.workers), scenario.horizon.periods
    figures: dict[str, Figure] = {}
    pooled = _figure(max(8.0, 0.5 * n_periods + 4), 4.5)
    plot_pooled_demand(scenario, ax=pooled.subplots())
    figures["pooled-demand"] = pooled
    figures["coverage"] = plot_coverage_grid(scenario, plan)
    if plan is not None:
        allocation = _figure(max(8.0, 0.55 * n_periods + 4), max(3.0, 0.28 * n_workers + 1.5))
        plot_allocation(scenario, plan, ax=allocation.subplots())
        figures["allocation"] = allocation
        timelines = _figure(max(8.0, 0.6 * n_periods + 4), max(3.0, 0.32 * n_workers + 1.5))
        plot_timelines(scenario, plan, ax=timelines.subplots())
        figures["timelines"] = timelines
    written = []
    for name in CHART_NAMES:
        if name not in figures:
            continue
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            with atomic_output(path) as tmp:
                figures[name].savefig(tmp, format=fmt, dpi=dpi)
            written.append(path)
    return written
