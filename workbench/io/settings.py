"""User settings: who annotates, what was open, where the window was.

Kept as one small JSON file in the platform's config folder (``platformdirs``),
or in ``$WORKBENCH_CONFIG_DIR`` when set, so tests and portable installs never
touch the user's real settings. Written atomically: a crash mid-save leaves the
previous settings, never a half file. A damaged file is renamed aside and
defaults used, because losing window geometry must never stop anyone working.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.io.atomic import atomic_write

ENV_VAR = "WORKBENCH_CONFIG_DIR"
ANNOTATOR_ENV = "WORKBENCH_ANNOTATOR"
MAX_RECENT = 10


def config_dir() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("workbench", appauthor=False))


@dataclass
class Settings:
    annotator: str | None = None
    recent: list[str] = field(default_factory=list)
    last_paths: list[str] = field(default_factory=list)
    # corpus key (joined paths) -> last document id, so reopening lands where work stopped
    last_document: dict[str, str] = field(default_factory=dict)
    geometry: str | None = None  # base64 of QWidget.saveGeometry()
    window_state: str | None = None  # base64 of QMainWindow.saveState()
    model: str | None = None  # spaCy pipeline name or path for pre-annotation
    snap_to_tokens: bool = True
    # Pre-annotate an untouched article when it is opened (in the background, one undo step).
    preannotate_on_open: bool = True
    # Ctrl+Return on an article with unreviewed pre-annotations asks once before marking it done.
    ask_done_unreviewed: bool = True
    font_size: int | None = None
    # Time on task: a gap of more than this many seconds without a key, click or scroll is not work.
    idle_after_seconds: float = 120.0

    @property
    def effective_annotator(self) -> str | None:
        """The env var wins so scripted runs and tests never prompt."""
        return os.environ.get(ANNOTATOR_ENV) or self.annotator

    def add_recent(self, path: str | Path) -> None:
        p = str(Path(path).resolve())
        self.recent = [p] + [r for r in self.recent if r != p]
        del self.recent[MAX_RECENT:]


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings() -> Settings:
    path = settings_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        try:
            path.replace(path.with_name(path.name + ".bad"))
        except OSError:
            pass
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save_settings(settings: Settings, durable: bool = True) -> bool:
    """False when the config folder cannot be written (read-only home): settings are not work.

    ``durable=False`` skips the fsyncs: the rename is still atomic and survives the
    process being killed (the page cache outlives it), only not a power cut. The
    window uses it on every document switch, where two fsyncs would cost more than
    the switch itself, and saves durably on close.
    """
    path = settings_path()
    data = json.dumps(asdict(settings), indent=1, ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if durable:
            with atomic_write(path) as fh:
                fh.write(data)
        else:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(data, "utf-8")
            os.replace(tmp, path)
        return True
    except OSError:
        return False
