"""What the report lists: source code, architecture tables and initializer formulas."""
import inspect
import re
import textwrap

import numpy as np

from .. import nn
from .comparisons import keep_together
from .config import check_choice
from .formatting import markdown_table

def architecture_rows(model):
    """[(index, layer, output shape note, weight shape, bias shape, parameters)] per module.

    Shapes are those of one model (the models axis, if any, is left out).
    """
    rows = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, nn.Linear):
            w = layer.weight.data.shape[-2:]
            b = layer.bias.data.shape[-1:] if layer.bias is not None else None
            count = int(np.prod(w)) + (int(np.prod(b)) if b else 0)
            rows.append((i, f"Linear({layer.in_features} → {layer.out_features})",
                         f"(N, {layer.out_features})", w, b, count))
        else:
            rows.append((i, type(layer).__name__, "same as input", None, None, 0))
    return rows


def architecture_table(model):
    """Markdown table of architecture_rows(model) with a total row."""
    rows = architecture_rows(model)

    def shape(s):
        return "—" if s is None else "(" + ", ".join(map(str, s)) + (",)" if len(s) == 1 else ")")

    body = [[i, name, out, shape(w), shape(b), count] for i, name, out, w, b, count in rows]
    body.append(["", "**total**", "", "", "", f"**{sum(r[-1] for r in rows)}**"])
    return markdown_table(["#", "layer", "output", "W", "b", "parameters"], body, align="rllllr")


# --------------------------------------------------------------------------- initializers

# lab1.nn.INITIALIZERS in formulas (tests check each scale against the library's):
# U(±a) is uniform on (-a, a); N(0, s^2) normal with variance s^2; fan_in, fan_out are
# the layer's input and output sizes.
INIT_FORMULAS = {
    "uniform": r"$U(\pm 1/\sqrt{\text{fan}_\text{in}})$",
    "normal": r"$\mathcal{N}(0, 1)$",
    "xavier_uniform": r"$U(\pm\sqrt{6/(\text{fan}_\text{in} + \text{fan}_\text{out})})$",
    "xavier_normal": r"$\mathcal{N}(0,\, 2/(\text{fan}_\text{in} + \text{fan}_\text{out}))$",
    "he_uniform": r"$U(\pm\sqrt{6/\text{fan}_\text{in}})$",
    "he_normal": r"$\mathcal{N}(0,\, 2/\text{fan}_\text{in})$",
}


def init_formula(name):
    """The distribution of initializer name's weights in LaTeX, e.g. '$\\mathcal{N}(0, 1)$'.

    Biases start at 0, except where nn.INITIALIZERS[name][2] is True ("uniform": drawn
    like the weights, as torch does).
    """
    check_choice("init", name, tuple(nn.INITIALIZERS))
    return INIT_FORMULAS[name]



def source_listing(obj, width=80, header=True):
    """The source code of obj, dedented, for a report listing at most ~width columns wide.

    A trailing comment of a too-long line moves onto its own line above it, and a block
    of comment lines with a too-long line is re-wrapped; code itself is never changed.
    header: start with a comment naming it, e.g. '# MSELoss.backward (lab1/nn/losses.py)'.
    """
    lines = []
    if header:
        module = getattr(inspect.getmodule(obj), "__name__", "")
        lines.append(f"# {obj.__qualname__} ({module.replace('.', '/')}.py)")
    for line in textwrap.dedent(inspect.getsource(obj)).rstrip().splitlines():
        match = re.match(r"^(\s*)([^#'\"]*?\S)\s+(#.*)$", line)
        if len(line) > width and match:
            lines += [match.group(1) + match.group(3), match.group(1) + match.group(2)]
        else:
            lines.append(line)
    out, i = [], 0
    while i < len(lines):
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        j = i
        while j < len(lines) and lines[j].startswith(indent + "#"):
            j += 1
        block = lines[i:j]
        if block and max(map(len, block)) > width:
            text = " ".join(line.strip().lstrip("#").strip() for line in block)
            out += textwrap.wrap(text, width=width, initial_indent=indent + "# ",
                                 subsequent_indent=indent + "# ")
            i = j
        elif block:
            out += block
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def listings_markdown(*objs):
    """Markdown: one code block per object's source_listing, each asking the PDF for room for
    all its lines first, so a listing of up to a page is never split across a page break."""
    blocks = []
    for obj in objs:
        listing = source_listing(obj)
        blocks.append(keep_together(listing.count("\n") + 3) + "```python\n" + listing + "\n```")
    return "\n\n".join(blocks)

