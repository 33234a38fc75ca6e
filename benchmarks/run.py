"""Benchmark runner: werkdeling against its baselines, on generated pools, in one run.

    python benchmarks/run.py --suite small            # minutes
    python benchmarks/run.py --suite medium           # the 500-worker and week targets
    python benchmarks/run.py --suite large            # 2,000 workers
    python benchmarks/run.py --suite huge             # 20,000 workers (see benchmarks/README.md)

Every child process may use at most ``--memory-gb`` of address space (16 by default on these
24 GiB machines), so a method that would swap the machine stops with "out of memory" instead.

Every (instance, method) pair runs in a fresh child process, so peak memory is that method's own.
Each plan is checked with :func:`werkdeling.validate` and costed by the validator, never by the
method itself. Per instance and method the runner reports the objective, the method's proven
bound, the gap to the best bound any method proved on that instance, the time to the first plan,
the time to within 1 % of the method's final plan and the peak memory. Results go to
``benchmarks/results/<suite>.csv`` and ``.md``, and a scenario-comparison table (werkdeling's
KPIs across variants of the first instance) to ``<suite>-variants.md``; ``--variants-only`` makes
that table alone and leaves the suite's results as they are. Each file is written whole or not at
all (a temporary file renamed over it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results"
METHODS = ("werkdeling", "greedy", "plain-cp-sat", "highs-mip", "lp-bound")


@dataclass(frozen=True)
class Instance:
    employers: int
    workers: int
    periods: int = 12
    granularity: str = "month"
    seed: int = 1
    time_limit: float = 10.0
    training: bool = False
    return_to_work: bool = False
    vacancies: bool = False

    @property
    def name(self) -> str:
        extras = "".join(f"+{flag}" for flag in ("training", "return_to_work", "vacancies") if getattr(self, flag))
        return f"{self.employers}e-{self.workers}w-{self.periods}{self.granularity[0]}{extras}"


SUITES: dict[str, list[Instance]] = {
    "small": [
        Instance(5, 20),
        Instance(10, 60),
        Instance(10, 60, training=True, return_to_work=True),
        Instance(8, 40, periods=52, granularity="week", time_limit=20.0),
    ],
    "medium": [
        Instance(50, 500, time_limit=10.0),
        Instance(100, 1000, periods=52, granularity="week", time_limit=120.0),
    ],
    "large": [
        Instance(200, 2000, time_limit=60.0),
    ],
    "huge": [
        Instance(2000, 20000, time_limit=600.0),
    ],
}


def _scenario(instance: Instance) -> Any:
    from werkdeling.generate import generate_scenario

    return generate_scenario(
        instance.employers,
        instance.workers,
        periods=instance.periods,
        granularity=instance.granularity,
        seed=instance.seed,
        training=instance.training,
        return_to_work=instance.return_to_work,
        vacancies=instance.vacancies,
    )


def add_pool_arguments(parser: argparse.ArgumentParser, suite: str | None = "medium") -> None:
    """The options that name a pool: a suite's instance, or a generated one (see :func:`pool_instance`)."""
    parser.add_argument("--suite", choices=sorted(SUITES), default=suite, help="take an instance of a suite ...")
    parser.add_argument("--instance", type=int, default=0, help="... at this position")
    parser.add_argument("--employers", type=int, help="... or generate a pool of this many employers")
    parser.add_argument("--workers", type=int, help="and this many workers")
    parser.add_argument("--weeks", action="store_true", help="the generated pool over 52 weeks, not 12 months")


def pool_instance(parser: argparse.ArgumentParser, args: argparse.Namespace, time_limit: float) -> Instance:
    """The pool the options of :func:`add_pool_arguments` name; a generated one gets ``time_limit``."""
    if args.employers is not None or args.workers is not None:
        if not (args.employers and args.workers and args.employers > 0 and args.workers > 0):
            parser.error("give both --employers and --workers, more than 0")
        instance = Instance(args.employers, args.workers, time_limit=time_limit)
        return replace(instance, periods=52, granularity="week") if args.weeks else instance
    if args.weeks:
        parser.error("--weeks is for a generated pool (--employers, --workers), not a suite's instance")
    if args.suite is None:
        parser.error("give --suite, or --employers and --workers")
    position: int = args.instance
    return SUITES[args.suite][position]


