"""The plan: who works where, in which role, each period; who trains; who moves on for good.

A plan is a tidy table with one row per placement, plus the training spells and the permanent
moves (*Van werk naar werk*). A guaranteed worker with no row in a period they are available is
idle but paid; a worker who is not guaranteed and has no row is not in the plan that period.
Plans round-trip losslessly through JSON and YAML and can be edited by hand;
:func:`werkdeling.validate` re-checks any plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import NonNegativeFloat, ValidationError

from werkdeling.errors import PlanError
from werkdeling.scenario.base import Frozen
from werkdeling.scenario.horizon import Granularity
from werkdeling.scenario.io import (
    DATA_SUFFIXES,
    check_spreadsheet_path,
    is_spreadsheet,
    problems_from,
    read_data,
    save_model,
)

if TYPE_CHECKING:
    from werkdeling.scenario import Scenario

#: Column names of :meth:`Plan.to_records` and :meth:`Plan.to_numpy`.
COLUMNS = ("worker", "period", "employer", "role", "hours")


class Placement(Frozen):
    """One worker placed with one employer, in one role, for one period.

    ``hours`` is the worker's capacity for the period (contract hours, times the return-to-work
    share), or with ``rules.splits`` the part of it worked here.
    """

    worker: str
    period: str
    employer: str
    role: str
    hours: NonNegativeFloat


class TrainingSpell(Frozen):
    """A worker follows training ``training`` from period ``start`` for its whole duration."""

    worker: str
    training: str
    start: str


class PermanentMove(Frozen):
    """A worker starts in vacancy ``vacancy`` of ``employer`` in ``period`` and leaves the pool."""

    worker: str
    employer: str
    vacancy: str
    period: str


class Plan(Frozen):
    """All placements, training spells and permanent moves. Immutable; build a new plan to change it."""

    placements: tuple[Placement, ...] = ()
    trainings: tuple[TrainingSpell, ...] = ()
    transitions: tuple[PermanentMove, ...] = ()

    def __len__(self) -> int:
        return len(self.placements)

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> Plan:
        """Build a plan from rows with the keys of :data:`COLUMNS`."""
        return cls(placements=tuple(Placement.model_validate(r) for r in records))

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per placement, e.g. for ``pandas.DataFrame(plan.to_records())``."""
        return [p.model_dump() for p in self.placements]

    def to_numpy(self) -> npt.NDArray[Any]:
        """The table as a numpy structured array with the fields of :data:`COLUMNS`."""
        width = max([1, *(len(getattr(p, c)) for p in self.placements for c in COLUMNS[:4])])
        dtype = [(c, f"U{width}") for c in COLUMNS[:4]] + [("hours", "f8")]
        rows = [(p.worker, p.period, p.employer, p.role, p.hours) for p in self.placements]
        return np.array(rows, dtype=dtype)

    def employer_matrix(self, scenario: Scenario) -> npt.NDArray[np.int64]:
        """Array (workers x periods) of employer positions in ``scenario.employers``, -1 where
        the worker is not placed. Rows that do not fit the scenario are left out; use
        :func:`werkdeling.validate` to find them."""
        matrix = np.full((len(scenario.workers), scenario.horizon.periods), -1, dtype=np.int64)
        for p in self.placements:
            w, e, k = (
                scenario.worker_index.get(p.worker),
                scenario.employer_index.get(p.employer),
                scenario.horizon.positions.get(p.period),
            )
            if w is not None and e is not None and k is not None:
                matrix[w, k] = e
        return matrix

    def for_worker(self, worker_id: str) -> list[Placement]:
        return [p for p in self.placements if p.worker == worker_id]

    def for_employer(self, employer_id: str) -> list[Placement]:
        return [p for p in self.placements if p.employer == employer_id]


def plan_from_data(data: Any, source: str | None = None) -> Plan:
    """Build a plan from plain data: ``{"placements": [...]}`` or a bare list of rows."""
    if isinstance(data, list):
        data = {"placements": data}
    if not isinstance(data, dict):
        raise PlanError(["a plan must be a mapping with the key 'placements'"], source)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(problems_from(exc, data), source) from None


def load_plan(path: str | Path, granularity: Granularity = Granularity.MONTH) -> Plan:
    """Read a plan from ``.json``, ``.yaml`` or ``.yml``, a plan workbook (``.xlsx``), a folder of
    CSV files or one placements ``.csv``; PlanError names what is wrong.

    ``granularity`` tells how to read a period that a spreadsheet turned into a date; pass the
    scenario's.
    """
    path = Path(path)
    if is_spreadsheet(path):
        check_spreadsheet_path(path, PlanError)
        from werkdeling.sheets.plan_sheets import read_plan_book

        return read_plan_book(path, granularity)
    return plan_from_data(read_data(path, PlanError), str(path))


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write ``plan`` as JSON or YAML (by extension), atomically. For a workbook, which needs the
    scenario for its overview, use :func:`werkdeling.sheets.write_plan_book`."""
    if Path(path).suffix.lower() not in DATA_SUFFIXES:
        raise PlanError([f"{path}: save_plan writes .json or .yaml; use werkdeling.sheets.write_plan_book for "
                         "a workbook or CSV"])  # fmt: skip
    save_model(plan, path)
