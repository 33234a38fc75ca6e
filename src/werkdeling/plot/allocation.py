"""Allocation heatmap: one row per worker, one column per period, coloured by employer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from werkdeling.evaluation.measure import measure, resolve
from werkdeling.plan import Plan
from werkdeling.plot._axes import new_axes, period_ticks, worker_ticks
from werkdeling.plot.colors import IDLE, MOVED_ON, NOT_PLANNED, TRAINING, employer_colors
from werkdeling.report import OffStatus, off_status
from werkdeling.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_STATES = (
    (OffStatus.IDLE, IDLE),
    (OffStatus.TRAINING, TRAINING),
    (OffStatus.MOVED_ON, MOVED_ON),
    (OffStatus.NOT_PLANNED, NOT_PLANNED),
)


def plot_allocation(scenario: Scenario, plan: Plan, ax: Axes | None = None) -> Axes:
    """Draw who works where: a cell per worker and period in the employer's colour; grey when
    idle but paid, purple in training, dark grey after a permanent move, white when unavailable
    or not planned. A ``+`` marks a period split between employers (coloured by the one with the
    most hours).

    Parameters
    ----------
    ax
        Axes to draw on; a new figure is made when ``None``.

    Returns
    -------
    The axes drawn on.
    """
    m = measure(scenario, resolve(scenario, plan))
    n_workers, n_periods = len(scenario.workers), scenario.horizon.periods
    ax = new_axes(ax, width=max(8.0, 0.55 * n_periods + 3), height=max(3.0, 0.28 * n_workers + 1.5))
    colors = employer_colors(scenario)
    first = len(_STATES)
    codes = np.zeros((n_workers, n_periods), dtype=np.int64)
    split = []
    main_minutes: dict[tuple[int, int], dict[int, int]] = {}
    for row in m.resolved.rows:
        per_employer = main_minutes.setdefault((row.worker, row.period), {})
        per_employer[row.employer] = per_employer.get(row.employer, 0) + row.minutes
    for w in range(n_workers):
        for k in range(n_periods):
            hours = main_minutes.get((w, k))
            if hours:
                codes[w, k] = first + max(hours, key=lambda e: hours[e])
                if len(hours) > 1:
                    split.append((w, k))
            else:
                state = off_status(scenario, m, w, k)
                codes[w, k] = next(i for i, (s, _) in enumerate(_STATES) if s is state)
    palette = [c for _, c in _STATES] + [colors[e.id] for e in scenario.employers]
    ax.imshow(
        codes, cmap=ListedColormap(palette), vmin=0, vmax=len(palette) - 1, aspect="auto", interpolation="nearest"
    )
    for w, k in split:
        ax.text(k, w, "+", ha="center", va="center", fontsize=9, color="white", fontweight="bold")
    # Thin white lines between cells, so neighbouring equal colours still read as periods.
    ax.set_xticks(np.arange(-0.5, n_periods, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_workers, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    period_ticks(ax, scenario.horizon.labels)
    worker_ticks(ax, scenario)
    used = sorted({int(c) for c in codes.flat})
    handles = [
        Patch(
            facecolor=palette[c],
            edgecolor="#999999",
            label=scenario.employers[c - first].id if c >= first else _STATES[c][0].value,
        )
        for c in used
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(f"Who works where: {scenario.name}")
    ax.set_xlabel("period")
    return ax
