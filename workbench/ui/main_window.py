"""The annotation window: assembles the panels and wires them to one Session.

State lives in the Session (batch, annotator file, current Document); edits go
through ``Document.apply`` (via the controller or the inspector). The window
says which article is open (:class:`OpenDocument`) and every panel repaints
itself from its signals. Actions run through the one table
(:mod:`workbench.ui.actions`): the ``act_*`` methods here and on the controller
are the handlers it names, resolved when the window is built. This module only
lays out and routes; behaviour lives in the panel modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from workbench.app.opening import ARTICLE_SUFFIXES, OpenError, annotator_path, project_of
from workbench.app.session import Session
from workbench.core.document import Change, Document
from workbench.core.edits import SetStatus
from workbench.core.record import RecordError
from workbench.core.schema import AnnotationSchema, SchemaError
from workbench.io.settings import Settings, save_settings
from workbench.ui import spans as sp
from workbench.ui.actions import ACTIONS, ActionSpec, collisions
from workbench.ui.activity import ActivityWatch
from workbench.ui.article_header import ArticleHeader
from workbench.ui.batch_navigation import Awaited, next_undone, position
from workbench.ui.controller import Controller
from workbench.ui.dispatch import Dispatcher
from workbench.ui.doc_list import DocListPanel
from workbench.ui.docks import add_docks
from workbench.ui.help_overlay import HelpOverlay
from workbench.ui.inspector import Inspector
from workbench.ui.keyboard_focus import EscapeToArticle
from workbench.ui.menus import build_menus, follow_history
from workbench.ui.open_document import OpenDocument
from workbench.ui.preannotate import PreannotationRunner
from workbench.ui.project_menu import ProjectActions
from workbench.ui.relations_panel import RelationPanel
from workbench.ui.save_status import SaveStatus, fit_message
from workbench.ui.settings_dialog import SettingsDialog
from workbench.ui.store_index import StoreIndexer
from workbench.ui.takeover import Takeover
from workbench.ui.text_view import SpanTextView

# Seconds of indexing before a batch opens at its first article; the list fills in the background.
INDEX_BUDGET = 0.1


class MainWindow(QMainWindow):
    def __init__(
        self,
        schema: AnnotationSchema,
        settings: Settings,
        annotator: str,
        actions: tuple[ActionSpec, ...] = ACTIONS,
    ):
        super().__init__()
        self.schema = schema
        self.settings = settings
        self.annotator = annotator
        self.session: Session | None = None
        self.schema_switch: Any = None  # set by workbench.ui.app: rebuild the window for another schema
        self.setAcceptDrops(True)
        self.setWindowTitle("Workbench")
        self.open_doc = OpenDocument(self)
        # centre: header (title, facts, banner, legend) above the article ------------------
        self.view = SpanTextView()
        self.controller = Controller(self.view, actions)
        self.controller.snap_tokens = settings.snap_to_tokens
        self.header = ArticleHeader(schema, self)
        self.banner = self.header.banner
        centre = QWidget()
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(6, 6, 6, 0)
        for w in self.header.widgets():
            lay.addWidget(w)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(centre)
        # docks and status bar ----------------------------------------------------------
        self.doc_list = DocListPanel()
        self.inspector = Inspector(schema, self.apply)
        self.relations = RelationPanel(self.apply)
        add_docks(self, self.doc_list, self.inspector, self.relations)
        self.save_status = SaveStatus(self, lambda: self.session)
        self.preannotator = PreannotationRunner(
            settings, schema, lambda: self.session, self.apply, lambda: self.controller.readonly_reason, self
        )
        self.work_bar, self.work_cancel = self.preannotator.bar, self.preannotator.cancel_button
        for w in (self.work_bar, self.work_cancel, self.save_status.label):
            self.statusBar().addPermanentWidget(w)
        self.help = HelpOverlay(schema, actions, self)
        # one table: menus, shortcuts, single keys and help; a missing handler stops us here
        self.project_actions = ProjectActions(self)
        self.dispatcher = Dispatcher(
            actions, {"window": self, "controller": self.controller, "project": self.project_actions}
        )
        self.controller.dispatch = self.dispatcher.run
        self.actions_by_id, self.recent_menu = build_menus(
            self, schema, actions, self.dispatcher.run, self.controller.label_key_menu
        )
        self._takeover = Takeover(self, self)  # a read-only window takes over when the holder lets go
        self.store_index = StoreIndexer(self, self)  # a large annotator file is indexed after the first paint
        self.activity = ActivityWatch(self, lambda: self.session, lambda: self.settings.idle_after_seconds)
        # subscriptions: the article first (the others point into it), then the panels ------
        self.open_doc.switched.connect(self._show_article)
        self.open_doc.changed.connect(self._repaint_spans)
        self.controller.follow(self.open_doc)
        self.header.follow(self.open_doc, lambda rid: rid in (self.session.originals if self.session else ()))
        self.open_doc.follow(self.inspector.refresh)
        self.open_doc.follow(self.relations.refresh)
        self.doc_list.follow(self.open_doc)
        follow_history(self.actions_by_id["undo"], self.actions_by_id["redo"], self.open_doc)
        self.open_doc.switched.connect(self.save_status.update)
        self.open_doc.changed.connect(self._report_undo)
        # messages and requests ---------------------------------------------------------
        for source in (self.save_status, self.preannotator):
            source.message.connect(self.say)
        self.controller.message.connect(self.say)
        self.preannotator.articleChanged.connect(self.doc_list.status_changed)
        self.doc_list.documentActivated.connect(self.open_document)
        self._awaited: Awaited | None = None  # the article to go to when a filling batch reaches it
        self.doc_list.arrived.connect(self._batch_arrived)
        self.doc_list.filled.connect(self._batch_arrived)
        self.relations.spanRequested.connect(lambda i: self.controller.set_current(i))
        self.relations.list.currentItemChanged.connect(
            lambda *_: self.inspector.show_relation(self.relations.current_relation())
        )
        self.relations.leave.connect(self._back_to_article)
        self._escape = EscapeToArticle(self.view, self)
        for panel in (self.inspector, self.relations, self.doc_list):
            self._escape.watch(panel)
        search = self.doc_list.search
        search.returnPressed.connect(self.doc_list.open_first_match)
        self._asked_done: set[str] = set()  # articles whose unreviewed items were pointed out once
        self.view.setFocus()
        self._refresh_recent()
        if settings.geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.geometry.encode()))
        else:
            self.resize(1400, 860)
        if settings.window_state:
            self.restoreState(QByteArray.fromBase64(settings.window_state.encode()))

    # opening ---------------------------------------------------------------------------
    def open_paths(self, paths: list[Path], document: str | None = None) -> bool:
        try:
            # The same annotator file again: the new session takes over the open store (its lock
            # and any edits still waiting to be written), so there is nothing to lose or to ask.
            same_store = (
                self.session is not None
                and not self.session.readonly
                and bool(paths)
                and annotator_path(paths, self.annotator) == self.session.store_path
            )
        except OpenError:
            same_store = False
        if not same_store and not self._may_drop_unsaved():
            return False
        try:
            project = project_of(paths)
        except OpenError as e:
            self.error("Cannot open", str(e))
            return False
        if project is not None and self.schema_switch is not None:
            try:
                schema = project.schema()
            except SchemaError as e:
                self.error("Cannot open: bad project schema", str(e))
                return False
            if schema.ref != self.schema.ref or schema.raw != self.schema.raw:
                self.schema_switch(paths, schema)  # a window built for the project's schema takes over
                return True
        try:
            session = Session(
                paths,
                self.annotator,
                self.schema,
                store=self.session.store if same_store else None,
                index_budget=INDEX_BUDGET,
            )
        except OpenError as e:
            self.error("Cannot open", str(e))
            return False
        except OSError as e:
            self.error("Cannot open", f"{e.filename or paths[0]}: {e.strerror or e}")
            return False
        self.close_session(keep_store=session.store is (self.session.store if self.session else None))
        self.session = session
        self.save_status.watch(session)
        # the list is filled once the store is indexed (store_index): an edit waits for that, browsing not
        self.doc_list.set_batch(session.batch, session.status, fill=False)
        self.settings.last_paths = [str(p.resolve()) for p in paths]
        for p in paths:
            self.settings.add_recent(p)
        self._refresh_recent()
        notes = []
        self.inspector.setEnabled(session.locked is None)
        self.controller.readonly_reason = str(session.locked) if session.locked is not None else None
        self._takeover.follow(session)
        if session.store.ready and not session.store.report.ok:  # else said when it is indexed
            notes.append(f"annotator file: {session.store.report.summary()}")
        if session.batch.errors:
            notes.append(
                f"{len(session.batch.errors)} problem(s) reading articles, first: {session.batch.errors[0]}"
            )
        target = document or self.settings.last_document.get(session.key)
        self._awaited = None
        if target is None or session.batch.position(target) is None:
            stand_in = next_undone(session, -1) or session.batch.items[0].id
            if target is not None and session.batch.pending is not None:  # may be in the part still read
                self._awaited = Awaited(target, stand_in)
            target = stand_in
        self.open_document(target)
        self.store_index.follow(session, self.view.viewport())
        clashes = collisions(self.schema, self.controller.actions)
        if clashes:  # the window's own keys win; the schema's lead should pick other keys
            notes.append(
                f"schema key clash: {clashes[0]}"
                + (f" (+{len(clashes) - 1} more)" if len(clashes) > 1 else "")
            )
        self.say(
            f"Opened {len(session.batch)}{'+ (more coming)' if session.batch.pending else ''} article(s); "
            f"annotations go to {session.store_path}" + (" · " + "; ".join(notes) if notes else "")
        )
        self.save_status.update()
        return True

    def _batch_arrived(self) -> None:
        """More of a large batch is in the list: go to the awaited article; when all is read, say so."""
        s, awaited = self.session, self._awaited
        if s is not None and awaited is not None:
            if awaited.due(s):
                self._awaited = None
                self.open_document(awaited.id)
            elif awaited.gone(s):
                self._awaited = None
        if s is not None and s.batch.pending is None:
            errors = s.batch.errors
            problems = f"; {len(errors)} problem(s), first: {errors[0]}" if errors else ""
            self.say(f"All {len(s.batch):,} article(s) of the batch are in the list{problems}")

    def close_session(self, keep_store: bool = False) -> None:
        if self.session is not None:
            self.session.close(keep_store)
            self.session = None
            if not keep_store:
                self.save_status.forget_failures()
            # its Documents are no longer saved by anyone: keys and forms must not edit them
            self.open_doc.set_document(None)
            self.doc_list.clear()  # nor does the list ask a closed (perhaps unreadable) store

    def open_document(self, record_id: str) -> None:
        s = self.session
        if s is None:
            return
        try:
            doc = s.open(record_id)
        except (RecordError, ValueError, OSError) as e:
            self.error("Cannot open this article", f"{s.batch.sources[s.batch.item(record_id).source]}: {e}")
            return
        self.open_doc.set_document(doc)  # every panel follows
        self.settings.last_document[s.key] = record_id
        self._save_settings(durable=False)  # at once: after a kill the next start must land here
        self.view.setFocus()
        self.preannotator.run_on_open()

    # edits ------------------------------------------------------------------------------
    def apply(self, edit: Any, label: str | None = None, starts_work: bool = True) -> bool:
        return self.controller.apply(edit, label, starts_work)

    def _show_article(self, doc: Document | None) -> None:
        if doc is not None:  # a closed batch leaves its last article on screen, read-only in effect
            rec = doc.record
            self.view.set_content(
                rec.text, [v for v in sp.styles(rec, self.schema).values() if v is not None]
            )

    def _repaint_spans(self, change: Change) -> None:
        if self.open_doc.doc is not None:
            self.view.update_spans(sp.styles(self.open_doc.doc.record, self.schema, change.span_ids))

    def _report_undo(self, change: Change) -> None:
        if change.kind != "apply":
            self.say(f"{'Undid' if change.kind == 'undo' else 'Redid'}: {change.label}")

    # actions ----------------------------------------------------------------------------
    def run_action(self, action_id: str) -> bool:
        """What a menu entry or a key of the action table does, by id (scripts and the self-test)."""
        return self.dispatcher.run(action_id)

    def act_open(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Open articles, a corpus or an annotator file",
            "",
            f"Articles ({' '.join('*' + s for s in ARTICLE_SUFFIXES)});;All files (*)",
        )
        if files:
            self.open_paths([Path(f) for f in files])

    def act_open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of articles")
        if folder:
            self.open_paths([Path(folder)])

    def act_preferences(self) -> None:
        dlg = SettingsDialog(self.settings, self, self.preannotator.model_in_use)
        if dlg.exec():
            dlg.apply()
            self.controller.snap_tokens = self.settings.snap_to_tokens
            self._save_settings()
            name = self.settings.effective_annotator
            if name and name != self.annotator:
                self.annotator = name  # a new name means a new annotator file: reopen the batch under it
                if self.session is not None:
                    self.open_paths(self.session.paths)

    def act_quit(self) -> None:
        self.close()

    def act_undo(self) -> None:
        doc = self.session.document if self.session else None
        if doc is not None and not self.controller.readonly_reason:
            doc.undo()

    def act_redo(self) -> None:
        doc = self.session.document if self.session else None
        if doc is not None and not self.controller.readonly_reason:
            doc.redo()

    def act_find(self) -> None:
        self.doc_list.search.setFocus()
        self.doc_list.search.selectAll()

    def act_help(self) -> None:
        self.help.toggle()
        if not self.help.isVisible():
            self.view.setFocus()

    def act_guidelines(self) -> None:
        self.help.show_guidelines("label", self.inspector.current_label())
        if not self.help.isVisible():
            self.view.setFocus()

    def _set_status(self, status: str) -> bool:
        doc = self.session.document if self.session else None
        if doc is None:
            return False
        if doc.record.status == status:
            return True
        return self.apply(SetStatus(status), f"Mark {status.replace('_', ' ')}")

    def act_done_next(self) -> None:
        doc = self.session.document if self.session else None
        if doc is not None and self.settings.ask_done_unreviewed and doc.record.status != "done":
            rec = doc.record
            n = sum(s.review == "pending" for s in rec.spans.values())
            n += sum(r.review == "pending" for r in rec.relations.values())
            if n and rec.id not in self._asked_done:
                self._asked_done.add(rec.id)  # asked once: the same key again means "done anyway"
                self.say(
                    f"{n} pre-annotation(s) not reviewed yet: Ctrl+Return again marks the article done "
                    "anyway, Shift+Y accepts them all (Preferences can turn this question off)",
                    0,
                )
                return
        if self._set_status("done"):
            self.statusBar().clearMessage()  # the question above is answered: it must not stay on the next
            self.act_next_undone()

    def act_relations(self) -> None:
        if not self.relations.enter():
            self.say("The current span has no relations" if self.controller.current else "No span is current")

    def act_delete_relation(self) -> None:
        gone = self.relations.delete_current()
        self.say(f"Deleted: {gone}" if gone else "No relation to delete: the current span has none")

    def _back_to_article(self, key: Any) -> None:
        self.view.setFocus()
        if key is not None:
            self.controller.handle_key(key)

    def act_uncleaned(self) -> None:
        s, doc = self.session, self.open_doc.doc
        if s is None or doc is None:
            return
        other = s.cleaning_twin(doc.record.id)
        if other is None and "original_text" in doc.record.meta:
            self.say("This article came cleaned (workbench add): its original text is in meta.original_text")
        elif other is None:
            self.say("This article was not cleaned when it opened: it is shown as the file has it")
        else:
            self.doc_list.set_batch(s.batch, s.status)  # the row now stands for the other version
            self.open_document(other)

    def act_skip_next(self) -> None:
        if self._set_status("skipped"):
            self.act_next_undone()

    def act_reopen(self) -> None:
        self._set_status("in_progress")

    def act_next_undone(self, step: int = 1) -> None:
        rid = next_undone(self.session, position(self.session), step) if self.session else None
        if rid is None:
            self.say("Every document of the batch is done or skipped")
        else:
            self.open_document(rid)

    def act_prev_undone(self) -> None:
        self.act_next_undone(-1)

    def act_next_doc(self, step: int = 1) -> None:
        s = self.session
        if s is not None:
            self.open_document(s.batch.items[(position(s) + step) % len(s.batch.items)].id)

    def act_prev_doc(self) -> None:
        self.act_next_doc(-1)

    def act_preannotate(self) -> None:
        self.preannotator.run_document()

    def act_preannotate_all(self) -> None:
        self.preannotator.run_batch()

    def act_cancel_work(self) -> None:
        self.preannotator.cancel()

    # messages ---------------------------------------------------------------------------
    def say(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(fit_message(self.statusBar(), text), timeout)

    def error(self, title: str, text: str) -> None:
        """Bad files get a clear dialog (no traceback); routine events go to the status bar."""
        self.say(f"{title}: {text.splitlines()[0]}", 0)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setModal(True)
        box.open()

    # settings, recent files, drag and drop ---------------------------------------------------
    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.recent:
            self.recent_menu.addAction(p, lambda p=p: self.open_paths([Path(p)]))
        self.recent_menu.setEnabled(bool(self.settings.recent))

    def _save_settings(self, durable: bool = True) -> None:
        self.settings.geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.settings.window_state = bytes(self.saveState().toBase64()).decode()
        save_settings(self.settings, durable)

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.open_paths(paths)

    def _may_drop_unsaved(self, doing: str = "Open the other files") -> bool:
        """Leaving the session closes its store: pending edits that still cannot be written need a yes."""
        if self.session is None or self.session.readonly or self.session.retry_save():
            return True
        answer = QMessageBox.warning(
            self,
            "Edits not saved",
            f"The annotator file cannot be written ({self.session.store.last_error}). "
            f"{doing} anyway and lose the unsaved edits?",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
        )
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802
        if not self._may_drop_unsaved("Close"):
            e.ignore()  # and the background work goes on
            return
        self._takeover.stop()
        self.preannotator.shutdown()
        self.doc_list.shutdown()
        self.store_index.shutdown()
        self._save_settings()
        self.close_session()
        super().closeEvent(e)
