"""Captions, numbers, references, the appendix and kept-together tables in the report build
(report/build_captions.py, build_appendix.py, build_keep.py), on tiny notebooks.

The PDF test needs xelatex and pdftotext (`make tex`) and skips without them.
"""
import re
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from report_helpers import BUILD, REPO, load_report, needs_tex, output_cell

captions, appendix, keep_together = (load_report(n) for n in ("build_captions", "build_appendix", "build_keep"))


def figure_output():
    return new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<figure>"})


def caption_output(kind, label, caption, table=None):
    meta = {"kind": kind, "label": label, "caption": caption}
    if table:
        meta["table"] = table
    return new_output("display_data", data={"text/markdown": f"**{kind} 1.** {caption}"},
                      metadata={"lab1_caption": meta})


def markdown_cell(text, **metadata):
    cell = new_markdown_cell(text)
    cell.metadata.update(metadata)
    return cell


TABLE = "| lr | accuracy |\n|---:|---:|\n| 0.1 | 97% |\n| 1 | 100% |"


def test_figures_and_tables_numbered_in_order_and_references_resolved():
    nb = new_notebook(cells=[
        markdown_cell("As Figure @fig:b and Table @tbl:t show (Figure @fig:a first), see @fig:zz."),
        output_cell(figure_output(), caption_output("figure", "fig:a", "First.")),
        output_cell(caption_output("table", "tbl:t", "Accuracy per lr, as in Figure @fig:a.", TABLE)),
        output_cell(figure_output()),
        output_cell(caption_output("figure", "fig:b", "Second, after an uncaptioned figure.")),
    ])
    numbers = captions.resolve(nb)
    assert numbers == {"fig:a": "1", "tbl:t": "1", "fig:b": "2"}
    text = nb.cells[0].source
    assert text == ("As Figure \\protect\\hyperlink{fig:b}{2} and Table \\protect\\hyperlink{tbl:t}{1} show "
                    "(Figure \\protect\\hyperlink{fig:a}{1} first), see ??.")
    first = nb.cells[1].outputs
    assert len(first) == 1                      # the caption output moved onto the figure
    assert first[0].metadata["lab1_figure_caption"] == "**\\hypertarget{fig:a}{}Figure 1.** First."
    table = nb.cells[2].outputs[0].data["text/markdown"]
    assert table.startswith(TABLE)
    assert table.rstrip().endswith("Table: \\protect\\hypertarget{tbl:t}{}**Table 1.** Accuracy per lr, "
                                   "as in Figure \\protect\\hyperlink{fig:a}{1}.")
    assert "lab1_figure_caption" in nb.cells[3].outputs[0].metadata   # the figure just before it
    assert nb.cells[4].outputs == []


def test_caption_without_figure_and_duplicate_label_warn(capsys):
    nb = new_notebook(cells=[
        markdown_cell("text"),
        output_cell(caption_output("figure", "fig:lost", "No figure before me.")),
        output_cell(figure_output(), caption_output("figure", "fig:a", "One.")),
        output_cell(figure_output(), caption_output("figure", "fig:a", "Again.")),
    ])
    numbers = captions.resolve(nb)
    assert numbers == {"fig:a": "2"} or numbers == {"fig:a": "1"}
    out = capsys.readouterr().out
    assert "caption fig:lost does not follow a figure" in out
    assert "label fig:a is used twice" in out
    assert len(nb.cells[1].outputs) == 1        # kept as text


def test_email_addresses_and_code_are_not_references():
    numbers = {"fig:a": "1"}
    warnings = []
    text = "mail me@fig:a.org, or `x@fig:a`? Figure @fig:a."
    assert captions.replace_references(text, numbers, warnings).endswith("Figure \\protect\\hyperlink{fig:a}{1}.")
    assert "me@fig:a.org" in captions.replace_references(text, numbers, warnings)


def write(path, cells, **metadata):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_appendix_cells_move_after_the_main_text_in_notebook_order(tmp_path):
    one = write(tmp_path / "01_a.ipynb", [
        markdown_cell("# Introduction"),
        markdown_cell("## Full log {#app:log}", tags=["appendix"]),
        output_cell(tags=["appendix"]),
        markdown_cell("- <a id=\"ref:ta\"></a>The TA's slides.", tags=["references"]),
    ])
    two = write(tmp_path / "02_b.ipynb", [markdown_cell("# Results\n\nSee Appendix @app:log and "
                                                          "@app:preds, and @ref:ta."),
                                          markdown_cell("## Predictions {#app:preds}", tags=["appendix"])])
    three = write(tmp_path / "03_c.ipynb", [markdown_cell("# Discussion")])
    order = appendix.reorder([one, two, three], tmp_path / "parts")
    names = [p.name for p in order]
    assert names == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb", "appendix.ipynb", "01_a.appendix.ipynb",
                     "02_b.appendix.ipynb", "references.ipynb", "01_a.references.ipynb"]
    assert order[2] == three                    # untouched notebooks are used as they are
    main = nbformat.read(order[0], as_version=4)
    assert [c.source for c in main.cells] == ["# Introduction"]
    cells = [c for p in order for c in nbformat.read(p, as_version=4).cells]
    assert cells[3].source.startswith("\\clearpage\n\n# Appendix {- #lab1-appendix}")
    numbers = captions.resolve(new_notebook(cells=cells))
    assert numbers == {"app:log": "A", "app:preds": "B", "ref:ta": "[1]"}
    assert "Appendix \\protect\\hyperlink{app:log}{A}" in cells[1].source
    assert "\\protect\\hyperlink{ref:ta}{[1]}" in cells[1].source
    assert "\\[1\\]\\hypertarget{ref:ta}{} The TA's slides." in cells[-1].source


