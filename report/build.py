#!/usr/bin/env python3
"""Build the Lab 1 report: run every notebook with papermill, merge them, render one PDF.

    python report/build.py --student-name "高宗霖" --student-id 312551000   # make report
    python report/build.py --notebooks-only                                  # make notebooks
    python report/build.py --quick --out /tmp/r.pdf                          # tests

Steps
  1. Execute notebooks/[0-9][0-9]_*.ipynb with papermill (kernel "python3"), two at a
     time, each in its own worker process with the working directory set to the
     notebooks directory (as in `make lab`). Executed copies go to
     report/build/executed/. Kernels get SOURCE_DATE_EPOCH (the last commit's time),
     FORCE_SOURCE_DATE=1, TQDM_DISABLE=1, PYTHONHASHSEED=0, one BLAS thread, and no MPLBACKEND.
  2. Merge the executed notebooks' cells in file-name order into
     report/build/report.ipynb (cell ids cell-0, cell-1, ...), applying the
     conventions below.
  3. One nbconvert PDF export (xelatex) with report/template/lab1, which extends
     nbconvert's `latex` template, in report/build/latex/; then the PDF is moved
     atomically onto --out (default report/lab1_report.pdf).

Cell conventions for the notebooks
  * tag `parameters` (papermill's defaults cell) or `injected-parameters`: removed;
  * tag `remove_cell`: removed (any cell type);
  * code cells: input hidden, outputs shown; tag `show_input` shows the code too;
  * stderr streams (warnings, progress bars) are dropped, stdout is kept (consecutive
    pieces of it as one block), and text-only reprs such as `<Figure size ...>` or
    `<... at 0x7f...>` are dropped;
  * Markdown `#` = section (1, 2, ...), `##` = subsection (A., B., ...),
    `###` = subsubsection (A.1, ...); do not number headings by hand and do not
    add a document title, the title page has it. Numbering runs on across
    notebooks, so a notebook that starts with `##` continues the previous
    notebook's section (4 Discussion: A in 03, B in 04, C in 05). A heading whose
    identifier (pandoc's, from its text) an earlier heading of the report already has
    gets `-1`, `-2`, ... as pandoc does within one document, so "### XOR" can recur;
  * a figure that directly follows Markdown (a cell or a Markdown output) is kept on the
    page of that lead-in text (output metadata `lab1_lead_in`, read by the template);
  * figures: matplotlib with `%config InlineBackend.figure_formats = ['png', 'pdf']`
    so the PDF (vector) version is embedded;
  * tables: `IPython.display.Markdown(...)` with a pipe table (converted by pandoc).

A failed notebook fails the build (after the others ran) with the notebook, the cell
number and the error;
the partly executed notebook stays in report/build/executed/ and --out is not touched.
Two builds from the same commit give byte-identical PDFs.
"""
from __future__ import annotations

import argparse
import calendar
import concurrent.futures
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # report/'s own modules, also when imported
import build_appendix  # noqa: E402  cells tagged appendix / references to the end
import build_captions  # noqa: E402  figure and table numbers, @fig:... references
import build_keep  # noqa: E402  short tables not split across pages

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "report"
TEMPLATE_DIR = REPORT / "template"
TEMPLATE_NAME = "lab1"

COURSE = "Deep Learning"
TITLE = "Lab 1: Back-propagation"
FALLBACK_EPOCH = 1767225600  # 1 January 2026, used when git cannot tell the commit time

REMOVE_TAGS = {"parameters", "injected-parameters", "remove_cell"}
SHOW_INPUT_TAG = "show_input"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"

# Preferred fonts (fontconfig family names); the first one installed is used.
CJK_FONTS = ("Noto Serif CJK TC", "Noto Sans CJK TC", "Noto Serif CJK SC", "Noto Sans CJK SC",
             "Noto Serif CJK JP", "Noto Sans CJK JP")
MONO_FONTS = ("DejaVu Sans Mono",)
CJK_RE = re.compile("[\u2e80-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
                    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                    "\U00020000-\U0002ffff]")
# text/plain outputs that are only object reprs carry memory addresses and say nothing.
REPR_RE = re.compile(r"^\s*(\[?<[^<>]* at 0x[0-9a-fA-F]+>\]?|<Figure size [^>]*>)\s*$", re.S)
MONTHS = calendar.month_name  # English regardless of locale: "", "January", ...

LATEX_JOB = "report"
KEEP_BETWEEN_RUNS = (".aux", ".toc", ".out")  # so an unchanged report needs one xelatex run


class BuildError(Exception):
    """A failure already explained to the user; main() prints it and exits 1."""


