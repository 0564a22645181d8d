"""Figure and table numbers, appendix letters and reference numbers for the merged report.

The notebooks mark captions in output metadata (lab1/study/report_helpers.py):
``lab1_caption = {"kind": "figure" | "table", "label": "fig:x" | "tbl:x", "caption": text}``
on a Markdown output that follows the figure (a figure) or holds the table (a table).
``resolve(nb)`` walks the merged notebook in reading order and
  * numbers figures and tables (Figure 1, 2, ... and Table 1, 2, ..., appendix included);
  * moves a figure's caption into the figure output's metadata (``lab1_figure_caption``,
    Markdown), where the template sets it under the figure on the same page;
  * sets a table's caption as pandoc's ``Table:`` caption (longtable: kept with the table);
  * letters the appendix's ``##`` headings (A, B, ...: a heading ``{#app:x}`` is
    ``@app:x``) and numbers the reference list (``- <a id="ref:key"></a>text`` lines);
  * replaces each ``@fig:x``, ``@tbl:x``, ``@app:x``, ``@ref:key`` in Markdown (cells,
    Markdown outputs, captions) by its number, linked to its target.
An unknown label becomes "??" with a warning, as LaTeX does.
"""
from __future__ import annotations

import re

FIGURE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/svg+xml")
REF_RE = re.compile(r"(?<![\w@/.])@(fig|tbl|app|ref):([A-Za-z0-9_.-]*[A-Za-z0-9_])")
ANCHOR_RE = re.compile(r'<a id="([^"]+)"></a>')
REFERENCE_LINE_RE = re.compile(r'^\s*[-*+]\s+<a id="(ref:[^"]+)"></a>\s*(.*)$')
APPENDIX_HEADING_RE = re.compile(r"^ {0,3}##[ \t]+(.*?)[ \t]*$")
HEADING_ID_RE = re.compile(r"\{[^{}]*#(app:[^\s}]+)[^{}]*\}\s*$")
# The headings report/build_appendix.py writes (identifiers, as Markdown cells may be merged)
APPENDIX_ID, REFERENCES_ID = "#lab1-appendix", "#lab1-references"


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def _is_figure(out) -> bool:
    return out.get("output_type") in ("display_data", "execute_result") and any(
        t in out.get("data", {}) for t in FIGURE_TYPES)


def _caption_of(out):
    return out.get("metadata", {}).get("lab1_caption") if out.get("output_type") == "display_data" else None


def number_captions(cells, numbers: dict, warnings: list) -> None:
    """Number figures and tables in order; move figure captions onto their figures."""
    counts = {"figure": 0, "table": 0}
    last_figure = None                   # the latest figure output, while nothing else follows it
    for cell in cells:
        if cell.cell_type != "code":
            last_figure = None
            continue
        kept = []
        for out in cell.get("outputs", []):
            caption = _caption_of(out)
            if not caption:
                kept.append(out)
                last_figure = out if _is_figure(out) else None
                continue
            kind, label, text = caption.get("kind"), caption.get("label", ""), caption.get("caption", "")
            if label in numbers:
                warnings.append(f"label {label} is used twice; the second one is not numbered")
                kept.append(out)
                continue
            counts[kind] = counts.get(kind, 0) + 1
            number = counts[kind]
            if kind == "figure":
                if last_figure is None:
                    warnings.append(f"caption {label} does not follow a figure; shown as text")
                    kept.append(out)
                    continue
                numbers[label] = str(number)
                # the target inside the bold label: at the start of a line pandoc would set it
                # as a paragraph of its own, an empty line (and a page break) above the caption
                last_figure.setdefault("metadata", {})["lab1_figure_caption"] = (
                    f"**\\hypertarget{{{label}}}{{}}Figure {number}.** {text}")
                last_figure = None
                continue                 # the caption output itself is dropped
            numbers[label] = str(number)
            table = caption.get("table", "")
            out["data"] = {"text/markdown": f"{table}\n\nTable: \\protect\\hypertarget{{{label}}}{{}}"
                                            f"**Table {number}.** {text}\n"}
            kept.append(out)
            last_figure = None
        cell.outputs = kept


def _markdown_lines(cells):
    """(cell, line index, line) of every line of Markdown, in document order: Markdown cells
    and the Markdown outputs of code cells (a heading printed by display(Markdown(...)) is
    lettered by LaTeX like any other, so it must be counted here too)."""
    for cell in cells:
        if cell.cell_type == "markdown":
            for i, line in enumerate(cell.source.split("\n")):
                yield cell, i, line
        else:
            for output in cell.get("outputs", []):
                markdown = output.get("data", {}).get("text/markdown")
                if markdown is not None:
                    for i, line in enumerate(_text(markdown).split("\n")):
                        yield cell, i, line


def letter_appendix(cells, numbers: dict) -> None:
    """A, B, ... for the ## headings between the Appendix heading and the References one;
    {#app:x} ids are recorded."""
    started, count = False, 0
    for _, _, line in _markdown_lines(cells):
        if REFERENCES_ID in line and line.lstrip().startswith("#"):
            return
        if APPENDIX_ID in line and line.lstrip().startswith("#"):
            started = True
            continue
        match = APPENDIX_HEADING_RE.match(line) if started else None
        if match:
            count += 1
            ident = HEADING_ID_RE.search(match.group(1))
            if ident:
                numbers[ident.group(1)] = chr(ord("A") + count - 1)


def number_references(cells, numbers: dict) -> None:
    """[1], [2], ... for the reference list's entries (after the References heading), in
    order, each its own paragraph."""
    started = False
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        lines = []
        for line in cell.source.split("\n"):
            started = started or (REFERENCES_ID in line and line.lstrip().startswith("#"))
            match = REFERENCE_LINE_RE.match(line) if started else None
            if not match:
                lines.append(line)
                continue
            label, text = match.groups()
            numbers[label] = f"[{sum(k.startswith('ref:') for k in numbers) + 1}]"
            number = numbers[label].replace("[", "\\[").replace("]", "\\]")
            lines += ["", f"{number}\\hypertarget{{{label}}}{{}} {text}", ""]   # inline: see figures
        cell.source = "\n".join(lines)


def replace_references(markdown: str, numbers: dict, warnings: list) -> str:
    """@kind:label -> its number, linked; <a id="..."></a> anchors -> LaTeX targets."""
    def number(match):
        label = f"{match.group(1)}:{match.group(2)}"
        if label not in numbers:
            warnings.append(f"unknown reference @{label}")
            return "??"
        return f"\\protect\\hyperlink{{{label}}}{{{numbers[label]}}}"

    markdown = REF_RE.sub(number, markdown)
    return ANCHOR_RE.sub(lambda m: f"\\hypertarget{{{m.group(1)}}}{{}}", markdown)


def resolve(nb) -> dict:
    """Number and resolve in place (see the module's docstring); prints a warning line per
    problem. Returns {label: number text}, e.g. {"fig:lr": "3", "app:logs": "B", "ref:ta": "[1]"}."""
    numbers, warnings = {}, []
    number_captions(nb.cells, numbers, warnings)
    letter_appendix(nb.cells, numbers)
    number_references(nb.cells, numbers)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = replace_references(cell.source, numbers, warnings)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = replace_references(_text(data["text/markdown"]), numbers, warnings)
            meta = out.get("metadata", {})
            if "lab1_figure_caption" in meta:
                meta["lab1_figure_caption"] = replace_references(meta["lab1_figure_caption"], numbers,
                                                                 warnings)
    for warning in dict.fromkeys(warnings):
        print(f"warning: {warning}", flush=True)
    return numbers
