"""The scenario model: horizons, units, round trips, and one readable message per bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from werkdeling import Horizon, Scenario, ScenarioError, load_scenario, save_scenario
from werkdeling.scenario.io import scenario_from_data

from .conftest import DATA

BASE: dict[str, Any] = {
    "horizon": {"start": "2027-01", "periods": 3},
    "employers": [
        {
            "id": "pear",
            "location": {"lat": 50.8, "lon": 5.2},
            "demand": [{"role": "picker", "required": [0, 1, 2], "desired": [1, 1, 2], "maximum": 3}],
        },
        {"id": "choc", "location": {"lat": 50.9, "lon": 5.3}, "demand": [{"role": "packer", "required": 1}]},
    ],
    "workers": [
        {"id": "an-7", "location": {"lat": 50.85, "lon": 5.25}, "skills": ["picker", "packer"]},
        {"id": "bo", "location": {"lat": 50.85, "lon": 5.25}, "skills": ["packer"], "fte": 0.5},
    ],
}


def mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    change(data)
    return data


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return change


BAD_INPUTS = [
    # (description, change, text the message must contain)
    ("unknown skill", _set("workers.0.skills", ["picker", "heftruck"]), "worker 'an-7': skill 'heftruck' is not offered by any employer"),
    ("skill outside catalogue", _set("skills", ["picker"]), "worker 'an-7': skill 'packer' is not in the skills catalogue"),
    ("role outside catalogue", _set("skills", ["packer"]), "employer 'pear', role 'picker': role is not in the skills catalogue"),
    ("unknown home employer", _set("workers.0.home_employer", "bakery"), "home_employer 'bakery' is not an employer"),
    ("duplicate worker id", _set("workers.1.id", "an-7"), "worker id 'an-7' is used twice"),
    ("duplicate employer id", _set("employers.1.id", "pear"), "employer id 'pear' is used twice"),
    ("duplicate role", _set("employers.1.demand", [{"role": "packer", "required": 1}, {"role": "packer", "required": 2}]), "role 'packer' is listed twice"),
    ("duplicate worker skill", _set("workers.1.skills", ["packer", "packer"]), "skill 'packer' is listed twice"),
    ("duplicate catalogue skill", _set("skills", ["picker", "packer", "picker"]), "'picker' is listed twice in the catalogue"),
    ("demand too short", _set("employers.0.demand.0.required", [0, 1]), "'required' has 2 values but the horizon has 3 periods"),
    ("demand too long", _set("employers.0.demand.0.desired", [1, 1, 2, 2]), "'desired' has 4 values but the horizon has 3 periods"),
    ("negative demand", _set("employers.0.demand.0.required", [0, -1, 2]), "-1 is not allowed; amounts must be finite and not negative"),
    ("text as demand", _set("employers.1.demand.0.required", "lots"), "'lots' is not a number"),
    ("required above desired", _set("employers.0.demand.0.required", [2, 1, 2]), "in 2027-01 'required' (2) is above 'desired' (1)"),
    ("desired above maximum", _set("employers.0.demand.0.maximum", 1), "in 2027-03 'desired' (2) is above 'maximum' (1)"),
    ("negative fte", _set("workers.1.fte", -0.5), "worker 'bo', fte: Input should be greater than 0"),
    ("zero hours", _set("workers.0.hours", 0), "worker 'an-7', hours: Input should be greater than 0"),
    ("fte and hours", _set("workers.1.hours", 80), "give the contract as 'fte' or as 'hours', not both"),
    ("zero periods", _set("horizon.periods", 0), "horizon, periods: Input should be greater than or equal to 1"),
    ("too many periods", _set("horizon.periods", 5000), "horizon, periods: Input should be less than or equal to 1000"),
    ("month 13", _set("horizon.start", "2027-13"), "'2027-13' is not a real month"),
    ("week label for months", _set("horizon.start", "2027-W05"), "expected a month label like '2027-01'"),
    ("week 53 in a 52-week year", _set("horizon", {"start": "2027-W53", "periods": 2, "granularity": "week"}), "'2027-W53' is not a real week"),
    ("unknown granularity", _set("horizon.granularity", "quarter"), "Input should be 'month', 'week' or 'day'"),
    ("unavailable outside horizon", _set("workers.0.unavailable", ["2027-05"]), "unavailable period '2027-05' is not in the horizon"),
    ("unavailable range backwards", _set("workers.0.unavailable", ["2027-03..2027-01"]), "range '2027-03..2027-01' runs backwards"),
    ("misspelt field", _set("workers.0.skils", ["picker"]), "worker 'an-7', skils: unknown field"),
    ("missing location", _delete("employers.1.location"), "employer 'choc', location: this field is required"),
    ("latitude out of range", _set("workers.1.location", {"lat": 95, "lon": 5}), "worker 'bo', location, lat: Input should be less than or equal to 90"),
    ("no employers", _set("employers", []), "the scenario has no employers"),
    ("id with a space", _set("workers.1.id", "bo b"), "'bo b' is not a usable id"),
    ("negative weight", _set("weights", {"idle_paid": -1}), "weights, idle_paid: Input should be greater than or equal to 0"),
    ("fractional weight", _set("weights", {"switches": 2.5}), "weights, switches: Input should be a valid integer"),
    ("unknown term in priorities", _set("objective", {"mode": "lexicographic", "priorities": [["required_shortfall", "overtime"]]}), "Input should be 'required_shortfall'"),
    ("term missing from priorities", _set("objective", {"priorities": [["required_shortfall"]]}), "priorities leave out 'desired_shortfall'"),
    ("term twice in priorities", _set("objective", {"priorities": [["required_shortfall", "travel"], ["desired_shortfall", "idle_paid", "switches", "travel"]]}), "term 'travel' appears in more than one priority level"),
    ("road factor below 1", _set("rules", {"road_distance_factor": 0.5}), "road_distance_factor: Input should be greater than or equal to 1"),
    ("travel limit zero", _set("workers.0.max_travel_km", 0), "max_travel_km: Input should be greater than 0"),
    ("demand unit unknown", _set("employers.1.demand.0.unit", "days"), "Input should be 'fte' or 'hours'"),
]  # fmt: skip


def test_there_are_at_least_25_distinct_bad_inputs() -> None:
    assert len({description for description, _, _ in BAD_INPUTS}) >= 25


def test_base_scenario_is_valid() -> None:
    scenario_from_data(copy.deepcopy(BASE))


@pytest.mark.parametrize(("description", "change", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_names_the_problem(description: str, change: Callable[[dict[str, Any]], None], expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(mutate(change), "pool.yaml")
    message = str(info.value)
    assert expected in message, message
    assert message.startswith("pool.yaml: ")


def test_all_problems_are_reported_at_once() -> None:
    def two_problems(data: dict[str, Any]) -> None:
        data["workers"][0]["home_employer"] = "bakery"
        data["workers"][1]["skills"] = ["forklift"]

    with pytest.raises(ScenarioError) as info:
        scenario_from_data(mutate(two_problems))
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        ("", ".yaml", "the file is empty"),
        ("horizon: [unclosed", ".yaml", "not valid YAML at line 1"),
        ('{"horizon": ', ".json", "not valid JSON at line 1"),
        ("- just\n- a list\n", ".yaml", "a scenario must be a mapping"),
        ("a,b\n1,2\n", ".csv", "several tables"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: str, suffix: str, expected: str) -> None:
    path = tmp_path / f"pool{suffix}"
    path.write_text(content)
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_direct_construction_raises_pydantic_error_with_the_same_words() -> None:
    with pytest.raises(ValidationError, match="is not offered by any employer"):
        Scenario.model_validate(mutate(_set("workers.0.skills", ["heftruck"])))


def test_scenario_is_frozen() -> None:
    s = scenario_from_data(copy.deepcopy(BASE))
    with pytest.raises(ValidationError):
        s.name = "other"  # type: ignore[misc]


def test_replace_rechecks() -> None:
    s = scenario_from_data(copy.deepcopy(BASE))
    assert s.replace(name="x").name == "x"
    with pytest.raises(ValidationError, match="has 3 values but the horizon has 2 periods"):
        s.replace(horizon=Horizon(start="2027-01", periods=2))


@pytest.mark.parametrize(
    ("start", "granularity", "periods", "first", "last"),
    [
        ("2027-11", "month", 3, "2027-11", "2028-01"),
        ("2026-W52", "week", 3, "2026-W52", "2027-W01"),  # 2026 has 53 ISO weeks
        ("2026-W53", "week", 1, "2026-W53", "2026-W53"),
        ("2028-02-28", "day", 3, "2028-02-28", "2028-03-01"),
    ],
)
def test_horizon_labels(start: str, granularity: str, periods: int, first: str, last: str) -> None:
    h = Horizon(start=start, periods=periods, granularity=granularity)  # type: ignore[arg-type]
    assert h.labels[0] == first
    assert h.labels[-1] == last
    assert len(h.labels) == periods


def test_full_time_norm_per_granularity() -> None:
    s = scenario_from_data(copy.deepcopy(BASE))
    assert s.full_time_hours_per_period == pytest.approx(38 * 52 / 12)
    week = s.replace(
        horizon=Horizon(start="2027-W01", periods=3, granularity="week"),  # type: ignore[arg-type]
    )
    assert week.full_time_hours_per_period == 38
    # a 0.5 FTE worker works 19 h in a week
    assert week.quantities.contract_minutes[1] == 19 * 60


def test_defaults_are_filled_in() -> None:
    s = scenario_from_data(copy.deepcopy(BASE))
    an = s.workers[0]
    assert an.fte == 1.0 and an.guaranteed and an.name == "an-7"
    choc = s.quantities.slots[1]
    # desired and maximum default to required
    assert list(choc.desired) == list(choc.required) == list(choc.maximum)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_file_round_trip_is_lossless(tmp_path: Path, small: Scenario, suffix: str) -> None:
    path = tmp_path / f"s{suffix}"
    save_scenario(small, path)
    assert load_scenario(path) == small


def test_json_round_trip_of_every_test_file() -> None:
    for path in DATA.glob("*.yaml"):
        s = load_scenario(path)
        assert Scenario.model_validate_json(s.model_dump_json()) == s
        assert Scenario.model_validate(json.loads(s.model_dump_json())) == s


def test_json_schema_describes_the_scenario() -> None:
    schema = Scenario.model_json_schema()
    assert {"horizon", "employers", "workers", "weights"} <= set(schema["properties"])
    json.dumps(schema)
