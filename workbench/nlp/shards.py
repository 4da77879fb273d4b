"""Shards: the unit of work for archive-scale pre-annotation, free of any cluster engine.

One input JSONL file is one shard and becomes one output file of the same name
under the output folder. A shard, not an article, is what a scheduler sees, so
its per-task overhead is paid once per thousands of articles. Every output is
written through :func:`workbench.io.atomic.atomic_write` and then confirmed by a
small sidecar (``<name>.done``); a killed worker therefore leaves either the
previous state or a finished shard, never half a file, and a rerun skips the
shards whose sidecar still matches their input.

Nothing here imports Dask: the same :func:`process_shard` runs in a plain loop,
in a process pool or on a cluster worker, which is what keeps their outputs
identical.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workbench.io.atomic import atomic_write
from workbench.io.jsonl import dumps

SHARD_SUFFIXES = (".jsonl",)
DONE_SUFFIX = ".done"
DONE_FORMAT = "workbench-shard-done@1"
# How many failing articles a sidecar lists in full; the count is always exact.
MAX_LISTED_FAILURES = 200


class ShardError(ValueError):
    """A problem with the shard set itself (nothing matched, clashing outputs): a user mistake."""


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    """An article (or input line) that could not be pre-annotated; it is skipped, not fatal."""

    line: int
    id: str | None
    message: str


class ShardAnnotator(Protocol):
    """What a worker runs over one shard; picklable, cheap to send, heavy state cached per process."""

    def fingerprint(self) -> str:
        """Names what changes outputs (model and version, schema, rules), so a rerun tells stale shards."""
        ...

    def annotate_file(self, path: Path, name: str) -> Iterator[dict[str, Any] | ArticleFailure]:
        """Pre-annotate every article of the JSONL file ``path`` (called ``name`` in records and messages),
        yielding output records in input order."""
        ...


@dataclass(frozen=True, slots=True)
class Shard:
    """One input file and where its output and sidecar go."""

    source: Path
    output: Path
    # The path as the user gave it (folder walk or glob included): what records carry as meta.file,
    # exactly as ``workbench preannotate`` on one machine writes it. ``source`` is absolute for workers.
    label: str = ""

    @property
    def done_path(self) -> Path:
        return self.output.with_name(self.output.name + DONE_SUFFIX)

    @property
    def name(self) -> str:
        return self.output.name


@dataclass(slots=True)
class ShardResult:
    """What a worker reports back for one shard (small: it crosses the network)."""

    source: str
    output: str
    articles: int = 0
    failed: int = 0
    bad_lines: int = 0
    seconds: float = 0.0
    input_bytes: int = 0
    skipped: bool = False
    reused: bool = False  # found finished on disk by the worker (a recomputed task), not redone
    worker: str = ""
    failures: list[ArticleFailure] = field(default_factory=list)


Progress = Callable[[int, int], None]
"""``progress(articles_done, input_bytes_read)`` for the shard being processed."""


# --------------------------------------------------------------------------- discovery
def discover_inputs(inputs: Iterable[str | Path], exclude: Path | None = None) -> dict[Path, str]:
    """Expand files, folders (every ``*.jsonl`` below them) and globs into sorted, distinct files.

    Each argument must contribute at least one shard: a typo in a path should
    stop the run before a cluster spends an hour on the rest. Folder and glob
    expansion leave out anything under ``exclude`` (the output folder), so
    ``-o corpus/out`` over ``corpus/`` does not feed yesterday's outputs back in.
    """
    found: dict[Path, str] = {}  # resolved path -> the path as the user named it
    for arg in inputs:
        text = str(arg)
        p = Path(text).expanduser()
        if p.is_dir():
            from workbench.io.articles import walk_folder  # the single-machine command's folder order

            matches = [q for q in walk_folder(p) if _is_shard_file(q) and not _under(q, exclude)]
            if not matches:
                raise ShardError(f"{text}: folder holds no {'/'.join(SHARD_SUFFIXES)} files")
        elif p.is_file():
            if not _is_shard_file(p):
                raise ShardError(
                    f"{text}: cluster mode reads JSONL shards (one article per line, a 'text' field); "
                    "import other formats first"
                )
            matches = [p]
        elif glob.has_magic(text):
            matches = sorted(
                Path(m)
                for m in glob.glob(os.path.expanduser(text), recursive=True)
                if _is_shard_file(Path(m)) and not _under(Path(m), exclude)
            )
            if not matches:
                raise ShardError(f"{text}: pattern matches no {'/'.join(SHARD_SUFFIXES)} files")
        else:
            raise ShardError(f"{text}: no such file or folder")
        for m in matches:
            found.setdefault(m.resolve(), str(m))
    return found


def _under(p: Path, folder: Path | None) -> bool:
    return folder is not None and p.resolve().is_relative_to(folder)


def _is_shard_file(p: Path) -> bool:
    return p.name.endswith(SHARD_SUFFIXES) and not p.name.startswith(".")


def plan_shards(inputs: Iterable[str | Path], outdir: str | Path) -> list[Shard]:
    """Pair every input file with its output path, keeping sub-folders relative to the inputs' common root."""
    out = Path(outdir).expanduser().resolve()
    if (out.exists() and not out.is_dir()) or (not out.exists() and out.name.endswith(SHARD_SUFFIXES)):
        raise ShardError(
            f"{outdir}: with --cluster, -o names a folder: one output file is written per input shard"
        )
    sources = discover_inputs(inputs, exclude=out)
    if not sources:
        raise ShardError("no input shards given")
    root = Path(os.path.commonpath([s.parent for s in sources]))
    labels = sources
    shards: list[Shard] = []
    seen: dict[Path, Path] = {}
    for src in sources:
        target = out / src.relative_to(root)
        if target == src:
            raise ShardError(f"{src}: the output folder would overwrite this input; choose another -o")
        if src.is_relative_to(out):
            raise ShardError(f"{src}: input lies inside the output folder {out}; choose another -o")
        if target in seen:
            raise ShardError(f"{src} and {seen[target]} would both write {target}")
        seen[target] = src
        shards.append(Shard(src, target, labels[src]))
    return shards


