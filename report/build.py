#!/usr/bin/env python3
"""Build the Lab 1 report: run every notebook with papermill, merge them, render one PDF.

    python report/build.py --student-name "高宗霖" --student-id 312551000   # make report
    python report/build.py --draft --set "hidden=8 lr=0.5"                  # make report DRAFT=1 SET=...
    python report/build.py --notebooks-only                                  # make notebooks
    python report/build.py --quick --draft --out /tmp/r.pdf                  # tests

Steps (report/README.md has the details)
  1. Execute notebooks/[0-9][0-9]_*.ipynb with papermill, two at a time, in worker
     processes (build_run.py) -- only those whose result is not cached under the same key
     (build_cache.py: code cells, parameters, library source and data, versions).
  2. Merge the executed notebooks, with the current Markdown, into one report notebook
     (build_merge.py), with the Introduction's preview of Sections 4 and 5 made from their
     results (build_preview.py).
  3. Render it with nbconvert and xelatex (build_pdf.py) -- unless the PDF beside --out
     was built from the same merged notebook, template, name, ID, date and draft flag.

Everything is made in a staging directory of this build (report/build/stage-*) and
installed only when complete: the executed notebooks in report/build/executed/, the PDF
(checked complete) on --out, and beside it a record (<out>.build.json: name, ID, key,
source files) that `make zip` reads. One build at a time per build directory (a lock);
Ctrl-C stops everything, exits 130 and leaves the previous results as they were.
"""
from __future__ import annotations

import argparse
import ast
import calendar
import contextlib
import datetime
import hashlib
import importlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the build_* modules beside this file

from build_cache import ResultCache, execution_key, library_digest, library_files  # noqa: E402
from build_cache import runtime_versions, with_source_text  # noqa: E402
from build_io import BuildError, BuildLock, Interrupted, check_writable_dir  # noqa: E402
from build_io import check_writable_file, io_error_line, new_stage, pdf_problem  # noqa: E402
from build_io import rel, replace_dir, sha256_file, write_atomically  # noqa: E402
from build_merge import merge_notebooks, needs_cjk  # noqa: E402
from build_pdf import CJK_FONTS, KEEP_BETWEEN_RUNS, LATEX_JOB, MONO_FONTS  # noqa: E402
from build_pdf import TEMPLATE_DIR, has_tex_package, installed_font, render_pdf  # noqa: E402
from build_pdf import template_digest  # noqa: E402
from build_run import Job, describe_failure, run_jobs  # noqa: E402
from build_tables import size_pipe_tables  # noqa: E402
import build_appendix  # noqa: E402  cells tagged appendix / references to the end
import build_preview  # noqa: E402  the Introduction's preview of Sections 4 and 5
import build_captions  # noqa: E402  figure and table numbers, @fig:... references
import build_keep  # noqa: E402  short tables not split across pages

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "report"

COURSE = "Deep Learning"
TITLE = "Lab 1: Back-propagation"
FALLBACK_EPOCH = 1767225600  # 1 January 2026, used when git cannot tell the commit time
# Kernels see this fixed time (matplotlib and friends stamp files with SOURCE_DATE_EPOCH),
# so a notebook's result never depends on the commit and stays cached across commits.
KERNEL_EPOCH = FALLBACK_EPOCH
PLACEHOLDER_NAMES = ("", "Student Name")
PLACEHOLDER_IDS = ("", "000000000")
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
MONTHS = calendar.month_name  # English regardless of locale: "", "January", ...
NO_SUBMIT = ("the report needs your name and student ID: make report (or make zip) "
             "STUDENT_NAME=\"Your Name\" STUDENT_ID=312345678 (build.py --student-name, "
             "--student-id); DRAFT=1 (--draft) builds a draft with placeholders")


# --------------------------------------------------------------------------- inputs

def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else a fixed constant."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO, capture_output=True,
                             text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return FALLBACK_EPOCH


def title_date(text: str | None) -> datetime.date:
    """--date YYYY-MM-DD, else the day (UTC) of source_date_epoch()."""
    if text is None:
        return datetime.datetime.fromtimestamp(source_date_epoch(), datetime.timezone.utc).date()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise BuildError(f"error: --date: expected a date as YYYY-MM-DD, got {text!r}") from None


