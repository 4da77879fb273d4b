"""Plain functions behind ``merge``, ``agreement`` and ``adjudicate`` (no parser here).

Kept apart from the command modules so the HTML report, the benchmark and the
tests call the same code the commands do.
"""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from workbench.app.schemas import schema_for
from workbench.cli.errors import UserError
from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.merge import MergeError, Policy, merge_line
from workbench.core.schema import AnnotationSchema
from workbench.io.annotator_files import (
    AnnotatorFile,
    InputError,
    article_order,
    is_merged_file,
    iter_bundles,
    iter_merged,
    open_annotator_files,
)
from workbench.io.atomic import atomic_write


def annotator_paths(
    inputs: list[str], keep: Path | None = None, say_where: bool = True
) -> tuple[list[Path], str | None]:
    """Files to read, importing a brat folder (one ``.ann`` per article and annotator) first.

    Returns the paths and, for a brat folder, where its per-annotator JSONL files went.
    """
    from workbench.io.brat.polnear import is_brat_folder, write_annotator_files

    out: list[Path] = []
    note = None
    for item in inputs:
        p = Path(item)
        if is_brat_folder(p):
            target = keep or Path(tempfile.mkdtemp(prefix="workbench-brat-"))
            try:
                out += write_annotator_files(p, target)
            except (ValueError, FileNotFoundError) as e:
                raise UserError(str(e)) from None
            note = f"imported brat folder {p}" + (f" into {target}" if say_where else "")
        elif p.is_dir():
            raise UserError(f"{p} is a folder without .ann files; give JSONL files or a brat folder")
        else:
            out.append(p)
    return out, note


def open_inputs(paths: list[Path], names: list[str] | None) -> list[AnnotatorFile]:
    try:
        return open_annotator_files(list(paths), names)
    except InputError as e:
        raise UserError(str(e)) from None


@dataclass
class MergeSummary:
    annotators: list[str]
    articles: int = 0
    agreed: int = 0
    conflicts: int = 0
    with_conflicts: int = 0
    partial: list[tuple[str, list[str]]] = field(default_factory=list)
    text_differs: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def absorb(self, other: MergeSummary) -> None:
        self.articles += other.articles
        self.agreed += other.agreed
        self.conflicts += other.conflicts
        self.with_conflicts += other.with_conflicts
        self.partial += other.partial
        self.text_differs += other.text_differs
        self.problems += other.problems


# Given the number of articles, returns what to call with each slice's count (a progress bar).
Progress = Callable[[int], Callable[[int], None]]

CHUNK = 128  # articles per slice: small enough that its output buffer stays a few MB

# What forked workers inherit instead of receiving it pickled with every chunk.
_JOB: dict[str, Any] = {}


def _chunk(bounds: tuple[int, int]) -> tuple[bytes | str, MergeSummary, Agreement | None]:
    """Merge (and/or measure) one slice of the article order; runs in a worker or in-process.

    A worker writes its merged lines to a part file in ``_JOB["spill"]`` and returns the
    path: the parent copies it into the output in the kernel instead of unpickling it.
    """
    files: list[AnnotatorFile] = _JOB["files"]
    names = [f.annotator for f in files]
    policy: Policy | None = _JOB["policy"]
    acc: Agreement | None = _JOB["new_acc"]() if _JOB["new_acc"] else None
    part = MergeSummary(names)
    out: list[bytes] = []  # joined once at the end: a growing bytearray copies itself over and over
    for b in iter_bundles(files, part.problems, _JOB["ids"][bounds[0] : bounds[1]]):
        if not b.versions:
            continue
        first = next(iter(b.versions.values()))
        title = (first.get("meta") or {}).get("title", "")
        if policy is None:  # agreement only
            assert acc is not None
            if any(v["text"] != first["text"] for v in b.versions.values()):  # compared, not hashed
                acc.skipped.append(f"{b.id}: the annotators' texts differ")
            elif len(b.versions) < 2:
                acc.skipped.append(f"{b.id}: only {', '.join(b.versions)} annotated it")
            else:
                acc.add(b.id, first["text"], b.versions, title)
            continue
        m, line = merge_line(b.id, b.versions, names, policy, _JOB["symmetric"])
        part.articles += 1
        info = m["merge"]
        if info["missing"]:
            part.partial.append((b.id, info["missing"]))
        if info["status"] == "text_differs":
            part.text_differs.append((b.id, info["texts"]))
            if acc is not None:
                acc.skipped.append(f"{b.id}: the annotators' texts differ")
        else:
            open_ = [it["agreed"] for it in m["items"]].count(False)
            part.conflicts += open_
            part.agreed += len(m["items"]) - open_
            part.with_conflicts += open_ > 0
            if acc is not None and len(b.versions) >= 2:
                acc.add(b.id, m["text"], b.versions, title)
        out.append(line)
    spill = _JOB.get("spill")
    if spill is None or not out:
        return b"".join(out), part, acc
    path = os.path.join(spill, f"{bounds[0]:010d}")
    with open(path, "wb") as fh:
        fh.writelines(out)
    return path, part, acc


