"""report/build.py on small notebooks written here (the real notebooks have their own test).

The PDF tests need xelatex and pdftotext (`make tex`) and skip without them.
"""
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "report" / "build.py"
CJK_NAME = "高宗霖"
STUDENT_ID = "312551999"

needs_tex = pytest.mark.skipif(
    not (shutil.which("xelatex") and shutil.which("pdftotext")),
    reason="xelatex or pdftotext missing: run `make tex` to install the report's Debian packages",
)


def load_build():
    spec = importlib.util.spec_from_file_location("report_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code(source, *tags):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def write_notebook(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def parameters():
    return code('quick = False\nsecret_default = "PARAMDEFAULT"', "parameters")


def sample_notebooks(directory):
    directory.mkdir()
    write_notebook(directory / "01_intro.ipynb", [
        parameters(),
        new_markdown_cell("# Introduction\n\nA network trained with back-propagation."),
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
        new_markdown_cell("## Neural network"),
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
    build = load_build()
    return bool(build.installed_font(build.CJK_FONTS)) and build.has_tex_package("xeCJK.sty")


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
    result = run_build("--quick", "--notebooks", notebooks, "--build-dir", tmp_path / "build",
                       "--out", out)
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "01_fails.ipynb" in message
    assert "cell 4" in message  # 1-based, in the source notebook (no injected cell counted)
    assert "ZeroDivisionError" in message
    assert out.read_bytes() == b"%PDF-1.5 the previous report\n"
    assert (tmp_path / "build" / "executed" / "01_fails.ipynb").exists()


def test_merge_applies_cell_conventions(tmp_path):
    build = load_build()
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
    nb = build.merge_notebooks([tmp_path / "01_a.ipynb"], {"student_name": "x"})
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# One\n\n## Two"  # adjacent Markdown merged
    assert [c.id for c in nb.cells] == ["cell-0", "cell-1", "cell-2"]
    assert nb.cells[1].metadata["transient"] == {"remove_source": True}
    assert [o.get("text") for o in nb.cells[1].outputs] == ["kept\n"]
    assert "transient" not in nb.cells[2].metadata
    nbformat.validate(nb)
    json.dumps(nb)  # the merged notebook is plain JSON
