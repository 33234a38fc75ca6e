"""Charts draw what the plan says, on the axes they are given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from werkdeling import Plan, Scenario, load_scenario, solve
from werkdeling.analysis import complementarity
from werkdeling.plot import (
    employer_colors,
    plot_allocation,
    plot_coverage,
    plot_coverage_grid,
    plot_pooled_demand,
    plot_timelines,
    save_charts,
)

from .conftest import DATA


@pytest.fixture(scope="module")
def planned() -> tuple[Scenario, Plan]:
    scenario = load_scenario(DATA / "small.yaml")
    plan = solve(scenario, time_limit=5, num_workers=1).plan
    assert plan is not None
    return scenario, plan


def test_allocation_cells_have_the_employer_colour(planned: tuple[Scenario, Plan]) -> None:
    scenario, plan = planned
    ax = Figure().subplots()
    assert plot_allocation(scenario, plan, ax=ax) is ax
    image = ax.get_images()[0]
    colours = employer_colors(scenario)
    for p in plan.placements:
        w, k = scenario.worker_index[p.worker], scenario.horizon.positions[p.period]
        rgba = image.cmap(image.norm(image.get_array()[w, k]))
        assert to_hex(rgba) == colours[p.employer]


def test_coverage_bars_are_the_placed_fte(planned: tuple[Scenario, Plan]) -> None:
    scenario, plan = planned
    ax = Figure().subplots()
    plot_coverage(scenario, plan, "orchard", ax=ax)
    placed_bars = next(c for c in ax.containers if c.get_label() == "placed")
    heights = np.array([bar.get_height() for bar in placed_bars])
    full = scenario.full_time_hours_per_period
    expected = np.zeros(scenario.horizon.periods)
    for p in plan.for_employer("orchard"):
        expected[scenario.horizon.positions[p.period]] += p.hours / full
    assert heights == pytest.approx(expected, abs=1e-3)
    with pytest.raises(ValueError, match="not in the scenario"):
        plot_coverage(scenario, plan, "bakery", ax=ax)


def test_pooled_demand_stacks_to_the_pooled_curve(planned: tuple[Scenario, Plan]) -> None:
    scenario, _ = planned
    ax = Figure().subplots()
    plot_pooled_demand(scenario, ax=ax)
    tops = np.zeros(scenario.horizon.periods)
    for container in ax.containers:
        tops = np.maximum(tops, [bar.get_y() + bar.get_height() for bar in container])
    assert tops == pytest.approx(complementarity(scenario, level="required").pooled)


def test_timelines_draw_one_bar_per_stretch(planned: tuple[Scenario, Plan]) -> None:
    scenario, plan = planned
    ax = Figure().subplots()
    assert plot_timelines(scenario, plan, ax=ax) is ax
    # Every placed worker-period lies inside a bar on that worker's row.
    bars = [(c.get_paths()[0].get_extents(), c) for c in ax.collections]
    for p in plan.placements:
        w, k = scenario.worker_index[p.worker], scenario.horizon.positions[p.period]
        assert any(box.x0 <= k <= box.x1 and box.y0 <= w <= box.y1 for box, _ in bars)


def test_coverage_grid_and_save_charts(tmp_path: Path, planned: tuple[Scenario, Plan]) -> None:
    scenario, plan = planned
    figure = plot_coverage_grid(scenario, plan)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == len(scenario.employers)
    written = save_charts(scenario, plan, tmp_path, formats=("png", "svg"))
    assert len(written) == 8 and all(p.stat().st_size > 1000 for p in written)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
