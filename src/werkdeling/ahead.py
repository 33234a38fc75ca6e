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
"""

from __future__ import annotations

import multiprocessing
import warnings
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np

from werkdeling.flow_lp import flow_lp
from werkdeling.local_search import period_costs
from werkdeling.period_anchor import PeriodAnchor
from werkdeling.relaxation import PeriodLp
from werkdeling.scenario import Scenario
from werkdeling.scenario.scenario import BoolArray

#: Seconds the parent waits for a child to end after it sent its LP, before it kills it.
_JOIN_SECONDS = 5.0


def available() -> bool:
    """Whether this platform can fork (Linux; not Windows, and not macOS's default)."""
    return "fork" in multiprocessing.get_all_start_methods()


class LpAhead:
    """One period's LP at a time in a forked child process: :meth:`start` it, :meth:`take` it
    when the period comes, and :meth:`close` at the end (it kills a child still running)."""

    def __init__(self, scenario: Scenario, allowed: BoolArray, anchor: PeriodAnchor | None = None) -> None:
        if not available():
            raise RuntimeError("solving LPs ahead needs a platform that can fork")
        self._scenario = scenario
        self._allowed = allowed
        self._anchor = anchor
        self._running: tuple[int, BaseProcess, Connection] | None = None

    def start(self, period: int) -> None:
        """Start solving ``period``'s LP (a child already running is stopped first)."""
        self.close()
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_solve_in_child,
            args=(self._scenario, self._allowed, self._anchor, period, sender),
            daemon=True,
        )
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a process with threads may deadlock the child. The
            # child takes no lock another thread could hold: it only runs numpy and OR-Tools' flow.
            warnings.simplefilter("ignore", DeprecationWarning)
            child.start()
        sender.close()  # the child holds its own end; EOF then means it ended without sending
        self._running = (period, child, receiver)

    def take(self, period: int) -> PeriodLp | None:
        """``period``'s LP once the child has it; ``None`` where it was not started for that
        period, the flow does not apply, or the child failed (the caller solves it then)."""
        if self._running is None or self._running[0] != period:
            return None
        _, child, receiver = self._running
        self._running = None
        try:
            found: PeriodLp | None = receiver.recv()
        except (EOFError, OSError):
            found = None
        finally:
            _end(child, receiver, _JOIN_SECONDS)
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
    scenario: Scenario, allowed: BoolArray, anchor: PeriodAnchor | None, period: int, sender: Connection
) -> None:
    """In the child: the period's LP, sent to the parent (``None`` where the flow does not apply)."""
    try:
        # The LP leaves the switches out, so any employers before the period give the same one.
        nobody = np.full(len(scenario.workers), -1, dtype=np.int64)
        sender.send(flow_lp(period_costs(scenario, allowed, period, nobody, anchor=anchor)))
    except BaseException:
        # Nothing sent: the parent solves the LP itself, and meets a real error there. Ctrl-C
        # reaches the whole process group, and the parent handles it.
        pass
    finally:
        sender.close()
