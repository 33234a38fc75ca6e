"""Shared helpers: tiny scenarios written as plain dicts, so each test shows its whole input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from werkdeling import Scenario, load_scenario

DATA = Path(__file__).parent / "data"

#: A place and points due north of it; 0.1 degree of latitude is 11.1 km (111 hm) on our sphere.
HERE = {"lat": 50.0, "lon": 5.0}


def north(degrees: float) -> dict[str, float]:
    return {"lat": 50.0 + degrees, "lon": 5.0}


def employer(id: str, demand: list[dict[str, Any]], location: dict[str, float] | None = None) -> dict[str, Any]:
    return {"id": id, "location": location or HERE, "demand": demand}


def hours(role: str, required: Any, desired: Any = None, maximum: Any = None) -> dict[str, Any]:
    """Demand in hours per period."""
    d: dict[str, Any] = {"role": role, "unit": "hours", "required": required}
    if desired is not None:
        d["desired"] = desired
    if maximum is not None:
        d["maximum"] = maximum
    return d


def worker(id: str, skills: list[str], h: float = 100, **extra: Any) -> dict[str, Any]:
    return {"id": id, "location": extra.pop("location", HERE), "skills": skills, "hours": h, **extra}


def scenario(
    employers: list[dict[str, Any]], workers: list[dict[str, Any]], periods: int = 1, **extra: Any
) -> Scenario:
    data = {"horizon": {"start": "2027-01", "periods": periods}, "employers": employers, "workers": workers, **extra}
    return Scenario.model_validate(copy.deepcopy(data))


@pytest.fixture
def small() -> Scenario:
    """Two employers, three workers, four months (tests/data/small.yaml)."""
    return load_scenario(DATA / "small.yaml")
