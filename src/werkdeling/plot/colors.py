"""Colours shared by every chart, so an employer has the same colour everywhere."""

from __future__ import annotations

from matplotlib import colormaps
from matplotlib.colors import to_hex

from werkdeling.scenario import Scenario

#: Worker-period states that are not a placement.
IDLE = "#d9d9d9"
TRAINING = "#6a3d9a"
MOVED_ON = "#525252"
NOT_PLANNED = "#ffffff"
REQUIRED_BAND = "#fcbba1"
DESIRED_BAND = "#fee8c8"


def employer_colors(scenario: Scenario) -> dict[str, str]:
    """A distinct colour per employer id, in scenario order (tab10, tab20, then evenly spaced hues)."""
    n = len(scenario.employers)
    if n <= 10:
        palette = [to_hex(c) for c in colormaps["tab10"].colors[:n]]  # type: ignore[attr-defined]
    elif n <= 20:
        palette = [to_hex(c) for c in colormaps["tab20"].colors[:n]]  # type: ignore[attr-defined]
    else:
        cmap = colormaps["hsv"]
        palette = [to_hex(cmap(k / n)) for k in range(n)]
    return {e.id: palette[k] for k, e in enumerate(scenario.employers)}
