"""Demand against cover for each employer over the periods."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from werkdeling.evaluation.measure import measure, resolve
from werkdeling.plan import Plan
from werkdeling.plot._axes import new_axes, period_ticks
from werkdeling.plot.colors import DESIRED_BAND, REQUIRED_BAND, employer_colors
from werkdeling.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_coverage(scenario: Scenario, plan: Plan | None, employer: str, ax: Axes | None = None) -> Axes:
    """Draw one employer's demand and cover per period, in FTE of the full-time norm.

    The band up to the required level is red, from required to desired orange, and the maximum
    a dashed line. Bars are the FTE placed; a cross marks a period below the required level.
    With ``plan=None`` only the demand is drawn.

    Returns
    -------
    The axes drawn on.
    """
    if employer not in scenario.employer_index:
        raise ValueError(f"employer '{employer}' is not in the scenario")
    e = scenario.employer_index[employer]
    q = scenario.quantities
    full = scenario.full_time_hours_per_period * 60
    slots = q.slots_of_employer[e]
    n = scenario.horizon.periods
    required = sum((q.slots[s].required for s in slots), np.zeros(n, dtype=np.int64)) / full
    desired = sum((q.slots[s].desired for s in slots), np.zeros(n, dtype=np.int64)) / full
    maximum = sum((q.slots[s].maximum for s in slots), np.zeros(n, dtype=np.int64)) / full
    ax = new_axes(ax, width=8.0, height=3.5)
    x = np.arange(n)
    edges = np.arange(n + 1) - 0.5
    # Bands as full-width columns, so each period's demand lines up with its bar of cover.
    ax.bar(x, required, width=1.0, color=REQUIRED_BAND, label="required", linewidth=0)
    ax.bar(x, desired - required, bottom=required, width=1.0, color=DESIRED_BAND, label="desired", linewidth=0)
    if np.any(maximum > desired):
        ax.stairs(maximum, edges, color="#999999", linestyle="--", linewidth=1, label="maximum")
    if plan is not None:
        m = measure(scenario, resolve(scenario, plan))
        placed = sum((m.covered[s] for s in slots), np.zeros(n, dtype=np.int64)) / full
        ax.bar(x, placed, width=0.5, color=employer_colors(scenario)[employer], label="placed", zorder=3)
        short = placed < required - 1e-9
        if short.any():
            ax.scatter(x[short], required[short], marker="x", color="#cb181d", zorder=4, label="required not met")
    period_ticks(ax, scenario.horizon.labels)
    ax.set_ylabel("FTE")
    ax.set_xlim(-0.5, n - 0.5)
    top = max(float(maximum.max(initial=0)), float(desired.max(initial=0)), 0.5)
    ax.set_ylim(0, top * 1.12)
    ax.set_title(scenario.employers[e].name, fontsize=10)
    return ax


def plot_coverage_grid(
    scenario: Scenario, plan: Plan | None, employers: Sequence[str] | None = None, columns: int = 2
) -> Figure:
    """One :func:`plot_coverage` panel per employer (all by default), in a new figure."""
    from matplotlib.figure import Figure

    ids = list(employers) if employers is not None else [e.id for e in scenario.employers]
    rows = max(1, math.ceil(len(ids) / columns))
    figure = Figure(figsize=(6.0 * columns, 2.8 * rows + 0.6), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k < len(ids):
            plot_coverage(scenario, plan, ids[k], ax=ax)
        else:
            ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    for ax in axes.flat[1 : len(ids)]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    figure.suptitle(f"Demand and cover per employer: {scenario.name}")
    return figure
