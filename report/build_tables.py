"""Table layout for the PDF: how wide pandoc sets each column of a Markdown pipe table.

The notebooks emit plain pipe tables. When a line of a pipe table is longer than 72
characters, pandoc sets the table across the full text width and gives each column a
share proportional to the dashes of its separator; shorter tables get columns as wide as
their contents. ``size_pipe_tables`` rewrites every separator of the merged report so each
column gets DASHES_PER_EM dashes per em of its widest cell (``text_width``, from Latin
Modern's glyph widths; a header may take two lines), so no cell wraps as long as the
contents fit the page (``table_fits``). report/build.py calls it once, on the merged notebook.
"""
import math
import re

# The PDF's tables: text width 16 cm (455 pt), set in \small (10 pt) Latin Modern, with
# \tabcolsep = 6 pt on both sides of every inner column border.
TEXT_WIDTH_PT, TABLE_FONT_PT, TABCOLSEP_PT = 455.0, 10.0, 6.0

# Advance widths in em of Latin Modern Roman (cmr10 metrics); other characters count 0.5.
_EM = dict.fromkeys("0123456789", 0.5)
_EM.update(zip("abcdefghijklmnopqrstuvwxyz",
               (0.5, 0.556, 0.444, 0.556, 0.444, 0.306, 0.5, 0.556, 0.278, 0.306, 0.528, 0.278,
                0.833, 0.556, 0.5, 0.556, 0.528, 0.392, 0.394, 0.389, 0.556, 0.528, 0.722, 0.528,
                0.528, 0.444)))
_EM.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               (0.75, 0.708, 0.722, 0.764, 0.681, 0.653, 0.785, 0.75, 0.361, 0.514, 0.778, 0.625,
                0.917, 0.75, 0.778, 0.681, 0.778, 0.736, 0.556, 0.722, 0.75, 0.75, 1.028, 0.75,
                0.75, 0.611)))
_EM.update({" ": 0.333, ".": 0.278, ",": 0.278, ":": 0.278, ";": 0.278, "%": 0.833,
            "±": 0.778, "×": 0.778, "—": 1.0, "–": 0.5, "-": 0.333, "/": 0.5, "(": 0.389,
            ")": 0.389, "[": 0.278, "]": 0.278, "→": 1.0, "=": 0.778, "+": 0.778, "<": 0.778,
            ">": 0.778, "'": 0.278, "′": 0.3, "σ": 0.6, "η": 0.5, "≈": 0.778, "≤": 0.778,
            "≥": 0.778, "!": 0.278, "?": 0.472, "*": 0.5, "&": 0.778})
_MATH_EM = {r"\times": 1.222, r"\pm": 1.222, r"\to": 1.278, r"\cdot": 0.5}   # with the spaces


def text_width(text):
    """Roughly how wide a Markdown table cell is set, in em of the table's font.

    Counts Latin Modern's character widths; code (`...`) at 0.525 em per character,
    **bold** 10% wider, and in $...$ maths binary operators with their spaces,
    scripts (^{...}, _{...}) at 70% and other commands as one symbol.
    """
    text, total = str(text), 0.0
    for part in re.split(r"(`[^`]*`|\$[^$]*\$)", text):
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            total += 0.525 * (len(part) - 2)
        elif part.startswith("$") and part.endswith("$") and len(part) > 1:
            total += _math_width(part[1:-1])
        else:
            bold = part.count("**") >= 2
            plain = part.replace("**", "").replace("\\", "")
            total += sum(_EM.get(ch, 0.5) for ch in plain) * (1.1 if bold else 1.0)
    return total


