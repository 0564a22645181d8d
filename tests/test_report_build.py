"""report/build.py on small notebooks written here (the real notebooks have their own test).

The PDF tests need xelatex and pdftotext (`make tex`) and skip without them.
"""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "report" / "build.py"
sys.path.insert(0, str(REPO / "report"))
import build_merge  # noqa: E402
import build_pdf  # noqa: E402
from report_helpers import code, needs_tex, write_notebook  # noqa: E402

CJK_NAME = "高宗霖"
STUDENT_ID = "312551999"


def parameters():
    return code('quick = False\nsecret_default = "PARAMDEFAULT"', "parameters")


def sample_notebooks(directory):
    directory.mkdir()
    write_notebook(directory / "01_intro.ipynb", [
        parameters(),
        new_markdown_cell("# Introduction\n\nA network trained with back-propagation.\n\n### XOR"),
        code("print('quick run:', quick)"),
    ])
    write_notebook(directory / "02_setup.ipynb", [
        parameters(),
        code("%config InlineBackend.figure_formats = ['png', 'pdf']\n"
             "import sys\nimport matplotlib.pyplot as plt\n"
             "from IPython.display import Markdown, display"),
        new_markdown_cell("# Experiment setups\n\n## Sigmoid functions"),
        code("# HIDDENCODE\nfig, ax = plt.subplots(figsize=(4, 2))\nax.plot([0, 1], [0, 1])\n"
             "plt.show()"),
        code("def shown_function():\n    return 1", "show_input"),
        code("print('REMOVEDCELL')", "remove_cell"),
        code("print('STDERRTEXT', file=sys.stderr)\nprint('STDOUTTEXT')"),
        code("print('FIRSTPART', flush=True)\nprint('noise', file=sys.stderr, flush=True)\n"
             "print('ELLIPSIS...DONE', flush=True)\nprint('x = a[...]')"),
        new_markdown_cell("## Neural network\n\n### XOR"),
        code("display(Markdown('| lr | accuracy |\\n|---:|---:|\\n| 0.1 | TABLECELL |'))"),
    ])
    return directory


