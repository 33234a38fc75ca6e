"""Rules and objective weights, with documented defaults.

The objective is a sum of named terms. Every term is a quantity measured on the plan, multiplied
by its weight:

================== ============================================================ =============
term               quantity                                                     default weight
================== ============================================================ =============
required_shortfall hours of required demand not covered                          100 per hour
desired_shortfall  hours of desired demand not covered                           10 per hour
idle_paid          contract hours of guaranteed workers paid while not placed    5 per hour
switches           times a worker starts at an employer other than their last    50 per switch
travel             one-way km home to employer, summed over placed periods       1 per km
================== ============================================================ =============

Desired demand includes required demand, so an hour missing below the required level costs both
weights (110 by default). With the defaults one uncovered required hour costs more than any
reasonable mix of idle time, switches and travel, which is what coordinators asked for: peaks
first, then the pool's own costs.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveFloat, model_validator

from werkdeling.scenario.base import Frozen


class Term(StrEnum):
    """Names of the objective terms."""

    REQUIRED_SHORTFALL = "required_shortfall"
    DESIRED_SHORTFALL = "desired_shortfall"
    IDLE_PAID = "idle_paid"
    SWITCHES = "switches"
    TRAVEL = "travel"


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

    def of(self, term: Term) -> int:
        return int(getattr(self, term.value))


#: Default priority levels for lexicographic solving: peaks first, then the wish list, then the
#: pool's own costs.
DEFAULT_PRIORITIES: tuple[tuple[Term, ...], ...] = (
    (Term.REQUIRED_SHORTFALL,),
    (Term.DESIRED_SHORTFALL,),
    (Term.IDLE_PAID, Term.SWITCHES, Term.TRAVEL),
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


class Rules(Frozen):
    """Hard rules of the pool that are not specific to one worker or employer.

    Parameters
    ----------
    max_travel_km
        Furthest one-way distance from a worker's home to an employer, for workers who do not set
        their own. ``None`` (default) means no limit. The Belgian suitable-job rule deems a job
        within 60 km always suitable (ONEM/RVA), a common choice.
    road_distance_factor
        Multiplier from straight-line to travel distance; 1.0 (default) uses the straight line.
    """

    max_travel_km: PositiveFloat | None = None
    road_distance_factor: float = Field(default=1.0, ge=1.0, le=3.0)
