"""Cells tagged `appendix` move to an Appendix after the main text, cells tagged
`references` to a reference list after that.

``reorder(notebooks)`` takes the executed notebooks in report order, as paths or as
(name, notebook node) pairs, splits each one that has tagged cells into its main part and
its appendix (and references) part, and returns the notebooks in the order to merge:
every main part, an Appendix heading, every appendix part, a References heading, every
references part -- as pairs, or, given paths, as paths (parts written to work_dir).
Notebooks without tagged cells are returned as they are, and with no tagged cell anywhere
the list is unchanged.

The Appendix starts on a new page as an unnumbered section, so the rubric's numbering
(1-5, A-D) of the main text is untouched; its `##` headings are lettered A, B, ...
(give one an id, `## Training logs {#app:logs}`, to refer to it as `Appendix @app:logs`).
"""
from __future__ import annotations

from pathlib import Path

APPENDIX_TAG, REFERENCES_TAG = "appendix", "references"
# report/build_captions.py finds the two headings by their identifiers
APPENDIX_HEADING = "\\clearpage\n\n# Appendix {- #lab1-appendix}\n\n\\setcounter{subsection}{0}"
REFERENCES_HEADING = "# References {- #lab1-references}"


def _tags(cell) -> set:
    return set(cell.metadata.get("tags", []))


def split(pairs: list) -> list:
    """(name, notebook) pairs in the order to merge (see the module's docstring)."""
    import nbformat

    main, appendix, references = [], [], []
    for name, nb in pairs:
        parts = {APPENDIX_TAG: [], REFERENCES_TAG: []}
        kept = []
        for cell in nb.cells:
            tag = next((t for t in (REFERENCES_TAG, APPENDIX_TAG) if t in _tags(cell)), None)
            (parts[tag] if tag else kept).append(cell)
        if not parts[APPENDIX_TAG] and not parts[REFERENCES_TAG]:
            main.append((name, nb))
            continue
        stem = Path(name).stem
        main.append((name, nbformat.v4.new_notebook(metadata=nb.metadata, cells=kept)))
        for tag, into in ((APPENDIX_TAG, appendix), (REFERENCES_TAG, references)):
            if parts[tag]:
                into.append((f"{stem}.{tag}.ipynb",
                             nbformat.v4.new_notebook(metadata=nb.metadata, cells=parts[tag])))
    if not appendix and not references:
        return list(pairs)
    like = pairs[0][1].metadata
    order = list(main)
    for heading, name, parts in ((APPENDIX_HEADING, "appendix.ipynb", appendix),
                                 (REFERENCES_HEADING, "references.ipynb", references)):
        if parts:
            order.append((name, nbformat.v4.new_notebook(
                metadata=like, cells=[nbformat.v4.new_markdown_cell(heading)])))
            order += parts
    return order


def reorder(notebooks: list, work_dir: Path | None = None) -> list:
    """split() for (name, notebook) pairs; for paths, the parts that changed are written to
    work_dir and paths are returned (unchanged notebooks keep their own path)."""
    import nbformat

    if not notebooks or not isinstance(notebooks[0], (str, Path)):
        return split(notebooks)
    paths = [Path(p) for p in notebooks]
    read = [(p.name, nbformat.read(p, as_version=4)) for p in paths]
    order = split(read)
    if order == read:
        return paths
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in work_dir.glob("*.ipynb"):
        stale.unlink()
    untouched = {id(nb): path for path, (_, nb) in zip(paths, read)}
    result = []
    for name, nb in order:
        if id(nb) in untouched:
            result.append(untouched[id(nb)])
        else:
            result.append(work_dir / name)
            nbformat.write(nb, result[-1])
    return result
