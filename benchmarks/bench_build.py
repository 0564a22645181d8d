"""make bench, report build: what incremental rebuilds cost, as ratios to a full build
measured in the same run, and where a full build's time goes.

The report's notebooks are copied to a temporary folder and built there with --quick
(the same notebooks, short runs), so this takes a minute rather than several:
  1. full build (empty cache)        -> the reference time
  2. rebuild, nothing changed        -> target < 5% of 1
  3. rebuild after editing the text of one Markdown cell -> target < 50% of 1
Then, from the executed notebooks of 1 (papermill records each cell's duration): per
notebook, time in kernel start-up and papermill, in cells that draw figures, in the rest.

    python benchmarks/bench_build.py [--full]   # --full: default settings (slow)
"""
import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIGURE_TYPES = ("image/png", "application/pdf")


def build(notebooks, work, quick):
    """One build; returns (wall seconds, CPU seconds of the build and everything it ran:
    workers, kernels, pandoc, xelatex -- a measure a busy machine does not inflate, stdout)."""
    command = [sys.executable, str(REPO / "report" / "build.py"), "--draft",
               "--notebooks", str(notebooks), "--build-dir", str(work / "build"),
               "--out", str(work / "report.pdf"), "--date", "2026-01-01"]
    started, cpu_before = time.perf_counter(), children_cpu()
    done = subprocess.run(command + (["--quick"] if quick else []), capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench_build: the build failed:\n{done.stdout}{done.stderr}")
    return seconds, children_cpu() - cpu_before, done.stdout


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def edit_first_markdown(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + "\n\nOne more sentence for the benchmark."
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def where_time_goes(executed_dir):
    """Rows (notebook, total, start-up, figure cells, other cells) from papermill's
    per-cell durations."""
    rows = []
    for path in sorted(executed_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        total = nb["metadata"].get("papermill", {}).get("duration") or 0.0
        figures = other = 0.0
        for cell in nb["cells"]:
            seconds = cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
            draws = any(t in out.get("data", {}) for out in cell.get("outputs", [])
                        for t in FIGURE_TYPES)
            if draws:
                figures += seconds
            else:
                other += seconds
        rows.append((path.name, total, max(0.0, total - figures - other), figures, other))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="default settings, not --quick")
    args = parser.parse_args()
    quick = not args.full
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        notebooks = work / "notebooks"
        shutil.copytree(REPO / "notebooks", notebooks,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        full, full_cpu, out = build(notebooks, work, quick)
        latex = re.search(r"PDF rendered in ([\d.]+) s", out)
        rows = where_time_goes(work / "build" / "executed")
        unchanged, _, _ = build(notebooks, work, quick)
        edit_first_markdown(sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))[-1])
        markdown, _, out_md = build(notebooks, work, quick)
        if " ran " in f" {out_md} ".replace("\n", " "):
            sys.exit("bench_build: a Markdown edit re-executed a notebook:\n" + out_md)

    print(f"report build ({'--quick' if quick else 'default'} notebooks, 2 at a time)")
    print(f"  full build (empty cache)      {full:7.1f} s   ({full_cpu:.1f} s of CPU: at best "
          f"{full_cpu / 2:.1f} s on 2 idle cores)")
    print(f"  nothing changed               {unchanged:7.1f} s   {unchanged / full:6.1%} "
          "of full (target < 5%)")
    print(f"  one Markdown cell edited      {markdown:7.1f} s   {markdown / full:6.1%} "
          "of full (target < 50%)")
    if latex:
        print(f"  LaTeX in the full build       {float(latex.group(1)):7.1f} s")
    print("where notebook time goes (papermill's per-cell durations, summed over kernels;")
    print("start-up = kernel start and papermill, figure cells = cells that show a figure):")
    print(f"  {'notebook':<26}{'total':>8}{'start-up':>10}{'fig.cells':>10}{'other':>8}")
    for name, total, startup, figures, other in rows:
        print(f"  {name:<26}{total:8.1f}{startup:10.1f}{figures:10.1f}{other:8.1f}")
    sums = [sum(column) for column in zip(*[row[1:] for row in rows])]
    print(f"  {'all':<26}{sums[0]:8.1f}{sums[1]:10.1f}{sums[2]:10.1f}{sums[3]:8.1f}"
          f"   figure cells {sums[2] / sums[0]:.0%}, start-up {sums[1] / sums[0]:.0%}")


if __name__ == "__main__":
    main()