def test_no_tagged_cells_no_appendix(tmp_path):
    one = write(tmp_path / "01_a.ipynb", [markdown_cell("# Introduction")])
    assert appendix.reorder([one], tmp_path / "parts") == [one]


def test_short_tables_get_room_long_ones_may_break():
    kept = keep_together.keep_tables_together(f"Some text.\n\n{TABLE}\n\nTable: caption\n")
    lines = kept.split("\n")
    need = lines.index(next(line for line in lines if line.startswith("\\Needspace")))
    assert lines[need + 2] == "| lr | accuracy |"
    assert lines[need] == f"\\Needspace{{{keep_together.needspace_lines(3, True)}\\baselineskip}}"
    long_table = "| a |\n|--:|\n" + "\n".join(f"| {i} |" for i in range(60))
    assert "Needspace" not in keep_together.keep_tables_together(long_table)
    fenced = f"```\n{TABLE}\n```"
    assert keep_together.keep_tables_together(fenced) == fenced
    before = keep_together.keep_tables_together(f"Table: cap\n\n{TABLE}")
    assert before.split("\n")[1].startswith("\\Needspace")   # before the caption, not between


SAMPLE_HELPERS = '''%config InlineBackend.figure_formats = ['png', 'pdf']
from matplotlib.figure import Figure
from lab1.study import report_helpers as rh

def small_figure():
    fig = Figure(figsize=(3, 1.2))
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig
'''


def sample_report(directory):
    directory.mkdir()
    params = new_code_cell("quick = False")
    params.metadata["tags"] = ["parameters"]
    write(directory / "01_intro.ipynb", [
        params, code_cell_source(SAMPLE_HELPERS),
        new_markdown_cell("# Introduction\n\nFigure @fig:curve shows CURVEREF; the rest is in "
                          "Appendix @app:preds, after the TA's slides @ref:ta."),
        code_cell_source("rh.figure(small_figure(), 'A learning curve CAPTIONONE.', 'fig:curve')"),
        code_cell_source("rh.table('| lr | acc |\\n|---:|---:|\\n| 1 | 100% |', "
                         "'Accuracy TABLECAPTION, see Figure @fig:curve.', 'tbl:acc')"),
        markdown_cell("## All predictions {#app:preds}\n\nAPPENDIXTEXT", tags=["appendix"]),
        code_cell_source("rh.figure(small_figure(), 'In the appendix APPCAPTION.', 'fig:app')",
                         tags=["appendix"]),
        markdown_cell("- <a id=\"ref:ta\"></a>TA, Lab 1 slides REFERENCEONE.", tags=["references"]),
    ])
    write(directory / "02_setup.ipynb", [
        params, code_cell_source(SAMPLE_HELPERS),
        new_markdown_cell("# Experiment setups\n\nAs Table @tbl:acc and Figure @fig:app say.\n\n"
                          "## Sigmoid functions"),
    ])
    return directory


def code_cell_source(source, tags=()):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