def rel(path: Path) -> str:
    """path relative to the current directory when below it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- environment

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


def format_date(epoch: int) -> str:
    t = time.gmtime(epoch)
    return f"{t.tm_mday} {MONTHS[t.tm_mon]} {t.tm_year}"


def set_build_environment(epoch: int) -> None:
    """Environment inherited by the kernels, xelatex and xdvipdfmx."""
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    os.environ["FORCE_SOURCE_DATE"] = "1"
    os.environ["TQDM_DISABLE"] = "1"
    os.environ["PYTHONHASHSEED"] = "0"
    # Two kernels share two cores: threaded BLAS on these small matrices only adds contention.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    # With MPLBACKEND set (e.g. Agg) the inline backend is bypassed and figures vanish.
    os.environ.pop("MPLBACKEND", None)


def installed_font(candidates) -> str | None:
    """First of candidates that fontconfig knows, or None."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return next((font for font in candidates if font in families), None)


def has_tex_package(name: str) -> bool:
    if not shutil.which("kpsewhich"):
        return False
    out = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
    return out.returncode == 0 and bool(out.stdout.strip())


# --------------------------------------------------------------------------- execution

def find_notebooks(directory: Path) -> list[Path]:
    notebooks = sorted(directory.glob(NOTEBOOK_GLOB))
    if not notebooks:
        raise BuildError(f"no notebooks matching {NOTEBOOK_GLOB} in {rel(directory)}")
    return notebooks


def defines_parameter(path: Path, name: str) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    pattern = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=", re.M)
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell.get("source", ""))
            return bool(pattern.search(source))
    return False


def _execute(src: str, dst: str, cwd: str, parameters: dict) -> dict:
    """Run one notebook (in a worker process: papermill's cwd is process-wide)."""
    import papermill as pm

    start = time.perf_counter()
    log = str(Path(dst).with_suffix(".log"))
    result = {"name": Path(src).name, "output": dst, "log": log, "ok": True}
    # The kernel's own stderr (ZMQ notices, shutdown chatter) goes to a log file,
    # not the terminal; the notebook's stderr outputs are in the notebook anyway.
    saved_stderr = os.dup(2)
    with open(log, "wb") as log_file:
        os.dup2(log_file.fileno(), 2)
        try:
            pm.execute_notebook(src, dst, parameters=parameters, kernel_name="python3",
                                cwd=cwd, progress_bar=False, log_output=False)
        except pm.PapermillExecutionError as err:
            result.update(ok=False, kind="cell", cell_index=err.cell_index,
                          exec_count=err.exec_count, ename=err.ename, evalue=err.evalue,
                          source=err.source, line=_failing_line(err.traceback))
        except Exception as err:  # kernel died, no such kernel, unreadable notebook, ...
            result.update(ok=False, kind="other", ename=type(err).__name__, evalue=str(err))
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
    result["seconds"] = time.perf_counter() - start
    return result


def _failing_line(traceback) -> str:
    """The '---->' line IPython marks in the cell's own frame, without colours."""
    for text in traceback or []:
        for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines():
            if line.lstrip().startswith("---->"):
                return line.strip()
    return ""


def describe_failure(result: dict, src: Path) -> str:
    lines = [f"error: notebook {src.name} failed"]
    if result["kind"] == "cell":
        # papermill counts cells of the executed copy, which has the injected
        # parameters cell in it; report the position in the source notebook.
        index = result["cell_index"]
        try:
            executed = json.loads(Path(result["output"]).read_text(encoding="utf-8"))
            before = executed["cells"][:index]
            index -= sum("injected-parameters" in c.get("metadata", {}).get("tags", [])
                         for c in before)
        except (OSError, ValueError, KeyError):
            pass
        first = next((line for line in result["source"].splitlines() if line.strip()), "")
        count = result["exec_count"]
        lines.append(f"  at cell {index + 1} (counting all cells from 1"
                     f"{f', In [{count}]' if count else ''}), which begins: {first.strip()}")
        if result.get("line"):
            lines.append(f"  failing line: {result['line']}")
    lines.append(f"  {result['ename']}: {result['evalue']}".rstrip())
    if Path(result["output"]).exists():
        lines.append(f"  executed notebook kept in {rel(Path(result['output']))}"
                     " (open it to see the traceback)")
    if result["kind"] != "cell":
        lines.append(f"  kernel and papermill log: {rel(Path(result['log']))}")
    return "\n".join(lines)


