"""Incremental execution: what a notebook's executed result depends on, hashed into one key,
and the executed copies stored by that key.

The key covers the notebook's code cells (source, and which one is the `parameters` cell),
its kernel name, the papermill parameters (--quick, --set), every file of the library the
kernel imports (lab1/**/*.py, lab1/datasets/*, the reference setting included), the kernel's
interpreter and the versions of the packages that shape the outputs. Markdown and raw cells
are not in it: they are taken from the source notebook at merge time, so editing text never
re-executes. A cached copy is never edited: a new key means a new file.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import sys
from pathlib import Path

from build_io import write_atomically

# Packages whose version can change a notebook's outputs (numbers, figures, reprs).
OUTPUT_PACKAGES = ("numpy", "matplotlib", "ipykernel", "ipython", "papermill", "nbclient",
                   "nbformat", "matplotlib-inline")
KEEP_PER_NOTEBOOK = 3  # cached results kept per notebook: e.g. default, --quick and one --set


def tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def plain(value):
    """value with tuples as lists (papermill and JSON know lists), recursively."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def runtime_versions(kernel_name: str = "python3") -> dict:
    """The interpreter and package versions the kernel runs with (the kernel is this
    environment's python3 kernelspec, installed by `make setup`)."""
    from importlib import metadata

    versions = {"python": sys.version, "kernel": kernel_name}
    for package in OUTPUT_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        versions["kernel_argv"] = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except Exception:  # no such kernelspec: papermill will say so when it runs
        versions["kernel_argv"] = None
    return versions


def library_files(library: Path) -> list[Path]:
    """The library's source and data: **/*.py and datasets/*, sorted."""
    if not library.is_dir():
        return []
    files = [p for p in library.rglob("*.py") if "__pycache__" not in p.parts]
    data = library / "datasets"
    if data.is_dir():
        files += [p for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(set(files))


def library_digest(library: Path) -> str:
    digest = hashlib.sha256()
    for path in library_files(library):
        digest.update(str(path.relative_to(library)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digest(nb: dict) -> dict:
    """The part of a notebook that execution depends on: code cells and the kernel."""
    cells = [{"source": "".join(c.get("source", "")), "parameters": "parameters" in tags(c)}
             for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    return {"cells": cells, "kernel": nb.get("metadata", {}).get("kernelspec", {}).get("name")}


def execution_key(nb: dict, parameters: dict, library: str, versions: dict,
                  environment: dict) -> str:
    """sha256 over everything the executed result depends on (see the module docstring)."""
    payload = {"notebook": code_digest(nb), "parameters": plain(parameters),
               "library": library, "versions": versions, "environment": environment}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Executed notebooks in cache_dir, named <notebook stem>.<key>.ipynb."""

    def __init__(self, cache_dir: Path):
        self.dir = cache_dir

    def path(self, name: str, key: str) -> Path:
        return self.dir / f"{Path(name).stem}.{key[:32]}.ipynb"

    def get(self, name: str, key: str) -> Path | None:
        path = self.path(name, key)
        if not path.is_file():
            return None
        os.utime(path)  # most recently used: kept longest by prune()
        return path

    def put(self, name: str, key: str, executed: Path) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path(name, key), executed.read_bytes())

    def prune(self, names) -> None:
        for name in names:
            entries = sorted(self.dir.glob(f"{Path(name).stem}.*.ipynb"),
                             key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[KEEP_PER_NOTEBOOK:]:
                old.unlink(missing_ok=True)


def with_source_text(executed: dict, source: dict) -> dict:
    """The executed notebook as if run from source now: every cell of source in its order
    (Markdown and raw cells, code cells' tags), code cells with the outputs they got when run.
    papermill's injected-parameters cell stays after the cell it followed.

    The code cells of both must match (the cache key guarantees it); ValueError otherwise.
    """
    ran = [c for c in executed["cells"] if c.get("cell_type") == "code"]
    injected = [c for c in ran if "injected-parameters" in tags(c)]
    ran = [c for c in ran if "injected-parameters" not in tags(c)]
    wanted = [c for c in source["cells"] if c.get("cell_type") == "code"]
    if len(ran) != len(wanted) or any("".join(a.get("source", "")) != "".join(b.get("source", ""))
                                      for a, b in zip(ran, wanted)):
        raise ValueError("cached notebook does not match the source's code cells")
    outputs = iter(ran)
    cells = []
    for cell in copy.deepcopy(source["cells"]):
        if cell.get("cell_type") == "code":
            done = next(outputs)
            cell["outputs"] = done.get("outputs", [])
            cell["execution_count"] = done.get("execution_count")
            for key in ("papermill", "execution"):
                if key in done.get("metadata", {}):
                    cell["metadata"][key] = done["metadata"][key]
        cells.append(cell)
        if "parameters" in tags(cell) and injected:
            cells.append(injected.pop(0))
    cells[:0] = injected  # no parameters cell: papermill put it first
    result = copy.copy(executed)
    result["cells"] = cells
    return result
