"""The planning horizon: which periods exist and what they are called.

A period is the unit of planning (a month by default, or an ISO week, or a day). Periods are
named by labels a coordinator reads in a calendar:

* month: ``2027-01``
* week: ``2027-W01`` (ISO 8601 week, starting on Monday)
* day: ``2027-01-04``

Everywhere else in a scenario (unavailability, later rules) periods are referred to by these
labels, or by a range ``"2027-05..2027-07"`` that includes both ends.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cached_property

from pydantic import Field, field_validator, model_validator

from werkdeling.scenario.base import Frozen

#: Upper bound on the number of periods, to catch typos such as 1200 instead of 12.
MAX_PERIODS = 1000

#: Average weeks in a month (52 weeks / 12 months), used to turn weekly hours into monthly hours.
WEEKS_PER_MONTH = 52 / 12

#: Working days in a week, used to turn weekly hours into daily hours.
WORKDAYS_PER_WEEK = 5

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class Granularity(StrEnum):
    """Length of one planning period."""

    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    @property
    def label_example(self) -> str:
        return {"month": "2027-01", "week": "2027-W01", "day": "2027-01-04"}[self.value]

    @property
    def weeks_per_period(self) -> float:
        """How many weeks of a full-time contract one period holds."""
        return {"month": WEEKS_PER_MONTH, "week": 1.0, "day": 1 / WORKDAYS_PER_WEEK}[self.value]


def _parse_start(start: str, granularity: Granularity) -> dt.date:
    """Return the first day of the period labelled ``start``; raise ValueError naming the fix."""
    wanted = f"expected a {granularity.value} label like '{granularity.label_example}'"
    try:
        if granularity is Granularity.MONTH:
            if m := _MONTH.match(start):
                return dt.date(int(m[1]), int(m[2]), 1)
        elif granularity is Granularity.WEEK:
            if m := _WEEK.match(start):
                return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        elif m := _DAY.match(start):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"'{start}' is not a real {granularity.value}: {exc}") from None
    raise ValueError(f"'{start}' is not a {granularity.value} label; {wanted}")


def label_of(day: dt.date, granularity: Granularity) -> str:
    """Label of the period of ``granularity`` that holds ``day``."""
    if granularity is Granularity.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if granularity is Granularity.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return day.isoformat()


class Horizon(Frozen):
    """The periods being planned.

    Parameters
    ----------
    start
        Label of the first period, in the format of ``granularity`` (``2027-01``, ``2027-W01`` or
        ``2027-01-04``).
    periods
        Number of periods, at least 1 and at most 1000.
    granularity
        ``month`` (default), ``week`` or ``day``.
    """

    start: str
    periods: int = Field(ge=1, le=MAX_PERIODS)
    granularity: Granularity = Granularity.MONTH

    @field_validator("start")
    @classmethod
    def _start_is_text(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _start_matches_granularity(self) -> Horizon:
        _parse_start(self.start, self.granularity)
        return self

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """Label of every period, in order."""
        first = _parse_start(self.start, self.granularity)
        if self.granularity is Granularity.MONTH:
            labels = []
            for k in range(self.periods):
                months = first.month - 1 + k
                labels.append(label_of(dt.date(first.year + months // 12, months % 12 + 1, 1), self.granularity))
            return tuple(labels)
        step = dt.timedelta(weeks=1) if self.granularity is Granularity.WEEK else dt.timedelta(days=1)
        return tuple(label_of(first + k * step, self.granularity) for k in range(self.periods))

    @cached_property
    def positions(self) -> dict[str, int]:
        """Position of each period label (exact labels; :meth:`index` also strips spaces)."""
        return {label: k for k, label in enumerate(self.labels)}

    def index(self, label: str) -> int:
        """Position of the period called ``label``; ValueError if it is not in the horizon."""
        try:
            return self.positions[label.strip()]
        except KeyError:
            raise ValueError(
                f"period '{label}' is not in the horizon ({self.describe()}); use a label like '{self.labels[0]}'"
            ) from None

    def resolve(self, reference: str) -> list[int]:
        """Positions named by a label or by an inclusive range ``"FIRST..LAST"``."""
        if ".." in reference:
            first, _, last = reference.partition("..")
            lo, hi = self.index(first), self.index(last)
            if lo > hi:
                raise ValueError(f"range '{reference}' runs backwards; write the earlier period first")
            return list(range(lo, hi + 1))
        return [self.index(reference)]

    def resolve_all(self, references: Iterable[str] | None) -> list[int]:
        """Sorted positions named by any of ``references``; every period when it is ``None``."""
        if references is None:
            return list(range(self.periods))
        return sorted({k for reference in references for k in self.resolve(reference)})

    def describe(self) -> str:
        if self.periods == 1:
            return self.labels[0]
        return f"{self.labels[0]} … {self.labels[-1]}, {self.periods} {self.granularity.value}s"
