"""The Introduction's preview of Sections 4 and 5, made when the report is built.

The later notebooks compute the findings the Introduction previews, so the preview is made
from the executed notebooks' results documents (the output of MIME type
application/vnd.lab1.results+json each one displays, lab1/study/results.py) by ``lab1.study.preview.findings_preview``, and
inserted as a Markdown cell right after the merged notebook's cell tagged ``preview``
(before captions are resolved, so the text may use @fig:/@tbl:/@app: references).

``preview_text(executed)`` makes the text from the executed notebooks ((name, notebook
dict) pairs); ``insert(merged, text)`` puts it in. build.py makes the text once, puts it in
the PDF's key (pdf_key) and inserts that same text.
"""
from __future__ import annotations

from pathlib import Path

PREVIEW_TAG = "preview"


def documents(executed) -> dict:
    """{notebook name (no .ipynb): its results document} of the executed notebooks that
    display one; (name, notebook dict or node) pairs."""
    from lab1.study.results import document_of

    found = {Path(name).stem: document_of(nb) for name, nb in executed}
    return {name: document for name, document in found.items() if document is not None}


def preview_text(executed) -> str | None:
    """The preview paragraph (Markdown) of the executed notebooks, or None (nothing to say,
    or no notebook with a cell tagged `preview`: then no one would show it)."""
    if not any(PREVIEW_TAG in cell.get("metadata", {}).get("tags", [])
               for _, nb in executed for cell in nb.get("cells", [])):
        return None
    from lab1.study.preview import findings_preview   # the sentences are made in lab1/study

    return findings_preview(documents(executed))


def insert(merged, text: str | None) -> bool:
    """Insert text as a Markdown cell after the first cell tagged `preview` of the merged
    notebook (nbformat node). False, and nothing changed, without text or such a cell."""
    import nbformat

    if not text:
        return False
    for i, cell in enumerate(merged.cells):
        if PREVIEW_TAG in cell.metadata.get("tags", []):
            new = nbformat.v4.new_markdown_cell(text)
            new.id = f"{cell.id}-preview"
            origin = cell.metadata.get("lab1_origin")
            if origin:   # a LaTeX error in it names the cell it follows (build_merge.with_cell_marks)
                new.metadata["lab1_origin"] = {"notebook": "report/build_preview.py: preview after "
                                                           + origin["notebook"],
                                               "cells": list(origin["cells"])}
            merged.cells.insert(i + 1, new)
            return True
    return False