def default_jobs() -> int:
    """Worker processes: one per core this process may use, at most four (the parent reads and writes).

    This is how merge and agreement keep within their speed budget (3x a bare ``json.loads``
    loop): one process alone does about 4x; see docs/agreement.md.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _run_chunks(
    files: list[AnnotatorFile],
    policy: Policy | None,
    symmetric: list[str],
    new_acc: Callable[[], Agreement] | None,
    jobs: int,
    spill_near: Path | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[bytes | str, MergeSummary, Agreement | None]]:
    """Results per slice of the article order, in order; in worker processes when it pays.

    With workers and ``spill_near`` (the output file), merged lines travel through part files
    in a hidden folder beside it, named with this process's id. It is removed at the end, on
    an error, on SIGTERM or SIGHUP; after a SIGKILL, by the next run into the same output.
    """
    ids = article_order(files)
    _JOB.update(files=files, ids=ids, policy=policy, symmetric=symmetric, new_acc=new_acc, spill=None)
    bounds = [(i, min(i + CHUNK, len(ids))) for i in range(0, len(ids), CHUNK)]
    step = progress(len(ids)) if progress is not None else None
    try:
        with _signals_exit():
            if jobs > 1 and len(bounds) > 1 and "fork" in multiprocessing.get_all_start_methods():
                if spill_near is not None:
                    _sweep_parts(spill_near)
                    _JOB["spill"] = tempfile.mkdtemp(
                        prefix=f"{_parts_prefix(spill_near)}{os.getpid()}-", dir=spill_near.parent
                    )
                with multiprocessing.get_context("fork").Pool(jobs, initializer=_default_signals) as pool:
                    for b, result in zip(bounds, pool.imap(_chunk, bounds), strict=True):
                        yield result
                        if step is not None:
                            step(b[1] - b[0])
            else:
                for b in bounds:
                    yield _chunk(b)
                    if step is not None:
                        step(b[1] - b[0])
    finally:
        if _JOB.get("spill"):
            shutil.rmtree(_JOB["spill"], ignore_errors=True)
        _JOB.clear()


_STOPPING = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else (signal.SIGTERM,)


@contextlib.contextmanager
def _signals_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command through SystemExit, so the clean-ups in ``finally`` run.

    Only around the long work of merge and agreement, in the main thread: the window keeps the
    default (a Python handler would wait for the Qt event loop to give control back).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    # Only signals that would have killed the command anyway: under nohup SIGHUP stays ignored.
    before = {s: signal.getsignal(s) for s in _STOPPING}
    _INHERITED.update(before)
    for s, handler in before.items():
        if handler is signal.SIG_DFL:
            signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


_INHERITED: dict[int, Any] = {}  # how the command found each stopping signal, for its workers


def _default_signals() -> None:
    """Worker processes take the signals as the command found them (the pool ends them with SIGTERM)."""
    for s, handler in _INHERITED.items():
        signal.signal(s, handler)


def _parts_prefix(out: Path) -> str:
    """Part folders are named after the host too: on a shared drive a pid means nothing elsewhere."""
    host = re.sub(r"[^\w.]+", "_", socket.gethostname()) or "host"
    return f".{out.name}.parts-{host}-"


def _sweep_parts(out: Path) -> None:
    """Part folders beside ``out`` from a run on this host that was killed outright (its process is gone)."""
    prefix = _parts_prefix(out)
    for folder in out.parent.glob(glob.escape(prefix) + "*"):
        pid = folder.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _append(fh: BinaryIO, data: bytes | str) -> None:
    """Add a slice's merged lines to the output: bytes as they are, a part file copied in the kernel."""
    if isinstance(data, bytes):
        fh.write(data)
        return
    fh.flush()
    with open(data, "rb") as src:
        left = os.fstat(src.fileno()).st_size
        try:
            while left > 0:
                done = os.copy_file_range(src.fileno(), fh.fileno(), left)
                if done == 0:
                    break
                left -= done
        except (OSError, AttributeError):  # no copy_file_range here (other systems, filesystems)
            src.seek(os.fstat(src.fileno()).st_size - left)
            shutil.copyfileobj(src, fh)
            left = 0
    if left:
        raise OSError(f"{data}: part file ended early")
    os.unlink(data)


