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
    """A distinct colour per employer id, in scenario order (tab10, tab20, then evenly spaced hues),
    never grey."""
    n = len(scenario.employers)
    # Without the palettes' greys: grey means idle or moved on in these charts.
    tab10 = [to_hex(c) for k, c in enumerate(colormaps["tab10"].colors) if k != 7]  # type: ignore[attr-defined]
    tab20 = [to_hex(c) for k, c in enumerate(colormaps["tab20"].colors) if k not in (14, 15)]  # type: ignore[attr-defined]
    if n <= len(tab10):
        palette = tab10[:n]
    elif n <= len(tab20):
        palette = tab20[:n]
    else:
        cmap = colormaps["hsv"]
        palette = [to_hex(cmap(k / n)) for k in range(n)]
    return {e.id: palette[k] for k, e in enumerate(scenario.employers)}