def _math_width(tex, scale=1.0):
    total, i = 0.0, 0
    while i < len(tex):
        ch = tex[i]
        if ch in "^_":
            i += 1
            if i < len(tex) and tex[i] == "{":
                depth, j = 1, i + 1
                while j < len(tex) and depth:
                    depth += {"{": 1, "}": -1}.get(tex[j], 0)
                    j += 1
                total += _math_width(tex[i + 1:j - 1], scale * 0.7) + 0.1 * scale
                i = j
            else:
                total += _math_width(tex[i:i + 1], scale * 0.7)
                i += 1
            continue
        if ch == "\\":
            match = re.match(r"\\[a-zA-Z]+|\\.", tex[i:])
            command = match.group(0)
            total += scale * _MATH_EM.get(command, 0 if command in (r"\,", r"\ ", r"\left", r"\right")
                                          else 0.6)
            i += len(command)
            continue
        if ch in "{} ":
            i += 1
            continue
        total += scale * (1.222 if ch in "+=<>" else 0.778 if ch == "-" else _EM.get(ch, 0.5))
        i += 1
    return total


def _header_width(header):
    """Width of a header set on at most two lines (split at the best space)."""
    words = str(header).split()
    if len(words) < 2:
        return text_width(header)
    return min(max(text_width(" ".join(words[:k])), text_width(" ".join(words[k:])))
               for k in range(1, len(words)))


def column_widths(headers, rows):
    """The width (em) each column needs: its widest cell, and its header on at most two lines."""
    return [max([_header_width(h)] + [text_width(row[j]) for row in rows])
            for j, h in enumerate(headers)]


def table_room(columns):
    """The width (em) a table of that many columns has for its cells on the PDF page."""
    return (TEXT_WIDTH_PT - 2 * (columns - 1) * TABCOLSEP_PT) / TABLE_FONT_PT


DASHES_PER_EM = 6



def sized_separator(headers, rows, separator):
    """The separator row of a pipe table with dashes for each column's width (alignment kept)."""
    cells = [c.strip() for c in separator.strip().strip("|").split("|")]
    rule = []
    for cell, width in zip(cells, column_widths(headers, rows)):
        dashes = "-" * max(math.ceil(DASHES_PER_EM * width), 3)
        rule.append((":" if cell.startswith(":") else "") + dashes + (":" if cell.endswith(":") else ""))
    return "|" + "|".join(rule) + "|"


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def size_markdown_tables(markdown):
    """markdown with the separator row of every pipe table sized by its columns' contents."""
    lines, out, i = str(markdown).split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        if (line.strip().startswith("|") and i + 1 < len(lines) and lines[i + 1].strip().startswith("|")
                and set(lines[i + 1].strip()) <= set("|:- ") and "-" in lines[i + 1]):
            end = i + 2
            while end < len(lines) and lines[end].strip().startswith("|"):
                end += 1
            headers, rows = _cells(line), [_cells(row) for row in lines[i + 2:end]]
            if all(len(row) == len(headers) for row in rows):
                out += [line, sized_separator(headers, rows, lines[i + 1])] + lines[i + 2:end]
                i = end
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def size_pipe_tables(nb):
    """Size the pipe tables of a merged notebook in place: Markdown cells and Markdown outputs."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = size_markdown_tables(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                data["text/markdown"] = size_markdown_tables(text if isinstance(text, str) else "".join(text))
    return nb


def parse_pipe_tables(markdown):
    """[(headers, rows)] of every pipe table in a Markdown text (cells stripped)."""
    tables, block = [], []
    for line in str(markdown).splitlines() + [""]:
        if line.strip().startswith("|"):
            block.append(_cells(line))
            continue
        if len(block) >= 2 and set("".join(block[1])) <= set(":- "):
            tables.append((block[0], block[2:]))
        block = []
    return tables


def table_fits(headers, rows):
    """(fits, needed, room): whether the cells fit the page's width with no wrapping.

    needed adds 1/DASHES_PER_EM em per column for the rounding of the separator's dashes
    (a column of width w gets at least w when the dashes in all add up to at most
    DASHES_PER_EM times the room).
    """
    needed = sum(max(w, 3 / DASHES_PER_EM) for w in column_widths(headers, rows)) \
        + len(headers) / DASHES_PER_EM
    room = table_room(len(headers))
    return needed <= room, needed, room