def format_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def date_epoch(day: datetime.date) -> int:
    """Midnight UTC of day: xelatex's SOURCE_DATE_EPOCH, so the PDF's bytes depend on the
    title date only, not on the time of day it was built."""
    return calendar.timegm(day.timetuple())


def parse_set(text: str) -> dict:
    """--set "hidden=8 activation=tanh lr=0.5" -> {"hidden": 8, "activation": "tanh", "lr": 0.5}.
    Values are Python literals (a bare word is a string); hidden=8,8 or hidden=[8,8] is a list."""
    overrides = {}
    try:
        words = shlex.split(text or "")
    except ValueError as err:
        raise BuildError(f"error: --set: {err} in {text!r}") from None
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name.isidentifier():
            raise BuildError(f"error: --set: {word!r} is not name=value "
                             "(e.g. --set \"hidden=8 activation=tanh lr=0.5\"; quote a value "
                             "with spaces: seeds='[1, 2]')")
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parsed = value
        overrides[name] = list(parsed) if isinstance(parsed, tuple) else parsed
    return overrides


def find_notebooks(directory: Path) -> list[Path]:
    notebooks = sorted(directory.glob(NOTEBOOK_GLOB))
    if not notebooks:
        raise BuildError(f"error: no notebooks matching {NOTEBOOK_GLOB} in {rel(directory)}")
    return notebooks


def default_library() -> Path:
    """The lab1 package the kernel imports (this environment's; `pip install -e .` makes
    it the checkout's)."""
    spec = importlib.util.find_spec("lab1")
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return REPO / "lab1"


def defines_parameter(nb: dict, name: str) -> bool:
    pattern = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=", re.M)
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return bool(pattern.search("".join(cell.get("source", ""))))
    return False


def kernel_environment() -> dict:
    """Environment the kernels get (also part of the cache key)."""
    return {
        "SOURCE_DATE_EPOCH": str(KERNEL_EPOCH), "FORCE_SOURCE_DATE": "1", "TQDM_DISABLE": "1",
        "PYTHONHASHSEED": "0",
        # Two kernels share two cores: threaded BLAS on these small matrices only adds contention.
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
    }


def repo_relative(paths) -> list[str]:
    """The paths inside the checkout, relative to it (what `make zip` must include)."""
    found = set()
    for path in paths:
        try:
            found.add(Path(path).resolve().relative_to(REPO).as_posix())
        except ValueError:
            pass
    return sorted(found)


# --------------------------------------------------------------------------- steps

def execute(args, notebooks, parameters, build_dir: Path, stage: Path, meanwhile):
    """Step 1: the executed notebooks as (name, notebook dict), cached ones reused."""
    os.environ.update(kernel_environment())
    # With MPLBACKEND set (e.g. Agg) the inline backend is bypassed and figures vanish.
    os.environ.pop("MPLBACKEND", None)
    # Connection files of kernels killed by Ctrl-C go with the staging directory.
    os.environ["JUPYTER_RUNTIME_DIR"] = str(stage / "runtime")

    sources = {}
    for nb in notebooks:
        try:
            sources[nb] = json.loads(nb.read_text(encoding="utf-8"))
        except ValueError as err:
            raise BuildError(f"error: {rel(nb)} is not a notebook (invalid JSON: {err})") from None
    shutil.rmtree(build_dir / "failed", ignore_errors=True)  # a previous build's failures
    if "quick" in parameters:
        for nb in notebooks:
            if not defines_parameter(sources[nb], "quick"):
                print(f"warning: {nb.name} has no `quick` in its parameters cell", flush=True)
    library, versions = library_digest(args.library), runtime_versions()
    keys = {nb: execution_key(sources[nb], parameters, library, versions, kernel_environment())
            for nb in notebooks}
    cache = ResultCache(build_dir / "cache")
    key_of = {nb.name: keys[nb] for nb in notebooks}
    reused = [nb for nb in notebooks if cache.get(nb.name, keys[nb])]
    to_run = [nb for nb in notebooks if nb not in reused]
    for nb in reused:
        print(f"  reused  {nb.name}", flush=True)

    timings_file = build_dir / "timings.json"
    try:
        timings = json.loads(timings_file.read_text())
    except (OSError, ValueError):
        timings = {}
    if to_run:
        run_dir = stage / "run"
        run_dir.mkdir()
        cwd = args.notebooks.resolve()
        workers = max(1, min(args.jobs, len(to_run)))
        print(f"executing {len(to_run)} notebook{'s' * (len(to_run) != 1)} in {rel(cwd)} "
              f"({workers} at a time)", flush=True)
        # Longest first (timings of the last run), so the workers finish together.
        jobs = [Job(nb.name, nb.resolve(), run_dir / nb.name, cwd, parameters)
                for nb in sorted(to_run, key=lambda p: -timings.get(p.name, 0.0))]

        def done(job, result):
            print(f"  {'ran   ' if result['ok'] else 'FAILED'}  {job.name:<32} "
                  f"{result['seconds']:6.1f} s", flush=True)
            if result["ok"]:
                cache.put(job.name, key_of[job.name], job.dst)
                timings[job.name] = round(result["seconds"], 2)

        failures = run_jobs(jobs, workers, done, meanwhile)
        if failures:
            messages = [failure_message(job, result, build_dir)
                        for job, result in sorted(failures, key=lambda f: f[0].name)]
            messages.append(f"{len(failures)} of {len(notebooks)} notebooks failed; "
                            "nothing installed, the previous results left as they were")
            raise BuildError("\n".join(messages))
    executed = []
    for nb in notebooks:
        cached = cache.path(nb.name, keys[nb])
        try:
            current = with_source_text(json.loads(cached.read_text(encoding="utf-8")), sources[nb])
        except ValueError:  # only if the file was edited by hand: the key names its code
            raise BuildError(f"error: {rel(cached)} does not match {nb.name}; delete it") from None
        current["metadata"]["lab1_build"] = {"key": keys[nb], "parameters": parameters}
        executed.append((nb.name, current))
    return executed, reused, timings


