"""The real report: every notebook, quick settings, one PDF with the TA's rubric headings.

Needs xelatex and pdftotext (`make tex`); skips with that reason without them.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CJK_NAME, STUDENT_ID = "高宗霖", "311554005"

# (number or letter, title) in the rubric's order
RUBRIC = [
    ("1", "Introduction"),
    ("2", "Experiment setups"), ("A.", "Sigmoid functions"), ("B.", "Neural network"),
    ("C.", "Backpropagation"),
    ("3", "Results of your testing"), ("A.", "Screenshot and comparison figure"),
    ("B.", "Show the accuracy of your prediction"), ("C.", "Learning curve (loss, epoch curve)"),
    ("D.", "Anything you want to present"),
    ("4", "Discussion"), ("A.", "Try different learning rates"),
    ("B.", "Try different numbers of hidden units"), ("C.", "Try without activation functions"),
    ("D.", "Anything you want to share"),
    ("5", "Extra"), ("A.", "Implement different optimizers"),
    ("B.", "Implement different activation functions"), ("C.", "Implement convolutional layers"),
]

pytestmark = pytest.mark.skipif(
    not (shutil.which("xelatex") and shutil.which("pdftotext")),
    reason="xelatex or pdftotext missing: run `make tex` to install the report's Debian packages")


@pytest.fixture(scope="module")
def report_text(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "lab1_report.pdf"
    build = subprocess.run(
        [sys.executable, str(REPO / "report" / "build.py"), "--quick", "--out", str(out),
         "--build-dir", str(out.parent / "build"), "--student-name", CJK_NAME,
         "--student-id", STUDENT_ID],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    return subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_contents_list_the_rubric_in_order(report_text):
    position = 0
    for mark, title in RUBRIC:
        match = re.compile(rf"^{re.escape(mark)} {re.escape(title)}(?!\w)", re.M).search(report_text, position)
        assert match, f"contents lack '{mark} {title}' after position {position}"
        position = match.end()


def test_body_has_every_rubric_heading_in_order(report_text):
    body = report_text[report_text.index("Contents"):]
    body = body[re.search(r"^Introduction$", body, re.M).start():]
    position = 0
    for _, title in RUBRIC[1:]:
        match = re.compile(rf"^{re.escape(title)}$", re.M).search(body, position)
        assert match, f"body lacks heading '{title}' after position {position}"
        position = match.end()


def test_title_page_and_no_debris(report_text):
    first_page = report_text.split("\f")[0]
    assert CJK_NAME in first_page and STUDENT_ID in first_page
    assert "Lab 1" in first_page
    for debris in ("Traceback", "Warning:", "PapermillExecutionError", "<Figure size", "injected-parameters"):
        assert debris not in report_text