def run_build(*args):
    return subprocess.run([sys.executable, str(BUILD), *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=REPO)


def pdf_text(pdf):
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def cjk_font_available():
    return (bool(build_pdf.installed_font(build_pdf.CJK_FONTS))
            and build_pdf.has_tex_package("xeCJK.sty"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    notebooks = sample_notebooks(tmp / "notebooks")
    out = tmp / "out" / "report.pdf"
    result = run_build("--quick", "--notebooks", notebooks, "--build-dir", tmp / "build",
                       "--out", out, "--student-name", CJK_NAME, "--student-id", STUDENT_ID)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, tmp / "build", result.stdout


@needs_tex
def test_pdf_has_title_page_headings_and_outputs(built):
    out, build_dir, stdout = built
    text = pdf_text(out)
    assert "Deep Learning" in text and "Lab 1: Back-propagation" in text
    assert f"Student ID: {STUDENT_ID}" in text
    assert "Contents" in text
    for heading in ("1 Introduction", "2 Experiment setups", "A. Sigmoid functions",
                    "B. Neural network"):
        assert heading in text, heading
    assert "quick run: True" in text  # --quick reached the notebook
    assert "STDOUTTEXT" in text and "TABLECELL" in text
    assert "shown_function" in text  # show_input keeps the code
    for name in ("01_intro.ipynb", "02_setup.ipynb"):
        assert name in stdout and (build_dir / "executed" / name).exists()
    assert "total" in stdout


@needs_tex
def test_printed_text_stays_verbatim_in_one_block(built):
    out, build_dir, _ = built
    text = pdf_text(out)
    assert "ELLIPSIS...DONE" in text and "x = a[...]" in text  # not an ellipsis character
    assert "…" not in text
    tex = (build_dir / "latex" / "report.tex").read_text(encoding="utf-8")
    block = tex[tex.index("FIRSTPART"):tex.index("ELLIPSIS")]
    assert "Verbatim" not in block  # the stdout pieces of one cell are one Verbatim block


@needs_tex
def test_repeated_headings_links_and_bookmarks(built):
    _, build_dir, _ = built
    latex = build_dir / "latex"
    log = (latex / "report.log").read_text(encoding="utf-8", errors="replace")
    assert "multiply defined" not in log  # "### XOR" twice: labels xor and xor-1
    tex = (latex / "report.tex").read_text(encoding="utf-8")
    assert r"\label{xor}" in tex and r"\label{xor-1}" in tex
    assert r"\definecolor{linkcolor}{rgb}{0,0,0}" in tex  # black links (contents included)
    bookmarks = (latex / "report.out").read_bytes().decode("latin-1")
    # "A. Sigmoid functions" as in the body and contents (UTF-16 with octal escapes)
    assert "\\000A\\000.\\000\\040\\000S" in bookmarks


@needs_tex
def test_pdf_has_cjk_student_name(built):
    if not cjk_font_available():
        pytest.skip("no xeCJK or Noto CJK font (fonts-noto-cjk, texlive-lang-chinese)")
    assert CJK_NAME in pdf_text(built[0])


@needs_tex
def test_hidden_cells_and_stderr_do_not_appear(built):
    text = pdf_text(built[0])
    for hidden in ("PARAMDEFAULT", "secret_default", "quick = True", "REMOVEDCELL",
                   "STDERRTEXT", "HIDDENCODE"):
        assert hidden not in text, hidden


@needs_tex
def test_figure_is_vector(built):
    images = subprocess.run(["pdfimages", "-list", str(built[0])], capture_output=True,
                            text=True).stdout.splitlines()
    assert len(images) == 2, "a raster image was embedded:\n" + "\n".join(images)


@needs_tex
def test_failing_notebook_reports_cell_and_keeps_old_pdf(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "01_fails.ipynb", [
        parameters(),
        new_markdown_cell("# Broken"),
        code("x = 1"),
        code("y = x / 0  # FAILS HERE"),
    ])
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF-1.5 the previous report\n")
    result = run_build("--quick", "--draft", "--notebooks", notebooks, "--build-dir",
                       tmp_path / "build", "--out", out)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "01_fails.ipynb" in message
    assert "cell 4" in message  # 1-based, in the source notebook (no injected cell counted)
    assert "ZeroDivisionError" in message
    assert out.read_bytes() == b"%PDF-1.5 the previous report\n"
    assert (tmp_path / "build" / "failed" / "01_fails.ipynb").exists()
    assert not (tmp_path / "build" / "executed").exists()  # only complete builds install


def test_merge_applies_cell_conventions(tmp_path):
    cells = [
        parameters(),
        code("quick = True", "injected-parameters"),
        new_markdown_cell("# One"),
        new_markdown_cell("## Two"),
        code("hidden_input = 1"),
        code("shown = 2", "show_input"),
        code("removed()", "remove_cell"),
    ]
    cells[4].outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="noise\n"),
        nbformat.v4.new_output("stream", name="stdout", text="kept\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 640x480>"},
                               execution_count=1),
    ]
    write_notebook(tmp_path / "01_a.ipynb", cells)
    nb = build_merge.merge_notebooks([tmp_path / "01_a.ipynb"], {"student_name": "x"})
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# One\n\n## Two"  # adjacent Markdown merged
    assert [c.id for c in nb.cells] == ["cell-0", "cell-1", "cell-2"]
    assert nb.cells[1].metadata["transient"] == {"remove_source": True}
    assert [o.get("text") for o in nb.cells[1].outputs] == ["kept\n"]
    assert "transient" not in nb.cells[2].metadata
    nbformat.validate(nb)
    json.dumps(nb)  # the merged notebook is plain JSON


