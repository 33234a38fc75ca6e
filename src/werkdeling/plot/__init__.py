"""Charts of a scenario and its plan, drawn with matplotlib (``pip install "werkdeling[plot]"``).

Each function draws on the ``ax`` it is given (or a new figure) and returns the axes, so charts
can be combined and styled like any matplotlib plot:

* :func:`plot_allocation`: worker x period heatmap coloured by employer;
* :func:`plot_coverage` / :func:`plot_coverage_grid`: demand bands against cover per employer;
* :func:`plot_pooled_demand`: the members' demand stacked, base load and guaranteed capacity;
* :func:`plot_timelines`: each worker's year as bars.

:func:`save_charts` writes all of them as PNG and SVG files, as ``werkdeling plot`` does.
"""

from werkdeling.plot.allocation import plot_allocation
from werkdeling.plot.colors import employer_colors
from werkdeling.plot.coverage import plot_coverage, plot_coverage_grid
from werkdeling.plot.pooled_demand import plot_pooled_demand
from werkdeling.plot.save import CHART_NAMES, save_charts
from werkdeling.plot.timelines import plot_timelines

__all__ = [
    "CHART_NAMES",
    "employer_colors",
    "plot_allocation",
    "plot_coverage",
    "plot_coverage_grid",
    "plot_pooled_demand",
    "plot_timelines",
    "save_charts",
]
