"""Spreadsheets in and out: scenarios and plans as Excel workbooks or folders of CSV files.

Reading needs nothing beyond werkdeling for CSV, and openpyxl (``pip install "werkdeling[xlsx]"``)
for ``.xlsx``. Every problem in a spreadsheet is reported with its file, sheet, row and column.
"""

from werkdeling.sheets.scenario_sheets import (
    read_scenario_book,
    scenario_from_book,
    scenario_sheets,
    template_sheets,
    write_scenario_book,
    write_sheets,
)

__all__ = [
    "read_scenario_book",
    "scenario_from_book",
    "scenario_sheets",
    "template_sheets",
    "write_scenario_book",
    "write_sheets",
]
