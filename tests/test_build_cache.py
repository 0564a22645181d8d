"""Incremental builds: a notebook re-runs when anything its result depends on changes, and
only then; the PDF is re-rendered only when the merged report or the title page changes.

Tiny notebooks, quick settings: the point is the build's behaviour.
"""
import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from report_helpers import (BUILD, REPO, code, markdown, needs_tex, ran, reused, run_build,
                            write_notebook)

sys.path.insert(0, str(REPO / "report"))
import build_cache  # noqa: E402


def load_build():
    spec = importlib.util.spec_from_file_location("report_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_project(root):
    (root / "notebooks").mkdir(parents=True)
    (root / "lib" / "datasets").mkdir(parents=True)
    (root / "lib" / "mod.py").write_text("VALUE = 1\n")
    (root / "lib" / "datasets" / "points.csv").write_text("0,1\n")
    write_notebook(root / "notebooks" / "01_a.ipynb", [
        code("quick = False\nscale = 1", "parameters"),
        markdown("# Title\n\nORIGINAL TEXT"),
        code("print('result', scale * 2, quick)"),
    ])
    return root


def executed(project):
    return json.loads((project / "build" / "executed" / "01_a.ipynb").read_text())


def printed(project):
    cell = [c for c in executed(project)["cells"] if c["cell_type"] == "code"][-1]
    return "".join(cell["outputs"][0]["text"])


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A project whose notebook has run once (quick)."""
    project = make_project(tmp_path_factory.mktemp("warm") / "project")
    first = run_build(project, "--notebooks-only", "--quick")
    assert first.returncode == 0, first.stdout + first.stderr
    assert ran(first.stdout, "01_a.ipynb")
    return project


@pytest.fixture
def project(warm, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(warm, copy)
    return copy


def test_nothing_changed_reuses(project):
    again = run_build(project, "--notebooks-only", "--quick")
    assert again.returncode == 0, again.stderr
    assert reused(again.stdout, "01_a.ipynb") and not ran(again.stdout, "01_a.ipynb")
    assert "result 2 True" in printed(project)


def test_code_change_reruns(project):
    path = project / "notebooks" / "01_a.ipynb"
    path.write_text(path.read_text().replace("scale * 2", "scale * 3"))
    again = run_build(project, "--notebooks-only", "--quick")
    assert again.returncode == 0, again.stderr
    assert ran(again.stdout, "01_a.ipynb")
    assert "result 3 True" in printed(project)


def test_markdown_change_reuses_outputs_with_new_text(project):
    path = project / "notebooks" / "01_a.ipynb"
    path.write_text(path.read_text().replace("ORIGINAL TEXT", "EDITED TEXT"))
    again = run_build(project, "--notebooks-only", "--quick")
    assert again.returncode == 0, again.stderr
    assert reused(again.stdout, "01_a.ipynb")
    sources = ["".join(c["source"]) for c in executed(project)["cells"]]
    assert any("EDITED TEXT" in s for s in sources)
    assert not any("ORIGINAL TEXT" in s for s in sources)
    assert "result 2 True" in printed(project)


@pytest.mark.parametrize("options, expected", [
    ((), "result 2 False"),                                 # --quick dropped
    (("--quick", "--set", "scale=5"), "result 10 True"),    # SET
])
def test_parameter_change_reruns(project, options, expected):
    again = run_build(project, "--notebooks-only", *options)
    assert again.returncode == 0, again.stderr
    assert ran(again.stdout, "01_a.ipynb")
    assert expected in printed(project)


@pytest.mark.parametrize("path", ["mod.py", "datasets/points.csv"])
def test_library_change_reruns(project, path):
    target = project / "lib" / path
    target.write_text(target.read_text() + "# changed\n")
    again = run_build(project, "--notebooks-only", "--quick")
    assert again.returncode == 0, again.stderr
    assert ran(again.stdout, "01_a.ipynb")


def test_library_digest_covers_nested_modules_and_data(tmp_path):
    library = make_project(tmp_path / "project") / "lib"
    (library / "__pycache__").mkdir()
    (library / "__pycache__" / "mod.cpython.pyc").write_bytes(b"compiled")
    before = build_cache.library_digest(library)
    assert build_cache.library_digest(library) == before  # bytecode does not count
    (library / "study").mkdir()
    (library / "study" / "setting.py").write_text("HIDDEN = 4\n")  # the reference setting
    with_setting = build_cache.library_digest(library)
    assert with_setting != before
    (library / "study" / "setting.py").write_text("HIDDEN = 8\n")
    assert build_cache.library_digest(library) not in (before, with_setting)


def test_key_covers_versions_kernel_and_parameters_cell():
    nb = {"metadata": {"kernelspec": {"name": "python3"}},
          "cells": [{"cell_type": "code", "source": "x = 1", "metadata": {"tags": ["parameters"]}},
                    {"cell_type": "markdown", "source": "text", "metadata": {}},
                    {"cell_type": "code", "source": "print(x)", "metadata": {}}]}
    versions = build_cache.runtime_versions()
    assert versions["numpy"] and versions["python"] and "kernel_argv" in versions

    def key(nb=nb, parameters=None, library="lib", versions=versions, environment=None):
        return build_cache.execution_key(nb, parameters or {}, library, versions,
                                         environment or {"PYTHONHASHSEED": "0"})

    base = key()
    assert key(versions={**versions, "numpy": "0.0.1"}) != base
    assert key(versions={**versions, "python": "3.0.0"}) != base
    assert key(versions={**versions, "kernel_argv": ["/other/python"]}) != base
    assert key(environment={"PYTHONHASHSEED": "1"}) != base
    assert key(library="other") != base
    assert key(parameters={"hidden": [8, 8]}) != key(parameters={"hidden": 8})
    untagged = json.loads(json.dumps(nb))
    untagged["cells"][0]["metadata"]["tags"] = []
    assert key(nb=untagged) != base
    other_kernel = json.loads(json.dumps(nb))
    other_kernel["metadata"]["kernelspec"]["name"] = "python2"
    assert key(nb=other_kernel) != base
    edited_text = json.loads(json.dumps(nb))
    edited_text["cells"][1]["source"] = "new text"
    assert key(nb=edited_text) == base  # Markdown is merged from the source, never executed


def test_outputs_are_put_on_the_current_source():
    source = {"metadata": {}, "cells": [
        {"cell_type": "code", "source": "x = 1", "metadata": {"tags": ["parameters"]}},
        {"cell_type": "markdown", "source": "new text", "metadata": {}},
        {"cell_type": "code", "source": "print(x)", "metadata": {"tags": ["show_input"]}}]}
    result = {"metadata": {"papermill": {"duration": 1.0}}, "cells": [
        {"cell_type": "code", "source": "x = 1", "metadata": {"tags": ["parameters"]},
         "outputs": []},
        {"cell_type": "code", "source": "x = 2", "metadata": {"tags": ["injected-parameters"]},
         "outputs": []},
        {"cell_type": "markdown", "source": "old text", "metadata": {}},
        {"cell_type": "code", "source": "print(x)", "metadata": {"papermill": {"duration": 0.1}},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]}]}
    current = build_cache.with_source_text(result, source)
    assert [c["source"] for c in current["cells"]] == ["x = 1", "x = 2", "new text", "print(x)"]
    last = current["cells"][-1]
    assert last["outputs"][0]["text"] == "2\n" and last["metadata"]["tags"] == ["show_input"]
    assert current["metadata"]["papermill"] == {"duration": 1.0}
    source["cells"][2]["source"] = "print(x + 1)"
    with pytest.raises(ValueError):
        build_cache.with_source_text(result, source)


def test_set_values_are_literals_or_strings():
    build = load_build()
    assert build.parse_set("hidden=8,8 activation=tanh lr=0.5 seeds=[1,2] init='normal'") == {
        "hidden": [8, 8], "activation": "tanh", "lr": 0.5, "seeds": [1, 2], "init": "normal"}
    assert build.parse_set("hidden=[8,8] output=None") == {"hidden": [8, 8], "output": None}
    assert build.parse_set("seeds='[1, 2]'") == {"seeds": [1, 2]}  # quoted: spaces allowed
    assert build.parse_set("") == {}
    for bad in ("hidden", "=3", "2x=1"):
        with pytest.raises(build.BuildError, match="--set"):
            build.parse_set(bad)


def test_set_reaches_the_notebook_through_make():
    dry = subprocess.run(["make", "-n", "report", "SET=hidden=8 activation=tanh", "STUDENT_NAME=A B",
                          "STUDENT_ID=1", "DATE=2026-01-02", "DRAFT=1"], cwd=REPO,
                         capture_output=True, text=True)
    line = next(line for line in dry.stdout.splitlines() if "report/build.py" in line)
    assert '--set "hidden=8 activation=tanh"' in line
    assert '--date "2026-01-02"' in line and "--draft" in line


@needs_tex
def test_pdf_rendered_only_when_its_inputs_change(project):
    out = project / "out" / "report.pdf"
    options = ("--quick", "--draft", "--date", "2026-03-04")
    first = run_build(project, *options)
    assert first.returncode == 0, first.stdout + first.stderr
    page = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "DRAFT" in page and "4 March 2026" in page
    pdf_bytes = out.read_bytes()

    same = run_build(project, *options)
    assert same.returncode == 0, same.stderr
    assert "no LaTeX run" in same.stdout and out.read_bytes() == pdf_bytes
    kept_date = run_build(project, "--quick", "--draft", "--reuse-date")  # as make zip does
    assert "no LaTeX run" in kept_date.stdout, kept_date.stdout + kept_date.stderr

    path = project / "notebooks" / "01_a.ipynb"
    path.write_text(path.read_text().replace("ORIGINAL TEXT", "EDITED TEXT"))
    edited = run_build(project, *options)
    assert edited.returncode == 0, edited.stderr
    assert reused(edited.stdout, "01_a.ipynb") and "no LaTeX run" not in edited.stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "EDITED TEXT" in text and "ORIGINAL TEXT" not in text
    record = json.loads((project / "out" / "report.build.json").read_text())
    assert record["date"] == "4 March 2026" and record["draft"] is True
