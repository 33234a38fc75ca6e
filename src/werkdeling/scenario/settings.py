"""Rules and objective weights, with documented defaults.

The objective is a sum of named terms. Every term is a quantity measured on the plan, multiplied
by its weight:

=================== =========================================================== ==============
term                quantity                                                    default weight
=================== =========================================================== ==============
required_shortfall  hours of required demand not covered                        100 per hour
desired_shortfall   hours of desired demand not covered                         10 per hour
idle_paid           hours guaranteed workers are paid while not working          5 per hour
                    or training
switches            times a worker starts at an employer other than their last   50 per switch
travel              one-way km home to employer, summed over placed periods      1 per km
training            course fees of the trainings planned, in points              1 per point
transition_missed   workers with a transition deadline not placed by it          1000 per worker
preferences         unmet worker preferences, in points (their weights)          1 per point
overstaffing        hours above an employer's desired level, times that          1 per point
                    employer's ``overstaffing_cost``
fair_idle           idle paid hours of the worker with the most                  0 per hour
fair_switches       switches of the worker with the most                         0 per switch
=================== =========================================================== ==============

Desired demand includes required demand, so an hour missing below the required level costs both
weights (110 by default). With the defaults one uncovered required hour costs more than any
reasonable mix of idle time, switches and travel, which is what coordinators asked for: peaks
first, then the pool's own costs.

The fairness terms (``fair_idle``, ``fair_switches``) are off by default; give them a weight so one
person does not carry all the idle time or all the moves.
"""

from __future__ import annotations

import math
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt, model_validator

from werkdeling.scenario.base import Frozen, Identifier
from werkdeling.scenario.horizon import WEEKS_PER_MONTH, Granularity


class Term(StrEnum):
    """Names of the objective terms."""

    REQUIRED_SHORTFALL = "required_shortfall"
    DESIRED_SHORTFALL = "desired_shortfall"
    IDLE_PAID = "idle_paid"
    SWITCHES = "switches"
    TRAVEL = "travel"
    TRAINING = "training"
    TRANSITION_MISSED = "transition_missed"
    PREFERENCES = "preferences"
    OVERSTAFFING = "overstaffing"
    FAIR_IDLE = "fair_idle"
    FAIR_SWITCHES = "fair_switches"


#: Integer quantity unit of each term and how many objective units one weight point on one such
#: quantity unit makes (60 objective units are one cost point): hours are counted in minutes,
#: distances in hectometres.
TERM_QUANTITY: dict[Term, tuple[str, str, int]] = {
    # term: (display unit, integer unit, objective units per integer unit per weight point)
    Term.REQUIRED_SHORTFALL: ("hours", "minutes", 1),
    Term.DESIRED_SHORTFALL: ("hours", "minutes", 1),
    Term.IDLE_PAID: ("hours", "minutes", 1),
    Term.SWITCHES: ("switches", "switches", 60),
    Term.TRAVEL: ("km", "hectometres", 6),
    Term.TRAINING: ("points", "points", 60),
    Term.TRANSITION_MISSED: ("workers", "workers", 60),
    Term.PREFERENCES: ("points", "points", 60),
    Term.OVERSTAFFING: ("points", "point-minutes", 1),
    Term.FAIR_IDLE: ("hours", "minutes", 1),
    Term.FAIR_SWITCHES: ("switches", "switches", 60),
}


class Weights(Frozen):
    """Cost per unit of each objective term (whole numbers, so the solver's objective is exact).

    A weight of 0 switches a term off: the solver then builds nothing for it, and the term is
    still measured and reported.
    """

    required_shortfall: NonNegativeInt = 100
    desired_shortfall: NonNegativeInt = 10
    idle_paid: NonNegativeInt = 5
    switches: NonNegativeInt = 50
    travel: NonNegativeInt = 1
    training: NonNegativeInt = 1
    transition_missed: NonNegativeInt = 1000
    preferences: NonNegativeInt = 1
    overstaffing: NonNegativeInt = 1
    fair_idle: NonNegativeInt = 0
    fair_switches: NonNegativeInt = 0

    def of(self, term: Term) -> int:
        return int(getattr(self, term.value))


