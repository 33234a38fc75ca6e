"""A later period's LP, solved in a child process while planning by period searches this one.

Planning by period (:mod:`werkdeling.decompose`) solves each period's LP relaxation and then
searches the period, one after the other. The LP leaves the switches out, so it needs nothing
from the periods before it, and on a crowded period it is a min-cost flow that takes seconds
and holds the GIL (``benchmarks/flow_gil.py``), so a thread would not run beside it. A forked
child process does: it inherits the scenario without copying it, builds the period's arrays,
solves the flow and sends back the :class:`~werkdeling.relaxation.PeriodLp`, while the parent
searches the period before. Where the flow does not apply (:func:`~werkdeling.flow_lp.flow_lp`
returns ``None``) or the child fails, the parent solves that period's LP itself, as without it.
A re-plan's anchor (:mod:`werkdeling.period_anchor`) goes to the child too: its costs per
candidate do not depend on the periods before either.

Where the period is large but not crowded, the child can also solve its pattern LP
(:mod:`werkdeling.patterns`) after the LP, with a function the caller gives: that LP leaves the
switches out too, and in the first pass it took most of such a period's time on one core
while the other stood idle.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np

from werkdeling.flow_lp import flow_lp
from werkdeling.local_search import PeriodCosts, period_costs
from werkdeling.patterns import PatternLp
from werkdeling.period_anchor import PeriodAnchor
from werkdeling.relaxation import PeriodLp
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray

#: Seconds the parent waits for a child to end after it sent its LP, before it kills it.
_JOIN_SECONDS = 5.0

#: A period's pattern LP from its arrays, its LP, its position and a deadline
#: (``time.perf_counter()``, the same clock in the child), or ``None``.
PatternSolver = Callable[[PeriodCosts, PeriodLp, int, float], PatternLp | None]


def available() -> bool:
    """Whether this platform can fork (Linux; not Windows, and not macOS's default)."""
    return "fork" in multiprocessing.get_all_start_methods()


class LpAhead:
    """One period's LP at a time in a forked child process: :meth:`start` it, :meth:`take` it
    when the period comes, and :meth:`close` at the end (it kills a child still running). With
    a ``pattern`` solver, a start with a deadline for it also solves the period's pattern LP,
    which :meth:`take_pattern` hands over after :meth:`take`."""

    def __init__(
        self,
        scenario: Scenario,
        allowed: BoolArray,
        anchor: PeriodAnchor | None = None,
        pattern: PatternSolver | None = None,
    ) -> None:
        if not available():
            raise RuntimeError("solving LPs ahead needs a platform that can fork")
        self._scenario = scenario
        self._allowed = allowed
        self._anchor = anchor
        self._pattern = pattern
        self._running: tuple[int, BaseProcess, Connection] | None = None
        self._taken_pattern: tuple[int, PatternLp] | None = None

    def start(self, period: int, pattern_until: float | None = None) -> None:
        """Start solving ``period``'s LP (a child already running is stopped first), and its
        pattern LP until ``pattern_until`` (``time.perf_counter()``) if given."""
        self.close()
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        pattern = None if pattern_until is None else self._pattern
        child = context.Process(
            target=_solve_in_child,
            args=(self._scenario, self._allowed, self._anchor, period, sender, pattern, pattern_until),
            daemon=True,
        )
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a process with threads may deadlock the child. The
            # child takes no lock another thread could hold: it only runs numpy, OR-Tools' flow
            # and, for a pattern LP, GLOP, each in a solver of its own.
            warnings.simplefilter("ignore", DeprecationWarning)
            child.start()
        sender.close()  # the child holds its own end; EOF then means it ended without sending
        self._running = (period, child, receiver)

    def take(self, period: int) -> PeriodLp | None:
        """``period``'s LP once the child has it; ``None`` where it was not started for that
        period, the flow does not apply, or the child failed (the caller solves it then)."""
        self._taken_pattern = None
        if self._running is None or self._running[0] != period:
            return None
        _, child, receiver = self._running
        self._running = None
        found: PeriodLp | None = None
        pattern: PatternLp | None = None
        try:
            found, pattern = receiver.recv()
        except (EOFError, OSError):
            pass
        finally:
            _end(child, receiver, _JOIN_SECONDS)
        if found is not None and pattern is not None:
            self._taken_pattern = (period, pattern)
        return found

    def take_pattern(self, period: int) -> PatternLp | None:
        """The pattern LP the child solved with ``period``'s LP, after :meth:`take` got that LP;
        ``None`` where it was not asked for or did not come (the caller solves it then)."""
        if self._taken_pattern is None or self._taken_pattern[0] != period:
            return None
        found = self._taken_pattern[1]
        self._taken_pattern = None
        return found

    def close(self) -> None:
        """Stop a child still running; its LP is dropped."""
        if self._running is not None:
            _, child, receiver = self._running
            self._running = None
            _end(child, receiver, 0.0)


def _end(child: BaseProcess, receiver: Connection, grace: float) -> None:
    """Close the parent's end of the pipe and let ``child`` end, killing it after ``grace`` s."""
    receiver.close()
    child.join(grace)
    if child.is_alive():
        child.kill()
        child.join()


def _solve_in_child(
    scenario: Scenario,
    allowed: BoolArray,
    anchor: PeriodAnchor | None,
    period: int,
    sender: Connection,
    pattern: PatternSolver | None,
    pattern_until: float | None,
) -> None:
    """In the child: the period's LP (``None`` where the flow does not apply) and, with a
    ``pattern`` solver, its pattern LP, sent to the parent together."""
    try:
        # The LP leaves the switches out, so any employers before the period give the same one.
        nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
        costs = period_costs(scenario, allowed, period, nobody, anchor=anchor)
        found = flow_lp(costs)
        whole = None
        if found is not None and pattern is not None and pattern_until is not None:
            whole = pattern(costs, found, period, pattern_until)
        sender.send((found, whole))
    except BaseException:
        # Nothing sent: the parent solves the LP itself, and meets a real error there. Ctrl-C
        # reaches the whole process group, and the parent handles it.
        pass
    finally:
        sender.close()
