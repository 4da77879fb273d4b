"""The lead's view of a project: progress per annotator and agreement so far.

The figures come from :func:`workbench.io.project_status.project_status`, the
same function ``workbench status`` prints, so window and terminal agree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from workbench.io.project_status import project_status

COLUMNS = ("Annotator", "Assigned", "Done", "In progress", "Skipped", "To do", "Time")


class ProjectStatusDialog(QDialog):
    def __init__(self, project: Any, parent: Any = None):
        super().__init__(parent)
        self.setWindowTitle(f"Project status — {project.data.get('name', project.root.name)}")
        st = project_status(project)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{st.corpus} articles in the corpus, {st.unassigned} not yet assigned"))
        self.table = QTableWidget(len(st.annotators), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        for row, a in enumerate(st.annotators):
            minutes = f"{a.seconds / 60:.0f} min" if a.seconds is not None else "–"
            cells = (a.name, a.assigned, a.done, a.in_progress, a.skipped, a.todo, minutes)
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        self.agreement = QLabel(self._agreement_text(st))
        self.agreement.setWordWrap(True)
        layout.addWidget(self.agreement)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

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
