"""The scenario: everything the planner needs, checked once, then immutable."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from werkdeling.scenario.base import Frozen, Identifier
from werkdeling.scenario.entities import Employer, RoleDemand, Unit, Worker, expand, great_circle_km
from werkdeling.scenario.horizon import Horizon
from werkdeling.scenario.legal import PRESETS, REQUIRED_BY_FORM, LegalForm
from werkdeling.scenario.programmes import TrainingOffer
from werkdeling.scenario.settings import Objective, Rules, Weights

#: Work is counted in whole minutes, so every sum is exact.
MINUTES_PER_HOUR = 60
#: Distances are counted in whole hectometres (0.1 km).
HECTOMETRES_PER_KM = 10
#: The objective is computed in integer units: 60 units make one cost point. A weight per hour
#: then multiplies minutes, a weight per switch multiplies 60, a weight per km multiplies 6 x hm.
OBJECTIVE_SCALE = 60

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def hours_to_minutes(hours: float) -> int:
    return round(hours * MINUTES_PER_HOUR)


@dataclass(frozen=True)
class DemandSlot:
    """One role of one employer, with its demand per period in minutes."""

    employer: int
    role: str
    required: IntArray
    desired: IntArray
    maximum: IntArray


@dataclass(frozen=True)
class Quantities:
    """The scenario's numbers as exact integers, shared by the model builder and the validator.

    These are unit conversions only (FTE to minutes, coordinates to hectometres), never decisions
    about who may work where: those are made separately by the builder and by the validator.
    """

    #: Contract minutes per period of each worker, shape (workers,).
    contract_minutes: IntArray
    #: Whether each worker can work in each period, shape (workers, periods): not marked
    #: unavailable, not before a return to work starts, not after an unfinished one's approval.
    available: BoolArray
    #: Minutes each worker can work in each period: the contract times the return-to-work share,
    #: 0 where not available; shape (workers, periods). A guaranteed worker is paid this.
    capacity_minutes: IntArray
    #: Whether a return-to-work restriction (adapted roles, one employer) applies; (workers, periods).
    restricted: BoolArray
    #: Workers whose return to work is not complete when its approval ends (re-assess them).
    needs_reassessment: tuple[int, ...]
    #: Travel distance in hectometres from each worker's home to each employer, (workers, employers).
    distance_hm: IntArray
    #: Each worker's travel limit in hectometres, or -1 for no limit, shape (workers,).
    travel_limit_hm: IntArray
    #: Demand per (employer, role).
    slots: tuple[DemandSlot, ...]
    #: Position in ``slots`` of each (employer position, role).
    slot_index: dict[tuple[int, str], int]
    #: Positions in ``slots`` of each employer's roles, by employer position.
    slots_of_employer: tuple[tuple[int, ...], ...]


class Scenario(Frozen):
    """A pool of employers and workers over a planning horizon.

    Build one from Python, or load one with :func:`werkdeling.load_scenario` from JSON or YAML.
    It is checked completely when built; afterwards it cannot change. Use :meth:`replace` to get
    a changed, re-checked copy.

    Parameters
    ----------
    name, description
        Free text for reports.
    horizon
        The periods planned.
    full_time_hours_per_week
        The full-time norm that FTE refers to; 38 h (Belgium) by default.
    skills
        Optional catalogue of skill names. Without it, every worker skill must be a role some
        employer asks for, which catches misspellings.
    employers, workers
        The pool's members and people.
    trainings
        Courses workers can follow in quiet periods; see :class:`TrainingOffer`.
    legal_form
        The legal form of the pool; its preset sets rules (see :mod:`werkdeling.scenario.legal`).
    rules
        Rules set by this scenario; they win over the legal form's preset. The rules in force are
        :attr:`effective_rules`.
    weights, objective
        See :class:`Weights` and :class:`Objective`.
    """

    name: str = "scenario"
    description: str = ""
    horizon: Horizon
    full_time_hours_per_week: float = Field(default=38.0, gt=0, le=80)
    skills: tuple[Identifier, ...] | None = None
    employers: tuple[Employer, ...]
    workers: tuple[Worker, ...] = ()
    trainings: tuple[TrainingOffer, ...] = ()
    legal_form: LegalForm = LegalForm.CUSTOM
    rules: Rules = Rules()
    weights: Weights = Weights()
    objective: Objective = Objective()

    # -- checks that need the whole scenario -------------------------------------------------

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        problems: list[str] = []
        problems += self._check_ids()
        problems += self._check_demand()
        problems += self._check_workers()
        problems += self._check_programmes()
        problems += self._check_rules()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _check_ids(self) -> list[str]:
        problems = []
        if not self.employers:
            problems.append("employers: the scenario has no employers; add at least one")
        kinds: tuple[tuple[str, tuple[Employer | Worker | TrainingOffer, ...]], ...] = (
            ("employer", self.employers),
            ("worker", self.workers),
            ("training", self.trainings),
        )
        for kind, items in kinds:
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    problems.append(f"{kind} id '{item.id}' is used twice; give every {kind} its own id")
                seen.add(item.id)
        if self.skills is not None:
            seen = set()
            for skill in self.skills:
                if skill in seen:
                    problems.append(f"skills: '{skill}' is listed twice in the catalogue")
                seen.add(skill)
        return problems

    def _check_demand(self) -> list[str]:
        problems = []
        n = self.horizon.periods
        catalogue = set(self.skills) if self.skills is not None else None
        for employer in self.employers:
            for demand in employer.demand:
                where = f"employer '{employer.id}', role '{demand.role}'"
                if catalogue is not None and demand.role not in catalogue:
                    problems.append(f"{where}: role is not in the skills catalogue; add it to 'skills'")
                series = {}
                for field in ("required", "desired", "maximum"):
                    values = expand(getattr(demand, field), n)
                    if values is not None and len(values) != n:
                        problems.append(
                            f"{where}: '{field}' has {len(values)} values but the horizon has {n} "
                            "periods; give one value per period or a single number"
                        )
                        values = None
                    series[field] = values
                required, desired, maximum = (
                    series["required"],
                    series["desired"],
                    series["maximum"],
                )
                if required is None:
                    continue
                desired = desired if demand.desired is not None else required
                maximum = maximum if demand.maximum is not None else desired
                labels = self.horizon.labels
                for lower_name, lower, upper_name, upper in (
                    ("required", required, "desired", desired),
                    ("desired", desired, "maximum", maximum),
                ):
                    if lower is None or upper is None:
                        continue
                    bad = [k for k in range(n) if lower[k] > upper[k]]
                    if bad:
                        k = bad[0]
                        problems.append(
                            f"{where}: in {labels[k]} '{lower_name}' ({lower[k]:g}) is above "
                            f"'{upper_name}' ({upper[k]:g}); {lower_name} must not exceed {upper_name}"
                        )
        return problems

    def _check_workers(self) -> list[str]:
        problems = []
        employer_ids = {e.id for e in self.employers}
        offered = {d.role for e in self.employers for d in e.demand} | {
            v.role for e in self.employers for v in e.vacancies
        }
        catalogue = set(self.skills) if self.skills is not None else None
        for worker in self.workers:
            where = f"worker '{worker.id}'"
            for skill in worker.skills:
                if catalogue is not None and skill not in catalogue:
                    problems.append(f"{where}: skill '{skill}' is not in the skills catalogue; add it to 'skills'")
                elif catalogue is None and skill not in offered:
                    problems.append(
                        f"{where}: skill '{skill}' is not offered by any employer; check the spelling, "
                        "or list it in the scenario's 'skills' catalogue"
                    )
            if worker.home_employer is not None and worker.home_employer not in employer_ids:
                problems.append(f"{where}: home_employer '{worker.home_employer}' is not an employer in this scenario")
            for reference in worker.unavailable:
                problems += self._check_period(f"{where}: unavailable", reference)
            if worker.transition_deadline is not None:
                problems += self._check_period(f"{where}: transition_deadline", worker.transition_deadline)
            ramp = worker.return_to_work
            if ramp is not None:
                problems += self._check_period(f"{where}: return_to_work start", ramp.start)
                if ramp.approved_until is not None:
                    problems += self._check_period(f"{where}: return_to_work approved_until", ramp.approved_until)
                for role in ramp.roles or ():
                    if role not in worker.skills:
                        problems.append(
                            f"{where}: return_to_work role '{role}' is not one of the worker's skills; "
                            "add the skill or remove the role"
                        )
                if ramp.employer is not None and ramp.employer not in employer_ids:
                    problems.append(f"{where}: return_to_work employer '{ramp.employer}' is not in this scenario")
            for k, preference in enumerate(worker.preferences, start=1):
                if preference.employer is not None and preference.employer not in employer_ids:
                    problems.append(
                        f"{where}: preference #{k}: employer '{preference.employer}' is not in this scenario"
                    )
                if preference.employer is None and preference.periods is None:
                    problems.append(f"{where}: preference #{k}: name an employer, periods, or both")
                for reference in preference.periods or ():
                    problems += self._check_period(f"{where}: preference #{k}", reference)
        return problems

    def _check_period(self, where: str, reference: str) -> list[str]:
        try:
            self.horizon.resolve(reference)
        except ValueError as exc:
            return [f"{where} {exc}"]
        return []

    def _check_programmes(self) -> list[str]:
        problems = []
        employer_ids = {e.id for e in self.employers}
        demanded = {d.role for e in self.employers for d in e.demand}
        catalogue = set(self.skills) if self.skills is not None else None
        for offer in self.trainings:
            where = f"training '{offer.id}'"
            if offer.skill not in demanded:
                problems.append(
                    f"{where}: skill '{offer.skill}' is not a role any employer asks for, so nobody could use it"
                )
            if catalogue is not None and offer.skill not in catalogue:
                problems.append(f"{where}: skill '{offer.skill}' is not in the skills catalogue; add it to 'skills'")
            if offer.duration >= self.horizon.periods:
                problems.append(
                    f"{where}: duration {offer.duration} leaves no period in the horizon to use the skill; "
                    "shorten it or plan a longer horizon"
                )
            for reference in offer.starts or ():
                problems += self._check_period(f"{where}: starts", reference)
            if offer.location is not None and offer.location not in employer_ids:
                problems.append(f"{where}: location '{offer.location}' is not an employer in this scenario")
        for employer in self.employers:
            for vacancy in employer.vacancies:
                where = f"employer '{employer.id}', vacancy '{vacancy.id}'"
                if catalogue is not None and vacancy.role not in catalogue:
                    problems.append(f"{where}: role '{vacancy.role}' is not in the skills catalogue; add it")
                problems += self._check_period(f"{where}: available_from", vacancy.available_from)
        return problems

    def _check_rules(self) -> list[str]:
        problems = []
        rules = self.effective_rules
        employer_ids = {e.id for e in self.employers}
        form = self.legal_form.value
        for pair in rules.forbidden_transitions:
            for name in (pair.from_employer, pair.to_employer):
                if name not in employer_ids:
                    problems.append(f"rules: forbidden_transitions: employer '{name}' is not in this scenario")
        for limit in rules.window_limits:
            for reference in limit.periods:
                problems += self._check_period(f"rules: window_limits '{limit.name}'", reference)
        if rules.max_workers is not None and len(self.workers) > rules.max_workers:
            problems.append(
                f"workers: the pool has {len(self.workers)} workers but may employ at most {rules.max_workers} "
                f"(legal form '{form}'); split the pool or remove workers"
            )
        if rules.min_contract_hours_per_week is not None:
            for worker in self.workers:
                weekly = self.contract_hours(worker) / self.horizon.granularity.weeks_per_period
                if weekly < rules.min_contract_hours_per_week - 1e-9:
                    problems.append(
                        f"worker '{worker.id}': contract of {weekly:.1f} h a week is below the minimum of "
                        f"{rules.min_contract_hours_per_week:g} h (legal form '{form}'); raise the contract"
                    )
        if rules.permanent_staff_only:
            for worker in self.workers:
                if not worker.guaranteed or worker.home_employer is None:
                    problems.append(
                        f"worker '{worker.id}': legal form '{form}' places only permanent staff; give the "
                        "worker a home_employer and a guaranteed contract, or remove them"
                    )
        for name, reason in REQUIRED_BY_FORM.get(self.legal_form, {}).items():
            if getattr(rules, name) is None:
                problems.append(f"rules: {name} is needed for legal form '{form}': {reason}")
        if rules.members_only and not any(e.member for e in self.employers):
            problems.append(f"employers: legal form '{form}' places workers only with members, and none is a member")
        return problems

    # -- derived data --------------------------------------------------------------------------

    @property
    def full_time_hours_per_period(self) -> float:
        return self.full_time_hours_per_week * self.horizon.granularity.weeks_per_period

    def to_hours(self, amount: float, unit: Unit) -> float:
        """Hours per period of ``amount`` given in ``unit``."""
        return amount * self.full_time_hours_per_period if unit is Unit.FTE else amount

    def contract_hours(self, worker: Worker) -> float:
        if worker.hours is not None:
            return worker.hours
        return self.to_hours(worker.fte if worker.fte is not None else 1.0, Unit.FTE)

    def demand_hours(self, demand: RoleDemand) -> tuple[tuple[float, ...], ...]:
        """(required, desired, maximum) in hours per period, defaults filled in."""
        n = self.horizon.periods
        required = expand(demand.required, n) or ()
        desired = expand(demand.desired, n) or required
        maximum = expand(demand.maximum, n) or desired
        return tuple(tuple(self.to_hours(v, demand.unit) for v in s) for s in (required, desired, maximum))

    @cached_property
    def effective_rules(self) -> Rules:
        """The rules in force: the legal form's preset, overridden by every rule set in ``rules``."""
        given = self.rules.model_dump(include=self.rules.model_fields_set)
        return Rules.model_validate({**PRESETS[self.legal_form], **given})

    @cached_property
    def training_index(self) -> dict[str, int]:
        return {t.id: k for k, t in enumerate(self.trainings)}

    @cached_property
    def employer_index(self) -> dict[str, int]:
        return {e.id: k for k, e in enumerate(self.employers)}

    @cached_property
    def worker_index(self) -> dict[str, int]:
        return {w.id: k for k, w in enumerate(self.workers)}

    @cached_property
    def quantities(self) -> Quantities:
        """Exact integer quantities; see :class:`Quantities`."""
        n_workers, n_periods = len(self.workers), self.horizon.periods
        contract = np.array([hours_to_minutes(self.contract_hours(w)) for w in self.workers], dtype=np.int64)
        available = np.ones((n_workers, n_periods), dtype=np.bool_)
        share = np.ones((n_workers, n_periods), dtype=np.float64)
        restricted = np.zeros((n_workers, n_periods), dtype=np.bool_)
        reassess = []
        for i, worker in enumerate(self.workers):
            for reference in worker.unavailable:
                available[i, self.horizon.resolve(reference)] = False
            ramp = worker.return_to_work
            if ramp is None:
                continue
            start = self.horizon.index(ramp.start)
            available[i, :start] = False
            steps = [s for s in ramp.shares for _ in range(ramp.periods_per_step)]
            steps = steps[: n_periods - start]
            share[i, start : start + len(steps)] = steps
            if ramp.roles is not None or ramp.employer is not None:
                restricted[i, start : start + len(steps)] = np.array(steps) < 1
            if ramp.approved_until is not None:
                end = self.horizon.index(ramp.approved_until)
                full = next((k for k, s in enumerate(steps) if s >= 1), len(steps))
                if start + full > end + 1:  # full hours not reached by the end of the approval
                    available[i, end + 1 :] = False
                    reassess.append(i)
        capacity = np.rint(contract[:, None] * share).astype(np.int64) * available
        rules = self.effective_rules
        factor = rules.road_distance_factor
        worker_at = np.array([(w.location.lat, w.location.lon) for w in self.workers], dtype=np.float64)
        employer_at = np.array([(e.location.lat, e.location.lon) for e in self.employers], dtype=np.float64)
        worker_at, employer_at = worker_at.reshape(-1, 2), employer_at.reshape(-1, 2)
        km = great_circle_km(
            worker_at[:, 0, None], worker_at[:, 1, None], employer_at[None, :, 0], employer_at[None, :, 1]
        )
        distance = np.rint(km * factor * HECTOMETRES_PER_KM).astype(np.int64).reshape(n_workers, len(self.employers))
        limits = []
        for worker in self.workers:
            limit = worker.max_travel_km if worker.max_travel_km is not None else rules.max_travel_km
            limits.append(-1 if limit is None else round(limit * HECTOMETRES_PER_KM))
        slots: list[DemandSlot] = []
        slots_of_employer: list[list[int]] = [[] for _ in self.employers]
        for e, employer in enumerate(self.employers):
            for demand in employer.demand:
                req, des, cap = (
                    np.array([hours_to_minutes(h) for h in s], dtype=np.int64) for s in self.demand_hours(demand)
                )
                slots_of_employer[e].append(len(slots))
                slots.append(DemandSlot(e, demand.role, req, des, cap))
        return Quantities(
            contract_minutes=contract,
            available=available,
            capacity_minutes=capacity,
            restricted=restricted,
            needs_reassessment=tuple(reassess),
            distance_hm=distance,
            travel_limit_hm=np.array(limits, dtype=np.int64),
            slots=tuple(slots),
            slot_index={(s.employer, s.role): k for k, s in enumerate(slots)},
            slots_of_employer=tuple(tuple(group) for group in slots_of_employer),
        )

    def replace(self, **changes: Any) -> Scenario:
        """A copy with ``changes`` applied, checked again from scratch.

        ``model_copy(update=...)`` would skip the checks, so it is not offered.
        """
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(changes)
        return type(self).model_validate(data)
