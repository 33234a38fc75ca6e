"""Employers, their demand, and workers, as a coordinator describes them.

Quantities of work are given either in hours per period or in FTE (full-time equivalents) of the
scenario's full-time norm, e.g. 38 hours a week. A worker on a 0.5 FTE contract covers half an
FTE of demand. The checks that need the whole scenario (lengths against the horizon, ids that
refer to each other) live in :class:`~werkdeling.scenario.Scenario`.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import (
    Field,
    NonNegativeInt,
    PlainSerializer,
    PlainValidator,
    PositiveFloat,
    PositiveInt,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from werkdeling.scenario.base import Frozen, Identifier
from werkdeling.scenario.programmes import Preference, ReturnToWork, Vacancy

#: Mean Earth radius in km, for great-circle distances.
EARTH_RADIUS_KM = 6371.0088


class Unit(StrEnum):
    """Unit of a quantity of work per period."""

    FTE = "fte"
    HOURS = "hours"


class Location(Frozen):
    """A point on the map in WGS84 degrees, optionally with the name of the place."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    place: str | None = None

    def distance_km(self, other: Location) -> float:
        """Great-circle (haversine) distance in km.

        Straight-line distance underestimates road distance; the scenario's
        ``rules.road_distance_factor`` scales it.
        """
        return float(great_circle_km(np.array([self.lat]), np.array([self.lon]), other.lat, other.lon)[0])


