"""Seeded random pools with realistic seasons, for benchmarks and tests.

:func:`generate_scenario` builds a pool of employers from the sectors of ``../shared/DOMAIN.md``
(their seasonal shapes, January to December, with noise), in a few regions of Flanders, and
workers who live near them with one to three of the sectors' skills. The same arguments and seed
always give the same scenario.

The seasonal shapes (index, the sector's top month = 100):

============== ============================================================ =======================
sector         shape                                                        source (DOMAIN.md)
============== ============================================================ =======================
agriculture    CBS jobs index 90 91 94 97 102 105 117 110 107 102 94 93     CBS news 2016/49
pears          picking mid-August to mid-September                          HBvL 2018, 2021
asparagus      April to June                                                trends.knack.be 2022
frozen-veg     summer into November                                         West-Flemish plants
confectionery  15 to 100 staff June to November, Easter +25 %               Sinterklaas packer
e-commerce     double staff November and December                           Dutch warehouse
construction   weather losses October to April, 3 weeks off in July         bouwunie.be
hospitality    80 all year, 300 in July and August                          nrc.nl 2019
============== ============================================================ =======================
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from werkdeling.scenario import Scenario
from werkdeling.scenario.horizon import Granularity

FloatArray = npt.NDArray[np.float64]

#: Monthly demand index per sector (top month 100) and the roles it asks for, with their shares.
SECTORS: dict[str, tuple[tuple[int, ...], dict[str, float]]] = {
    "agriculture": ((77, 78, 80, 83, 87, 90, 100, 94, 91, 87, 80, 79), {"picker": 0.8, "tractor": 0.2}),
    "pears": ((15, 15, 20, 25, 30, 35, 45, 100, 100, 40, 20, 15), {"picker": 0.9, "heftruck": 0.1}),
    "asparagus": ((10, 10, 30, 100, 100, 80, 20, 10, 10, 10, 10, 10), {"picker": 1.0}),
    "frozen-veg": ((40, 40, 40, 45, 50, 70, 100, 100, 100, 95, 90, 45), {"operator": 0.7, "heftruck": 0.3}),
    "confectionery": ((25, 25, 32, 30, 15, 30, 45, 60, 75, 90, 100, 40), {"packer": 0.8, "operator": 0.2}),
    "e-commerce": ((50, 50, 50, 50, 50, 50, 50, 50, 50, 55, 100, 100), {"order-picker": 0.8, "heftruck": 0.2}),
    "construction": ((70, 75, 85, 95, 100, 100, 30, 100, 100, 90, 80, 65), {"labourer": 1.0}),
    "hospitality": ((27, 27, 35, 50, 70, 85, 100, 100, 60, 40, 27, 27), {"housekeeping": 0.7, "kitchen": 0.3}),
}

#: Region centres in Flanders (lat, lon) where employers cluster.
REGIONS = (
    ("haspengouw", 50.80, 5.20),
    ("westhoek", 50.95, 2.85),
    ("kust", 51.20, 2.95),
    ("kempen", 51.20, 5.10),
    ("antwerpen", 51.22, 4.40),
    ("gent", 51.05, 3.72),
    ("brabant", 50.88, 4.70),
)


def _profile(sector: str, periods: int, granularity: Granularity, start_month: int) -> FloatArray:
    """The sector's index for each period (0..1), weeks interpolated from the monthly shape."""
    monthly = np.array(SECTORS[sector][0], dtype=float) / 100
    if granularity is Granularity.MONTH:
        return np.array([monthly[(start_month + k) % 12] for k in range(periods)], dtype=np.float64)
    per_month = 52 / 12 if granularity is Granularity.WEEK else 365 / 12
    positions = start_month + np.arange(periods) / per_month
    low = np.floor(positions).astype(int)
    frac = positions - low
    return np.asarray((1 - frac) * monthly[low % 12] + frac * monthly[(low + 1) % 12], dtype=np.float64)


