"""The build under faults: two builds at once, a crashed build, Ctrl-C during the notebooks
and during LaTeX, unwritable paths, placeholder names, a LaTeX error.

A notebook that "works" until the test releases it (it waits for a file) makes each fault
land where the test wants it, without timing anything.
"""
import os
import signal
import subprocess

import pytest

from report_helpers import (code, markdown, needs_tex, processes_in, reused, run_build,
                            start_build, wait_for, write_notebook)

PREVIOUS_PDF = b"%PDF-1.5 the previous report\n"


def waiting_notebook(path, latex=None):
    """A notebook that writes its kernel's pid to `started`, then waits for `release`;
    latex: a text/latex output to show afterwards."""
    cells = [code("quick = False\nstarted = ''\nrelease = ''", "parameters"),
             markdown("# Waiting"),
             code("import os, time\nopen(started, 'w').write(str(os.getpid()))\n"
                  "while not os.path.exists(release):\n    time.sleep(0.05)\nprint('released')")]
    if latex:
        cells.append(code(f"from IPython.display import Latex, display\ndisplay(Latex({latex!r}))"))
    write_notebook(path, cells)


def make_project(root, latex=None, others=0):
    (root / "notebooks").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "out").mkdir()
    waiting_notebook(root / "notebooks" / "01_wait.ipynb", latex)
    for i in range(others):
        write_notebook(root / "notebooks" / f"0{i + 2}_other.ipynb",
                       [code("quick = False", "parameters"), code("print('other')")])
    return root


def signals(project, tag="a"):
    """--set values naming this run's started/release files."""
    started, release = project / f"started-{tag}", project / f"release-{tag}"
    return started, release, ("--set", f"started={started} release={release}")


