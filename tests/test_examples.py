"""The example scripts run end to end and print their KPIs (short time limits keep this quick;
the full runs are timed by hand, see README).

8 s, not less: the Brabant example solves in four lexicographic stages and its first stage gets a
quarter of the limit; at 3 s a loaded 2-core machine sometimes found no plan in that quarter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from werkdeling import load_scenario
from werkdeling.replan import load_disruption

EXAMPLES = Path(__file__).parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_there_are_four_examples() -> None:
    assert [s.stem for s in SCRIPTS] == [
        "brabant_van_werk_naar_werk",
        "kust_maandoverleg",
        "kust_werkschakelpunt",
        "limburg_fruit_pool",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.stem)
def test_example_runs_and_prints_kpis(script: Path) -> None:
    if script.with_suffix(".yaml").exists():
        load_scenario(script.with_suffix(".yaml"))  # the data beside the script is a valid scenario
    else:
        load_disruption(EXAMPLES / "news" / "kust_2027-10.yaml")  # the news the meeting example replays
    done = subprocess.run(
        [sys.executable, str(script), "--time-limit", "8"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "KPIs" in done.stdout and "required demand covered" in done.stdout
