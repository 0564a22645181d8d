"""Executing notebooks with papermill, a few at a time, each in a worker process of its own.

Workers run in their own session, so a Ctrl-C at the terminal reaches only the build: it
then kills the running kernels and workers itself (SIGKILL, nothing left running) and
starts no queued notebook. Results travel as small JSON files.
"""
from __future__ import annotations

import importlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from build_io import Interrupted, rel


@dataclass
class Job:
    """One notebook to execute: src -> dst (in the staging directory), run in cwd."""
    name: str
    src: Path
    dst: Path
    cwd: Path
    parameters: dict

    @property
    def result_file(self) -> Path:
        return self.dst.with_suffix(".result.json")

    @property
    def log(self) -> Path:
        return self.dst.with_suffix(".log")


def _failing_line(traceback) -> str:
    """The '---->' line IPython marks in the cell's own frame, without colours."""
    for text in traceback or []:
        for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines():
            if line.lstrip().startswith("---->"):
                return line.strip()
    return ""


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the build process dies (even by SIGKILL); its
    kernel then exits by itself within a second (ipykernel watches its parent)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(job: Job) -> None:
    """Body of a worker process (forked, papermill already imported)."""
    os.setsid()  # out of the terminal's process group: Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler is not ours
    _die_with_parent()
    import papermill as pm

    start = time.perf_counter()
    result = {"ok": True}
    # The kernel's own stderr (ZMQ notices, shutdown chatter) goes to a log file,
    # not the terminal; the notebook's stderr outputs are in the notebook anyway.
    with open(job.log, "wb") as log_file:
        os.dup2(log_file.fileno(), 2)
        os.dup2(log_file.fileno(), 1)
        try:
            # No save after every cell: nobody watches the staged copy, and rewriting a
            # notebook full of figures after each cell costs time.
            pm.execute_notebook(str(job.src), str(job.dst), parameters=job.parameters,
                                kernel_name="python3", cwd=str(job.cwd), progress_bar=False,
                                log_output=False, request_save_on_cell_execute=False)
        except pm.PapermillExecutionError as err:
            result.update(ok=False, kind="cell", cell_index=err.cell_index,
                          exec_count=err.exec_count, ename=err.ename, evalue=err.evalue,
                          source=err.source, line=_failing_line(err.traceback))
        except BaseException as err:  # kernel died, no such kernel, unreadable notebook, ...
            result.update(ok=False, kind="other", ename=type(err).__name__, evalue=str(err))
    result["seconds"] = time.perf_counter() - start
    job.result_file.write_text(json.dumps(result))


def _children(pid: int) -> list[int]:
    """Process ids whose parent is pid (the kernels a worker started)."""
    if os.path.isdir("/proc"):
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as f:
                        stat = f.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == pid:
                    found.append(int(entry))
        return found
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _kill_group(pid: int) -> None:
    """SIGKILL pid's process group (a kernel or a worker leads its own), else pid alone."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def stop_workers(running: dict) -> None:
    """Kill each running worker's kernels, then the worker; reap them."""
    for process in running:
        for kernel in _children(process.pid):
            _kill_group(kernel)
        _kill_group(process.pid)
    for process in running:
        process.join(timeout=5)


def describe_failure(job: Job, result: dict) -> str:
    lines = [f"error: notebook {job.name} failed"]
    if result["kind"] == "cell":
        # papermill counts cells of the executed copy, which has the injected
        # parameters cell in it; report the position in the source notebook.
        index = result["cell_index"]
        try:
            executed = json.loads(job.dst.read_text(encoding="utf-8"))
            before = executed["cells"][:index]
            index -= sum("injected-parameters" in c.get("metadata", {}).get("tags", [])
                         for c in before)
        except (OSError, ValueError, KeyError):
            pass
        first = next((line for line in result["source"].splitlines() if line.strip()), "")
        count = result["exec_count"]
        lines.append(f"  at cell {index + 1} (counting all cells from 1"
                     f"{f', In [{count}]' if count else ''}), which begins: {first.strip()}")
        if result.get("line"):
            lines.append(f"  failing line: {result['line']}")
    lines.append(f"  {result['ename']}: {result['evalue']}".rstrip())
    return "\n".join(lines)


def run_jobs(jobs: list[Job], workers: int, on_done, meanwhile=None) -> list[tuple[Job, dict]]:
    """Execute jobs (longest first: pass them in that order), at most workers at a time.

    on_done(job, result) is called in this process as each one ends; meanwhile() once,
    after the first workers started (slow imports for the next step). Returns the
    failures (after every job ran). Ctrl-C: running kernels killed, queue dropped,
    Interrupted raised with a one-line summary.
    """
    importlib.import_module("papermill")  # before forking, so the workers start warm

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        context = multiprocessing.get_context()
    queue, running, failures = list(jobs), {}, []
    try:
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop(0)
                process = context.Process(target=_worker, args=(job,), name=job.name)
                process.start()
                running[process] = job
            if meanwhile:
                meanwhile()
                meanwhile = None
            multiprocessing.connection.wait([p.sentinel for p in running])
            for process in [p for p in running if not p.is_alive()]:
                job = running.pop(process)
                process.join()
                try:
                    result = json.loads(job.result_file.read_text())
                except (OSError, ValueError):
                    result = {"ok": False, "kind": "other", "ename": "WorkerDied",
                              "evalue": f"exit code {process.exitcode}; see {rel(job.log)}",
                              "seconds": 0.0}
                on_done(job, result)
                if not result["ok"]:  # the others still run: one build reports every failure
                    failures.append((job, result))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        stopped = [job.name for job in running.values()]
        stop_workers(running)
        parts = []
        if stopped:
            parts.append("stopped " + ", ".join(stopped))
        if queue:
            parts.append(f"cancelled {len(queue)} queued notebook{'s' * (len(queue) != 1)}")
        raise Interrupted("; ".join(parts) or "interrupted") from None
    finally:
        sys.stdout.flush()
    return failures
