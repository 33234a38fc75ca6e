"""Worker timelines: each worker's year as bars, one bar per stretch with the same employer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.patches import Patch

from werkdeling.evaluation.measure import measure, resolve
from werkdeling.plan import Plan
from werkdeling.plot._axes import new_axes, period_ticks, worker_ticks
from werkdeling.plot.colors import IDLE, MOVED_ON, TRAINING, employer_colors
from werkdeling.report import OffStatus, off_status
from werkdeling.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_OFF_COLORS = {OffStatus.IDLE: IDLE, OffStatus.TRAINING: TRAINING, OffStatus.MOVED_ON: MOVED_ON}


def _segments(states: list[str | OffStatus]) -> list[tuple[int, int, str | OffStatus]]:
    """Runs of equal consecutive states as (first period, length, state)."""
    runs: list[tuple[int, int, str | OffStatus]] = []
    for k, state in enumerate(states):
        if runs and runs[-1][2] == state and runs[-1][0] + runs[-1][1] == k:
            first, length, _ = runs[-1]
            runs[-1] = (first, length + 1, state)
        else:
            runs.append((k, 1, state))
    return runs


def plot_timelines(scenario: Scenario, plan: Plan, ax: Axes | None = None) -> Axes:
    """Draw each worker's periods as bars: a bar per stretch with one employer, labelled with the
    employer when it fits; idle, training and permanent moves in grey and purple.

    A period split between employers is drawn as ``a+b``; a permanent move is labelled with the
    new employer. Unavailable periods stay empty.

    Returns
    -------
    The axes drawn on.
    """
    m = measure(scenario, resolve(scenario, plan))
    n_workers, n_periods = len(scenario.workers), scenario.horizon.periods
    ax = new_axes(ax, width=max(8.0, 0.6 * n_periods + 3), height=max(3.0, 0.32 * n_workers + 1.5))
    colors = employer_colors(scenario)
    used: dict[str, str] = {}
    moved_to = {move.worker: scenario.employers[move.employer].id for move in m.resolved.moves}
    for w in range(n_workers):
        # An employer id (or "a+b" for a split period), or the status of a period off.
        states: list[str | OffStatus] = []
        for k in range(n_periods):
            employers = m.employers_at.get((w, k), ())
            states.append(
                "+".join(scenario.employers[e].id for e in employers) if employers else off_status(scenario, m, w, k)
            )
        for first, length, state in _segments(states):
            off = state if isinstance(state, OffStatus) else None
            if off is OffStatus.NOT_PLANNED:
                continue
            name = off.value if off is not None else state.split("+")[0]
            color = _OFF_COLORS[off] if off is not None else colors.get(name, "#999999")
            used[name] = color
            ax.broken_barh([(first - 0.5, length)], (w - 0.4, 0.8), facecolors=color, edgecolor="white")
            label = state if off is None else f"to {moved_to[w]}" if off is OffStatus.MOVED_ON else ""
            if label and length * 9 >= len(label):
                ax.text(first - 0.5 + length / 2, w, label, ha="center", va="center", fontsize=7, color="white")
    period_ticks(ax, scenario.horizon.labels)
    ax.set_xlim(-0.5, n_periods - 0.5)
    ax.set_ylim(n_workers - 0.5, -0.5)
    worker_ticks(ax, scenario)
    order = [e.id for e in scenario.employers] + [s.value for s in OffStatus]
    handles = [Patch(facecolor=used[name], label=name) for name in order if name in used]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(f"Worker timelines: {scenario.name}")
    return ax