def with_time_limit(
    parser: argparse.ArgumentParser, instance: Instance, seconds: float | None, option: str
) -> Instance:
    """``instance`` with the time limit the option ``option`` gave (``None``: as it is); it must be
    more than 0."""
    if seconds is None:
        return instance
    if seconds <= 0:
        parser.error(f"{option} must be more than 0, not {seconds}")
    return replace(instance, time_limit=seconds)


def weight_argument(text: str) -> int:
    """An objective weight given on the command line: a whole number, 0 or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def add_switch_weight_argument(parser: argparse.ArgumentParser) -> None:
    """``--switch-weight``, another weight for the switches (read by :func:`with_switch_weight`)."""
    parser.add_argument("--switch-weight", type=weight_argument, help="another weight for the switches (0: none)")


def with_weight(scenario: Any, term: str, weight: int) -> Any:
    """``scenario`` with another weight for ``term``, checked again."""
    return scenario.replace(weights={**scenario.weights.model_dump(), term: weight})


def with_switch_weight(scenario: Any, weight: int) -> Any:
    """``scenario`` with another weight for the switches (0: none), checked again."""
    return with_weight(scenario, "switches", weight)


@dataclass(frozen=True)
class PlannedByPeriod:
    """A pool's plan by period, the start the gap checks compare against (:func:`plan_by_period`)."""

    plan: Any
    objective: float
    bound: float


def plan_by_period(scenario: Any, name: str, seconds: float) -> PlannedByPeriod:
    """Plan ``scenario`` by period in ``seconds`` (seed 0); where there is no plan, stop with the
    solver's notes."""
    from werkdeling import solve

    result = solve(scenario, strategy="by_period", time_limit=seconds, seed=0)
    if result.plan is None or result.objective is None or result.bound is None:
        raise SystemExit(f"{name}: no plan by period ({'; '.join(result.notes)})")
    return PlannedByPeriod(result.plan, result.objective, result.bound)


def percent(part: float, whole: float) -> str:
    """``part`` as a share of ``whole``, to three decimals."""
    return f"{100 * part / whole:.3f} %"


