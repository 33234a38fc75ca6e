"""Inputs of the job-mobility programmes a pool runs beside plain sharing.

* :class:`ReturnToWork`: a gradual return after long illness (a capacity ramp);
* :class:`TrainingOffer`: a course a worker can follow in a quiet period to learn a skill;
* :class:`Vacancy`: a permanent job an employer offers (*Van werk naar werk*);
* :class:`Preference`: what a worker would like, or would rather avoid.

The Dutch and Flemish names coordinators use are kept in the docstrings so they can find them.
Period references are labels or inclusive ranges (``"2027-05..2027-07"``); the scenario checks
that they lie in its horizon.
"""

from __future__ import annotations

import itertools
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from werkdeling.scenario.base import Frozen, Identifier


class ReturnToWork(Frozen):
    """A gradual return after long illness (*re-integratie*, *progressieve werkhervatting*).

    From ``start`` the worker can work ``shares[k]`` of their contract hours in the ``k``-th step,
    each step lasting ``periods_per_step`` periods; after the last step they are back at full
    hours. Before ``start`` they are still ill: not available and not paid by the pool. While the
    ramp runs (share below 1) the pool pays the ramp share of the contract; the health fund pays
    the rest.

    Parameters
    ----------
    start
        First period of partial work.
    shares
        Share of contract hours in each step, each in (0, 1], never decreasing; e.g.
        ``[0.2, 0.4, 0.6, 0.8]``. DOMAIN.md: the best Belgian results come from 1 to 6 months of
        partial work at 10 to 30 hours a week (riziv.fgov.be).
    periods_per_step
        Periods each step lasts (1 by default).
    roles
        If given, during the ramp the worker only works in these adapted roles.
    employer
        If given, during the ramp the worker only works for this employer.
    approved_until
        Last period covered by the doctor's approval (in Belgium at most 2 years, inami.fgov.be).
        If the ramp is not complete by then, the worker needs re-assessment and is not planned
        after it.
    """

    start: str
    shares: tuple[float, ...] = Field(min_length=1)
    periods_per_step: PositiveInt = 1
    roles: tuple[Identifier, ...] | None = None
    employer: Identifier | None = None
    approved_until: str | None = None

    @field_validator("shares")
    @classmethod
    def _shares_increase(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        for share in shares:
            if not 0 < share <= 1:
                raise ValueError(f"share {share:g} is not in (0, 1]; give the share of contract hours, e.g. 0.4")
        if any(b < a for a, b in itertools.pairwise(shares)):
            raise ValueError("shares go down; a return-to-work ramp never lowers the hours")
        return shares


class TrainingOffer(Frozen):
    """A course in which a worker learns a skill during a quiet period (*leercultuur*).

    A trainee follows the course for ``duration`` consecutive periods, is paid and does not work
    during them, and holds ``skill`` from the period after the last one. The solver decides who
    trains and when. Only guaranteed workers train: they are paid anyway, so a course turns idle
    time into a skill that a later peak needs.

    Parameters
    ----------
    id
        Short unique id.
    skill
        The skill learned.
    duration
        Periods the course takes.
    seats
        Most trainees on the course in any one period.
    cost
        Course fee per trainee, in cost points (the ``training`` objective term).
    starts
        Periods in which the course may start (labels or ranges); all periods by default.
    location
        Employer id where it is given (the worker's travel limit then applies), or ``None``.
    """

    id: Identifier
    skill: Identifier
    duration: PositiveInt = 1
    seats: PositiveInt = 1
    cost: NonNegativeInt = 0
    starts: tuple[str, ...] | None = None
    location: Identifier | None = None


class Vacancy(Frozen):
    """A permanent job an employer offers (*Van werk naar werk*).

    A worker threatened with dismissal (one with a ``transition_deadline``) who takes it leaves
    the pool from the period they start, for good.

    Parameters
    ----------
    id
        Short id, unique within the employer.
    role
        The skill it needs.
    available_from
        First period the job can start.
    count
        How many people the employer hires for it.
    """

    id: Identifier
    role: Identifier
    available_from: str
    count: PositiveInt = 1


class PreferenceKind(StrEnum):
    PREFER = "prefer"
    AVOID = "avoid"


class Preference(Frozen):
    """Something a worker would like (``prefer``) or would rather not (``avoid``).

    A preference names an employer, periods, or both:

    * ``prefer`` an employer: each listed period (all if none given) not worked for it costs
      ``weight``;
    * ``prefer`` periods without an employer: each listed period not worked costs ``weight``;
    * ``avoid``: each listed period worked for the employer (any employer if none) costs ``weight``.

    The costs add up in the ``preferences`` objective term, in cost points.
    """

    kind: PreferenceKind
    employer: Identifier | None = None
    periods: tuple[str, ...] | None = None
    weight: PositiveInt = 1