# --------------------------------------------------------------------------- completeness
def _input_stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def is_finished(shard: Shard, fingerprint: str) -> bool:
    """True when the output and its sidecar agree and still describe the current input and settings."""
    try:
        meta = json.loads(shard.done_path.read_text(encoding="utf-8"))
        return (
            meta.get("format") == DONE_FORMAT
            and meta.get("input") == _input_stamp(shard.source)
            and meta.get("fingerprint") == fingerprint
            and meta.get("output_bytes") == shard.output.stat().st_size
        )
    except (OSError, ValueError, AttributeError):
        return False


def read_done(shard: Shard) -> dict[str, Any] | None:
    """The sidecar of a finished shard (counts and failures), or None."""
    try:
        return json.loads(shard.done_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def finished_result(shard: Shard, worker: str = "") -> ShardResult:
    """The result of a shard already on disk, rebuilt from its sidecar.

    Dask recomputes a finished task whose result lived on a worker that died
    before the client fetched it; the disk, not the worker's memory, is the
    record of what is done, so such a rerun costs a file read, not a shard.
    """
    done = read_done(shard) or {}
    failures = [ArticleFailure(**f) for f in done.get("failures", [])]
    return ShardResult(
        source=str(shard.source),
        output=str(shard.output),
        articles=int(done.get("articles", 0)),
        failed=int(done.get("failed", 0)),
        bad_lines=int(done.get("bad_lines", 0)),
        input_bytes=int(done.get("input", {}).get("size", 0)),
        worker=worker,
        failures=failures,
        reused=True,
    )


def remove_stale_temps(shard: Shard) -> int:
    """Delete temp files a killed writer left behind: ``atomic_write`` cannot clean up after SIGKILL."""
    n = 0
    for tmp in shard.output.parent.glob(f".{glob.escape(shard.output.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            n += 1
    return n


# --------------------------------------------------------------------------- processing
def process_shard(
    shard: Shard,
    annotator: ShardAnnotator,
    progress: Progress | None = None,
    every: float = 0.5,
    worker: str = "",
) -> ShardResult:
    """Pre-annotate one shard into its output, atomically, then write the sidecar that marks it done.

    The output is complete before the sidecar exists, so a kill between the two
    only costs a redo of this shard. ``progress`` is called at most every
    ``every`` seconds and once at the end.
    """
    t0 = time.perf_counter()
    shard.output.parent.mkdir(parents=True, exist_ok=True)
    stamp = _input_stamp(shard.source)  # before reading: an input rewritten meanwhile is redone next run
    size = stamp["size"]
    failures: list[ArticleFailure] = []
    written = 0
    seen = 0  # input bytes, estimated from the texts so far: enough for an ETA, exact at the end
    last = t0
    with atomic_write(shard.output) as fh:
        for out in annotator.annotate_file(shard.source, shard.label or str(shard.source)):
            if isinstance(out, ArticleFailure):
                failures.append(out)
            else:
                fh.write(dumps(out) + "\n")
                written += 1
                seen += len(out.get("text", "")) + 64
            if progress is not None:
                now = time.perf_counter()
                if now - last >= every:
                    last = now
                    progress(written, min(seen, size))
    bad_lines = sum(1 for f in failures if f.id is None)
    failures.sort(key=lambda f: f.line)
    result = ShardResult(
        source=str(shard.source),
        output=str(shard.output),
        articles=written,
        failed=len(failures) - bad_lines,
        bad_lines=bad_lines,
        seconds=time.perf_counter() - t0,
        input_bytes=size,
        worker=worker,
        failures=failures[:MAX_LISTED_FAILURES],
    )
    done = {
        "format": DONE_FORMAT,
        "source": str(shard.source),
        "input": stamp,
        "fingerprint": annotator.fingerprint(),
        "output_bytes": shard.output.stat().st_size,
        "articles": written,
        "failed": result.failed,
        "bad_lines": bad_lines,
        "failures": [asdict(f) for f in result.failures],
        "seconds": round(result.seconds, 3),
        "worker": worker,
    }
    with atomic_write(shard.done_path) as fh:
        fh.write(json.dumps(done, ensure_ascii=False, indent=1) + "\n")
    if progress is not None:
        progress(written, size)
    return result


def run_local(
    shards: Iterable[Shard],
    annotator: ShardAnnotator,
    progress: Callable[[ShardResult], None] | None = None,
) -> list[ShardResult]:
    """The single-process path over the same shards: the baseline the cluster must match byte for byte."""
    results = []
    fp = annotator.fingerprint()
    for shard in shards:
        if is_finished(shard, fp):
            results.append(ShardResult(str(shard.source), str(shard.output), skipped=True))
            continue
        remove_stale_temps(shard)
        results.append(process_shard(shard, annotator))
        if progress is not None:
            progress(results[-1])
    return results


# --------------------------------------------------------------------------- the real pre-annotation
_PREANNOTATORS: dict[tuple[str | None, str], Any] = {}
# The modules whose code decides what a pre-annotation contains (not how it is scheduled or scored).
_RULE_MODULES = (
    "preannotate",
    "quotes",
    "cues",
    "reported",
    "speakers",
    "marks",
    "models",
    "attribution_model",
)


@functools.cache
def code_version() -> str:
    """A short hash of the pre-annotation source: a rule change makes old shards stale, and a worker
    running other code than its peers is caught before it writes a shard that differs from theirs."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _RULE_MODULES:
        try:
            h.update((here / f"{name}.py").read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class PreannotateAnnotator:
    """The project's pre-annotation over a shard: the same calls as ``workbench preannotate``.

    Articles are read by :func:`workbench.io.articles.read_file` and annotated
    by :func:`workbench.nlp.preannotate.preannotate_records` with one
    :class:`~workbench.nlp.preannotate.Preannotator` per process, built on first
    use and kept (a worker loads the model once, not once per shard). The schema
    travels as its parsed JSON, so workers need the model but not the schema file.
    ``model`` is what the client resolved (flag, environment, setting), pinned on
    every worker; None when nothing was configured there: each worker then applies
    the same model policy, and the run checks they all chose alike.
    """

    model: str | None = None
    batch_size: int = 64
    schema: dict[str, Any] | None = None

    def _key(self) -> tuple[str | None, str]:
        return self.model, json.dumps(self.schema, sort_keys=True) if self.schema is not None else ""

    def preannotator(self) -> Any:
        key = self._key()
        ann = _PREANNOTATORS.get(key)
        if ann is None:
            from workbench.nlp.preannotate import Preannotator

            # pinned: a worker without the model the client named must fail loudly, not quietly
            # fall back to another one and write different spans
            ann = Preannotator.create(self.model, self.schema, pinned=True)
            _PREANNOTATORS[key] = ann
        return ann

    def warm(self) -> None:
        self.preannotator()

    def fingerprint(self) -> str:
        from workbench.nlp.preannotate import RULE_ORIGIN

        ann = self.preannotator()
        schema = hashlib.sha256(json.dumps(ann.schema.raw, sort_keys=True).encode()).hexdigest()[:12]
        return f"{ann.model.origin}|{RULE_ORIGIN}+{code_version()}|{ann.schema.ref}#{schema}"

    def annotate_file(self, path: Path, name: str) -> Iterator[dict[str, Any] | ArticleFailure]:
        from workbench.core.record import Record
        from workbench.io.articles import read_file
        from workbench.nlp.preannotate import preannotate_records

        problems: list[ArticleFailure] = []
        lines: dict[str, list[int]] = {}

        def records() -> Iterator[Any]:
            for item in read_file(path, kind="jsonl"):
                if not isinstance(item, Record):  # a problem with the input line
                    problems.append(ArticleFailure(item.line or 0, None, item.message))
                else:
                    if item.meta.get("file") == str(path):
                        item.meta["file"] = name
                    lines.setdefault(item.id, []).append(int(item.meta.get("line") or 0))
                    yield item

        for outcome in preannotate_records(
            records(), annotator=self.preannotator(), batch_size=self.batch_size
        ):
            while problems:
                yield problems.pop(0)
            pending = lines.get(outcome.id)
            line = pending.pop(0) if pending else 0
            if outcome.record is None:
                yield ArticleFailure(line, outcome.id, outcome.error or "pre-annotation failed")
            else:
                yield outcome.record.to_dict()
        yield from problems