def great_circle_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike, other_lat: npt.ArrayLike, other_lon: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Haversine distances in km between points given in WGS84 degrees, broadcast like numpy
    (all workers against all employers at once: 40 million pairs one at a time took 2 minutes)."""
    p1, p2 = np.radians(lat), np.radians(other_lat)
    dp, dl = p2 - p1, np.radians(np.subtract(other_lon, lon))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=np.float64)


def _to_series(value: Any) -> float | tuple[float, ...]:
    def number(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"{v!r} is not a number; write amounts as numbers such as 2 or 0.5")
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{v!r} is not allowed; amounts must be finite and not negative")
        return float(v)

    if isinstance(value, list | tuple):
        return tuple(number(v) for v in value)
    return number(value)


#: One number for every period, or a list with one number per period; never negative.
Series = Annotated[
    float | tuple[float, ...],
    PlainValidator(_to_series),
    PlainSerializer(lambda v: list(v) if isinstance(v, tuple) else v),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "array", "items": {"type": "number", "minimum": 0}},
            ],
            "description": "One amount for every period, or one amount per period.",
        }
    ),
]


def expand(series: Series | None, periods: int) -> tuple[float, ...] | None:
    """A constant becomes one value per period; a list is returned as is (its length is checked
    by the scenario)."""
    if series is None:
        return None
    if isinstance(series, tuple):
        return series
    return (float(series),) * periods


class RoleDemand(Frozen):
    """How much work of one role an employer has in each period.

    Parameters
    ----------
    role
        The skill a worker needs to fill it, e.g. ``picker`` or ``heftruck``.
    required
        Work the employer must have; each missing hour costs ``weights.required_shortfall``.
    desired
        Work the employer would like (at least ``required``); each hour missing below it costs
        ``weights.desired_shortfall``. Defaults to ``required``.
    maximum
        Most work the employer accepts (at least ``desired``); never exceeded. Defaults to
        ``desired``.
    unit
        ``fte`` (default) or ``hours`` per period.

    Each of ``required``, ``desired`` and ``maximum`` is one number for every period or a list
    with one number per period.
    """

    role: Identifier
    required: Series
    desired: Series | None = None
    maximum: Series | None = None
    unit: Unit = Unit.FTE


class Employer(Frozen):
    """A member of the pool: a firm that takes shared workers.

    Parameters
    ----------
    id
        Short unique id, e.g. ``pear-grower``.
    name
        Name shown in reports; defaults to ``id``.
    location
        Where the work is.
    sector
        Free text, e.g. ``agriculture``; used in reports.
    demand
        One entry per role, each role at most once.
    member
        Whether the employer is a member of the pool (default). With ``rules.members_only`` (the
        employer-group presets) workers are placed only with members.
    vacancies
        Permanent jobs on offer; see :class:`~werkdeling.scenario.programmes.Vacancy`.
    max_shared_workers
        Most pool workers the employer takes in any one period.
    coaching_capacity
        Most workers who need coaching (``Worker.needs_coaching``) the employer takes in any one
        period; Werkplekarchitecten coach only a few people at a time. ``None``: no limit.
    overstaffing_cost
        Cost points per hour placed above the desired level (up to the maximum), for employers
        who accept extra hands but would rather not pay for them. Default 0.
    """

    id: Identifier
    name: str = ""
    location: Location
    sector: str | None = None
    demand: tuple[RoleDemand, ...] = ()
    member: bool = True
    vacancies: tuple[Vacancy, ...] = ()
    max_shared_workers: PositiveInt | None = None
    coaching_capacity: NonNegativeInt | None = None
    overstaffing_cost: NonNegativeInt = 0

    @model_validator(mode="after")
    def _default_name(self) -> Employer:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self

    @field_validator("demand")
    @classmethod
    def _roles_unique(cls, demand: tuple[RoleDemand, ...]) -> tuple[RoleDemand, ...]:
        seen: set[str] = set()
        for item in demand:
            if item.role in seen:
                raise ValueError(f"role '{item.role}' is listed twice; merge the two entries into one")
            seen.add(item.role)
        return demand

    @field_validator("vacancies")
    @classmethod
    def _vacancies_unique(cls, vacancies: tuple[Vacancy, ...]) -> tuple[Vacancy, ...]:
        ids = [v.id for v in vacancies]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"vacancy id '{duplicates[0]}' is used twice; give every vacancy its own id")
        return vacancies


class Worker(Frozen):
    """A person in the pool.

    Parameters
    ----------
    id
        Short unique id, e.g. ``an-7``.
    name
        Name shown in reports; defaults to ``id``.
    location
        Home, from where travel is measured.
    skills
        Roles the worker can fill.
    fte, hours
        Contract per period: ``fte`` of the scenario's full-time norm, or ``hours`` per period.
        Give at most one; without either the contract is 1.0 FTE.
    guaranteed
        Whether the pool guarantees the contract in every period. A guaranteed worker is paid in
        every period they are available, working or idle; a worker who is not guaranteed is only
        paid for periods they are placed. Default ``True``: that is what a pool is for.
    unavailable
        Periods the worker cannot work (holiday, illness): labels or ranges ``"2027-05..2027-07"``.
    max_travel_km
        Furthest one-way distance from home to an employer; defaults to
        ``rules.max_travel_km`` of the scenario.
    home_employer
        Employer that currently employs the worker, if any. Leaving it counts as a switch.
    return_to_work
        A gradual return after long illness; see
        :class:`~werkdeling.scenario.programmes.ReturnToWork`.
    transition_deadline
        For a worker threatened with dismissal (*Van werk naar werk*): the last period by which
        they should start in a permanent vacancy. Only such workers take vacancies; each one not
        placed by the deadline costs ``weights.transition_missed``.
    min_total_hours, max_total_hours
        Annualised hours: fewest and most hours worked over the whole horizon.
    preferences
        Employers or periods the worker prefers or avoids; see
        :class:`~werkdeling.scenario.programmes.Preference`.
    needs_coaching
        The worker needs job or language coaching, which limits where they can go (see
        ``Employer.coaching_capacity``).
    """

    id: Identifier
    name: str = ""
    location: Location
    skills: tuple[Identifier, ...] = ()
    fte: PositiveFloat | None = None
    hours: PositiveFloat | None = None
    guaranteed: bool = True
    unavailable: tuple[str, ...] = ()
    max_travel_km: PositiveFloat | None = None
    home_employer: Identifier | None = None
    return_to_work: ReturnToWork | None = None
    transition_deadline: str | None = None
    min_total_hours: float | None = Field(default=None, ge=0)
    max_total_hours: float | None = Field(default=None, ge=0)
    preferences: tuple[Preference, ...] = ()
    needs_coaching: bool = False

    @model_validator(mode="after")
    def _defaults(self) -> Worker:
        if self.fte is not None and self.hours is not None:
            raise ValueError("give the contract as 'fte' or as 'hours', not both")
        low, high = self.min_total_hours, self.max_total_hours
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"min_total_hours ({self.min_total_hours:g}) is above max_total_hours "
                f"({self.max_total_hours:g}); the minimum must not exceed the maximum"
            )
        if self.fte is None and self.hours is None:
            object.__setattr__(self, "fte", 1.0)
        if not self.name:
            object.__setattr__(self, "name", self.id)
        return self

    @field_validator("skills")
    @classmethod
    def _skills_unique(cls, skills: tuple[str, ...]) -> tuple[str, ...]:
        duplicates = sorted({s for s in skills if skills.count(s) > 1})
        if duplicates:
            raise ValueError(f"skill '{duplicates[0]}' is listed twice; list each skill once")
        return skills
