"""python -m lab1 batch / collect: a grid of papermill runs of one notebook, collected as data.

    python -m lab1 batch notebooks/03_learning_rate.ipynb --out runs -p dataset xor linear -p quick True
    python -m lab1 collect runs            # rebuilds runs/results.csv from the run folders

``batch`` runs every combination of the -p values (the grid), ``--jobs`` at a time (default:
the number of cores), each in its own folder ``DIR/<name=value,...>/`` holding the
executed notebook, its figures (the notebook's ``figures_dir``), ``results.json`` (the
notebook's results document, lab1.study.results) and ``run.json`` (the run's parameters
and, if it failed, the failing cell). It prints one line per finished run, keeps going
when a run fails, lists the failed runs with the cell that failed, writes
``DIR/results.csv`` and exits with status 1 if any run failed.

Values on the command line are Python literals where they parse as one (``1``, ``0.5``,
``True``, ``None``, ``"[0.1, 1]"``), otherwise text (``xor``). Several values after one
name are several runs (``-p hidden_units 1 2 4`` is three runs); a list-valued parameter
is one quoted value per run: ``-p lrs "[0.1,1]" "[1,10]"`` is two runs.

results.csv is long: one row per run, setting and metric, with the columns
``run``, the grid's parameter names, then ``notebook, study, data, setting, seed,
metric, value`` (see results.long_rows; ``data`` is the data set a run trained on, so it
never collides with a grid parameter named ``dataset``). Text is quoted and numbers are not, so
``csv.reader(f, quoting=csv.QUOTE_NONNUMERIC)`` reads every number back as a float (a
missing value is the quoted empty text); with plain ``csv.reader``, ``float(value)`` works.
"""
import argparse
import ast
import concurrent.futures
import csv
import itertools
import json
import os
import sys
import time
from pathlib import Path

from .results import long_rows, read_notebook, write

RUN_FILE, RESULTS_FILE, TABLE_FILE = "run.json", "results.json", "results.csv"
COLUMNS = ("notebook", "study", "data", "setting", "seed", "metric", "value")


def parse_value(text):
    """A command-line value: a Python literal if it is one ('0.5', 'True', '[0.1, 1]'), else text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def value_name(value):
    """A value as it appears in a run folder's name: 0.5, True, [0.1,1], xor."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def grid(parameters):
    """[{name: value}, ...]: every combination of parameters [(name, [values])], in order."""
    names = [name for name, _ in parameters]
    return [dict(zip(names, combo)) for combo in itertools.product(*(values for _, values in parameters))]


def run_name(values):
    """'dataset=xor,quick=True': the folder of one run (path separators replaced)."""
    name = ",".join(f"{k}={value_name(v)}" for k, v in values.items()) or "defaults"
    return name.replace(os.sep, "_").replace(" ", "")


def _kernel_environment():
    """Environment for the kernels: one BLAS thread each (the runs are the parallelism),
    deterministic hashes, no progress bars, and no MPLBACKEND (inline figures would vanish)."""
    os.environ.pop("MPLBACKEND", None)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("TQDM_DISABLE", "1")


def _source_cell(executed, cell_index):
    """The failing cell's position in the source notebook, counted from 1: papermill counts
    the cells of the executed copy, which has its injected parameters cell in it (and, in
    the written file, an error banner on top)."""
    try:
        cells = json.loads(Path(executed).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return cell_index + 1
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = sum("injected-parameters" in c.get("metadata", {}).get("tags", [])
                   for c in cells[:cell_index])
    return cell_index - injected + 1


def run_one(notebook, folder, values):
    """Execute notebook with values into folder (in a worker process); returns the run record."""
    import papermill as pm

    _kernel_environment()
    folder.mkdir(parents=True, exist_ok=True)
    executed = folder / notebook.name
    record = dict(notebook=notebook.stem, parameters=values, ok=True, failure=None)
    started = time.perf_counter()
    try:
        pm.execute_notebook(str(notebook), str(executed), parameters=dict(values, figures_dir=str(folder)),
                            kernel_name="python3", cwd=str(notebook.parent), progress_bar=False,
                            log_output=False)
    except pm.PapermillExecutionError as err:
        first = next((line.strip() for line in (err.source or "").splitlines() if line.strip()), "")
        record.update(ok=False, failure=dict(cell=_source_cell(executed, err.cell_index), begins=first,
                                             error=f"{err.ename}: {err.evalue}"))
    except Exception as err:   # no kernel, unreadable notebook, ...
        record.update(ok=False, failure=dict(cell=None, error=f"{type(err).__name__}: {err}"))
    record["seconds"] = round(time.perf_counter() - started, 1)
    if record["ok"]:
        document = read_notebook(executed)
        if document is None:
            record.update(ok=False, failure=dict(cell=None, error="the notebook recorded no results"))
        else:
            write(document, folder / RESULTS_FILE)
            (folder / f"{notebook.stem}.results.json").unlink(missing_ok=True)   # the same document
    (folder / RUN_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def describe_failure(name, record):
    failure = record["failure"]
    if failure.get("cell") is None:
        return f"  {name}: {failure['error']}"
    return (f"  {name}: cell {failure['cell']} (counting from 1, beginning {failure['begins']!r}): "
            f"{failure['error']}")


def batch(notebook, out, parameters, jobs=None):
    """Run the grid of parameters [(name, [values])] of notebook into out; returns the failed
    runs {name: record}. Writes out/results.csv."""
    notebook, out = Path(notebook).resolve(), Path(out)
    runs = grid(parameters)
    names = [run_name(values) for values in runs]
    if len(set(names)) != len(names):
        raise ValueError("two runs of the grid would share a folder; give each value once")
    jobs = jobs or os.cpu_count() or 1
    print(f"{len(runs)} run{'s' if len(runs) != 1 else ''} of {notebook.name}, {jobs} at a time, into {out}",
          flush=True)
    failed, done = {}, 0
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(runs))) as pool:
        futures = {pool.submit(run_one, notebook, (out / name).resolve(), values): name
                   for name, values in zip(names, runs)}
        for future in concurrent.futures.as_completed(futures):
            name, record = futures[future], future.result()
            done += 1
            status = "ok" if record["ok"] else "FAILED"
            print(f"[{done}/{len(runs)}] {name}: {status} ({record['seconds']:.1f} s)", flush=True)
            if not record["ok"]:
                failed[name] = record
    rows = collect(out)
    print(f"{rows} rows -> {out / TABLE_FILE}", flush=True)
    if failed:
        print(f"{len(failed)} of {len(runs)} runs failed:", flush=True)
        for name in sorted(failed):
            print(describe_failure(name, failed[name]), flush=True)
    return failed