@needs_tex
def test_pdf_numbers_captions_and_appendix(tmp_path):
    notebooks = sample_report(tmp_path / "notebooks")
    out = tmp_path / "report.pdf"
    result = subprocess.run([sys.executable, str(BUILD), "--notebooks", str(notebooks), "--build-dir",
                             str(tmp_path / "build"), "--out", str(out), "--draft"], capture_output=True,
                            text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Figure 1 shows CURVEREF" in text and "Appendix A, after the TA’s slides [1]" in text
    assert "Figure 1. A learning curve CAPTIONONE." in text
    assert "Table 1. Accuracy TABLECAPTION, see Figure 1." in text
    assert "As Table 1 and Figure 2 say." in text
    body = text[text.index("1 Introduction CURVEREF") if "1 Introduction CURVEREF" in text else 0:]
    # main text, then the appendix (lettered) and the references, in that order
    order = [body.rindex(s) for s in ("2 Experiment setups", "Appendix A. All predictions", "APPENDIXTEXT",
                                      "Figure 2. In the appendix APPCAPTION.", "References",
                                      "[1] TA, Lab 1 slides REFERENCEONE.")]
    assert order == sorted(order), order
    assert not re.search(r"\b3 Appendix\b", text)            # unnumbered: the rubric's 1-5 stay
    tex = (tmp_path / "build" / "latex" / "report.tex").read_text(encoding="utf-8")
    assert "\\Needspace" in tex.split("TABLECAPTION")[0].rsplit("\\begin{longtable}", 1)[0][-400:]


def test_report_helpers_check_labels_and_number_within_the_notebook():
    from lab1.study import report_helpers as rh

    assert rh.ref("fig:lr") == "Figure @fig:lr" and rh.ref("app:logs") == "Appendix @app:logs"
    first = rh.caption_markdown("fig:helpers-one", "One.")
    again = rh.caption_markdown("fig:helpers-one", "One.")
    second = rh.caption_markdown("fig:helpers-two", "Two.")
    assert first == again                               # re-running a cell keeps its number
    number = int(re.search(r"Figure (\d+)\.", first).group(1))
    assert f"**Figure {number + 1}.** Two. *(fig:helpers-two)*" in second
    assert '<a id="fig:helpers-one"></a>' in first
    with pytest.raises(ValueError, match="label must look like"):
        rh.caption_markdown("figure one", "x")
    with pytest.raises(ValueError, match="caption must be a non-empty string"):
        rh.caption_markdown("fig:x", " ")
    with pytest.raises(ValueError, match="must start with 'tbl:'"):
        rh.table("| a |\n|--|\n| 1 |", "caption", "fig:x")
    with pytest.raises(ValueError, match="pipe table"):
        rh.table("no table", "caption", "tbl:x")
    with pytest.raises(ValueError, match="ref: label"):
        rh.ref("eq:1")


def test_appendix_split_of_notebook_pairs_in_memory():
    main = new_notebook(cells=[markdown_cell("# Results"), markdown_cell("## Logs", tags=["appendix"])])
    other = new_notebook(cells=[markdown_cell("# Discussion")])
    order = appendix.split([("02_b.ipynb", main), ("03_c.ipynb", other)])
    assert [name for name, _ in order] == ["02_b.ipynb", "03_c.ipynb", "appendix.ipynb",
                                           "02_b.appendix.ipynb"]
    assert order[1][1] is other
    assert [c.source for c in order[0][1].cells] == ["# Results"]
    assert appendix.split([("03_c.ipynb", other)]) == [("03_c.ipynb", other)]


def test_a_heading_before_printed_text_asks_for_room_for_both():
    cell = new_code_cell("pass")
    cell.outputs = [new_output("display_data", data={"text/markdown": "Intro.\n\n### XOR"}),
                    new_output("stream", name="stdout", text="line\n" * 20)]
    later = new_code_cell("pass")
    later.outputs = [new_output("display_data", data={"text/markdown": "No heading here."}),
                     new_output("stream", name="stdout", text="x\n")]
    nb = new_notebook(cells=[markdown_cell("Text."), cell, later])
    keep_together.apply(nb)
    assert cell.outputs[0].data["text/markdown"] == "Intro.\n\n\\Needspace{27\\baselineskip}\n\n### XOR"
    assert later.outputs[0].data["text/markdown"] == "No heading here."
    long_log = new_code_cell("pass")
    long_log.outputs = [new_output("display_data", data={"text/markdown": "### Logs"}),
                        new_output("stream", name="stdout", text="line\n" * 200)]
    keep_together.apply(new_notebook(cells=[long_log]))
    kept = 6 + keep_together.LOG_LINES_UNDER_HEADING
    assert long_log.outputs[0].data["text/markdown"] == f"\\Needspace{{{kept}\\baselineskip}}\n\n### Logs"
    lead_in = new_code_cell("pass")             # a heading with a one-line lead-in, then a short log
    lead_in.outputs = [new_output("display_data", data={"text/markdown": "## Logs\n\nThe loss per epoch."}),
                       new_output("stream", name="stdout", text="line\n" * 10)]
    listing = new_code_cell("pass")             # a comment in a code block is no heading
    listing.outputs = [new_output("display_data", data={"text/markdown": "```python\n# f (a.py)\nx = 1\n```"}),
                       new_output("stream", name="stdout", text="x\n")]
    keep_together.apply(new_notebook(cells=[lead_in, listing]))
    assert lead_in.outputs[0].data["text/markdown"].startswith(f"\\Needspace{{{6 + 11 + 2}\\baselineskip}}\n\n## Logs")
    assert listing.outputs[0].data["text/markdown"] == "```python\n# f (a.py)\nx = 1\n```"


def test_a_heading_before_a_short_table_asks_for_room_for_both():
    table = new_code_cell("pass")
    table.outputs = [new_output("display_data", data={"text/markdown": f"{TABLE}\n\nTable: caption\n"})]
    prose = new_code_cell("pass")
    prose.outputs = [new_output("display_data", data={"text/markdown": "Text, then a table.\n\n" + TABLE})]
    nb = new_notebook(cells=[markdown_cell("## Details"), table, markdown_cell("## More"), prose])
    keep_together.apply(nb)
    table_room = keep_together.needspace_lines(3, True)
    assert nb.cells[0].source == f"\\Needspace{{{table_room + 2}\\baselineskip}}\n\n## Details"
    assert nb.cells[2].source == "## More"         # text comes first: the heading's own room is enough