def failure_message(job: Job, result: dict, build_dir: Path) -> str:
    """describe_failure, and the failed notebook kept in build_dir/failed/ to open."""
    lines = [describe_failure(job, result)]
    if job.dst.exists():
        failed = build_dir / "failed" / job.name
        failed.parent.mkdir(exist_ok=True)
        shutil.copyfile(job.dst, failed)
        lines.append(f"  executed notebook kept in {rel(failed)} (open it to see the traceback)")
    if result["kind"] != "cell":
        log = build_dir / "failed" / job.log.name
        if job.log.exists():
            log.parent.mkdir(exist_ok=True)
            shutil.copyfile(job.log, log)
        lines.append(f"  kernel and papermill log: {rel(log)}")
    return "\n".join(lines)


def pdf_key(executed_dir: Path, meta: dict, fonts: dict, preview: str | None = None) -> str:
    """What the PDF depends on: the executed notebooks as merged (Markdown included), the
    title-page values (name, ID, date, draft), the fonts found, the template, the code
    that merges and renders (this file and the build_*.py modules) and the findings preview
    (made from the notebooks by lab1/study/preview.py, which none of these hashes). The
    merge is a function of these, so an unchanged key means an unchanged PDF without merging."""
    digest = hashlib.sha256(json.dumps([meta, fonts, preview], sort_keys=True).encode())
    for path in sorted(executed_dir.iterdir()):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    digest.update(template_digest().encode())
    here = Path(__file__).resolve()
    for module in [here, *sorted(here.parent.glob("build_*.py"))]:
        digest.update(module.read_bytes())
    return digest.hexdigest()