#: Default priority levels for lexicographic solving: peaks first, then the wish list, then the
#: pool's own costs.
DEFAULT_PRIORITIES: tuple[tuple[Term, ...], ...] = (
    (Term.REQUIRED_SHORTFALL, Term.TRANSITION_MISSED),
    (Term.DESIRED_SHORTFALL,),
    (
        Term.IDLE_PAID,
        Term.SWITCHES,
        Term.TRAVEL,
        Term.TRAINING,
        Term.PREFERENCES,
        Term.OVERSTAFFING,
        Term.FAIR_IDLE,
        Term.FAIR_SWITCHES,
    ),
)


class ObjectiveMode(StrEnum):
    WEIGHTED = "weighted"
    LEXICOGRAPHIC = "lexicographic"


class Objective(Frozen):
    """How the terms are combined.

    ``weighted`` (default) minimises the weighted sum of all terms in one solve.
    ``lexicographic`` minimises the weighted sum of the first level of ``priorities``, fixes that
    level at the value found, then minimises the next level (warm-started from the previous plan),
    and so on. Within a level the weights still apply.
    """

    mode: ObjectiveMode = ObjectiveMode.WEIGHTED
    priorities: tuple[tuple[Term, ...], ...] = DEFAULT_PRIORITIES

    @model_validator(mode="after")
    def _each_term_once(self) -> Objective:
        listed = [term for level in self.priorities for term in level]
        for term in Term:
            if listed.count(term) > 1:
                raise ValueError(f"term '{term.value}' appears in more than one priority level; keep it in one")
        missing = [t.value for t in Term if t not in listed]
        if missing:
            raise ValueError(
                f"priorities leave out {', '.join(repr(m) for m in missing)}; put every term in a level "
                "(a term you do not care about can get weight 0)"
            )
        if any(not level for level in self.priorities):
            raise ValueError("a priority level is empty; remove it or list a term in it")
        return self


class Splits(Frozen):
    """Part-time splits: a worker may divide a period between employers.

    French and Belgian employer groups split weeks between farms (DOMAIN.md), so whole-period
    placement must not be the only option. With splits on, a placement's hours are a whole
    number ``k`` of steps of the period's capacity ``C`` (contract hours, times the
    return-to-work share): ``floor(C k / K)`` minutes with ``K = 1 / step``. Each placement has at
    least ``min_share`` of ``C``, the placements of one period add up to at most ``C``, and they
    are with at most ``max_employers`` employers (two roles at one employer count once).

    Parameters
    ----------
    step
        Share of a period's capacity that placements are made of; ``1 / step`` must be a whole
        number (0.5, 0.25, 0.2, 0.1, ...). Default 0.25.
    min_share
        Smallest placement, as a share of the capacity. Default 0.25.
    max_employers
        Most employers a worker works for in one period. Default 2.
    """

    step: float = Field(default=0.25, gt=0, le=1)
    min_share: float = Field(default=0.25, gt=0, le=1)
    max_employers: PositiveInt = 2

    @model_validator(mode="after")
    def _whole_steps(self) -> Splits:
        if abs(1 / self.step - round(1 / self.step)) > 1e-9:
            raise ValueError(f"step {self.step:g} does not divide 1 into whole steps; use e.g. 0.5, 0.25 or 0.1")
        return self

    @property
    def steps(self) -> int:
        """``K``: steps in a full period."""
        return round(1 / self.step)

    @property
    def min_steps(self) -> int:
        """Fewest steps in one placement."""
        return max(1, math.ceil(self.min_share * self.steps - 1e-9))


class EmployerPair(Frozen):
    """An ordered pair of employers, e.g. a transition that is not allowed."""

    from_employer: Identifier
    to_employer: Identifier


class WindowLimit(Frozen):
    """At most ``max_worked`` of the listed periods worked by any one worker.

    E.g. at most 2 of the 4 weekend days of a month at day granularity, or at most 1 of the
    summer months.
    """

    name: str
    periods: tuple[str, ...] = Field(min_length=1)
    max_worked: NonNegativeInt


