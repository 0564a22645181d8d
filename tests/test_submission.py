"""make zip: the PDF at the top level, every tracked file and every file the PDF was built
from (untracked ones with a warning), inside or outside a git checkout; refusals otherwise.

A copy of the checkout with one tiny notebook is built once (quick) by its own build.py,
which writes the record make zip checks.
"""
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from report_helpers import REPO, code, markdown, needs_tex, write_notebook

NAME, STUDENT_ID = "Ada Lovelace", "312551000"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


def zip_names(path):
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def make_zip(checkout, *args):
    return subprocess.run([sys.executable, str(checkout / "report" / "submission.py"), *args],
                          cwd=checkout, capture_output=True, text=True, timeout=120)


def submit(checkout, name=NAME, student_id=STUDENT_ID):
    out = checkout / f"DL_LAB1_{student_id}_{name.replace(' ', '_')}.zip"
    result = make_zip(checkout, "--student-name", name, "--student-id", student_id, str(out),
                      "report/lab1_report.pdf")
    return result, out


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A git checkout copied from this one, its notebooks replaced by one tiny tracked
    notebook, plus an untracked notebook and module the PDF is built from."""
    root = tmp_path_factory.mktemp("checkout") / "lab1-copy"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split("\0")
    for name in filter(None, tracked):
        if (REPO / name).is_file() and not name.startswith("notebooks/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    (root / "notebooks").mkdir()
    write_notebook(root / "notebooks" / "01_a.ipynb",
                   [code("quick = False", "parameters"), markdown("# Tracked"), code("print(1)")])
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "copy"], cwd=root, check=True)
    write_notebook(root / "notebooks" / "02_untracked.ipynb",
                   [code("quick = False", "parameters"), markdown("# Untracked"), code("print(2)")])
    (root / "lab1" / "untracked_module.py").write_text("VALUE = 2\n")
    (root / "report" / "build").mkdir(parents=True, exist_ok=True)
    (root / "report" / "build" / "scratch.txt").write_text("build output, not source\n")
    return root


@pytest.fixture(scope="module")
def built(checkout):
    if not shutil.which("xelatex"):
        pytest.skip("xelatex missing: run `make tex`")
    result = subprocess.run(
        [sys.executable, str(checkout / "report" / "build.py"), "--quick",
         "--library", str(checkout / "lab1"), "--student-name", NAME, "--student-id", STUDENT_ID],
        cwd=checkout, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return checkout


@needs_tex
def test_zip_holds_pdf_tracked_and_untracked_sources(built):
    result, out = submit(built)
    assert result.returncode == 0, result.stderr
    names = zip_names(out)
    assert names[0] == "lab1_report.pdf"
    tracked = subprocess.run(["git", "ls-files"], cwd=built, capture_output=True,
                             text=True).stdout.split()
    assert set(tracked) <= set(names)
    for untracked in ("notebooks/02_untracked.ipynb", "lab1/untracked_module.py"):
        assert untracked in names
        assert f"warning: adding {untracked}" in result.stdout
    assert "report/build/scratch.txt" not in names
    assert "notebooks/01_a.ipynb" in result.stdout  # the listing
    assert f"wrote {out.name}" in result.stdout or f"wrote {out}" in result.stdout
    assert "bytes zipped" in result.stdout


@needs_tex
def test_zip_outside_git(built, tmp_path):
    copy = tmp_path / "no-git"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    result, out = submit(copy)
    assert result.returncode == 0, result.stderr
    names = zip_names(out)
    assert names[0] == "lab1_report.pdf"
    for expected in ("notebooks/01_a.ipynb", "notebooks/02_untracked.ipynb", "Makefile",
                     "lab1/untracked_module.py", "report/build.py", "figures/.gitkeep"):
        assert expected in names
    assert not [n for n in names if n.startswith(("report/build/", ".git/"))
                or n == "report/lab1_report.pdf" or "__pycache__" in n]
    assert "not a git checkout" in result.stdout


@needs_tex
def test_zip_refuses_what_is_not_this_students_final_pdf(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("*.zip"))
    pdf, record_file = copy / "report" / "lab1_report.pdf", copy / "report" / "lab1_report.build.json"
    record = json.loads(record_file.read_text())
    checks = [
        ((NAME, "000000000"), None, "STUDENT_NAME"),
        (("", ""), None, "STUDENT_NAME"),
        (("Someone Else", STUDENT_ID), None, "was built for"),
        ((NAME, STUDENT_ID), {**record, "draft": True}, "DRAFT"),
        ((NAME, STUDENT_ID), {**record, "pdf_sha256": "0" * 64}, "not the PDF"),
    ]
    for (name, student_id), changed_record, expected in checks:
        record_file.write_text(json.dumps(changed_record or record))
        result, out = submit(copy, name, student_id)
        assert result.returncode == 1 and expected in result.stderr, (expected, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
        assert not out.exists()
    pdf.unlink()
    result, _ = submit(copy)
    assert result.returncode == 1 and "make report" in result.stderr
