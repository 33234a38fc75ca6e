"""Where the cost of a plan comes from: each named term split by employer and by worker.

Each term's exact integer cost (see :class:`~werkdeling.evaluation.measure.TermValue`) is divided
over the employers and workers it concerns; what belongs to no single employer (idle pay, course
fees, missed transitions, the fairness terms) or to no single worker (shortfall, overstaffing,
fairness) is kept apart, so each view adds up to the total exactly.

=================== ============================== ==============================
term                employer                       worker
=================== ============================== ==============================
required_shortfall  the employer short of hours    -
desired_shortfall   the employer short of hours    -
idle_paid           -                              the idle worker
switches            the employer switched to       the worker who switches
travel              the employer travelled to      the worker who travels
training            -                              the trainee
transition_missed   -                              the worker not moved on
preferences         the employer preferred/avoided the worker whose wish it is
overstaffing        the overstaffed employer       -
fair_idle           -                              -
fair_switches       -                              -
=================== ============================== ==============================
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict

from werkdeling.evaluation.measure import Measurement, measure, resolve
from werkdeling.plan import Plan
from werkdeling.scenario import OBJECTIVE_SCALE, Scenario, Term
from werkdeling.scenario.settings import TERM_QUANTITY

Units = dict[Term, int]


class CostBreakdown(BaseModel):
    """Costs in points by term, and by term within each employer and each worker.

    ``by_employer`` and ``by_worker`` list only non-zero costs; ``not_by_employer`` and
    ``not_by_worker`` hold what belongs to no single one. Both views add up to ``by_term``.
    """

    model_config = ConfigDict(frozen=True)

    total: float
    by_term: dict[Term, float]
    by_employer: dict[str, dict[Term, float]]
    not_by_employer: dict[Term, float]
    by_worker: dict[str, dict[Term, float]]
    not_by_worker: dict[Term, float]

    def table(self, by: str) -> tuple[list[str], list[list[str | float]]]:
        """``by`` ``"employer"`` or ``"worker"``: a header and one row per employer or worker
        (costs per term, then the total), and a last row for what belongs to no single one."""
        groups, rest = (
            (self.by_employer, self.not_by_employer) if by == "employer" else (self.by_worker, self.not_by_worker)
        )
        terms = [t for t in Term if t in rest or any(t in g for g in groups.values())]
        rows: list[list[str | float]] = [
            [key, *(g.get(t, 0.0) for t in terms), sum(g.values())] for key, g in groups.items()
        ]
        if rest:
            rows.append([f"(no single {by})", *(rest.get(t, 0.0) for t in terms), sum(rest.values())])
        return [by, *(t.value for t in terms), "total"], rows

    def employer_total(self, employer: str) -> float:
        return sum(self.by_employer.get(employer, {}).values())

    def worker_total(self, worker: str) -> float:
        return sum(self.by_worker.get(worker, {}).values())


def _points(units: Units) -> dict[Term, float]:
    return {t: u / OBJECTIVE_SCALE for t, u in units.items() if u}


def cost_breakdown_of(scenario: Scenario, m: Measurement) -> CostBreakdown:
    """:func:`cost_breakdown` of a plan already measured."""
    unit = {t: scenario.weights.of(t) * TERM_QUANTITY[t][2] for t in Term}
    q = scenario.quantities
    employers: dict[int, Units] = defaultdict(lambda: defaultdict(int))
    workers: dict[int, Units] = defaultdict(lambda: defaultdict(int))

    for s, slot in enumerate(q.slots):
        employer = employers[slot.employer]
        employer[Term.REQUIRED_SHORTFALL] += unit[Term.REQUIRED_SHORTFALL] * int(m.required_shortfall[s].sum())
        employer[Term.DESIRED_SHORTFALL] += unit[Term.DESIRED_SHORTFALL] * int(m.desired_shortfall[s].sum())
        employer[Term.OVERSTAFFING] += unit[Term.OVERSTAFFING] * int(m.overstaffing_of_slot[s])
    for row in m.resolved.rows:
        cost = unit[Term.TRAVEL] * int(q.distance_hm[row.worker, row.employer])
        employers[row.employer][Term.TRAVEL] += cost
        workers[row.worker][Term.TRAVEL] += cost
    for w, e in zip(*m.switches_to.nonzero(), strict=True):
        cost = unit[Term.SWITCHES] * int(m.switches_to[w, e])
        employers[int(e)][Term.SWITCHES] += cost
        workers[int(w)][Term.SWITCHES] += cost
    for (w, e), points in m.preference_points_of.items():
        workers[w][Term.PREFERENCES] += unit[Term.PREFERENCES] * points
        if e is not None:
            employers[e][Term.PREFERENCES] += unit[Term.PREFERENCES] * points
    for w in range(len(scenario.workers)):
        workers[w][Term.IDLE_PAID] += unit[Term.IDLE_PAID] * int(m.idle_minutes[w])
    for spell in m.resolved.spells:
        workers[spell.worker][Term.TRAINING] += unit[Term.TRAINING] * scenario.trainings[spell.training].cost
    for w, moved in m.moved_in_time.items():
        workers[w][Term.TRANSITION_MISSED] += unit[Term.TRANSITION_MISSED] * (not moved)

    total = {t: unit[t] * m.quantity(t) for t in Term}

    def rest(parts: dict[int, Units]) -> dict[Term, float]:
        return _points({t: total[t] - sum(p.get(t, 0) for p in parts.values()) for t in Term})

    return CostBreakdown(
        total=sum(total.values()) / OBJECTIVE_SCALE,
        by_term={t: u / OBJECTIVE_SCALE for t, u in total.items()},
        by_employer={scenario.employers[e].id: c for e, units in sorted(employers.items()) if (c := _points(units))},
        not_by_employer=rest(employers),
        by_worker={scenario.workers[w].id: c for w, units in sorted(workers.items()) if (c := _points(units))},
        not_by_worker=rest(workers),
    )


def cost_breakdown(scenario: Scenario, plan: Plan) -> CostBreakdown:
    """The plan's cost by term, and by term within each employer and each worker."""
    return cost_breakdown_of(scenario, measure(scenario, resolve(scenario, plan)))
