"""The build's files: one build at a time, a private staging directory, writability checked
before any work, and installs that leave either the old or the new file, never a mix.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path


class BuildError(Exception):
    """A failure already explained to the user; build.main() prints it and exits 1."""


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) arrived; the message says what was stopped."""


def rel(path) -> str:
    """path relative to the current directory when below it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def io_error_line(err: OSError, path=None) -> str:
    """One line for an OSError: what failed, on which path."""
    target = path or err.filename
    reason = err.strerror or str(err)
    return f"error: cannot write {rel(target)}: {reason}" if target else f"error: {reason}"


def check_writable_dir(directory: Path, what: str) -> None:
    """Create directory if needed and prove a file can be made in it (permission bits say
    nothing for root or on a read-only mount), before any long work starts."""
    existing = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise BuildError(f"error: cannot write {what} {rel(directory)}: {rel(existing)} is a "
                         "file, not a folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise BuildError(f"error: cannot write {what} {rel(directory)}: "
                         f"{err.strerror or err}") from None


def check_writable_file(path: Path, what: str) -> None:
    """path's folder is writable and path is not a folder."""
    if path.is_dir():
        raise BuildError(f"error: {what} {rel(path)} is a directory; give a file name")
    check_writable_dir(path.parent, f"the folder of {what}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to path, flush to disk, then rename: readers see the old or the new file."""
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def replace_dir(new: Path, target: Path) -> None:
    """Put the finished directory new at target, removing the old one (both on one
    file system, so each step is a rename)."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def pdf_problem(path: Path) -> str | None:
    """Why path is not a complete PDF, or None: the header, the end-of-file marker and the
    cross-reference pointer must be there, and pdfinfo (when installed) must read it."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 2048))
            tail = f.read()
    except OSError as err:
        return err.strerror or str(err)
    if not head.startswith(b"%PDF-"):
        return "no %PDF- header"
    if b"%%EOF" not in tail or b"startxref" not in tail:
        return "truncated (no startxref / %%EOF at the end)"
    if shutil.which("pdfinfo"):
        import subprocess

        check = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        if check.returncode != 0:
            return "pdfinfo: " + (check.stderr.strip().splitlines() or ["cannot read it"])[-1]
    return None


class BuildLock:
    """One build at a time per build directory: an flock on build.lock. The kernel drops it
    when the process ends however it ends, so a crashed build never leaves it stuck; the
    file's content (pid, start time) only names the holder for the refusal message."""

    def __init__(self, path: Path):
        self.path = path
        self.fd = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text())
            started = time.strftime("%H:%M:%S", time.localtime(info["started"]))
            return f"pid {info['pid']}, started {started}"
        except (OSError, ValueError, KeyError, TypeError):
            return "pid unknown"

    def acquire(self, wait: bool) -> None:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise BuildError(io_error_line(err, self.path)) from None
        # Worker processes are forked from this one: they must not keep the lock alive
        # if this process dies.
        os.register_at_fork(after_in_child=self._close_in_child)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise BuildError(f"error: another build is running in {rel(self.path.parent)} "
                                 f"({self.holder()}); let it finish, or pass --wait "
                                 "(make report WAIT=1)") from None
            print(f"waiting for the running build ({self.holder()}) ...", flush=True)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps({"pid": os.getpid(), "started": time.time()}).encode(), 0)

    def _close_in_child(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the parent's descriptor (and its flock) is unaffected
            self.fd = None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None


def new_stage(build_dir: Path) -> Path:
    """A private directory for this build; leftovers of crashed builds are removed first
    (the caller holds the lock, so no other build is using them)."""
    for leftover in build_dir.glob("stage-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix="stage-", dir=build_dir))
