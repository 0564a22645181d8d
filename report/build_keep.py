"""Keep short tables on one page: a `\\Needspace` before each Markdown pipe table of at most
MAX_ROWS rows (in Markdown cells and Markdown outputs), so a table that does not fit the
rest of a page starts on the next one with its caption (pandoc's ``Table:`` caption is in
the longtable's head). Longer tables may break, repeating their header row.
Code listings and printed text get the same treatment in the template (report/template/lab1);
a heading right before printed text or a short table asks for room for both, so it is not left
at a page foot.
"""
from __future__ import annotations

import re

MAX_ROWS = 40
TABLE_LINE_RE = re.compile(r"^ {0,3}\|")
CAPTION_RE = re.compile(r"^ {0,3}Table:\s")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ROW_HEIGHT = 1.15                # baselines per row of a \small booktabs table, rules included


def needspace_lines(rows: int, captioned: bool) -> int:
    return int(ROW_HEIGHT * rows + (2.5 if captioned else 0) + 2.5 + 0.999)


def keep_tables_together(markdown: str) -> str:
    """markdown with `\\Needspace{n\\baselineskip}` before each short pipe table."""
    lines, out, i, fence = markdown.split("\n"), [], 0, None
    while i < len(lines):
        line = lines[i]
        opening = FENCE_RE.match(line)
        if fence or opening:
            if opening:
                fence = None if fence else opening.group(1)
            out.append(line)
            i += 1
            continue
        if not TABLE_LINE_RE.match(line) or (out and out[-1].strip()):
            out.append(line)          # not a table, or a table that continues a paragraph
            i += 1
            continue
        end = i
        while end < len(lines) and TABLE_LINE_RE.match(lines[end]):
            end += 1
        rows = end - i - 1                                 # the |---| line is not a row
        # a caption may stand before the table (one blank line between) or after it
        before = len(out) - 2 if len(out) >= 2 and CAPTION_RE.match(out[-2]) else len(out)
        captioned = before < len(out) or any(CAPTION_RE.match(t) for t in lines[end:end + 2])
        if 1 <= rows <= MAX_ROWS and "\\Needspace" not in "".join(out[max(before - 3, 0):before]):
            out[before:before] = ["", f"\\Needspace{{{needspace_lines(rows, captioned)}\\baselineskip}}", ""]
        out += lines[i:end]
        i = end
    return "\n".join(out)


HEADING_RE = re.compile(r"(?:^|\n)( {0,3}#{1,6}[ \t][^\n]*)")
LEAD_IN_CHARS = 300             # a heading's own lead-in of up to this many characters stays with it
LINE_CHARS = 90                 # characters per line of body text, for that lead-in's height
MAX_KEPT_LINES = 45             # as the template's keep_lines
LOG_LINES_UNDER_HEADING = 8     # of a longer printout, the lines kept with its heading
LEADING_NEEDSPACE_RE = re.compile(r"\s*\\Needspace\{(\d+)\\baselineskip\}")


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def apply(nb) -> None:
    """keep_tables_together on every Markdown cell and Markdown output of nb, in place; a
    Markdown piece that ends with a heading (and perhaps a short lead-in) and is followed by
    printed text of at most MAX_KEPT_LINES lines, or by a short table, gets a \\Needspace for
    the heading and what follows together (for longer printed text: its first
    LOG_LINES_UNDER_HEADING lines)."""
    pieces = []                 # (container, key) of each Markdown piece or stream, in order
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = keep_tables_together(cell.source)
            pieces.append((cell, "source"))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = keep_tables_together(_text(data["text/markdown"]))
                pieces.append((data, "text/markdown"))
            elif out.get("output_type") == "stream":
                pieces.append((out, "text"))
            else:
                pieces.append((None, None))
    for (before, key), (after, after_key) in zip(pieces, pieces[1:]):
        if key not in ("source", "text/markdown"):
            continue
        heading = _last_heading(before[key])
        if heading is None:
            continue
        start, lead_lines = heading
        if after_key == "text":      # a long log may break, but not right under its heading
            lines = _text(after["text"]).count("\n") + 1
            needed = 6 + min(lines, MAX_KEPT_LINES if lines <= MAX_KEPT_LINES else LOG_LINES_UNDER_HEADING)
        elif after_key in ("source", "text/markdown"):
            kept_table = LEADING_NEEDSPACE_RE.match(after[after_key])   # a short table comes first
            needed = int(kept_table.group(1)) + 2 if kept_table else None   # the table's own room is generous
        else:
            needed = None
        if needed:
            text = before[key]
            before[key] = text[:start] + f"\\Needspace{{{needed + lead_lines}\\baselineskip}}\n\n" + text[start:]


def _last_heading(text):
    """(where the last heading of a Markdown piece starts, lines of the lead-in after it) when
    at most LEAD_IN_CHARS characters of text follow that heading; else None."""
    def in_code(pos):       # a '# comment' line of a fenced code block is no heading
        return sum(1 for line in text[:pos].split("\n") if FENCE_RE.match(line)) % 2 == 1

    matches = [m for m in HEADING_RE.finditer(text) if not in_code(m.start(1))]
    if not matches:
        return None
    last = matches[-1]
    lead_in = text[last.end():].strip()
    if len(lead_in) > LEAD_IN_CHARS:
        return None
    return last.start(1), (-(-len(lead_in) // LINE_CHARS) + 1 if lead_in else 0)