def test_merge_joins_stdout_pieces(tmp_path):
    cell = code("run()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="Training on 21 points:\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="epoch 1 loss : 0.25\n...\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "table"}, metadata={}),
        nbformat.v4.new_output("stream", name="stdout", text="after\n"),
    ]
    write_notebook(tmp_path / "01_a.ipynb", [cell])
    outputs = build_merge.merge_notebooks([tmp_path / "01_a.ipynb"], {}).cells[0].outputs
    assert [o.get("text") for o in outputs] == [
        "Training on 21 points:\nepoch 1 loss : 0.25\n...\n", None, "after\n"]


def test_merge_makes_heading_ids_unique(tmp_path):
    log = code("print()")
    log.outputs = [nbformat.v4.new_output("stream", name="stdout", text="log\n")]
    write_notebook(tmp_path / "02_a.ipynb", [new_markdown_cell("## Results\n\n### XOR\n\n### Linear"), log])
    first = code("show()")
    first.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/markdown": "### XOR\n\n| a |\n|---|\n| 1 |"}, metadata={})]
    write_notebook(tmp_path / "03_b.ipynb", [
        new_markdown_cell("## Learning rates\n\n```python\n# XOR\n```\n\n### XOR ###\n\n"
                          "### Linear {.unnumbered}\n\n### Mine {#mine}\n\n### Mine"),
        first])
    nb = build_merge.merge_notebooks([tmp_path / "02_a.ipynb", tmp_path / "03_b.ipynb"], {})
    assert nb.cells[0].source == "## Results\n\n### XOR\n\n### Linear"  # first ones keep pandoc's
    assert nb.cells[2].source == ("## Learning rates\n\n```python\n# XOR\n```\n\n### XOR {#xor-1}\n\n"
                                  "### Linear {#linear-1 .unnumbered}\n\n### Mine {#mine}\n\n"
                                  "### Mine {#mine-1}")
    assert nb.cells[3].outputs[0].data["text/markdown"].startswith("### XOR {#xor-2}\n")
    assert build_merge.heading_identifier("2.5 Is seed 0 *typical*?") == "is-seed-0-typical"
    assert build_merge.heading_identifier("$\\sigma'$ and `fit` [link](http://x)") == "sigma-and-fit-link"


def test_merge_marks_figures_after_their_lead_in(tmp_path):
    figure = {"image/png": "iVBORw0KGgo=", "application/pdf": "JVBERi0=", "text/plain": "<Figure>"}
    after_markdown, after_stdout, in_cell = code("a()"), code("b()"), code("c()")
    after_markdown.outputs = [nbformat.v4.new_output("display_data", data=figure, metadata={})]
    after_stdout.outputs = [nbformat.v4.new_output("stream", name="stdout", text="log\n"),
                            nbformat.v4.new_output("display_data", data=figure, metadata={})]
    in_cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "Below:"},
                                              metadata={}),
                       nbformat.v4.new_output("display_data", data=figure, metadata={}),
                       nbformat.v4.new_output("display_data", data=figure, metadata={})]
    write_notebook(tmp_path / "01_a.ipynb", [new_markdown_cell("The figure below:"), after_markdown,
                                             after_stdout, in_cell])
    cells = build_merge.merge_notebooks([tmp_path / "01_a.ipynb"], {}).cells
    marks = [[o.get("metadata", {}).get("lab1_lead_in", False) for o in c.get("outputs", [])]
             for c in cells]
    assert marks == [[], [True], [False, False], [False, True, False]]


@needs_tex
def test_only_complete_pdfs_count_as_complete(built, tmp_path):
    import build_io

    assert build_io.pdf_problem(built[0]) is None
    whole = built[0].read_bytes()
    for cut in (len(whole) // 2, len(whole) - 20):  # a half-written PDF, a lost trailer
        broken = tmp_path / f"cut{cut}.pdf"
        broken.write_bytes(whole[:cut])
        assert build_io.pdf_problem(broken), cut
    assert build_io.pdf_problem(tmp_path / "missing.pdf")