def execute_notebooks(notebooks: list[Path], executed_dir: Path, parameters: dict,
                      workers: int, while_waiting=None):
    """Run the notebooks; returns the executed paths and what while_waiting() returned
    (called in this process while the kernels work, to overlap the PDF step's setup)."""
    importlib.import_module("papermill")   # before forking, so the workers start warm

    executed_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*executed_dir.glob("*.ipynb"), *executed_dir.glob("*.log")]:
        stale.unlink()
    if "quick" in parameters:
        for nb in notebooks:
            if not defines_parameter(nb, "quick"):
                print(f"warning: {nb.name} has no `quick` in its parameters cell", flush=True)

    # Longest first (timings of the last build), so two workers finish together.
    timings_file = executed_dir.parent / "timings.json"
    try:
        timings = json.loads(timings_file.read_text())
    except (OSError, ValueError):
        timings = {}
    order = sorted(notebooks, key=lambda p: -timings.get(p.name, 0.0))

    cwd = str(notebooks[0].parent.resolve())
    outputs = [executed_dir / nb.name for nb in notebooks]
    workers = max(1, min(workers, len(notebooks)))
    print(f"executing {len(notebooks)} notebook{'s' * (len(notebooks) != 1)} from "
          f"{rel(Path(cwd))} ({workers} at a time, each with that as working directory)",
          flush=True)
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        context = None
    failures = []
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_execute, str(nb.resolve()), str((executed_dir / nb.name).resolve()),
                               cwd, parameters): nb for nb in order}
        prepared = while_waiting() if while_waiting else None
        for future in concurrent.futures.as_completed(futures):
            nb = futures[future]
            result = future.result()
            timings[nb.name] = round(result["seconds"], 2)
            status = "ok    " if result["ok"] else "FAILED"
            print(f"  {status} {nb.name:<40} {result['seconds']:6.1f} s", flush=True)
            if not result["ok"]:  # the others still run: one build reports every failure
                failures.append((nb, result))
    try:
        timings_file.write_text(json.dumps(timings, indent=1, sort_keys=True))
    except OSError:
        pass
    if failures:
        raise BuildError("\n".join(describe_failure(r, nb) for nb, r in sorted(
            failures, key=lambda f: f[0].name)))
    return outputs, prepared


# --------------------------------------------------------------------------- merge

def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def visible_outputs(outputs: list) -> list:
    """The outputs the report shows: stdout without stderr, consecutive stdout pieces joined
    (one printed block, not one box per print flush), no bare object reprs."""
    kept = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") != "stdout":
            continue
        if (kind == "stream" and kept and kept[-1].get("output_type") == "stream"
                and kept[-1].get("name") == out.get("name")):
            kept[-1]["text"] = _text(kept[-1]["text"]) + _text(out["text"])
            continue
        if kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            if set(data) <= {"text/plain"} and REPR_RE.match(str(data.get("text/plain", ""))):
                continue
            if "image/png" in data and "application/pdf" not in data:
                print("warning: a figure has no PDF version (raster in the report); add "
                      "%config InlineBackend.figure_formats = ['png', 'pdf']", flush=True)
        kept.append(out)
    return kept


HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATTRIBUTES_RE = re.compile(r"^(.*?)[ \t]*\{([^{}]*)\}$")


