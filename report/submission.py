"""make zip: the TA's submission format, DL_LAB1_<ID>_<name>.zip, holding the report PDF
(at the top level, where a grader looks first) and the source at its paths: every file git
tracks, plus every file the PDF was built from (listed in the record build.py writes beside
the PDF), tracked or not. Outside a git checkout (a copied folder) the source is every file
of the folder that .gitignore does not exclude.

The PDF must have been built by report/build.py for this name and ID, not as a draft, and
must be the file that build recorded; otherwise nothing is written.

Usage: python report/submission.py --student-name NAME --student-id ID OUT.zip PDF
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_NAMES = ("", "Student Name")
PLACEHOLDER_IDS = ("", "000000000")
ALWAYS_LEFT_OUT = (".git", ".venv", "__pycache__", "report/build", ".ipynb_checkpoints")


class SubmissionError(Exception):
    """One line for the student; main() prints it and exits 1."""


def git_files(root: Path) -> list[str] | None:
    """Files git tracks under root, or None when root is not a git checkout's top."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=30)
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
            return None
        listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True,
                                 text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return [name for name in listing.stdout.split("\0") if name and (root / name).is_file()]


def ignore_rules(root: Path) -> list[tuple[bool, str]]:
    """(negated, pattern) lines of root/.gitignore."""
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    rules = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.lstrip("!")))
    return rules


def ignored(path: str, rules, is_dir: bool = False) -> bool:
    """Whether .gitignore leaves out path (relative, posix), approximately as git does: the
    last matching rule wins; a pattern with a slash is anchored at the root, one without
    matches any component; a trailing slash matches folders only."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for negated, pattern in rules:
        folder_only = pattern.endswith("/")
        pattern = pattern.strip("/")
        candidates = prefixes if (is_dir or not folder_only) else prefixes[:-1]
        if "/" in pattern:
            hit = any(fnmatch.fnmatchcase(c, pattern) for c in candidates)
        else:
            hit = any(fnmatch.fnmatchcase(c.rsplit("/", 1)[-1], pattern) for c in candidates)
        if hit:
            result = not negated
    return result


def folder_files(root: Path) -> list[str]:
    """Every file under root that .gitignore does not leave out (no git needed)."""
    rules, found = ignore_rules(root), []
    for folder, dirs, files in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        here = "" if here == "." else here + "/"
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_LEFT_OUT
                         and (here + d) not in ALWAYS_LEFT_OUT
                         and not ignored(here + d, rules, is_dir=True))
        found += [here + f for f in sorted(files)
                  if f not in ALWAYS_LEFT_OUT and not f.endswith(".zip")
                  and not ignored(here + f, rules)]
    return found


def check_pdf(pdf: Path, name: str, student_id: str) -> dict:
    """The build record of pdf, after checking it is this student's final report."""
    if name.strip() in PLACEHOLDER_NAMES or student_id.strip() in PLACEHOLDER_IDS:
        raise SubmissionError("make zip needs your name and student ID: make zip "
                              "STUDENT_NAME=\"Your Name\" STUDENT_ID=312345678")
    if not pdf.is_file():
        raise SubmissionError(f"{pdf} is missing: build it with `make report` first")
    record_file = pdf.with_suffix(".build.json")
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SubmissionError(f"{record_file} (what {pdf.name} was built from) is missing or "
                              "unreadable: run `make zip` again to rebuild") from None
    if record.get("draft"):
        raise SubmissionError(f"{pdf} is a DRAFT (built with DRAFT=1): run `make zip` "
                              "without DRAFT to submit")
    if (record.get("student_name"), record.get("student_id")) != (name.strip(), student_id.strip()):
        raise SubmissionError(f"{pdf} was built for {record.get('student_name')!r} "
                              f"{record.get('student_id')!r}, not {name!r} {student_id!r}: "
                              "run `make zip` with the same STUDENT_NAME and STUDENT_ID")
    if hashlib.sha256(pdf.read_bytes()).hexdigest() != record.get("pdf_sha256"):
        raise SubmissionError(f"{pdf} is not the PDF its build recorded (changed since): "
                              "run `make zip` again to rebuild")
    return record


def source_files(root: Path, record: dict) -> list[str]:
    """Tracked files (or, without git, the folder's files) plus the PDF's own sources,
    warning about each source git does not track."""
    tracked = git_files(root)
    files = set(tracked if tracked is not None else folder_files(root))
    if tracked is None:
        print(f"note: {root} is not a git checkout: packing its files except what "
              ".gitignore leaves out", flush=True)
    for name in record.get("sources", []):
        if (root / name).is_file() and name not in files:
            if tracked is not None:
                print(f"warning: adding {name}: the PDF was built from it but git does not "
                      "track it (git add it?)", flush=True)
            files.add(name)
    return sorted(files)


def write_zip(out: Path, pdf: Path, root: Path, files: list[str]) -> None:
    """Write next to out, then rename: a failed run leaves no half zip."""
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(pdf, pdf.name)
            for name in files:
                if name != pdf.name:
                    archive.write(root / name, name)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def list_zip(out: Path) -> None:
    with zipfile.ZipFile(out) as archive:
        entries = archive.infolist()
    for entry in entries:
        print(f"  {entry.file_size:>10,}  {entry.filename}")
    total = sum(entry.file_size for entry in entries)
    print(f"wrote {out}: {len(entries)} files, {total:,} bytes unpacked, "
          f"{out.stat().st_size:,} bytes zipped")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--student-name", default="")
    parser.add_argument("--student-id", default="")
    parser.add_argument("out", type=Path)
    parser.add_argument("pdf", type=Path)
    args = parser.parse_args(argv)
    try:
        record = check_pdf(args.pdf, args.student_name, args.student_id)
        files = source_files(ROOT, record)
        write_zip(args.out.resolve(), args.pdf, ROOT, files)
    except SubmissionError as err:
        print(f"make zip: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"make zip: cannot write {err.filename or args.out}: {err.strerror or err}",
              file=sys.stderr)
        return 1
    list_zip(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
