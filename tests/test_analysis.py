"""Pool sizing and complementarity on cases small enough to work out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from werkdeling import complementarity, size_pool

from .conftest import employer, scenario


def fte(role: str, values: list[float]) -> dict[str, Any]:
    return {"role": role, "required": values}


def test_complementarity_opposite_seasons() -> None:
    s = scenario([employer("summer", [fte("a", [0, 1])]), employer("winter", [fte("a", [1, 0])])], [], periods=2)
    c = complementarity(s)
    assert c.correlation["summer"]["winter"] == -1
    assert c.pooled == (1, 1)
    # Together they carry one full-year contract; alone neither carries any.
    assert (c.base_load, c.standalone_base_load) == (1, 0)
    assert c.warnings == ()


def test_complementarity_warns_when_members_peak_together() -> None:
    s = scenario(
        [employer("a", [fte("x", [0, 2, 1])]), employer("b", [fte("x", [0, 4, 2])]), employer("flat", [fte("x", 1)])],
        [],
        periods=3,
    )
    c = complementarity(s)
    assert c.correlation["a"]["b"] == 1
    assert c.correlation["a"]["flat"] is None  # a flat profile has no season to compare
    assert any("'a' and 'b' peak together" in w for w in c.warnings)
    assert any("2 of 2 seasonal members peak in 2027-02" in w for w in c.warnings)


def test_size_pool_exact_contracts_and_idle() -> None:
    # One role needing 2, 1, 1, 2 FTE. One contract is never idle. Two contracts are paid 8
    # FTE-months and work 6: idle 2 of 8 (25 %). Three: paid 12, work 6, idle 50 %.
    s = scenario([employer("e", [fte("a", [2, 1, 1, 2])])], [], periods=4)
    month = s.full_time_hours_per_period
    tight = size_pool(s, max_idle_share=0)
    assert tight.best.contracts == 1 and tight.best.idle_hours == 0
    loose = size_pool(s, max_idle_share=0.25)
    assert loose.best.contracts == 2
    assert loose.best.idle_hours == pytest.approx(2 * month, abs=0.1)
    assert [p.contracts for p in loose.curve] == [0, 1, 2]
    assert [round(p.idle_share, 3) for p in loose.curve] == [0, 0, 0.25]


def test_size_pool_profiles_share_across_roles() -> None:
    # Pickers in months 1-2, packers in months 3-4: single-skill contracts would be idle half the
    # year; one picker-packer contract works all four months.
    s = scenario([employer("e", [fte("picker", [1, 1, 0, 0]), fte("packer", [0, 0, 1, 1])])], [], periods=4)
    assert size_pool(s, max_idle_share=0).best.contracts == 0
    both = size_pool(s, profiles={"picker-packer": ["picker", "packer"]}, max_idle_share=0)
    assert both.best.per_profile == {"picker-packer": 1}
    with pytest.raises(ValueError, match="skill 'baker' is not a role any employer asks for"):
        size_pool(s, profiles={"x": ["baker"]})