def heading_identifier(text: str) -> str:
    """pandoc's automatic identifier for a heading's (plain) text: link and image targets,
    emphasis and code marks dropped, then only letters, digits, _ - . and spaces kept,
    spaces as hyphens, lower case, nothing before the first letter; "section" if empty."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*`$]", "", text)
    text = "".join(c for c in text if c.isalnum() or c in "_-." or c.isspace())
    text = re.sub(r"\s+", "-", text.strip()).lower()
    while text and not text[0].isalpha():
        text = text[1:]
    return text or "section"


def unique_heading_ids(markdown: str, used: set) -> str:
    """markdown with an explicit {#id} on each ATX heading whose automatic identifier is
    already in used (from earlier cells: pandoc numbers repeats only within one run, and
    each cell is its own run), numbered -1, -2, ... as pandoc would. Adds the ids to used."""
    lines, fence = markdown.split("\n"), None
    for i, line in enumerate(lines):
        opening = FENCE_RE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = HEADING_RE.match(line)
        if not match:
            continue
        marks, text = match.groups()
        attributes = ATTRIBUTES_RE.match(text)
        if attributes and "#" in attributes.group(2):          # an id given by the author
            used.update(re.findall(r"#([^\s}]+)", attributes.group(2)))
            continue
        base = heading_identifier(attributes.group(1) if attributes else text)
        ident, n = base, 0
        while ident in used:
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        if ident != base:
            if attributes:
                lines[i] = f"{marks} {attributes.group(1)} {{#{ident} {attributes.group(2).strip()}}}"
            else:
                lines[i] = f"{marks} {text} {{#{ident}}}"
    return "\n".join(lines)


FIGURE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/svg+xml")


def mark_lead_ins(cells: list) -> None:
    """Set output metadata lab1_lead_in on each figure shown right after Markdown (a
    Markdown cell or a Markdown output): the template keeps the two on one page."""
    after_text = False
    for cell in cells:
        if cell.cell_type == "markdown":
            after_text = True
            continue
        if cell.cell_type != "code" or SHOW_INPUT_TAG in cell.metadata.get("tags", []):
            after_text = False
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.get("output_type") in ("display_data", "execute_result") and any(
                    t in data for t in FIGURE_TYPES):
                if after_text:
                    out.setdefault("metadata", {})["lab1_lead_in"] = True
                after_text = False
            else:
                after_text = out.get("output_type") == "display_data" and "text/markdown" in data


def merge_notebooks(paths: list[Path], report_meta: dict):
    """One notebook from the executed ones, with the report conventions applied."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    cells = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not merged.metadata:
            merged.metadata = {k: nb.metadata[k] for k in ("kernelspec", "language_info")
                               if k in nb.metadata}
        for cell in nb.cells:
            tags = set(cell.metadata.get("tags", []))
            if tags & REMOVE_TAGS:
                continue
            if cell.cell_type == "code":
                cell.outputs = visible_outputs(cell.outputs)
                if SHOW_INPUT_TAG not in tags:
                    if not cell.outputs:
                        continue
                    cell.metadata["transient"] = {"remove_source": True}
            elif cell.cell_type == "markdown":
                if not cell.source.strip():
                    continue
                prev = cells[-1] if cells else None
                # Adjacent Markdown cells become one: one pandoc run instead of several.
                if (prev is not None and prev.cell_type == "markdown"
                        and not prev.get("attachments") and not cell.get("attachments")):
                    prev.source = prev.source.rstrip() + "\n\n" + cell.source
                    continue
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
            cells.append(cell)
    used_ids = set()
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i}"
        if cell.cell_type == "markdown":
            cell.source = unique_heading_ids(cell.source, used_ids)
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                out["data"]["text/markdown"] = unique_heading_ids(
                    _text(out["data"]["text/markdown"]), used_ids)
    mark_lead_ins(cells)
    merged.cells = cells
    merged.metadata["lab1_report"] = report_meta
    return merged