def collect(out):
    """Rebuild out/results.csv from the run folders under out; returns the number of rows."""
    out = Path(out)
    runs = []
    for run_file in sorted(out.glob(f"*/{RUN_FILE}")):
        record = json.loads(run_file.read_text(encoding="utf-8"))
        results = run_file.parent / RESULTS_FILE
        if not results.is_file():
            executed = run_file.parent / f"{record['notebook']}.ipynb"
            document = read_notebook(executed) if executed.is_file() else None
        else:
            document = json.loads(results.read_text(encoding="utf-8"))
        if document is not None:
            runs.append((run_file.parent.name, record["parameters"], document))
    grid_names = list(dict.fromkeys(name for _, parameters, _ in runs for name in parameters))
    header = ["run", *grid_names, *COLUMNS]
    count = 0
    with open(out / TABLE_FILE, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        for name, parameters, document in runs:
            cells = {k: _cell(v) for k, v in parameters.items()}
            for row in long_rows(document):
                writer.writerow([name, *(cells.get(k, "") for k in grid_names),
                                 *(_cell(row[c], number=c in ("seed", "value")) for c in COLUMNS)])
                count += 1
    return count


def _cell(value, number=False):
    """A CSV cell: numbers as numbers (unquoted), everything else as text."""
    if number and isinstance(value, str) and value:
        return float(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return value
    return value_name(value)


# --------------------------------------------------------------------------- command line

def _run_batch(args):
    parameters = [(name, [parse_value(v) for v in values]) for name, *values in args.parameter or []]
    lonely = [name for name, values in parameters if not values]
    if lonely:
        print(f"python -m lab1 batch: error: -p {lonely[0]} needs at least one value", file=sys.stderr)
        return 2
    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"python -m lab1 batch: error: no notebook {args.notebook}", file=sys.stderr)
        return 2
    try:
        failed = batch(notebook, args.out, parameters, args.jobs)
    except ValueError as err:
        print(f"python -m lab1 batch: error: {err}", file=sys.stderr)
        return 2
    return 1 if failed else 0


def _run_collect(args):
    for folder in args.dirs:
        if not Path(folder).is_dir():
            print(f"python -m lab1 collect: error: no folder {folder}", file=sys.stderr)
            return 2
        print(f"{collect(folder)} rows -> {Path(folder) / TABLE_FILE}")
    return 0


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def add_commands(commands):
    """Register the batch and collect sub-commands on an argparse subparsers object."""
    run = commands.add_parser(
        "batch", help="run a notebook over a grid of parameters with papermill",
        description="Run NOTEBOOK once per combination of the -p values, in parallel, each run in "
                    "DIR/<name=value,...>/ with its executed notebook, figures and results.json; "
                    "then write DIR/results.csv. Values are Python literals where they parse "
                    "(0.5, True, \"[0.1,1]\"), else text.")
    run.add_argument("notebook", metavar="NOTEBOOK", help="the notebook to run, e.g. notebooks/03_learning_rate.ipynb")
    run.add_argument("--out", required=True, metavar="DIR", help="folder of the runs")
    run.add_argument("-p", "--parameter", nargs="+", action="append", metavar=("NAME", "VALUE"),
                     help="a parameter and its values, one run per value (repeat -p for a grid)")
    run.add_argument("--jobs", type=_positive, default=None,
                     help="runs at a time (default: the number of cores)")
    run.set_defaults(run=_run_batch)
    gather = commands.add_parser(
        "collect", help="rebuild DIR/results.csv from the runs of a batch",
        description="Rebuild DIR/results.csv (one row per run, setting and metric) from the run "
                    "folders of a batch, without executing anything.")
    gather.add_argument("dirs", nargs="+", metavar="DIR", help="folders written by batch")
    gather.set_defaults(run=_run_collect)
