"""Merging the executed notebooks into one report notebook, with the report's cell
conventions (report/README.md, "What notebooks must follow"), and marking in the LaTeX
which notebook cell each piece came from.
"""
from __future__ import annotations

import re
from pathlib import Path

REMOVE_TAGS = {"parameters", "injected-parameters", "remove_cell"}
SHOW_INPUT_TAG = "show_input"
# text/plain outputs that are only object reprs carry memory addresses and say nothing.
REPR_RE = re.compile(r"^\s*(\[?<[^<>]* at 0x[0-9a-fA-F]+>\]?|<Figure size [^>]*>)\s*$", re.S)
CJK_RE = re.compile("[\u2e80-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
                    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                    "\U00020000-\U0002ffff]")
CELL_MARK = "%% lab1-cell: "  # a LaTeX comment before each merged cell's LaTeX

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


def merge_notebooks(notebooks: list, report_meta: dict):
    """One notebook from the executed ones (paths, or (name, notebook node) pairs), with
    the report conventions applied. Each merged cell's metadata lab1_origin names where it
    came from: {"notebook": "02_results.ipynb", "cells": [first, last]}, counting the source
    notebook's cells from 1 (adjacent Markdown cells are merged into one)."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    cells = []
    for item in notebooks:
        name, nb = (item.name, nbformat.read(item, as_version=4)) if isinstance(item, Path) else item
        if not merged.metadata:
            merged.metadata = {k: nb.metadata[k] for k in ("kernelspec", "language_info")
                               if k in nb.metadata}
        position = 0
        for cell in nb.cells:
            tags = set(cell.metadata.get("tags", []))
            if "injected-parameters" not in tags:
                position += 1
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
                    prev.metadata["lab1_origin"]["cells"][1] = position
                    continue
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
            cell.metadata["lab1_origin"] = {"notebook": name, "cells": [position, position]}
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


def with_cell_marks(nb):
    """A copy of the merged notebook with a LaTeX comment (CELL_MARK + origin) before each
    cell, so a LaTeX error's line can be traced back to its notebook and cell."""
    import copy

    import nbformat

    marked = copy.deepcopy(nb)
    cells = []
    for cell in marked.cells:
        origin = cell.metadata.get("lab1_origin")
        if origin:
            first, last = origin["cells"]
            where = f"cell {first}" if first == last else f"cells {first}-{last}"
            mark = nbformat.v4.new_raw_cell(f"{CELL_MARK}{origin['notebook']} {where}")
            mark.metadata["raw_mimetype"] = "text/latex"
            mark.id = f"{cell.id}-mark"
            cells.append(mark)
        cells.append(cell)
    marked.cells = cells
    return marked


def cell_at_line(tex: str, line: int) -> str | None:
    """The origin of the cell whose LaTeX holds line (1-based) of tex, or None before the
    first cell (the preamble, the title page)."""
    for text in reversed(tex.splitlines()[:line]):
        if text.startswith(CELL_MARK):
            return text[len(CELL_MARK):].strip()
    return None