def one_line(stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def no_processes_left(project):
    wait_for(lambda: not processes_in(project), "every kernel and xelatex gone", seconds=30)


def test_second_build_refuses_or_waits(tmp_path):
    project = make_project(tmp_path / "p")
    started, release, options = signals(project)
    first = start_build(project, "--notebooks-only", "--quick", *options)
    try:
        wait_for(started.exists, "the first build's kernel started")
        second = run_build(project, "--notebooks-only", "--quick", *options)
        assert second.returncode == 1
        line = one_line(second.stderr)
        assert "another build is running" in line and f"pid {first.pid}" in line
        assert "--wait" in line

        log = tmp_path / "waiting.log"
        third = start_build(project, "--notebooks-only", "--quick", *options, "--wait", log=log)
        wait_for(lambda: "waiting for the running build" in log.read_text(), "third waits")
        release.touch()
        assert first.wait(timeout=120) == 0, first.stderr.read()
        assert third.wait(timeout=120) == 0, third.stderr.read()
        assert reused(log.read_text(), "01_wait.ipynb")  # the first build's result, cached
    finally:
        release.touch()
        first.wait(timeout=120)


def test_crashed_build_leaves_no_lock_and_no_kernel(tmp_path):
    project = make_project(tmp_path / "p")
    started, release, options = signals(project)
    crashed = start_build(project, "--notebooks-only", "--quick", *options)
    try:
        wait_for(started.exists, "the build's kernel started")
        os.killpg(crashed.pid, signal.SIGKILL)
        crashed.wait(timeout=30)
        no_processes_left(project / "notebooks")  # its worker and kernel went with it
        release.touch()
        after = run_build(project, "--notebooks-only", "--quick", *options)
        assert after.returncode == 0, after.stdout + after.stderr
    finally:
        release.touch()


@needs_tex
def test_ctrl_c_during_notebooks(tmp_path):
    project = make_project(tmp_path / "p", others=2)
    pdf = project / "out" / "report.pdf"
    pdf.write_bytes(PREVIOUS_PDF)
    previous = project / "build" / "executed" / "previous.ipynb"
    previous.parent.mkdir(parents=True)
    previous.write_text("{}")
    started, release, options = signals(project)
    build = start_build(project, "--quick", "--draft", "--jobs", "1", *options)
    try:
        wait_for(started.exists, "the first notebook's kernel started")
        os.killpg(build.pid, signal.SIGINT)
        stdout, stderr = build.communicate(timeout=30)  # the notebook alone would wait forever
    finally:
        release.touch()
    assert build.returncode == 130
    line = one_line(stderr)
    assert line.startswith("interrupted: stopped 01_wait.ipynb; cancelled 2 queued notebooks")
    assert "_other.ipynb" not in stdout  # the queued ones never started
    assert pdf.read_bytes() == PREVIOUS_PDF and previous.exists()
    assert not list((project / "build").glob("stage-*"))
    no_processes_left(project)


@needs_tex
def test_ctrl_c_during_latex(tmp_path):
    # A TeX macro that calls itself forever: LaTeX runs until interrupted.
    project = make_project(tmp_path / "p", latex=r"\def\spin{\spin}\spin")
    pdf = project / "out" / "report.pdf"
    pdf.write_bytes(PREVIOUS_PDF)
    started, release, options = signals(project)
    release.touch()
    build = start_build(project, "--quick", "--draft", *options)
    wait_for(lambda: list((project / "build").glob("stage-*/latex/report.log")), "xelatex started")
    os.killpg(build.pid, signal.SIGINT)
    stdout, stderr = build.communicate(timeout=30)
    assert build.returncode == 130, stdout + stderr
    assert one_line(stderr).startswith("interrupted")
    assert pdf.read_bytes() == PREVIOUS_PDF
    assert not list((project / "build").glob("stage-*"))
    no_processes_left(project)


def test_unwritable_paths_fail_at_once_in_one_line(tmp_path):
    project = make_project(tmp_path / "p")
    blocker = project / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    pdf = project / "out" / "report.pdf"
    pdf.write_bytes(PREVIOUS_PDF)
    cases = [("--out", blocker / "report.pdf"), ("--build-dir", blocker / "build")]
    if os.geteuid() != 0:  # root writes anywhere: permission bits only stop other users
        readonly = project / "readonly"
        readonly.mkdir()
        readonly.chmod(0o500)
        cases.append(("--build-dir", readonly / "build"))
    for option, path in cases:
        result = run_build(project, "--quick", "--draft", option, path)
        assert result.returncode == 1, result.stdout
        line = one_line(result.stderr)
        assert line.startswith("error: cannot write") and str(path.parent.name) in line
        assert "executing" not in result.stdout  # checked before any notebook ran
        assert pdf.read_bytes() == PREVIOUS_PDF


def test_placeholder_name_and_id_are_refused(tmp_path):
    project = make_project(tmp_path / "p")
    for name, student_id in [("", ""), ("Student Name", "000000000"), ("Ada", "000000000"),
                             ("Student Name", "312551000")]:
        result = run_build(project, "--quick", "--student-name", name, "--student-id", student_id)
        assert result.returncode == 1
        line = one_line(result.stderr)
        assert "STUDENT_NAME" in line and "STUDENT_ID" in line and "DRAFT=1" in line
        assert "executing" not in result.stdout


def test_bad_date_is_one_line(tmp_path):
    project = make_project(tmp_path / "p")
    result = run_build(project, "--draft", "--date", "30/11/2026")
    assert result.returncode == 1 and "--date" in one_line(result.stderr)


@needs_tex
def test_latex_error_names_notebook_and_cell(tmp_path):
    project = make_project(tmp_path / "p", latex=r"\undefinedmacroxyz")
    pdf = project / "out" / "report.pdf"
    pdf.write_bytes(PREVIOUS_PDF)
    started, release, options = signals(project)
    release.touch()
    result = run_build(project, "--quick", "--draft", *options)
    assert result.returncode == 1
    message = result.stderr
    assert message.startswith("error: LaTeX failed on the output of 01_wait.ipynb cell 4"), message
    assert "Undefined control sequence" in message
    assert pdf.read_bytes() == PREVIOUS_PDF
    assert (project / "build" / "latex" / "report.tex").exists()  # kept to look at


def test_make_lab_allows_root():
    dry = subprocess.run(["make", "-n", "lab"], cwd=os.path.dirname(os.path.dirname(__file__)),
                         capture_output=True, text=True)
    line = next(line for line in dry.stdout.splitlines() if "jupyter lab" in line)
    assert ("--allow-root" in line) == (os.geteuid() == 0)


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="process checks read /proc")
