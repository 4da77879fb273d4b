"""Can a window start here? Asked before any Qt GUI object exists.

Why: when Qt cannot load its platform plugin (a minimal Debian with X but without
``libxcb-cursor0``) or finds no display, it prints a paragraph of its own words and
aborts the process with a core dump. Annotators then see a crash, not the one missing
package. This module answers the same questions first, with the standard library only
(no ``PySide6`` import, so it costs milliseconds): which platform plugin Qt will pick,
whether the libraries that plugin links to can be loaded (``ldd`` on the plugin, or
``ctypes`` when there is no ``ldd``), and whether the display answers. The answer is a
:class:`Finding` with one short message naming what is missing and the command that
installs it on Debian/Ubuntu, Fedora and Arch. ``workbench.ui.launch`` refuses to start
a window on a finding; ``workbench selftest`` reports :func:`library_check` as a step.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# soname -> (Debian/Ubuntu, Fedora, Arch) package. The xcb family first: minimal desktops lack it.
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
}
NEEDS_NO_DISPLAY = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay", "minimalegl"}
HEADLESS_HINT = (
    "The command-line commands work without a display (workbench --help lists them); "
    "to check this installation headless: QT_QPA_PLATFORM=offscreen workbench selftest"
)
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_LDD_ERROR = re.compile(r"error while loading shared libraries: ([^:]+): (.+)$", re.MULTILINE)


@dataclass
class Finding:
    """Why the window cannot start: ``message`` is what the user reads, ``missing`` the sonames."""

    message: str
    missing: list[str] = field(default_factory=list)


def platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (``QT_QPA_PLATFORM``, else Qt's own default)."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [p.split(":", 1)[0].strip() for p in chosen.split(";") if p.strip()]
    if sys.platform != "linux":
        return []  # Windows and macOS plugins have no system libraries to miss
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def plugin_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Qt's ``platforms`` plugin folder, found from the PySide6 package path without importing it."""
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        return Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"])
    roots: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)  # inside the PyInstaller bundle
    if meipass:
        roots.append(Path(meipass) / "PySide6")
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        roots += [Path(p) for p in spec.submodule_search_locations]
    for root in roots:
        for sub in ("Qt/plugins/platforms", "plugins/platforms"):
            if (root / sub).is_dir():
                return root / sub
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries ``plugin`` links to (directly or not) that the dynamic loader cannot load."""
    ldd = shutil.which("ldd")
    if ldd:
        try:
            out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            text = out.stdout + out.stderr
            found = _NOT_FOUND.findall(text) + [Path(m[0]).name for m in _LDD_ERROR.findall(text)]
            if found or out.returncode == 0:
                return list(dict.fromkeys(found))
    try:  # no usable ldd: the loader's own error names the first library it could not load
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as e:
        m = re.match(r"([^:\s]+\.so[.\d]*): (.*)", str(e))
        return [Path(m.group(1)).name] if m and Path(m.group(1)).name != plugin.name else [str(e)]
    return []


def library_check(platform: str = "xcb", env: Mapping[str, str] | None = None) -> Finding | None:
    """None when the ``platform`` plugin's libraries load here, else what is missing and how to install it."""
    folder = plugin_dir(env)
    if folder is None:
        return Finding("Qt's platform plugins were not found: the PySide6 installation is incomplete.")
    plugin = folder / f"libq{platform}.so"
    if not plugin.is_file():
        return Finding(f"Qt's {platform} platform plugin is missing: {plugin} does not exist.")
    missing = missing_libraries(plugin)
    return _missing_message(platform, missing) if missing else None


def _missing_message(platform: str, missing: list[str]) -> Finding:
    known = [PACKAGES[m] for m in missing if m in PACKAGES]
    lines = [
        f"the window cannot start: Qt's {platform} platform plugin needs libraries this system lacks: "
        + ", ".join(missing)
        + "."
    ]
    if known:
        for name, i, cmd in (
            ("Debian/Ubuntu", 0, "sudo apt-get install"),
            ("Fedora", 1, "sudo dnf install"),
            ("Arch", 2, "sudo pacman -S"),
        ):
            pkgs = " ".join(dict.fromkeys(k[i] for k in known))
            lines.append(f"  {name + ':':<14} {cmd} {pkgs}")
    unknown = [m for m in missing if m not in PACKAGES]
    if unknown:
        lines.append(f"  Install the package that provides {', '.join(unknown)} (e.g. apt-file search NAME).")
    lines.append("Then start the workbench again.")
    return Finding("\n".join(lines), missing)


def x_display_reachable(display: str) -> bool:
    """Whether an X server listens at ``display`` (":0", "unix:1", "host:10.0"): a socket connect, no Qt."""
    m = re.fullmatch(r"(?:(?P<proto>[\w.-]+)/)?(?P<host>[^:]*):(?P<num>\d+)(?:\.\d+)?", display)
    if m is None:
        return os.path.exists(display)  # a socket path, as macOS's XQuartz sets it
    num, host = int(m.group("num")), m.group("host")
    if host in ("", "unix"):
        for address in (f"\0/tmp/.X11-unix/X{num}", f"/tmp/.X11-unix/X{num}"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                try:
                    s.connect(address)
                    return True
                except OSError:
                    continue
        if host == "unix":
            return False
        host = "localhost"
    try:
        socket.create_connection((host, 6000 + num), timeout=2).close()
        return True
    except OSError:
        return False


def check(env: Mapping[str, str] | None = None) -> Finding | None:
    """None when a window can start with this environment, else the reason in the user's words."""
    env = os.environ if env is None else env
    tried = platforms(env)
    if not tried or any(p in NEEDS_NO_DISPLAY for p in tried[:1]):
        return None
    first: Finding | None = None
    for platform in tried:
        finding = _check_platform(platform, env)
        if finding is None:
            return None
        first = first or finding
    return first


def _check_platform(platform: str, env: Mapping[str, str]) -> Finding | None:
    if platform == "xcb":
        display = env.get("DISPLAY", "")
        if not display:
            if env.get("WAYLAND_DISPLAY"):
                return Finding(
                    "no X display (DISPLAY is not set) and Qt was told to use xcb; on this Wayland "
                    "session start the window with QT_QPA_PLATFORM=wayland, or run it under Xwayland."
                )
            return Finding(f"no display to open the window on (DISPLAY is not set).\n{HEADLESS_HINT}")
        finding = library_check("xcb", env)
        if finding is not None:
            return finding
        if not x_display_reachable(display):
            return Finding(
                f"cannot reach the X display {display}: no X server answers there. "
                f"Start the workbench from the desktop session, or set DISPLAY to one that runs.\n"
                f"{HEADLESS_HINT}"
            )
        return None
    if platform == "wayland":
        if not env.get("WAYLAND_DISPLAY"):
            return Finding(f"no Wayland display (WAYLAND_DISPLAY is not set).\n{HEADLESS_HINT}")
        return library_check("wayland", env)
    return None  # another plugin Qt knows: nothing we can check ahead of it
