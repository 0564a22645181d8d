"""Cells tagged `appendix` move to an Appendix after the main text, cells tagged
`references` to a reference list after that.

``reorder(executed, work_dir)`` splits each executed notebook that has tagged cells into
its main part and its appendix (and references) part, written to work_dir, and returns
the notebooks in the order to merge: every main part, an Appendix heading, every appendix
part, a References heading, every references part. Notebooks without tagged cells are
returned as they are, and with no tagged cell anywhere the list is unchanged.

The Appendix starts on a new page as an unnumbered section, so the rubric's numbering
(1-5, A-D) of the main text is untouched; its `##` headings are lettered A, B, ...
(give one an id, `## Training logs {#app:logs}`, to refer to it as `Appendix @app:logs`).
"""
from __future__ import annotations

from pathlib import Path

APPENDIX_TAG, REFERENCES_TAG = "appendix", "references"
# report/captions.py finds the two headings by their identifiers
APPENDIX_HEADING = "\\clearpage\n\n# Appendix {- #lab1-appendix}\n\n\\setcounter{subsection}{0}"
REFERENCES_HEADING = "# References {- #lab1-references}"


def _tags(cell) -> set:
    return set(cell.metadata.get("tags", []))


def _heading_notebook(path: Path, source: str, like):
    import nbformat

    nb = nbformat.v4.new_notebook(metadata=like.metadata, cells=[nbformat.v4.new_markdown_cell(source)])
    nbformat.write(nb, path)
    return path


def reorder(executed: list[Path], work_dir: Path) -> list[Path]:
    import nbformat

    main, appendix, references = [], [], []
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in work_dir.glob("*.ipynb"):
        stale.unlink()
    first = None
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        first = first or nb
        parts = {APPENDIX_TAG: [], REFERENCES_TAG: []}
        kept = []
        for cell in nb.cells:
            tag = next((t for t in (REFERENCES_TAG, APPENDIX_TAG) if t in _tags(cell)), None)
            (parts[tag] if tag else kept).append(cell)
        if not parts[APPENDIX_TAG] and not parts[REFERENCES_TAG]:
            main.append(path)
            continue
        nb.cells = kept
        main.append(work_dir / path.name)
        nbformat.write(nb, main[-1])
        for tag, into in ((APPENDIX_TAG, appendix), (REFERENCES_TAG, references)):
            if parts[tag]:
                part = nbformat.v4.new_notebook(metadata=nb.metadata, cells=parts[tag])
                into.append(work_dir / f"{path.stem}.{tag}.ipynb")
                nbformat.write(part, into[-1])
    if not appendix and not references:
        return list(executed)
    order = list(main)
    if appendix:
        order.append(_heading_notebook(work_dir / "appendix.ipynb", APPENDIX_HEADING, first))
        order += appendix
    if references:
        order.append(_heading_notebook(work_dir / "references.ipynb", REFERENCES_HEADING, first))
        order += references
    return order
