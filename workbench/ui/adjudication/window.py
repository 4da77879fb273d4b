"""The adjudication window: every annotator's version side by side, conflicts stepped through by key.

The gold (top) is a Document saved through the annotator store on every
decision; each annotator's version is shown read-only below it in the same text
view the annotation window uses. Keys: J/K next/previous open conflict,
1-9 accept that version alone, Ctrl+1-9 add/remove it (accept several),
A accept all, X reject all, E use the text selected in the gold view instead
(edit), ] / [ next/previous article, Ctrl+Z / Ctrl+Shift+Z undo/redo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.adjudication import (
    AdjudicationError,
    Conflict,
    conflicts_of,
    decide,
    decisions,
    start_gold,
)
from workbench.core.document import Change, Document, EditRefused
from workbench.core.merge import parse_span_key
from workbench.core.merged_record import MergedRecord
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.store import AnnotatorStore
from workbench.ui import spans as sp
from workbench.ui.text_view import SpanStyle, SpanTextView

# Distinct, colour-blind-friendlier hues for annotator headers (Okabe-Ito).
ANNOTATOR_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442", "#999999"]


class AdjudicationWindow(QMainWindow):
    def __init__(
        self,
        merged: list[MergedRecord],
        schema: AnnotationSchema,
        gold_path: Path,
        adjudicator: str,
        source: str = "",
        problems: list[str] | None = None,
    ):
        super().__init__()
        self.merged = [m for m in merged if m.status != "text_differs"]
        self.not_adjudicable = [m.id for m in merged if m.status == "text_differs"]
        self.schema = schema
        self.adjudicator = adjudicator
        self.source = source
        self.store = AnnotatorStore(gold_path, "gold")
        self.doc: Document | None = None
        self.conflicts: list[Conflict] = []
        self.index = -1
        self._unsub: Any = None
        self.setWindowTitle(f"Adjudication — {Path(source).name or 'merged'} → {gold_path.name}")
        annotators = self.merged[0].annotators if self.merged else []
        self.annotators = annotators
        # top: article picker and status --------------------------------------------
        self.articles = QComboBox()
        for m in self.merged:
            self.articles.addItem(m.title or m.id, m.id)
        self.articles.currentIndexChanged.connect(self._open_article)
        self.status = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        for p in problems or []:
            self.statusBar().showMessage(p)
        # left: conflicts and the versions of the current one -----------------------------
        self.conflict_list = QListWidget()
        self.conflict_list.currentRowChanged.connect(self._show_conflict)
        self.variant_list = QListWidget()
        self.variant_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(QLabel("Conflicts (J/K: next/previous open)"))
        lv.addWidget(self.conflict_list, 3)
        lv.addWidget(QLabel("Versions (1-9 accept one, Ctrl+1-9 several, A all, X none, E edit)"))
        lv.addWidget(self.variant_list, 2)
        # centre: gold above, annotators side by side below --------------------------------
        self.gold_view = SpanTextView()
        self.gold_view.setObjectName("gold")
        gold_box = QWidget()
        gv = QVBoxLayout(gold_box)
        gv.setContentsMargins(0, 0, 0, 0)
        gv.addWidget(QLabel("<b>Gold</b> (what is accepted so far)"))
        gv.addWidget(self.gold_view)
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.views: dict[str, SpanTextView] = {}
        cols = 3 if len(annotators) > 4 else 2
        for i, ann in enumerate(annotators):
            colour = ANNOTATOR_COLORS[i % len(ANNOTATOR_COLORS)]
            box = QWidget()
            bv = QVBoxLayout(box)
            bv.setContentsMargins(2, 2, 2, 2)
            head = QLabel(f"{i + 1}. {ann}")
            head.setStyleSheet(f"QLabel {{ background: {colour}; color: black; padding: 2px 6px; }}")
            view = SpanTextView()
            view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            view.setObjectName(f"version-{ann}")
            bv.addWidget(head)
            bv.addWidget(view)
            grid.addWidget(box, i // cols, i % cols)
            self.views[ann] = view
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(gold_box)
        centre.addWidget(grid_box)
        centre.setSizes([350, 450])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(centre)
        main.setSizes([380, 900])
        root = QWidget()
        rv = QVBoxLayout(root)
        rv.addWidget(self.articles)
        rv.addWidget(self.status)
        rv.addWidget(self.message)
        rv.addWidget(main, 1)
        self.setCentralWidget(root)
        self._actions()
        if self.merged:
            self._open_article(0)
        self.gold_view.setFocus()

    # keys ----------------------------------------------------------------------------
    def _action(self, keys: list[str], slot: Any, text: str) -> QAction:
        act = QAction(text, self)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _actions(self) -> None:
        self._action(["J"], lambda: self.step(+1), "Next open conflict")
        self._action(["K"], lambda: self.step(-1), "Previous open conflict")
        self._action(["A"], self.accept_all, "Accept every version")
        self._action(["X"], lambda: self.resolve([], advance=True), "Reject all")
        self._action(["E"], self.edit_from_selection, "Use the selected text (edit)")
        self._action(
            ["]"],
            lambda: self.articles.setCurrentIndex(
                min(self.articles.currentIndex() + 1, self.articles.count() - 1)
            ),
            "Next article",
        )  # noqa: E501
        self._action(
            ["["],
            lambda: self.articles.setCurrentIndex(max(self.articles.currentIndex() - 1, 0)),
            "Previous article",
        )  # noqa: E501
        self._action(["Ctrl+Z"], self.undo, "Undo")
        self._action(["Ctrl+Shift+Z", "Ctrl+Y"], self.redo, "Redo")
        for n in range(1, 10):
            self._action(
                [str(n)],
                lambda _checked=False, n=n: self.resolve([n - 1], advance=True),
                f"Accept version {n}",
            )
            self._action(
                [f"Ctrl+{n}"], lambda _checked=False, n=n: self.toggle(n - 1), f"Add/remove version {n}"
            )

    # articles --------------------------------------------------------------------------
    def _open_article(self, row: int) -> None:
        if not 0 <= row < len(self.merged):
            return
        if self._unsub is not None:
            self._unsub()
        m = self.merged[row]
        raw = self.store.raw(m.id)
        if raw is not None:
            gold = Record.from_dict(raw)
        else:
            gold = start_gold(m, self.adjudicator, self.source)
            self.store.save(gold)
        self.doc = Document(gold, self.schema, annotator="gold")
        self._unsub = self.doc.subscribe(self._changed)
        self.conflicts = conflicts_of(m)
        self.gold_view.set_text(m.text)
        for ann, view in self.views.items():
            view.set_text(m.text)
            version = m.versions.get(ann)
            if version is None:
                view.set_spans([])
                view.setPlaceholderText(f"{ann} did not annotate this article")
                continue
            rec = Record.from_dict({**version, "text": m.text})
            view.set_spans(sp.styles(rec, self.schema).values())
        self._refresh(keep_row=False)
        self.step(+1, from_row=-1)

    @property
    def merged_record(self) -> MergedRecord:
        return self.merged[self.articles.currentIndex()]

    # state -------------------------------------------------------------------------------
    def _changed(self, change: Change) -> None:
        assert self.doc is not None
        if not self.store.save(self.doc.record):
            self.message.setText(f"Could not save the gold file ({self.store.last_error}); will retry.")
        self._refresh()

    def _refresh(self, keep_row: bool = True) -> None:
        assert self.doc is not None
        gold = self.doc.record
        self.gold_view.set_spans([s for s in sp.styles(gold, self.schema).values() if s is not None])
        done = decisions(gold)
        row = self.conflict_list.currentRow()
        self.conflict_list.blockSignals(True)
        self.conflict_list.clear()
        for c in self.conflicts:
            d = done.get(c.id)
            mark = "•" if d is None else {"accepted": "✓", "rejected": "✗", "edited": "✎"}[d["how"]]
            item = QListWidgetItem(f"{mark} {c.title}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.conflict_list.addItem(item)
        self.conflict_list.blockSignals(False)
        if keep_row and 0 <= row < len(self.conflicts):
            self.conflict_list.setCurrentRow(row)
            self._show_conflict(row)
        m = self.merged_record
        agreed = sum(1 for it in m.items if it["agreed"])
        open_ = sum(1 for c in self.conflicts if c.id not in done)
        self.status.setText(
            f"Article {self.articles.currentIndex() + 1}/{len(self.merged)} · "
            f"{agreed} agreed item(s) accepted · "
            f"{len(self.conflicts) - open_}/{len(self.conflicts)} conflict(s) settled · {open_} open · "
            f"status {gold.status} · adjudicator {self.adjudicator}"
        )

    def current(self) -> Conflict | None:
        row = self.conflict_list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _chosen_now(self, c: Conflict) -> set[int]:
        """Which versions the gold holds now (what a toggle starts from)."""
        assert self.doc is not None
        d = decisions(self.doc.record).get(c.id)
        if d is None:
            return set()
        keys = set(d.get("chosen") or [])
        return {i for i, v in enumerate(c.variants) if v.key in keys}

    def _show_conflict(self, row: int) -> None:
        self.variant_list.clear()
        if not 0 <= row < len(self.conflicts):
            return
        c = self.conflicts[row]
        chosen = self._chosen_now(c)
        for i, v in enumerate(c.variants):
            tick = "☑" if i in chosen else "☐"
            share = f"{len(v.by)}/{len(self.merged_record.present)}"
            self.variant_list.addItem(f"{tick} {i + 1}  {v.text}  — {', '.join(v.by)} ({share})")
        if c.start is not None and c.end is not None:
            self._focus_range(c)

    def _focus_range(self, c: Conflict) -> None:
        """Bring the conflict into view in the gold and in every version."""
        start, end = c.start or 0, c.end or 0
        for view in [self.gold_view, *self.views.values()]:
            hit = next(
                (s.id for s in view.styles.values() if s.start < end and start < s.end and _in(c, s)), None
            )
            if hit is not None:
                view.set_current(hit)
            else:
                view.set_current(None)
                view.select_range(start, end)
                view.ensureCursorVisible()

    # decisions -----------------------------------------------------------------------
    def resolve(
        self, chosen: list[int], advance: bool = False, edited: tuple[int, int, str] | None = None
    ) -> bool:
        c = self.current()
        if c is None or self.doc is None:
            return False
        try:
            edit = decide(self.doc.record, c, chosen, self.adjudicator, self.conflicts, edited)
            self.doc.apply(edit, edit.label)
        except (AdjudicationError, EditRefused) as e:
            self.message.setText(f"Not applied: {e}")
            return False
        self.message.setText(edit.label)
        if advance:
            self.step(+1)
        return True

    def toggle(self, i: int) -> None:
        c = self.current()
        if c is None:
            return
        if not c.multi:
            self.resolve([i])
            return
        chosen = self._chosen_now(c) ^ {i}
        self.resolve(sorted(chosen))

    def accept_all(self) -> None:
        c = self.current()
        if c is not None:
            self.resolve(list(range(len(c.variants))) if c.multi else [0])

    def edit_from_selection(self) -> None:
        """E: the adjudicator's own span (selected in the gold view) with the label of the first version."""
        c = self.current()
        sel = self.gold_view.selection()
        if c is None or c.kind != "span":
            self.message.setText(
                "Edit works on span conflicts: select the text in the gold view, then press E"
            )
            return
        if sel is None:
            self.message.setText("Select the right text in the gold view first, then press E")
            return
        label = parse_span_key(c.variants[0].key)[2]
        self.resolve([], advance=False, edited=(sel[0], sel[1], label))

    def step(self, direction: int, from_row: int | None = None) -> None:
        """Move to the next (or previous) open conflict, wrapping around."""
        if not self.conflicts or self.doc is None:
            return
        done = decisions(self.doc.record)
        n = len(self.conflicts)
        row = self.conflict_list.currentRow() if from_row is None else from_row
        for k in range(1, n + 1):
            cand = (row + direction * k) % n
            if self.conflicts[cand].id not in done:
                self.conflict_list.setCurrentRow(cand)
                return
        if from_row is not None:
            self.conflict_list.setCurrentRow(0)
        self.message.setText("No open conflict left in this article")

    def undo(self) -> None:
        if self.doc is not None:
            label = self.doc.undo()
            self.message.setText(f"Undid: {label}" if label else "Nothing to undo")

    def redo(self) -> None:
        if self.doc is not None:
            label = self.doc.redo()
            self.message.setText(f"Redid: {label}" if label else "Nothing to redo")

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        self.store.close()
        super().closeEvent(e)


def _in(c: Conflict, s: SpanStyle) -> bool:
    """Whether a drawn span is one of the conflict's versions (or its target span)."""
    keys = {v.key for v in c.variants} | ({c.target} if c.target else set())
    return any(k.startswith("span|") and parse_span_key(k)[:2] == (s.start, s.end) for k in keys) or (
        c.kind == "relation" and c.target is not None and parse_span_key(c.target)[:2] == (s.start, s.end)
    )
