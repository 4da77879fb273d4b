"""The lead's view of a project: progress per annotator, throughput, agreement so far, the full report.

The figures come from :func:`workbench.io.project_status.project_status`, the
same function ``workbench status`` prints, so window and terminal agree. The
report button writes what ``workbench agreement PROJECT --by batch --html`` writes
(agreement per hand-out batch, disputes with the guideline and the spans to open,
throughput) into ``exports/agreement.html``, on a worker thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from workbench.core.throughput import table_rows
from workbench.io.project_status import project_status
from workbench.ui.worker import Worker

COLUMNS = ("Annotator", "Assigned", "Done", "In progress", "Skipped", "To do", "Time")


def _table(parent: QDialog, header: list[str] | tuple[str, ...], rows: list[list[Any]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(header), parent)
    table.setHorizontalHeaderLabels(list(header))
    table.verticalHeader().setVisible(False)
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    table.resizeColumnsToContents()
    return table


class ProjectStatusDialog(QDialog):
    def __init__(self, project: Any, parent: Any = None):
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(f"Project status — {project.data.get('name', project.root.name)}")
        st = project_status(project)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{st.corpus} articles in the corpus, {st.unassigned} not yet assigned"))
        rows = []
        for a in st.annotators:
            minutes = f"{a.seconds / 60:.0f} min" if a.seconds is not None else "–"
            rows.append([a.name, a.assigned, a.done, a.in_progress, a.skipped, a.todo, minutes])
        self.table = _table(self, COLUMNS, rows)
        layout.addWidget(self.table)
        header, body = table_rows(st.throughput)
        layout.addWidget(
            QLabel("Throughput (active time, idle gaps left out) and what became of the pre-annotations")
        )
        self.throughput = _table(self, header, body)
        layout.addWidget(self.throughput)
        self.agreement = QLabel(self._agreement_text(st))
        self.agreement.setWordWrap(True)
        layout.addWidget(self.agreement)
        self.report_button = QPushButton("&Agreement report (HTML)…")
        self.report_button.clicked.connect(self.write_report)
        self.report_note = QLabel("")
        self.report_note.setTextFormat(Qt.TextFormat.RichText)
        self.report_note.setOpenExternalLinks(True)
        self.report_note.setWordWrap(True)
        layout.addWidget(self.report_button)
        layout.addWidget(self.report_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.worker = Worker(self)
        self.worker.finished.connect(self._written)
        self.worker.failed.connect(lambda msg: self.report_note.setText(f"No report: {msg}"))
        self.resize(820, 560)

    def write_report(self) -> None:
        """Agreement by batch, disputes and throughput into the project's exports/agreement.html."""
        from workbench.app.agreement import write_project_report

        root = self.project.root
        if self.worker.start(lambda progress, deliver: write_project_report(root, progress)):
            self.report_note.setText("Measuring agreement…")

    def _written(self, path: Any, cancelled: bool) -> None:
        if path is not None and not cancelled:
            url = QUrl.fromLocalFile(str(path)).toString()
            self.report_note.setText(f'Report written: <a href="{url}">{path}</a>')

    def done(self, result: int) -> None:  # noqa: D102 - closing waits for a report being written
        self.worker.shutdown()
        super().done(result)

    @staticmethod
    def _agreement_text(st: Any) -> str:
        if not st.agreement:
            return "Agreement so far: no article has been started by two annotators yet."
        ag = st.agreement

        def f(x: float | None) -> str:
            return "–" if x is None else f"{x:.2f}"

        lines = [
            f"Agreement so far on {ag['articles']} shared article(s): span F1 strict "
            f"{f(ag['span_f1_strict'])}, lenient {f(ag['span_f1_lenient'])}."
        ]
        if st.disputed:
            worst = ", ".join(f"{doc} ({f1:.2f})" for doc, f1 in st.disputed[:5])
            lines.append(f"Most disagreement: {worst}")
        return "\n".join(lines)