def needs_cjk(nb, meta: dict) -> bool:
    texts = [meta["student_name"], meta["student_id"]]
    for cell in nb.cells:
        texts.append(cell.source)
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts.extend(v for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return any(CJK_RE.search(t if isinstance(t, str) else "".join(t)) for t in texts)


# --------------------------------------------------------------------------- PDF

def make_exporter(latex_dir: Path, texinputs: Path):
    from nbconvert.exporters import PDFExporter
    from nbconvert.exporters.pdf import LatexFailed
    from traitlets.config import Config

    class ReportPDFExporter(PDFExporter):
        """nbconvert's PDF export, but in a kept directory (report/build/latex) with
        fixed file names, and xelatex rerun only until the .aux/.toc/.out settle."""

        def from_notebook_node(self, nb, resources=None, **kw):
            from nbconvert.exporters.latex import LatexExporter

            latex, resources = LatexExporter.from_notebook_node(self, nb, resources, **kw)
            latex_dir.mkdir(parents=True, exist_ok=True)
            for old in latex_dir.iterdir():
                if old.suffix not in KEEP_BETWEEN_RUNS or old.stem != LATEX_JOB:
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
            (latex_dir / f"{LATEX_JOB}.tex").write_text(latex, encoding="utf-8")
            for name, data in (resources.get("outputs") or {}).items():
                target = latex_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data if isinstance(data, bytes) else data.encode())
            self.texinputs = str(texinputs)
            self._captured_output = []
            for _ in range(4):
                before = self._aux_digest()
                self.run_command(self.latex_command, f"{LATEX_JOB}.tex", 1, lambda *a: None,
                                 raise_on_failure=LatexFailed)
                if self._aux_digest() == before:
                    break
            pdf = latex_dir / f"{LATEX_JOB}.pdf"
            if not pdf.is_file():
                raise LatexFailed("xelatex wrote no PDF")
            resources["output_extension"] = ".pdf"
            resources.pop("outputs", None)
            resources.pop("attachments", None)
            return pdf.read_bytes(), resources

        def run_command(self, command_list, filename, count, log_function, raise_on_failure=None):
            # nbconvert runs LaTeX in the current directory; ours is latex_dir.
            cwd = os.getcwd()
            os.chdir(latex_dir)
            try:
                return super().run_command(command_list, filename, count, log_function,
                                           raise_on_failure)
            finally:
                os.chdir(cwd)

        @staticmethod
        def _aux_digest():
            digest = hashlib.sha256()
            for suffix in KEEP_BETWEEN_RUNS:
                path = latex_dir / f"{LATEX_JOB}{suffix}"
                digest.update(path.read_bytes() if path.exists() else b"-")
            return digest.hexdigest()

    config = Config()
    config.PDFExporter.latex_command = ["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                                        "-file-line-error", "{filename}"]
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.TemplateExporter.template_name = TEMPLATE_NAME
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    return ReportPDFExporter(config=config), LatexFailed


def latex_error_summary(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for i, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^[^:\s]+\.tex:\d+: ", line):
            return "\n".join("    " + text for text in lines[i:i + 8])
    return ""


def render_pdf(nb, build_dir: Path, notebooks_dir: Path) -> Path:
    latex_dir = build_dir / "latex"
    exporter, latex_failed = make_exporter(latex_dir, notebooks_dir.resolve())
    resources = {"metadata": {"name": "report", "path": str(notebooks_dir.resolve())}}
    try:
        exporter.from_notebook_node(nb, resources=resources)
    except latex_failed:
        log = latex_dir / f"{LATEX_JOB}.log"
        raise BuildError(f"error: xelatex failed on {rel(latex_dir / (LATEX_JOB + '.tex'))}\n"
                         f"{latex_error_summary(log)}\n  full log: {rel(log)}") from None
    return latex_dir / f"{LATEX_JOB}.pdf"


def install_atomically(pdf: Path, out: Path) -> None:
    """Copy next to out, then rename: out is either the old or the new PDF, never half."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--student-name", default="Student Name")
    parser.add_argument("--student-id", default="000000000")
    parser.add_argument("--notebooks-only", action="store_true",
                        help="execute the notebooks, do not render the PDF")
    parser.add_argument("--quick", action="store_true", help="pass quick=True to every notebook")
    parser.add_argument("--out", type=Path, default=REPORT / "lab1_report.pdf")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    parser.add_argument("--build-dir", type=Path, default=REPORT / "build")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks executed at once (default: 2, or 1 on one core)")
    return parser.parse_args(argv)


def build(args) -> None:
    start = time.perf_counter()
    epoch = source_date_epoch()
    set_build_environment(epoch)
    build_dir = args.build_dir.resolve()
    notebooks = find_notebooks(args.notebooks)
    parameters = {"quick": True} if args.quick else {}
    if not args.notebooks_only and not shutil.which("xelatex"):
        raise BuildError("error: xelatex not found: run `make tex` (Debian packages for the PDF)")

    def prepare():
        importlib.import_module("nbconvert.exporters")   # a slow import, done while kernels run
        return {"mono_font": installed_font(MONO_FONTS),
                "cjk_font": installed_font(CJK_FONTS) if has_tex_package("xeCJK.sty") else None}

    executed, fonts = execute_notebooks(notebooks, build_dir / "executed", parameters, args.jobs,
                                        while_waiting=None if args.notebooks_only else prepare)
    step = time.perf_counter()
    print(f"notebooks done in {step - start:.1f} s", flush=True)
    if args.notebooks_only:
        print(f"executed notebooks in {rel(build_dir / 'executed')}; total {step - start:.1f} s")
        return

    meta = {"course": COURSE, "title": TITLE, "student_name": args.student_name,
            "student_id": args.student_id, "date": format_date(epoch),
            "cjk_font": None, "mono_font": fonts["mono_font"]}
    executed = build_appendix.reorder(executed, build_dir / "parts")
    nb = merge_notebooks(executed, meta)
    build_captions.resolve(nb)
    build_keep.apply(nb)
    if needs_cjk(nb, meta):
        if fonts["cjk_font"]:
            nb.metadata.lab1_report.cjk_font = fonts["cjk_font"]
        else:
            print("warning: the report has CJK characters (e.g. the name) but xeCJK or a Noto "
                  "CJK font is missing; they will be blank. Run `make tex`.", flush=True)
    import nbformat
    nbformat.write(nb, build_dir / "report.ipynb")

    pdf = render_pdf(nb, build_dir, args.notebooks)
    install_atomically(pdf, args.out)
    now = time.perf_counter()
    print(f"PDF rendered in {now - step:.1f} s -> {rel(args.out)}", flush=True)
    print(f"total {now - start:.1f} s", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        build(args)
    except BuildError as err:
        print(str(err), file=sys.stderr, flush=True)
        print(f"build failed after {time.perf_counter() - start:.1f} s; "
              f"{rel(args.out)} left as it was", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
