"""How well the members' seasons fit together, before any planning.

A trade-press analysis names members peaking in the same months as why pools fail
(trends.knack.be, "De balans tussen flexibiliteit en zekerheid"; DOMAIN.md). This report shows
the pooled demand curve, the base load every period shares, the pairwise correlation of the
members' seasonal profiles, and warns when members peak together. Plain numpy, no solver.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from werkdeling.scenario import Scenario

#: Correlation from which two members are said to peak together.
PEAKS_TOGETHER = 0.5


class MemberProfile(BaseModel):
    """One member's demand per period, in FTE of the scenario's full-time norm."""

    model_config = ConfigDict(frozen=True)

    employer: str
    fte: tuple[float, ...]
    peak_period: str

    @property
    def peak(self) -> float:
        return max(self.fte, default=0.0)


class Complementarity(BaseModel):
    """The pool's combined season. See :func:`complementarity`."""

    model_config = ConfigDict(frozen=True)

    level: str
    periods: tuple[str, ...]
    members: tuple[MemberProfile, ...]
    #: Total demand per period, in FTE.
    pooled: tuple[float, ...]
    #: Pairwise Pearson correlation of the members' profiles; ``None`` where a profile is flat.
    correlation: dict[str, dict[str, float | None]]
    warnings: tuple[str, ...]

    @property
    def base_load(self) -> float:
        """FTE needed in every period: the most year-round contracts that are never idle."""
        return min(self.pooled, default=0.0)

    @property
    def peak_load(self) -> float:
        return max(self.pooled, default=0.0)

    @property
    def standalone_base_load(self) -> float:
        """Sum of each member's own base load: what the members could carry without a pool."""
        return sum(min(m.fte, default=0.0) for m in self.members)

    def summary(self) -> str:
        width = max([8, *(len(m.employer) for m in self.members)])
        lines = [f"{'period':<{width}} " + " ".join(f"{p[-5:]:>6}" for p in self.periods)]
        for m in self.members:
            lines.append(f"{m.employer:<{width}} " + " ".join(f"{v:6.1f}" for v in m.fte))
        lines.append(f"{'pooled':<{width}} " + " ".join(f"{v:6.1f}" for v in self.pooled))
        lines.append(
            f"base load {self.base_load:.1f} FTE in every period (members alone: {self.standalone_base_load:.1f}); "
            f"peak {self.peak_load:.1f} FTE"
        )
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _level(scenario: Scenario, level: str) -> np.ndarray:
    q = scenario.quantities
    per_period = scenario.full_time_hours_per_period * 60
    rows = []
    for slots in q.slots_of_employer:
        total = np.zeros(scenario.horizon.periods)
        for s in slots:
            total += getattr(q.slots[s], level)
        rows.append(total / per_period)
    return np.array(rows).reshape(len(scenario.employers), scenario.horizon.periods)


def complementarity(scenario: Scenario, level: Literal["required", "desired"] = "desired") -> Complementarity:
    """Pooled demand, base load, correlations and warnings for ``scenario``'s members."""
    labels = scenario.horizon.labels
    fte = _level(scenario, level)
    members = tuple(
        MemberProfile(
            employer=e.id,
            fte=tuple(round(float(v), 3) for v in fte[k]),
            peak_period=labels[int(np.argmax(fte[k]))],
        )
        for k, e in enumerate(scenario.employers)
    )
    flat = [bool(np.ptp(fte[k]) < 1e-9) for k in range(len(members))]
    correlation: dict[str, dict[str, float | None]] = {m.employer: {} for m in members}
    warnings = []
    for i, a in enumerate(members):
        for j, b in enumerate(members):
            if i == j:
                continue
            r = None if flat[i] or flat[j] else round(float(np.corrcoef(fte[i], fte[j])[0, 1]), 3)
            correlation[a.employer][b.employer] = r
            if j > i and r is not None and r >= PEAKS_TOGETHER:
                warnings.append(
                    f"'{a.employer}' and '{b.employer}' peak together (correlation {r:.2f}); "
                    "they compete for the same workers in the same months"
                )
    seasonal = [m for m, f in zip(members, flat, strict=True) if not f]
    if len(seasonal) >= 2:
        peaks = [m.peak_period for m in seasonal]
        top = max(set(peaks), key=peaks.count)
        if peaks.count(top) * 2 > len(seasonal):
            warnings.append(
                f"{peaks.count(top)} of {len(seasonal)} seasonal members peak in {top}; "
                "look for a member whose season falls elsewhere"
            )
    return Complementarity(
        level=level,
        periods=labels,
        members=members,
        pooled=tuple(round(float(v), 3) for v in fte.sum(axis=0)),
        correlation=correlation,
        warnings=tuple(warnings),
    )