def make_pdf(args, executed, meta, fonts, build_dir: Path, stage: Path, day, preview=None):
    """Step 2 and 3: merge (with the findings preview inserted after the cell tagged
    `preview`), then LaTeX in stage/latex. Returns that directory (with a checked,
    complete report.pdf) and the merged notebook as JSON."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    notebooks = [(n, rejoin_lines(nbformat.from_dict(nb))) for n, nb in executed]
    merged = merge_notebooks(build_appendix.reorder(notebooks), meta)
    build_preview.insert(merged, preview)   # before captions: it may refer to @fig:, @app:
    build_captions.resolve(merged)
    size_pipe_tables(merged)
    build_keep.apply(merged)
    if needs_cjk(merged, meta):
        if fonts["cjk"]:
            merged.metadata.lab1_report.cjk_font = fonts["cjk"]
        else:
            print("warning: the report has CJK characters (e.g. the name) but xeCJK or a "
                  "Noto CJK font is missing; they will be blank. Run `make tex`.", flush=True)
    latex_dir = stage / "latex"
    latex_dir.mkdir()
    for suffix in KEEP_BETWEEN_RUNS:  # last run's cross-references: usually one xelatex pass
        previous = build_dir / "latex" / f"{LATEX_JOB}{suffix}"
        if previous.exists():
            shutil.copyfile(previous, latex_dir / previous.name)
    out = rel(args.out)
    try:
        pdf = render_pdf(merged, latex_dir, args.notebooks, date_epoch(day),
                         shown_dir=build_dir / "latex", pandoc_cache=build_dir / "pandoc.json")
    except BuildError as err:
        replace_dir(latex_dir, build_dir / "latex")  # kept to debug; the PDF is not touched
        raise BuildError(f"{err}\n  {out} left as it was") from None
    problem = pdf_problem(pdf)
    if problem:
        raise BuildError(f"error: xelatex wrote an incomplete PDF ({problem}); {out} left as it was")
    return latex_dir, nbformat.writes(merged)


def read_record(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def recorded_date(out: Path, name: str, student_id: str) -> str | None:
    """The title date (YYYY-MM-DD) of the PDF at out if it was built for name and ID."""
    record = read_record(record_path(out))
    if (record.get("student_name"), record.get("student_id")) == (name, student_id):
        return record.get("iso_date")
    return None


def record_path(out: Path) -> Path:
    """The record beside the PDF: report/lab1_report.pdf -> report/lab1_report.build.json."""
    return out.with_suffix(".build.json")


# --------------------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--student-name", default="")
    parser.add_argument("--student-id", default="")
    parser.add_argument("--draft", action="store_true",
                        help="allow placeholder name and ID; the title page says DRAFT")
    parser.add_argument("--date", help="title-page date, YYYY-MM-DD (default: the day of "
                        "SOURCE_DATE_EPOCH if set, else of the last commit)")
    parser.add_argument("--reuse-date", action="store_true",
                        help="without --date: keep the date of the PDF already at --out when it "
                             "was built for the same name and ID (make zip)")
    parser.add_argument("--set", default="", metavar='"NAME=VALUE ..."',
                        help="parameters passed to every notebook (the reference setting), "
                             'e.g. "hidden=8 activation=tanh lr=0.5"')
    parser.add_argument("--notebooks-only", action="store_true",
                        help="execute the notebooks, do not render the PDF")
    parser.add_argument("--quick", action="store_true", help="pass quick=True to every notebook")
    parser.add_argument("--wait", action="store_true",
                        help="if another build is running here, wait for it instead of refusing")
    parser.add_argument("--out", type=Path, default=REPORT / "lab1_report.pdf")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    parser.add_argument("--build-dir", type=Path, default=REPORT / "build")
    parser.add_argument("--library", type=Path, default=None,
                        help="package whose source and data the results depend on "
                             "(default: the lab1 the kernel imports)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks executed at once (default: 2, or 1 on one core)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    args.library = args.library or default_library()
    return args


def build(args) -> None:
    start = time.perf_counter()
    name, student_id = args.student_name.strip(), args.student_id.strip()
    if (name in PLACEHOLDER_NAMES or student_id in PLACEHOLDER_IDS) and not (
            args.draft or args.notebooks_only):
        raise BuildError("error: " + NO_SUBMIT)
    out, build_dir = args.out.resolve(), args.build_dir.resolve()
    day = title_date(args.date or (recorded_date(out, name, student_id) if args.reuse_date
                                   else None))
    # quick runs (tests) write no figures; the report's runs write them to figures/
    parameters = {"quick": True} if args.quick else {"figures_dir": str(REPO / "figures")}
    parameters.update(parse_set(args.set))
    notebooks = find_notebooks(args.notebooks)
    # Everything that must be writable is checked before any notebook runs.
    check_writable_dir(build_dir, "the build directory")
    if not args.notebooks_only:
        if not shutil.which("xelatex"):
            raise BuildError("error: xelatex not found: run `make tex` (Debian packages for the PDF)")
        check_writable_file(out, "the output")

    lock = BuildLock(build_dir / "build.lock")
    lock.acquire(args.wait)
    stage = None
    try:
        stage = new_stage(build_dir)
        fonts = {}

        def find_fonts():
            fonts["mono"] = installed_font(MONO_FONTS)
            fonts["cjk"] = installed_font(CJK_FONTS) if has_tex_package("xeCJK.sty") else None

        def prepare():  # while the kernels work: a slow import the PDF step may need
            importlib.import_module("nbconvert.exporters")
            find_fonts()

        executed, reused, timings = execute(args, notebooks, parameters, build_dir, stage,
                                            None if args.notebooks_only else prepare)
        step = time.perf_counter()
        staged_executed = stage / "executed"
        staged_executed.mkdir()
        for nb_name, nb in executed:
            (staged_executed / nb_name).write_text(json.dumps(nb, indent=1, ensure_ascii=False)
                                                   + "\n", encoding="utf-8")
        summary = f"{len(notebooks) - len(reused)} ran, {len(reused)} reused"
        if args.notebooks_only:
            with interrupts_held():
                install_notebooks(staged_executed, build_dir, timings, notebooks)
            print(f"executed notebooks in {rel(build_dir / 'executed')} ({summary}); "
                  f"total {time.perf_counter() - start:.1f} s", flush=True)
            return

        if not fonts:
            find_fonts()
        meta = {"course": COURSE, "title": TITLE, "draft": args.draft,
                "student_name": name or PLACEHOLDER_NAMES[1],
                "student_id": student_id or PLACEHOLDER_IDS[1],
                "date": format_date(day), "cjk_font": None, "mono_font": fonts["mono"]}
        preview = build_preview.preview_text(executed)
        record = {"student_name": name, "student_id": student_id, "draft": args.draft,
                  "date": format_date(day), "iso_date": day.isoformat(),
                  "parameters": parameters, "key": pdf_key(staged_executed, meta, fonts, preview)}
        previous = read_record(record_path(out))
        if (previous.get("key") == record["key"] and out.is_file()
                and previous.get("pdf_sha256") == sha256_file(out)):
            print("PDF up to date (same notebooks, template, name, ID, date): no LaTeX run",
                  flush=True)
            latex_dir = merged_json = None
        else:
            latex_dir, merged_json = make_pdf(args, executed, meta, fonts, build_dir, stage, day,
                                              preview)
        with interrupts_held():
            install_notebooks(staged_executed, build_dir, timings, notebooks)
            if latex_dir:
                write_atomically(out, (latex_dir / f"{LATEX_JOB}.pdf").read_bytes())
                write_atomically(build_dir / "report.ipynb", merged_json.encode())
                replace_dir(latex_dir, build_dir / "latex")
            record.update(pdf_sha256=sha256_file(out), sources=repo_relative(
                [*notebooks, *library_files(args.library), *report_sources()]))
            if record != previous:
                write_atomically(record_path(out), (json.dumps(record, indent=1, ensure_ascii=False)
                                                    + "\n").encode())
        now = time.perf_counter()
        latex = f"PDF rendered in {now - step:.1f} s" if latex_dir else "PDF reused"
        print(f"{latex} -> {rel(out)}{' (DRAFT)' if args.draft else ''}", flush=True)
        print(f"total {now - start:.1f} s ({summary})", flush=True)
    finally:
        with interrupts_held():
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
            lock.release()


def install_notebooks(staged_executed: Path, build_dir: Path, timings: dict, notebooks) -> None:
    """The executed notebooks replace the previous ones as a whole; timings and cache kept."""
    replace_dir(staged_executed, build_dir / "executed")
    write_atomically(build_dir / "timings.json", json.dumps(timings, indent=1).encode())
    ResultCache(build_dir / "cache").prune(nb.name for nb in notebooks)


def report_sources() -> list[Path]:
    """The build's own files a PDF depends on: template, build.py and its modules."""
    here = Path(__file__).resolve()
    return [*(p for p in TEMPLATE_DIR.rglob("*") if p.is_file()), here,
            *here.parent.glob("build_*.py")]


@contextlib.contextmanager
def interrupts_held():
    """Ctrl-C ignored while a few renames install the results (quick, and an install cut
    in the middle would mix old and new files) or while cleaning up."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _terminate(*_):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # `kill` stops a build as cleanly as Ctrl-C
    kept = f"{rel(args.out)} and {rel(args.build_dir / 'executed')} left as they were"
    try:
        build(args)
    except BuildError as err:
        print(str(err), file=sys.stderr, flush=True)
        return 1
    except Interrupted as err:
        print(f"interrupted: {err}; {kept}", file=sys.stderr, flush=True)
        return 130
    except KeyboardInterrupt:
        print(f"interrupted; {kept}", file=sys.stderr, flush=True)
        return 130
    except OSError as err:
        print(io_error_line(err), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