def by_period_reference(
    description: str,
    seconds_help: str,
    default_seconds: float,
    more_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[argparse.Namespace, Any, PlannedByPeriod]:
    """The start of the gap checks (``gap_split.py``, ``path_mip.py``): reads the pool's options,
    ``--by-period-seconds``, ``--seconds`` (another method's time, ``seconds_help``) and those
    ``more_options`` adds, plans the pool by period and prints that plan; returns the options,
    the scenario and the plan."""
    parser = argparse.ArgumentParser(description=description)
    add_pool_arguments(parser, suite=None)
    parser.add_argument("--by-period-seconds", type=float, help="time to plan by period (default: the suite's)")
    parser.add_argument("--seconds", type=float, default=default_seconds, help=seconds_help)
    if more_options is not None:
        more_options(parser)
    args = parser.parse_args()
    instance = pool_instance(parser, args, time_limit=10.0)
    instance = with_time_limit(parser, instance, args.by_period_seconds, "--by-period-seconds")
    if args.seconds <= 0:
        parser.error(f"--seconds must be more than 0, not {args.seconds}")
    scenario = _scenario(instance)
    by_period = plan_by_period(scenario, instance.name, instance.time_limit)
    print(instance.name)
    print(f"by period, {instance.time_limit:.0f} s: plan {by_period.objective:,.2f}, bound {by_period.bound:,.2f}, "
          f"gap {percent(by_period.objective - by_period.bound, by_period.objective)}")  # fmt: skip
    return args, scenario, by_period


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_one(method: str, instance: Instance) -> dict[str, Any]:
    """Run one method on one instance in this process; the plan is refereed by the validator."""
    sys.path.insert(0, str(HERE))
    import baselines

    from werkdeling import solve, validate

    scenario = _scenario(instance)
    started = time.perf_counter()
    if method == "werkdeling":
        trace: list[tuple[float, float]] = []

        def record(progress: Any) -> None:
            if progress.objective is not None and (not trace or progress.objective < trace[-1][1]):
                trace.append((time.perf_counter() - started, progress.objective))

        result = solve(scenario, time_limit=instance.time_limit, seed=0, progress=record)
        outcome = baselines.Outcome(result.plan, bound=result.bound, status=result.status.value, trace=trace)
    elif method == "greedy":
        outcome = baselines.greedy(scenario)
    elif method == "plain-cp-sat":
        outcome = baselines.plain_cp_sat(scenario, instance.time_limit)
    elif method == "highs-mip":
        outcome = baselines.highs_mip(scenario, instance.time_limit)
    elif method == "lp-bound":
        outcome = baselines.highs_lp_bound(scenario, instance.time_limit)
    else:
        raise SystemExit(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    seconds = time.perf_counter() - started
    row: dict[str, Any] = {
        "instance": instance.name,
        "method": method,
        "status": outcome.status,
        "objective": None,
        "valid": None,
        "bound": outcome.bound,
        "seconds": round(seconds, 2),
        "first_plan_s": round(outcome.trace[0][0], 2) if outcome.trace else None,
        "within_1pct_s": None,
        "peak_mb": round(max(_peak_mb(), outcome.extra_mb)),
    }
    if outcome.plan is not None:
        report = validate(scenario, outcome.plan)
        row["valid"] = report.is_valid
        row["objective"] = round(report.objective, 2)
        final = report.objective
        reached = [t for t, value in outcome.trace if value <= final * 1.01 + 1e-9]
        if method == "greedy":
            reached = [outcome.trace[-1][0]]
        # No progress report within 1 %: the final plan came with the result.
        row["within_1pct_s"] = round(reached[0], 2) if reached else row["seconds"]
    return row


def _child(method: str, instance: Instance, memory_gb: float) -> dict[str, Any]:
    limit_bytes = int(memory_gb * 2**30)

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one",
        method,
        "--instance",
        json.dumps(asdict(instance)),
    ]
    limit = instance.time_limit * 4 + 300
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, check=False, env=os.environ, preexec_fn=cap_memory
        )
    except subprocess.TimeoutExpired:
        return {"instance": instance.name, "method": method, "status": f"killed after {limit:.0f} s"}
    if done.returncode != 0:
        tail = done.stderr.strip()[-300:]
        if "MemoryError" in tail or "bad_alloc" in tail or done.returncode in (-6, -9):
            return {"instance": instance.name, "method": method, "status": f"out of memory ({memory_gb:g} GB cap)"}
        return {"instance": instance.name, "method": method, "status": "error: " + tail}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _gaps(rows: list[dict[str, Any]]) -> None:
    """Gap of each plan to the best bound any method proved on the same instance."""
    best = max((r["bound"] for r in rows if r.get("bound") is not None), default=None)
    for r in rows:
        r["best_bound"] = best
        objective = r.get("objective")
        r["gap_pct"] = (
            round(100 * (objective - best) / objective, 2)
            if objective is not None and best is not None and objective > 0
            else None
        )


COLUMNS = (
    "instance",
    "method",
    "status",
    "valid",
    "objective",
    "bound",
    "best_bound",
    "gap_pct",
    "seconds",
    "first_plan_s",
    "within_1pct_s",
    "peak_mb",
)