def generate_scenario(
    employers: int = 5,
    workers: int = 20,
    *,
    periods: int = 12,
    granularity: Granularity | str = Granularity.MONTH,
    start: str | None = None,
    seed: int = 0,
    guaranteed_share: float = 0.7,
    part_time_share: float = 0.2,
    demand_ratio: float = 1.0,
    training: bool = False,
    return_to_work: bool = False,
    vacancies: bool = False,
    max_travel_km: float = 60.0,
) -> Scenario:
    """A seeded random pool of ``employers`` and ``workers`` over ``periods``.

    Parameters
    ----------
    demand_ratio
        Pooled desired demand over a year, relative to the workers' capacity; 1.0 balances them,
        so peaks exceed the pool and dips leave people idle.
    training
        Add forklift and operator courses that idle workers can follow.
    return_to_work
        Give about 1 worker in 50 a gradual return after illness.
    vacancies
        Give every tenth employer a permanent vacancy (*Van werk naar werk*) in its first role,
        open from a quarter into the horizon for one worker in 200 (at least one), and every
        tenth guaranteed worker who holds one of those roles a transition deadline halfway.
    """
    granularity = Granularity(granularity)
    rng = np.random.default_rng(seed)
    if start is None:
        start = {Granularity.MONTH: "2027-01", Granularity.WEEK: "2027-W01", Granularity.DAY: "2027-01-01"}[granularity]
    regions = REGIONS[: max(1, min(len(REGIONS), math.ceil(employers / 5)))]
    sectors = list(SECTORS)

    employer_rows: list[dict[str, Any]] = []
    sizes = rng.lognormal(mean=0.0, sigma=0.6, size=employers)
    # Scale so the pooled yearly desired demand is demand_ratio x the pool's FTE.
    fte = np.where(rng.random(workers) < part_time_share, rng.choice([0.5, 0.8], size=workers), 1.0)
    shapes = []
    for _ in range(employers):
        sector = sectors[int(rng.integers(len(sectors)))]
        shape = _profile(sector, periods, granularity, 0) * rng.uniform(0.9, 1.1, size=periods)
        shapes.append((sector, np.clip(shape, 0.05, 1.2)))
    pooled = sum(float(sizes[e] * shapes[e][1].mean()) for e in range(employers))
    scale = demand_ratio * float(fte.sum()) / pooled if pooled else 0.0
    for e, (sector, shape) in enumerate(shapes):
        _, lat, lon = regions[e % len(regions)]
        roles = SECTORS[sector][1]
        demand = []
        for role, share in roles.items():
            desired = np.round(sizes[e] * scale * share * shape, 1)
            if desired.max() < 0.5:
                continue
            required = np.round(desired * 0.7, 1)
            maximum = np.round(desired * 1.2 + 0.5, 1)
            demand.append(
                {"role": role, "required": required.tolist(), "desired": desired.tolist(), "maximum": maximum.tolist()}
            )
        if not demand:  # a tiny employer still asks for something in its main role
            role = next(iter(roles))
            demand.append({"role": role, "required": [0.0] * periods, "desired": [0.5] * periods})
        employer_rows.append(
            {
                "id": f"e{e:04d}-{sector}",
                "sector": sector,
                "location": {"lat": round(lat + rng.normal(0, 0.08), 4), "lon": round(lon + rng.normal(0, 0.12), 4)},
                "demand": demand,
            }
        )

    # Workers live near an employer and hold its roles (and sometimes a neighbour's).
    roles_of = [[d["role"] for d in row["demand"]] for row in employer_rows]
    all_roles = sorted({r for rs in roles_of for r in rs})
    worker_rows: list[dict[str, Any]] = []
    labels_needed = periods > 1
    for w in range(workers):
        e = int(rng.integers(employers))
        home = employer_rows[e]["location"]
        skills = set(rng.choice(roles_of[e], size=min(len(roles_of[e]), int(rng.integers(1, 3))), replace=False))
        if rng.random() < 0.5:
            skills.add(all_roles[int(rng.integers(len(all_roles)))])
        row: dict[str, Any] = {
            "id": f"w{w:05d}",
            "location": {
                "lat": round(home["lat"] + rng.normal(0, 0.1), 4),
                "lon": round(home["lon"] + rng.normal(0, 0.15), 4),
            },
            "skills": sorted(str(s) for s in skills),
            "guaranteed": bool(rng.random() < guaranteed_share),
        }
        if fte[w] != 1.0:
            row["fte"] = float(fte[w])
        if row["guaranteed"] and rng.random() < 0.5:
            row["home_employer"] = employer_rows[e]["id"]
        if rng.random() < 0.2:
            row["max_travel_km"] = 30.0
        if labels_needed and rng.random() < 0.3:
            row["unavailable"] = [int(rng.integers(periods))]  # positions; turned into labels below
        worker_rows.append(row)

    data: dict[str, Any] = {
        "name": f"generated-{employers}x{workers}-{granularity.value}-{seed}",
        "description": f"Generated pool: {employers} employers, {workers} workers, seed {seed}.",
        "horizon": {"start": start, "periods": periods, "granularity": granularity.value},
        "employers": employer_rows,
        "workers": worker_rows,
        "rules": {"max_travel_km": max_travel_km},
    }
    scenario_labels = Scenario.model_validate({**data, "workers": []}).horizon.labels
    for row in worker_rows:
        if "unavailable" in row:
            row["unavailable"] = [scenario_labels[k] for k in row["unavailable"]]
    if training:
        courses = [("forklift-course", "heftruck", 300, 50), ("operator-course", "operator", 500, 80)]
        data["trainings"] = [
            {"id": name, "skill": skill, "duration": 1, "seats": max(1, workers // per_seat), "cost": cost}
            for name, skill, cost, per_seat in courses
            if skill in all_roles
        ]
    if return_to_work:
        for row in worker_rows[::50]:
            begin = int(rng.integers(0, max(1, periods // 2)))
            row["return_to_work"] = {"start": scenario_labels[begin], "shares": [0.2, 0.4, 0.6, 0.8]}
            row["guaranteed"] = True
    if vacancies:
        offered = set()
        opens = scenario_labels[periods // 4]
        for employer_row in employer_rows[::10]:
            role = employer_row["demand"][0]["role"]
            employer_row["vacancies"] = [
                {"id": "vacancy", "role": role, "available_from": opens, "count": max(1, workers // 200)}
            ]
            offered.add(role)
        movers = [row for row in worker_rows if row["guaranteed"] and offered & set(row["skills"])]
        for row in movers[::10]:
            row["transition_deadline"] = scenario_labels[periods // 2]
    return Scenario.model_validate(data)