class Rules(Frozen):
    """Hard rules of the pool that apply to every worker.

    Every rule is off by default (``None``, empty or ``False``). A legal-form preset (see
    :mod:`werkdeling.scenario.legal`) switches some on; a value given here wins over the preset.
    A "run" is a sequence of consecutive periods; runs cut by the start or the end of the horizon
    are only checked against maximums, never against minimums (they may continue outside it). A
    run of work (a stint, a working run) ended by the worker's unavailability (holiday, illness)
    is cut as well: falling ill after one month breaks no ``min_stint``.

    Parameters
    ----------
    max_travel_km
        Furthest one-way distance from a worker's home to an employer, for workers who do not set
        their own. The Belgian suitable-job rule deems a job within 60 km always suitable
        (ONEM/RVA), a common choice.
    road_distance_factor
        Multiplier from straight-line to travel distance; 1.0 (default) uses the straight line.
    splits
        Allow a worker to split a period between employers; see :class:`Splits`. Off by default:
        placements are whole periods.
    min_stint, max_stint
        Fewest and most consecutive periods a worker works for the same employer.
    max_switches
        Most switches (see the ``switches`` term) one worker makes over the horizon.
    max_employers
        Most distinct employers one worker works for over the horizon.
    max_periods_per_employer
        Most periods one worker works for the same employer over the horizon.
    min_work_run, max_work_run
        Fewest and most consecutive periods worked.
    min_off_run
        Fewest consecutive periods off (not working) between two working periods.
    forbidden_transitions
        Pairs ``(a, b)``: nobody works for ``b`` in the period right after working for ``a``.
    window_limits
        "At most k of these periods worked" limits; see :class:`WindowLimit`.
    max_assignment_months, assignment_break_months
        German AÜG: at most ``max_assignment_months`` with the same user employer; the count starts
        again after a break of ``assignment_break_months`` (3) or more away from it.
    max_workers
        Most workers in the pool (BE werkgeversgroepering: 50). Checked on the input.
    min_contract_hours_per_week
        Shortest contract allowed (BE werkgeversgroepering: 19 h a week). Checked on the input.
    members_only
        Workers are placed only with employers whose ``member`` is true.
    permanent_staff_only
        Every worker must be guaranteed and have a ``home_employer`` (BE art. 32 placement is only
        allowed for permanent staff). Checked on the input.
    cover_required
        Required demand must be covered in full: a hard rule instead of the cost
        ``weights.required_shortfall``. A scenario that cannot do it has no plan;
        ``werkdeling explain`` then says which rules conflict.
    """

    max_travel_km: PositiveFloat | None = None
    road_distance_factor: float = Field(default=1.0, ge=1.0, le=3.0)
    splits: Splits | None = None
    min_stint: PositiveInt | None = None
    max_stint: PositiveInt | None = None
    max_switches: NonNegativeInt | None = None
    max_employers: PositiveInt | None = None
    max_periods_per_employer: PositiveInt | None = None
    min_work_run: PositiveInt | None = None
    max_work_run: PositiveInt | None = None
    min_off_run: PositiveInt | None = None
    forbidden_transitions: tuple[EmployerPair, ...] = ()
    window_limits: tuple[WindowLimit, ...] = ()
    max_assignment_months: PositiveFloat | None = None
    assignment_break_months: PositiveFloat = 3.0
    max_workers: PositiveInt | None = None
    min_contract_hours_per_week: PositiveFloat | None = None
    members_only: bool = False
    permanent_staff_only: bool = False
    cover_required: bool = False

    def assignment_periods(self, granularity: Granularity) -> tuple[int, int]:
        """The AÜG limits in periods: (most periods with one user employer, periods away that
        start the count again). Months are converted with 52/12 weeks a month."""
        if self.max_assignment_months is None:
            raise ValueError("max_assignment_months is not set")
        per_month = WEEKS_PER_MONTH / granularity.weeks_per_period
        most = math.floor(self.max_assignment_months * per_month + 1e-9)
        return most, math.ceil(self.assignment_break_months * per_month - 1e-9)

    @model_validator(mode="after")
    def _ranges(self) -> Rules:
        for low, high in (("min_stint", "max_stint"), ("min_work_run", "max_work_run")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{low} ({lo}) is above {high} ({hi}); {low} must not exceed {high}")
        return self
