"""Small helpers shared by the chart functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from werkdeling.scenario import Scenario


def new_axes(ax: Axes | None, width: float = 10.0, height: float = 5.0) -> Axes:
    """``ax`` itself, or the axes of a new pyplot figure (for interactive use)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, created = plt.subplots(figsize=(width, height))
    return created


def worker_ticks(ax: Axes, scenario: Scenario, most: int = 60) -> None:
    """Label the y axis with worker ids, ``(s)`` for seasonal ones, thinned to ``most`` ticks."""
    n = len(scenario.workers)
    rows = range(0, n, max(1, -(-n // most)))
    ax.set_yticks(list(rows))
    ax.set_yticklabels(
        [scenario.workers[w].id + ("" if scenario.workers[w].guaranteed else " (s)") for w in rows], fontsize=8
    )


def period_ticks(ax: Axes, labels: tuple[str, ...], most: int = 24) -> None:
    """Label the x axis with period labels, thinned to at most ``most`` ticks."""
    step = max(1, -(-len(labels) // most))
    positions = list(range(0, len(labels), step))
    ax.set_xticks(positions)
    ax.set_xticklabels([labels[k] for k in positions], rotation=45, ha="right", fontsize=8)
