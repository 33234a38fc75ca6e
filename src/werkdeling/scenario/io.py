"""Reading and writing scenarios as JSON or YAML, with readable errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from werkdeling.errors import InputError, ScenarioError
from werkdeling.scenario.scenario import Scenario
from werkdeling.serialize import write_text_atomic

#: Keys whose value names a list item better than its position does.
_NAMING_KEYS = ("id", "role")


def _singular(key: str) -> str:
    return key[:-1] if key.endswith("s") else key


def describe_location(loc: tuple[int | str, ...], data: Any) -> str:
    """Turn a pydantic error location into words, using ids where the input has them.

    ``('employers', 2, 'demand', 0, 'required')`` becomes
    ``employer 'pear-grower', demand 'picker', required``.
    """
    parts: list[str] = []
    node = data
    pending: str | None = None
    for step in loc:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list | tuple) and step < len(node) else None
            name = next((item[k] for k in _NAMING_KEYS if isinstance(item, dict) and k in item), None)
            label = _singular(pending or "item")
            parts.append(f"{label} '{name}'" if name is not None else f"{label} #{step + 1}")
            pending, node = None, item
            continue
        if "[" in step:
            continue  # pydantic's internal names for a type, not a field
        if pending is not None:
            parts.append(pending)
        pending = step
        node = node.get(step) if isinstance(node, dict) else None
    if pending is not None:
        parts.append(pending)
    return ", ".join(parts)


def problems_from(exc: ValidationError, data: Any) -> list[str]:
    """One readable line per problem in ``exc``."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field; check the spelling (see `werkdeling schema` for the fields)"
        elif error["type"] == "missing":
            message = "this field is required"
        where = describe_location(tuple(error["loc"]), data)
        for line in message.splitlines():
            problems.append(f"{where}: {line}" if where else line)
    return problems


def read_data(path: str | Path, error: type[InputError] = InputError) -> Any:
    """Parse a JSON or YAML file into plain data, raising ``error`` for unreadable files."""
    path = Path(path)
    if not path.exists():
        raise error([f"file not found: {path}"])
    if path.is_dir():
        raise error([f"{path} is a folder; give a .json or .yaml file"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error([f"cannot read the file: {exc}"], str(path)) from None
    if not text.strip():
        raise error(["the file is empty"], str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise error([f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"], str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise error([f"not valid YAML{at}: {getattr(exc, 'problem', exc)}"], str(path)) from None
    raise error([f"unknown file type '{suffix}'; use .json, .yaml or .yml"], str(path))


def scenario_from_data(data: Any, source: str | None = None) -> Scenario:
    """Build a Scenario from plain data (as parsed from JSON/YAML), raising ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError(
            ["a scenario must be a mapping with keys such as 'horizon', 'employers', 'workers'"],
            source,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data), source) from None


#: Suffixes of the text formats a scenario or plan is saved in by :func:`save_model`.
DATA_SUFFIXES = (".json", ".yaml", ".yml")

#: Suffixes of spreadsheet files; a folder is read as CSV files.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def is_spreadsheet(path: Path) -> bool:
    """Whether ``path`` is a workbook, a CSV file or a folder (of CSV files)."""
    return path.is_dir() or path.suffix.lower() in SPREADSHEET_SUFFIXES


def check_spreadsheet_path(path: Path, error: type[InputError]) -> None:
    """Refuse spreadsheet formats werkdeling does not read, saying which to use."""
    if not path.exists():
        raise error([f"file not found: {path}"])
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods"):
        raise error([f"'{suffix}' files are not read; save the workbook as Excel .xlsx"], str(path))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.json``, ``.yaml`` or ``.yml`` file, an ``.xlsx`` workbook, or a
    folder of CSV files (see :mod:`werkdeling.sheets`).

    Raises
    ------
    ScenarioError
        With one readable line per problem, naming the file, the item and the field (for a
        spreadsheet: the sheet, row and column).
    """
    path = Path(path)
    if is_spreadsheet(path):
        check_spreadsheet_path(path, ScenarioError)
        if path.suffix.lower() == ".csv":
            raise ScenarioError(["a scenario is several tables; give the folder that holds the CSV files"], str(path))
        from werkdeling.sheets.scenario_sheets import read_scenario_book

        return read_scenario_book(path)
    return scenario_from_data(read_data(path, ScenarioError), str(path))


def save_model(model: BaseModel, path: str | Path, only_set: bool = False) -> None:
    """Write a scenario or plan as JSON or YAML (by extension), atomically.

    With ``only_set``, only fields that were set are written, so reading the file back leaves
    defaults to the defaults (for a scenario: a legal form's preset stays in force).
    """
    path = Path(path)
    data = model.model_dump(mode="json", exclude_unset=only_set)
    if path.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_text_atomic(path, text)


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path``, atomically: ``.json``, ``.yaml``, an ``.xlsx`` workbook, or
    CSV files in a folder (a path without suffix)."""
    path = Path(path)
    if path.suffix.lower() in DATA_SUFFIXES:
        save_model(scenario, path, only_set=True)
        return
    from werkdeling.sheets.scenario_sheets import write_scenario_book

    write_scenario_book(scenario, path)
