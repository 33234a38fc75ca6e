"""Spreadsheets: lossless round trips, coordinator habits (dates, decimal commas), and bad input.

Every malformed workbook must give exit code 2, one message naming the file, sheet, row and
column, no traceback, and no output file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from werkdeling import LegalForm, Plan, Rules, Scenario, ScenarioError, load_plan, load_scenario, solve, validate
from werkdeling.cli import cli, demo_scenario
from werkdeling.scenario.legal import PRESETS
from werkdeling.sheets import write_scenario_book
from werkdeling.sheets.plan_sheets import write_plan_book

from .conftest import DATA
from .test_properties import FAMILIES, programme_scenarios

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rules_under(scenario: Scenario, form: LegalForm) -> Rules:
    given = scenario.rules.model_dump(include=scenario.rules.model_fields_set)
    return Rules.model_validate({**PRESETS[form], **given})


def assert_same_scenario(back: Scenario, original: Scenario) -> None:
    assert back == original
    # Equal values are not enough: which rules were set decides what a legal form's preset adds,
    # so the rules must come out the same under every form's preset.
    for form in LegalForm:
        assert _rules_under(back, form) == _rules_under(original, form)


# -- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["demo", DATA / "complete.yaml", *EXAMPLES], ids=lambda s: Path(str(s)).stem)
@pytest.mark.parametrize("target", ["pool.xlsx", "pool-csv"])
def test_scenario_round_trip_is_lossless(tmp_path: Path, source: Any, target: str) -> None:
    original = demo_scenario() if source == "demo" else load_scenario(source)
    write_scenario_book(original, tmp_path / target)
    assert_same_scenario(load_scenario(tmp_path / target), original)


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_scenarios_round_trip_through_a_workbook(tmp_path_factory: Any, family: str,
                                                           data: st.DataObject) -> None:  # fmt: skip
    original = Scenario.model_validate(data.draw(programme_scenarios(family)))
    folder = tmp_path_factory.mktemp("book")
    for target in (folder / "s.xlsx", folder / "s-csv"):
        write_scenario_book(original, target)
        assert_same_scenario(load_scenario(target), original)


@pytest.fixture(scope="module")
def planned() -> list[tuple[Scenario, Plan]]:
    """Plans with placements, part-time splits, trainings and permanent moves.

    Where ``tests/data`` holds a plan for an example (``<name>-plan.json``, a solve's plan with
    the courses or permanent moves the tests need), that plan is used once the validator
    passes it: a 3 s solve on a busy machine sometimes found a plan without them."""
    result = []
    for path in [DATA / "complete.yaml", *EXAMPLES]:
        scenario = load_scenario(path)
        stored = DATA / f"{path.stem}-plan.json"
        if stored.exists():
            plan = load_plan(stored, scenario.horizon.granularity)
            assert validate(scenario, plan).is_valid, f"{stored} no longer fits {path.name}: solve it again"
        else:
            plan = solve(scenario, time_limit=3, num_workers=2).plan
            assert plan is not None
        result.append((scenario, plan))
    assert any(plan.trainings for _, plan in result) and any(plan.transitions for _, plan in result)
    return result


@pytest.mark.parametrize("target", ["plan.xlsx", "plan-csv"])
def test_plan_round_trip_is_lossless(tmp_path: Path, planned: list[tuple[Scenario, Plan]], target: str) -> None:
    for scenario, plan in planned:
        write_plan_book(scenario, plan, tmp_path / target)
        assert load_plan(tmp_path / target) == plan


def test_plan_workbook_has_the_sheets_members_read(tmp_path: Path, planned: list[tuple[Scenario, Plan]]) -> None:
    scenario, plan = planned[0]
    write_plan_book(scenario, plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames[:7] == ["Read me", "Overview", "KPIs", "Costs", "Placements", "Trainings", "Transitions"]
    assert {f"E {e.id}"[:31] for e in scenario.employers} <= set(book.sheetnames)
    assert {f"W {w.id}"[:31] for w in scenario.workers} <= set(book.sheetnames)
    costs = {row[0]: row[4] for row in book["Costs"].iter_rows(min_row=2, values_only=True)}
    assert costs["total"] == pytest.approx(validate(scenario, plan).objective, abs=0.01)
    # The overview names each placed worker in the cell of their employer and period.
    first = plan.placements[0]
    overview = book["Overview"]
    header = [c.value for c in overview[1]]
    row = next(r for r in overview.iter_rows(min_row=2, values_only=True) if r[0] == first.employer)
    assert first.worker in str(row[header.index(first.period)])


def test_an_edited_plan_workbook_is_validated(tmp_path: Path, planned: list[tuple[Scenario, Plan]]) -> None:
    scenario, plan = planned[1]
    write_scenario_book(scenario, tmp_path / "pool.xlsx")
    write_plan_book(scenario, plan, tmp_path / "plan.xlsx")
    assert run("validate", str(tmp_path / "pool.xlsx"), str(tmp_path / "plan.xlsx"))[0] == 0
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    sheet = book["Placements"]
    sheet.cell(row=2, column=5, value=9999)  # hours far above the contract
    book.save(tmp_path / "plan.xlsx")
    code, out, _ = run("validate", str(tmp_path / "pool.xlsx"), str(tmp_path / "plan.xlsx"))
    assert code == 1 and "[placement_hours]" in out


# -- coordinator habits ----------------------------------------------------------------------


def test_excel_dates_and_text_cells_are_read_as_periods(tmp_path: Path) -> None:
    path = tmp_path / "pool.xlsx"
    write_scenario_book(demo_scenario(), path)
    book = openpyxl.load_workbook(path)
    demand = book["Demand"]
    # Excel turns a typed 2027-03 into the date 1 March 2027.
    for cell in demand[1]:
        if cell.value == "2027-03":
            cell.value = dt.datetime(2027, 3, 1)
    settings_sheet = book["Scenario"]
    for row in settings_sheet.iter_rows(min_row=2):
        if row[0].value == "start":
            row[1].value = dt.datetime(2027, 1, 1)
    book.save(path)
    assert_same_scenario(load_scenario(path), demo_scenario())


def test_csv_from_dutch_excel_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    folder = tmp_path / "pool"
    write_scenario_book(demo_scenario(), folder)
    workers = folder / "workers.csv"
    lines = workers.read_text().splitlines()
    header = lines[0].split(",")
    fte = header.index("fte")
    cells = lines[1].split(",")
    cells[fte] = "0,8"
    lines[1] = ";".join(cells)
    lines = [lines[0].replace(",", ";"), lines[1]] + [line.replace(",", ";") for line in lines[2:]]
    workers.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    scenario = load_scenario(folder)
    assert scenario.workers[0].fte == pytest.approx(0.8)


def test_template_then_fill_in_then_solve_then_plot(tmp_path: Path) -> None:
    intake = tmp_path / "intake.xlsx"
    code, out, _ = run("template", str(intake))
    assert code == 0 and intake.exists()
    # An empty template is not a plan yet: the message says what is missing.
    code, _, err = run("solve", str(intake))
    assert code == 2 and "no employers" in err
    book = openpyxl.load_workbook(intake)
    assert [c.value for c in book["Demand"][1]][5:] == [f"2027-{m:02d}" for m in range(1, 13)]
    book["Employers"].append(["bakery", None, "Hasselt", 50.93, 5.34])
    book["Demand"].append(["bakery", "baker", None, None, 1])
    book["Workers"].append(["an", None, "Hasselt", 50.93, 5.34, 1])
    book["Skills"].append(["an", "baker"])
    book.save(intake)
    plan = tmp_path / "plan.xlsx"
    code, out, err = run("solve", str(intake), "--out", str(plan), "--workers", "1", "--quiet")
    assert code == 0, err
    assert "status      optimal" in out
    assert run("validate", str(intake), str(plan))[0] == 0
    code, out, _ = run("plot", str(intake), str(plan), "--out", str(tmp_path / "charts"))
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "charts").iterdir())
    names = ("allocation", "coverage", "pooled-demand", "timelines")
    assert written == sorted(f"{n}.{f}" for n in names for f in ("png", "svg"))


def test_template_never_replaces_a_filled_workbook(tmp_path: Path) -> None:
    intake = tmp_path / "intake.xlsx"
    assert run("template", str(intake), "--example")[0] == 0
    before = intake.read_bytes()
    code, _, err = run("template", str(intake))
    assert code == 2 and "already exists" in err
    assert intake.read_bytes() == before
    assert run("template", str(intake), "--force")[0] == 0


def test_a_failed_write_leaves_the_old_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pool.xlsx"
    write_scenario_book(demo_scenario(), target)
    before = target.read_bytes()

    def broken_save(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_scenario_book(demo_scenario(), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["pool.xlsx"]


# -- bad input -------------------------------------------------------------------------------


def _sheet_row(sheet: Worksheet, first: str) -> int:
    return next(k for k, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == first)


def _column(sheet: Worksheet, name: str) -> int:
    return next(c.column for c in sheet[1] if c.value == name)


def _set(sheet: str, row_key: str | int, column: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        ws = book[sheet]
        row = row_key if isinstance(row_key, int) else _sheet_row(ws, row_key)
        ws.cell(row=row, column=_column(ws, column)).value = value

    return edit


def _rename(old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[old].title = new

    return edit


def _delete_column(sheet: str, column: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet].delete_cols(_column(book[sheet], column))

    return edit


def _append(sheet: str, row: list[Any]) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet].append(row)

    return edit


def _clear(sheet: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet].delete_rows(1, book[sheet].max_row)

    return edit


def _set_setting(name: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = "Scenario" if name in ("start", "periods", "granularity", "name") else "Rules"
        book[sheet].cell(row=_sheet_row(book[sheet], name), column=2).value = value

    return edit


# Row numbers refer to the demo: Employers row 2 is pear-grower, Workers row 2 is 'an', row 3 'bram'.
BAD_WORKBOOKS: list[tuple[str, Callable[[openpyxl.Workbook], None], list[str]]] = [
    ("wrong sheet name", _rename("Workers", "Werkers"),
     ["sheet 'Werkers' is not part of a werkdeling scenario; did you mean 'Workers'?", "sheet 'Workers': is missing"]),
    ("missing column", _delete_column("Employers", "lat"), ["sheet 'Employers', row 1: column 'lat' is missing"]),
    ("text for a number", _set("Workers", "an", "fte", "veel"),
     ["sheet 'Workers', row 2, column 'fte' (F2): 'veel' is not a number"]),
    ("period column outside the horizon", _set("Demand", 1, "2027-12", "2028-01"),
     ["sheet 'Demand', row 1, column Q (Q1): column '2028-01' is not a period of the horizon"]),
    ("duplicate worker", _set("Workers", "bram", "id", "an"),
     ["sheet 'Workers', row 3, column 'id' (A3): worker 'an' is listed twice (also row 2)"]),
    ("unknown column", _set("Workers", 1, "needs_coaching", "skils"),
     ["sheet 'Workers', row 1, column N (N1): unknown column 'skils'"]),
    ("empty required cell", _set("Employers", "pear-grower", "lat", None),
     ["sheet 'Employers', row 2, column 'lat' (D2): is empty"]),
    ("skill of an unknown worker", _append("Skills", ["zz", "packer"]),
     ["sheet 'Skills', row", "column 'worker'", "worker 'zz' is not on the Workers sheet"]),
    ("demand of an unknown employer", _append("Demand", ["bakkerij", "packer", None, None, 1]),
     ["sheet 'Demand', row", "column 'employer'", "employer 'bakkerij' is not on the Employers sheet"]),
    ("unknown demand level", _append("Demand", ["builder", "packer", "wanted", None, 1]),
     ["sheet 'Demand', row", "column 'level'", "'wanted' is not a level"]),
    ("demand row without amounts", _append("Demand", ["builder", "packer"]),
     ["sheet 'Demand', row", "has no amounts"]),
    ("demand twice", _append("Demand", ["pear-grower", "pruner", "required", None, 1]),
     ["sheet 'Demand', row", "the required row appears twice"]),
    ("misspelt setting", _set("Scenario", "start", "setting", "strat"),
     ["sheet 'Scenario', row 4, column 'setting' (A4): unknown setting 'strat'; did you mean 'start'?"]),
    ("impossible month", _set_setting("start", "2027-13"),
     ["sheet 'Scenario', row 4, column 'start' (B4): '2027-13' is not a real month"]),
    ("not yes or no", _set("Workers", "an", "guaranteed", "misschien"),
     ["sheet 'Workers', row 2, column 'guaranteed' (H2): 'misschien' is not yes or no"]),
    ("negative weight", _set_setting("weights.idle_paid", -5),
     ["sheet 'Rules', row", "column 'weights.idle_paid'", "greater than or equal to 0"]),
    ("latitude out of range", _set("Employers", "pear-grower", "lat", 95),
     ["sheet 'Employers', row 2, column 'lat' (D2): Input should be less than or equal to 90"]),
    ("skill nobody asks for", _append("Skills", ["an", "lasser"]),
     ["sheet 'Workers', row 2: worker 'an': skill 'lasser' is not offered by any employer"]),
    ("empty sheet", _clear("Employers"), ["sheet 'Employers': the sheet is empty"]),
    ("missing period column", _delete_column("Demand", "2027-12"),
     ["sheet 'Demand', row 1: no column for period(s) 2027-12"]),
    ("ramp share is text", _append("Return to work", ["an", "2027-03", "a, b"]),
     ["sheet 'Return to work', row 2, column 'shares' (C2): 'a' is not a number"]),
    ("contract both ways", _set("Workers", "an", "hours", 100),
     ["sheet 'Workers', row 2: give the contract as 'fte' or as 'hours', not both"]),
    ("unknown legal form", _set("Scenario", "legal_form", "value", "bv"),
     ["sheet 'Scenario', row 8, column 'legal_form' (B8): Input should be"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edit", "expected"), BAD_WORKBOOKS, ids=[c[0] for c in BAD_WORKBOOKS])
def test_malformed_workbook_gives_one_clear_message(tmp_path: Path, case: str,
                                                   edit: Callable[[openpyxl.Workbook], None],
                                                   expected: list[str]) -> None:  # fmt: skip
    path = tmp_path / "intake.xlsx"
    write_scenario_book(demo_scenario(), path)
    book = openpyxl.load_workbook(path)
    if case == "contract both ways":
        _set("Workers", "an", "fte", 1)(book)
    edit(book)
    book.save(path)
    out = tmp_path / "plan.xlsx"
    code, _, err = run("solve", str(path), "--out", str(out), "--quiet")
    assert code == 2, err
    assert err.startswith(f"error: {path}")
    for fragment in expected:
        assert fragment in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.xlsx", b"", "the file is empty"),
        ("text.xlsx", b"employers,workers\n", "this is not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save the workbook as Excel .xlsx"),
        ("pool.csv", b"id,lat\n", "a scenario is several tables"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run("solve", str(path), "--out", str(tmp_path / "plan.json"))
    assert code == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "plan.json").exists()


def test_csv_problems_name_the_file_row_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "pool"
    write_scenario_book(demo_scenario(), folder)
    text = (folder / "workers.csv").read_text().splitlines()
    text[2] = text[2].replace("Sint-Truiden", "Sint-Truiden", 1).replace(",50.", ",noord", 1)
    (folder / "workers.csv").write_text("\n".join(text) + "\n")
    (folder / "werkers.csv").write_text("id\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    message = str(info.value)
    assert "workers.csv, row 3, column 'lat': 'noord" in message
    assert "file 'werkers.csv' is not part of a werkdeling scenario" in message


def test_plan_given_as_scenario_and_bad_plan_cells(tmp_path: Path) -> None:
    scenario = demo_scenario()
    plan = solve(scenario, time_limit=2, num_workers=1).plan
    assert plan is not None
    write_plan_book(scenario, plan, tmp_path / "plan.xlsx")
    write_scenario_book(scenario, tmp_path / "pool.xlsx")
    code, _, err = run("solve", str(tmp_path / "plan.xlsx"))
    assert code == 2 and "this is a plan, not a scenario" in err
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    book["Placements"].cell(row=3, column=5, value="veel")
    book.save(tmp_path / "plan.xlsx")
    code, _, err = run("validate", str(tmp_path / "pool.xlsx"), str(tmp_path / "plan.xlsx"))
    assert code == 2 and "sheet 'Placements', row 3, column 'hours' (E3): 'veel' is not a number" in err


def test_a_rule_switched_off_against_the_preset_survives(tmp_path: Path) -> None:
    # be_werkgeversgroepering caps the pool at 50 workers; this scenario sets max_workers to
    # nothing on purpose, which the workbook writes as 'off'.
    data = demo_scenario().model_dump(mode="json", exclude_unset=True)
    data["legal_form"] = "be_werkgeversgroepering"
    data["rules"] = {**data.get("rules", {}), "max_workers": None, "min_contract_hours_per_week": None}
    original = Scenario.model_validate(data)
    assert original.effective_rules.max_workers is None
    write_scenario_book(original, tmp_path / "pool.xlsx")
    back = load_scenario(tmp_path / "pool.xlsx")
    assert_same_scenario(back, original)
    assert back.effective_rules.max_workers is None


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        write_scenario_book(demo_scenario(), tmp_path / "pool.xlsx")
        assert (tmp_path / "pool.xlsx").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)
