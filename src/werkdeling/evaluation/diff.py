"""What changed between two plans, per worker and period, in words a coordinator reads aloud.

A *changed placement* is a worker-period whose placements differ between the plans (another
employer or role, other hours, placed or not). Re-planning counts and penalises exactly these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from werkdeling.plan import PermanentMove, Placement, Plan, TrainingSpell
from werkdeling.scenario.scenario import hours_to_minutes

#: A placement as compared: employer, role and whole minutes.
RowKey = tuple[str, str, int]


def row_key(placement: Placement) -> RowKey:
    return placement.employer, placement.role, hours_to_minutes(placement.hours)


class PlacementChange(BaseModel):
    """The placements of one worker in one period, before and after."""

    model_config = ConfigDict(frozen=True)

    worker: str
    period: str
    before: tuple[Placement, ...]
    after: tuple[Placement, ...]


class PlanDiff(BaseModel):
    """Every difference between an old and a new plan."""

    model_config = ConfigDict(frozen=True)

    placements: tuple[PlacementChange, ...] = ()
    trainings_added: tuple[TrainingSpell, ...] = ()
    trainings_dropped: tuple[TrainingSpell, ...] = ()
    transitions_added: tuple[PermanentMove, ...] = ()
    transitions_dropped: tuple[PermanentMove, ...] = ()

    @property
    def changed_placements(self) -> int:
        """Worker-periods whose placements differ."""
        return len(self.placements)

    @property
    def changed_workers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.worker for c in self.placements))

    def is_empty(self) -> bool:
        return not (
            self.placements
            or self.trainings_added
            or self.trainings_dropped
            or self.transitions_added
            or self.transitions_dropped
        )

    def lines(self, labels: Sequence[str]) -> list[str]:
        """The changes in words, consecutive periods with the same change on one line, by worker."""
        order = {label: k for k, label in enumerate(labels)}
        per_worker: dict[str, list[PlacementChange]] = defaultdict(list)
        for change in self.placements:
            per_worker[change.worker].append(change)
        lines = []
        for worker, changes in per_worker.items():
            changes.sort(key=lambda c: order.get(c.period, len(order)))
            runs: list[tuple[list[str], str, str]] = []
            for change in changes:
                before, after = _describe(change.before, change.after), _describe(change.after, change.before)
                k = order.get(change.period)
                previous = runs[-1] if runs else None
                if (
                    previous is not None
                    and previous[1:] == (before, after)
                    and k is not None
                    and order.get(previous[0][-1]) == k - 1
                ):
                    previous[0].append(change.period)
                else:
                    runs.append(([change.period], before, after))
            for periods, before, after in runs:
                when = periods[0] if len(periods) == 1 else f"{periods[0]}..{periods[-1]}"
                lines.append(f"'{worker}' {when}: {before} -> {after}")
        lines += [f"'{t.worker}' starts training '{t.training}' in {t.start}" for t in self.trainings_added]
        lines += [f"'{t.worker}' no longer trains on '{t.training}' from {t.start}" for t in self.trainings_dropped]
        lines += [
            f"'{m.worker}' starts in vacancy '{m.vacancy}' of '{m.employer}' in {m.period}"
            for m in self.transitions_added
        ]
        lines += [
            f"'{m.worker}' no longer starts in vacancy '{m.vacancy}' of '{m.employer}' in {m.period}"
            for m in self.transitions_dropped
        ]
        return lines


def _describe(rows: tuple[Placement, ...], other: tuple[Placement, ...]) -> str:
    """Rows as ``'ardo' (heftruck)``; hours are shown when the other side has the same places."""
    if not rows:
        return "not placed"
    same_places = sorted((r.employer, r.role) for r in rows) == sorted((r.employer, r.role) for r in other)
    return " + ".join(f"'{r.employer}' ({r.role}" + (f", {r.hours:g} h)" if same_places else ")") for r in rows)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Compare two plans of the same scenario."""
    before: dict[tuple[str, str], list[Placement]] = defaultdict(list)
    after: dict[tuple[str, str], list[Placement]] = defaultdict(list)
    for p in old.placements:
        before[(p.worker, p.period)].append(p)
    for p in new.placements:
        after[(p.worker, p.period)].append(p)
    changes = []
    for key in dict.fromkeys([*before, *after]):
        old_rows, new_rows = tuple(before.get(key, ())), tuple(after.get(key, ()))
        if sorted(map(row_key, old_rows)) != sorted(map(row_key, new_rows)):
            changes.append(PlacementChange(worker=key[0], period=key[1], before=old_rows, after=new_rows))
    old_spells, new_spells = set(old.trainings), set(new.trainings)
    old_moves, new_moves = set(old.transitions), set(new.transitions)
    return PlanDiff(
        placements=tuple(changes),
        trainings_added=tuple(t for t in new.trainings if t not in old_spells),
        trainings_dropped=tuple(t for t in old.trainings if t not in new_spells),
        transitions_added=tuple(m for m in new.transitions if m not in old_moves),
        transitions_dropped=tuple(m for m in old.transitions if m not in new_moves),
    )
