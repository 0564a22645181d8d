"""report/build_tables.py: the PDF's table layout (glyph widths, column shares, fitting the page)."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

from lab1 import study

TABLES = Path(__file__).resolve().parent.parent / "report" / "build_tables.py"
spec = importlib.util.spec_from_file_location("report_tables", TABLES)
tables = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tables)


MEASURED_PT = {
    "66.6 ± 15.8%": 58.33, "1332 (815–1848)": 71.11, r"$2.45 \times 10^{-3}$": 50.74,
    "epoch of 100%:": 66.11, "100.0%": 31.11, "validation": 43.07, "identity / sigmoid": 78.67,
    "saturated": 41.2, "`xavier_normal`": 68.25, "0.43, 0.27, 0.24": 65.56,
}


@pytest.mark.parametrize("text, points", MEASURED_PT.items())
def test_text_width_matches_latex(text, points):
    assert tables.text_width(text) * tables.TABLE_FONT_PT == pytest.approx(points, rel=0.04)


def test_sized_separators_follow_the_widest_cell():
    headers = ["lr", "accuracy", "first epoch at 100%"]
    rows = [["0.01", "66.6 ± 15.8%", "1332 (815–1848)"], ["1", "100.0%", "never"]]
    table = tables.size_markdown_tables("text\n\n" + study.markdown_table(headers, rows) + "\n\nmore")
    separator = table.splitlines()[3]
    assert separator.startswith("|:-") and separator.endswith("-:|")      # alignment kept
    dashes = [len(cell.strip(":")) for cell in separator.strip("|").split("|")]
    widths = tables.column_widths(headers, rows)
    # proportional to the widths: each column's share of the dashes is at least its share of the width
    for d, w in zip(dashes, widths):
        assert d >= tables.DASHES_PER_EM * w and d < tables.DASHES_PER_EM * w + 1
    # a header may take two lines: the widest half counts, not the whole header
    assert widths[2] == pytest.approx(tables.text_width("1332 (815–1848)"))
    assert tables.column_widths(["first epoch at 100%"], [["1"]])[0] < tables.text_width("first epoch at 100%")
    assert tables.parse_pipe_tables(table) == [(headers, rows)]
    assert table.startswith("text\n\n|") and table.endswith("|\n\nmore")


def test_size_pipe_tables_reaches_cells_and_outputs():
    nb = nbformat.v4.new_notebook()
    table = study.markdown_table(["a", "b"], [["1", "2"]])
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": table})]
    nb.cells = [nbformat.v4.new_markdown_cell(table), cell]
    tables.size_pipe_tables(nb)
    for text in (nb.cells[0].source, nb.cells[1].outputs[0].data["text/markdown"]):
        assert text == tables.size_markdown_tables(table) != table


def test_table_fits_the_page():
    narrow = (["a", "b"], [["1", "2"]])
    assert tables.table_fits(*narrow)[0]
    wide = (["x"] * 9, [["66.6 ± 15.8%"] * 9])
    fits, needed, room = tables.table_fits(*wide)
    assert not fits and needed > room == pytest.approx((455 - 16 * 6) / 10)