def merge_files(
    files: list[AnnotatorFile],
    out: Path,
    policy: Policy,
    schema: AnnotationSchema | None = None,
    agreement: Agreement | None = None,
    jobs: int = 1,
    token_labels: list[str] | None = None,
    progress: Progress | None = None,
) -> MergeSummary:
    """Stream the aligned articles through the merge into ``out`` (written atomically).

    With ``agreement`` (an empty accumulator) the same pass also measures agreement into it.
    """
    names = [f.annotator for f in files]
    summary = MergeSummary(names)
    symmetric = [r.name for r in schema.relations.values() if r.symmetric] if schema else []
    new_acc = (lambda: _accumulator(names, schema, token_labels or [])) if agreement is not None else None
    ensure_parent(out)
    try:
        with atomic_write(out, "wb") as fh:
            for data, part, acc in _run_chunks(files, policy, symmetric, new_acc, jobs, out, progress):
                _append(fh, data)
                summary.absorb(part)
                if agreement is not None and acc is not None:
                    agreement.absorb(acc)
    except (InputError, MergeError) as e:
        raise UserError(str(e)) from None
    for f in files:
        summary.problems += [f"{e}; left out" for e in f.errors]
    return summary


def agreement_over(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    problems: list[str],
    jobs: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Agreement over several annotator files, or over the versions kept in one merged file."""
    if len(inputs) == 1 and is_merged_file(inputs[0]):
        acc: Agreement | None = None
        for _line, d in iter_merged(inputs[0], problems):
            if acc is None:
                schema = schema_for(d.get("schema"), schema_path)
                acc = _accumulator(d["merge"]["annotators"], schema, token_labels)
            if d["merge"]["status"] == "text_differs":
                acc.skipped.append(f"{d['id']}: the annotators' texts differ")
                continue
            versions = {a: {**v, "text": d["text"]} for a, v in d["versions"].items()}
            acc.add(d["id"], d["text"], versions, (d.get("meta") or {}).get("title", ""))
        if acc is None:
            raise UserError(f"{inputs[0]}: no usable merged records")
        return acc.report()
    if len(inputs) < 2:
        raise UserError("agreement needs at least two annotator files (or one merged file)")
    files = open_inputs(inputs, names)
    schema = schema_for(files[0].schema, schema_path)
    annotators = [f.annotator for f in files]
    acc = _accumulator(annotators, schema, token_labels)
    try:
        for _data, part, got in _run_chunks(
            files, None, [], lambda: _accumulator(annotators, schema, token_labels), jobs, None, progress
        ):
            problems += part.problems
            if got is not None:
                acc.absorb(got)
    except InputError as e:
        raise UserError(str(e)) from None
    for f in files:
        problems += [f"{e}; left out" for e in f.errors]
    return acc.report()


def _accumulator(annotators: list[str], schema: AnnotationSchema | None, tokens: list[str]) -> Agreement:
    if schema is None:
        return Agreement(annotators, token_labels=tokens)
    return agreement_for_schema(annotators, schema, tokens)


def ensure_parent(path: Path) -> None:
    """Make the folder an output goes to; a path that cannot be written is a user mistake."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot write {path}: {e.strerror}") from None
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name")


def policy_from(args: Any) -> Policy:
    try:
        return Policy(args.policy, args.k)
    except MergeError as e:
        raise UserError(str(e)) from None


def split_names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",")] if value else None


def shorten(items: list[str], limit: int = 10) -> list[str]:
    return items if len(items) <= limit else items[:limit] + [f"... and {len(items) - limit} more"]
