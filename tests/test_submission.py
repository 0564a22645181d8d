"""make zip: the PDF at the top level and every tracked file at its own path."""
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_zip_holds_pdf_and_tracked_source(tmp_path):
    pdf = tmp_path / "lab1_report.pdf"
    pdf.write_bytes(b"%PDF-1.5 test")
    out = tmp_path / "DL_LAB1_312551000_name.zip"
    subprocess.run([sys.executable, "report/submission.py", str(out), str(pdf)], cwd=REPO, check=True,
                   capture_output=True)
    names = zipfile.ZipFile(out).namelist()
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert names[0] == "lab1_report.pdf"
    assert set(tracked) <= set(names) and "lab1/nn/__init__.py" in names and "lab1/__init__.py" in names


def test_zip_without_pdf_says_what_to_do(tmp_path):
    run = subprocess.run([sys.executable, "report/submission.py", str(tmp_path / "x.zip"),
                          str(tmp_path / "missing.pdf")], cwd=REPO, capture_output=True, text=True)
    assert run.returncode != 0 and "make report" in run.stderr
