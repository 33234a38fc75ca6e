"""The pool's combined season: demand per member stacked, base load and year-round contracts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from werkdeling.analysis import complementarity
from werkdeling.plot._axes import new_axes, period_ticks
from werkdeling.plot.colors import employer_colors
from werkdeling.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_pooled_demand(
    scenario: Scenario, level: Literal["required", "desired"] = "required", ax: Axes | None = None
) -> Axes:
    """Draw the members' demand per period stacked (FTE), the base load every period shares, and
    the FTE the pool's guaranteed workers can work.

    Demand above the guaranteed line is what seasonal workers or shortfall must cover; guaranteed
    FTE above the demand is paid idle time. See :func:`werkdeling.complementarity`.

    Returns
    -------
    The axes drawn on.
    """
    report = complementarity(scenario, level=level)
    colors = employer_colors(scenario)
    n = scenario.horizon.periods
    ax = new_axes(ax, width=max(8.0, 0.5 * n + 3), height=4.5)
    x = np.arange(n)
    bottom = np.zeros(n)
    for member in report.members:
        values = np.asarray(member.fte)
        ax.bar(x, values, bottom=bottom, width=0.8, color=colors[member.employer], label=member.employer)
        bottom += values
    ax.axhline(
        report.base_load, color="black", linestyle=":", linewidth=1.2, label=f"base load {report.base_load:.1f} FTE"
    )
    q = scenario.quantities
    full = scenario.full_time_hours_per_period * 60
    guaranteed = np.array([w.guaranteed for w in scenario.workers], dtype=bool)
    if guaranteed.any():
        capacity = q.capacity_minutes[guaranteed].sum(axis=0) / full
        ax.stairs(capacity, np.arange(n + 1) - 0.5, color="#cb181d", linewidth=1.8, label="guaranteed workers (FTE)")
    period_ticks(ax, scenario.horizon.labels)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylabel(f"{level} demand, FTE")
    ax.set_title(f"Pooled {level} demand: {scenario.name}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return ax
