"""Helpers for the report build's tests: tiny notebooks written by the test, the build run
as the student runs it (a subprocess), and process checks."""
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "report" / "build.py"

needs_tex = pytest.mark.skipif(
    not (shutil.which("xelatex") and shutil.which("pdftotext")),
    reason="xelatex or pdftotext missing: run `make tex` to install the report's Debian packages",
)


def code(source, *tags):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def markdown(source):
    return new_markdown_cell(source)


def load_report(name):
    """report/<name>.py as a module (report/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"report_{name}", REPO / "report" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def output_cell(*outputs, tags=()):
    """A code cell as if executed: the given outputs, optional cell tags."""
    cell = new_code_cell("pass")
    cell.outputs = list(outputs)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def write_notebook(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def build_args(project, *extra):
    """Arguments of a build of project/notebooks with its own library, build dir and out."""
    return [sys.executable, str(BUILD), "--notebooks", str(project / "notebooks"),
            "--library", str(project / "lib"), "--build-dir", str(project / "build"),
            "--out", str(project / "out" / "report.pdf"), *map(str, extra)]


def run_build(project, *extra, timeout=300):
    return subprocess.run(build_args(project, *extra), capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def start_build(project, *extra, log=None):
    """A build in a process group of its own, as a terminal starts it (Ctrl-C = SIGINT
    to the whole group). stdout goes to the file log when given (to watch it)."""
    stdout = open(log, "w") if log else subprocess.PIPE
    return subprocess.Popen(build_args(project, *extra), stdout=stdout,
                            stderr=subprocess.PIPE, text=True, cwd=REPO,
                            start_new_session=True)


def wait_for(predicate, what, seconds=120):
    """Poll until predicate() holds (a condition of the test's own making, not a timing)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)


def processes_in(directory: Path) -> list[int]:
    """Live processes whose working directory is inside directory (kernels run in the
    notebooks folder, xelatex in the build's folder); zombies do not count."""
    found, directory = [], str(directory.resolve())
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
            with open(f"/proc/{entry}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state != b"Z" and (cwd == directory or cwd.startswith(directory + os.sep)):
            found.append(int(entry))
    return found


def ran(stdout, name):
    return any(line.split()[:2] == ["ran", name] for line in stdout.splitlines())


def reused(stdout, name):
    return any(line.split()[:2] == ["reused", name] for line in stdout.splitlines())