def _markdown(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.2f}"
        return " ".join(str(value).split()).replace("|", "/")  # one line, no column breaks

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def _variants(instance: Instance) -> str:
    """werkdeling's KPIs on variants of one instance: as is, without its largest member,
    demand +20 %, and with training offers."""
    from werkdeling import solve

    base = _scenario(instance)
    data = base.model_dump(mode="json", exclude_unset=True)
    largest = max(base.employers, key=lambda e: sum(sum(s) for s in base.demand_hours(e.demand[0])) if e.demand else 0)
    without = dict(data)
    # Keep every skill in the catalogue: workers of the member who left keep their skills.
    without["skills"] = sorted({skill for w in data["workers"] for skill in w.get("skills", [])})
    without["employers"] = [e for e in data["employers"] if e["id"] != largest.id]
    without["workers"] = [
        {k: v for k, v in w.items() if not (k == "home_employer" and v == largest.id)} for w in data["workers"]
    ]
    more = json.loads(json.dumps(data))
    for employer in more["employers"]:
        for demand in employer["demand"]:
            for level in ("required", "desired", "maximum"):
                if level in demand:
                    demand[level] = [round(v * 1.2, 2) for v in demand[level]]
    variants = {
        "as is": base,
        f"without {largest.id}": type(base).model_validate(without),
        "demand +20 %": type(base).model_validate(more),
        "with training": _scenario(Instance(**{**asdict(instance), "training": True})),
    }
    results = {name: solve(s, time_limit=instance.time_limit, seed=0) for name, s in variants.items()}
    names = list(results)
    header = ["figure", *names]
    rows = [["objective", *(f"{r.objective:,.1f}" if r.objective is not None else "-" for r in results.values())]]
    template = next((r.kpis.figures() for r in results.values() if r.kpis is not None), [])
    for k, figure in enumerate(template):
        if not any(r.kpis is not None and r.kpis.figures()[k].relevant for r in results.values()):
            continue
        cells = []
        for r in results.values():
            value = r.kpis.figures()[k].value if r.kpis is not None else "-"
            cells.append(f"{value:,.1f}" if isinstance(value, float | int) else str(value))
        rows.append([f"{figure.name} ({figure.unit})" if figure.unit else figure.name, *cells])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return f"Variants of {instance.name}, werkdeling, {instance.time_limit:g} s each:\n\n" + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", choices=sorted(SUITES), default="small")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of " + ", ".join(METHODS))
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--no-variants", action="store_true", help="skip the scenario-comparison table")
    only.add_argument("--variants-only", action="store_true", help="only the scenario-comparison table")
    parser.add_argument("--memory-gb", type=float, default=16.0, help="address-space cap per child process")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, Instance(**json.loads(args.instance)))))
        return
    # Refused here, before the first child process starts, not after minutes of solving.
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if not methods:
        parser.error(f"--methods: name at least one of {', '.join(METHODS)}")
    for method in methods:
        if method not in METHODS:
            parser.error(f"--methods: unknown method {method!r}; choose from {', '.join(METHODS)}")
    if args.memory_gb <= 0:
        parser.error(f"--memory-gb must be more than 0, not {args.memory_gb}")
    from werkdeling.serialize import write_text_atomic

    RESULTS.mkdir(exist_ok=True)
    if not args.variants_only:
        _run_suite(args.suite, methods, args.memory_gb, args.no_variants)
    if not args.no_variants:
        variants = _variants(SUITES[args.suite][0])
        write_text_atomic(RESULTS / f"{args.suite}-variants.md", variants + "\n")
        print()
        print(variants)


def _run_suite(suite: str, methods: list[str], memory_gb: float, no_variants: bool) -> None:
    """Every method of ``methods`` on every instance of ``suite``: the table, printed and written
    to ``results/<suite>.csv`` and ``.md``."""
    from werkdeling.serialize import write_text_atomic

    all_rows: list[dict[str, Any]] = []
    for instance in SUITES[suite]:
        rows = []
        for method in methods:
            print(f"{instance.name}: {method} ...", file=sys.stderr, flush=True)
            rows.append(_child(method, instance, memory_gb))
        _gaps(rows)
        all_rows += rows
    stamp = f"{dt.date.today().isoformat()}, {os.cpu_count()} cores"
    named = ",".join(methods)
    command = f"python benchmarks/run.py --suite {suite}" + (
        f" --methods {named}" if named != ",".join(METHODS) else ""
    )
    command += " --no-variants" if no_variants else ""
    table = f"`{command}` ({stamp})\n\n" + _markdown(all_rows)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(all_rows)
    write_text_atomic(RESULTS / f"{suite}.csv", buffer.getvalue())
    write_text_atomic(RESULTS / f"{suite}.md", table + "\n")
    print(table)


if __name__ == "__main__":
    main()
