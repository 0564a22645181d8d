"""The PDF: nbconvert's LaTeX export with report/template/lab1, then xelatex in a directory
of the build's own, rerun only until the .aux/.toc/.out settle.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from build_io import BuildError, rel, write_atomically
from build_merge import cell_at_line, with_cell_marks

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
TEMPLATE_NAME = "lab1"
LATEX_JOB = "report"
KEEP_BETWEEN_RUNS = (".aux", ".toc", ".out")  # so an unchanged report needs one xelatex run
LATEX_COMMAND = ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
MAX_LATEX_RUNS = 4

# Preferred fonts (fontconfig family names); the first one installed is used.
CJK_FONTS = ("Noto Serif CJK TC", "Noto Sans CJK TC", "Noto Serif CJK SC", "Noto Sans CJK SC",
             "Noto Serif CJK JP", "Noto Sans CJK JP")
MONO_FONTS = ("DejaVu Sans Mono",)


class LatexFailed(Exception):
    pass


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


def template_digest() -> str:
    """The template's files, for the PDF's cache key."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(TEMPLATE_DIR)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _aux_digest(latex_dir: Path) -> str:
    digest = hashlib.sha256()
    for suffix in KEEP_BETWEEN_RUNS:
        path = latex_dir / f"{LATEX_JOB}{suffix}"
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def run_latex(latex_dir: Path, texinputs: Path, epoch: int) -> None:
    """xelatex until the cross-reference files settle. Each run is in a session of its own
    and killed if this process is interrupted (subprocess.run kills on any exception), so
    Ctrl-C goes to the build, which cleans up, not to xelatex."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), FORCE_SOURCE_DATE="1",
               TEXINPUTS=f"{texinputs}{os.pathsep}")
    for _ in range(MAX_LATEX_RUNS):
        before = _aux_digest(latex_dir)
        done = subprocess.run([*LATEX_COMMAND, f"{LATEX_JOB}.tex"], cwd=latex_dir, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
        if done.returncode != 0:
            raise LatexFailed()
        if _aux_digest(latex_dir) == before:
            break
    if not (latex_dir / f"{LATEX_JOB}.pdf").is_file():
        raise LatexFailed()


class PandocCache:
    """nbconvert's convert_pandoc filter (one pandoc process per Markdown cell and output,
    twice for cells: ~100 processes for the report) with results kept in a JSON file
    between builds, so an edit re-converts only the Markdown it touched. Keyed by the
    pandoc version, the formats, the arguments and the text; entries unused by the last
    build are dropped."""

    def __init__(self, path: Path):
        from nbconvert.utils.pandoc import get_pandoc_version

        self.path = path
        self.version = str(get_pandoc_version())
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.used = {}

    def convert(self, source, from_format, to_format, extra_args=None):
        from nbconvert.filters.pandoc import convert_pandoc

        key = hashlib.sha256(json.dumps([self.version, source, from_format, to_format,
                                         extra_args]).encode()).hexdigest()
        if key not in self.entries:
            self.entries[key] = convert_pandoc(source, from_format, to_format, extra_args)
        self.used[key] = self.entries[key]
        return self.used[key]

    def save(self) -> None:
        write_atomically(self.path, json.dumps(self.used, ensure_ascii=False).encode())


def write_latex(nb, latex_dir: Path, notebooks_dir: Path, pandoc: PandocCache) -> None:
    """report.tex and its figure files in latex_dir, one LaTeX comment naming the notebook
    cell before each cell's LaTeX."""
    from nbconvert.exporters import LatexExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.TemplateExporter.template_name = TEMPLATE_NAME
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    exporter = LatexExporter(config=config)
    exporter.register_filter("convert_pandoc", pandoc.convert)
    resources = {"metadata": {"name": LATEX_JOB, "path": str(notebooks_dir.resolve())}}
    latex, resources = exporter.from_notebook_node(with_cell_marks(nb), resources=resources)
    (latex_dir / f"{LATEX_JOB}.tex").write_text(latex, encoding="utf-8")
    for name, data in (resources.get("outputs") or {}).items():
        target = latex_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode())


def latex_failure(latex_dir: Path, shown_dir: Path) -> str:
    """The error message for a failed xelatex run: the notebook and cell whose LaTeX holds
    the error line, the log's first error lines, and where the files are kept (shown_dir)."""
    log = latex_dir / f"{LATEX_JOB}.log"
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    where, summary = None, []
    for i, line in enumerate(lines):
        match = re.match(rf"^(?:\./)?{LATEX_JOB}\.tex:(\d+): (.*)", line)
        number = re.match(r"^l\.(\d+) ", line) if not match else None
        if match or line.startswith("!") or number:
            if match or number:
                where = int((match or number).group(1))
            summary = summary or ["    " + text for text in lines[i:i + 6]]
            if where:
                break
    origin = None
    if where:
        try:
            tex = (latex_dir / f"{LATEX_JOB}.tex").read_text(encoding="utf-8")
            origin = cell_at_line(tex, where)
        except OSError:
            pass
    tex_name = rel(shown_dir / f"{LATEX_JOB}.tex")
    place = f"{tex_name}:{where}" if where else tex_name
    head = (f"error: LaTeX failed on the output of {origin} ({place})" if origin
            else f"error: LaTeX failed ({place}, outside the notebook cells: the template "
                 "or the title page)")
    return "\n".join([head, *summary, f"  full log: {rel(shown_dir / log.name)}"])


def render_pdf(nb, latex_dir: Path, notebooks_dir: Path, epoch: int, shown_dir: Path,
               pandoc_cache: Path) -> Path:
    """The PDF of the merged notebook, made in latex_dir (the staging directory; error
    messages name shown_dir, where the build keeps it afterwards)."""
    pandoc = PandocCache(pandoc_cache)
    write_latex(nb, latex_dir, notebooks_dir, pandoc)
    pandoc.save()
    try:
        run_latex(latex_dir, notebooks_dir.resolve(), epoch)
    except LatexFailed:
        raise BuildError(latex_failure(latex_dir, shown_dir)) from None
    return latex_dir / f"{LATEX_JOB}.pdf"
