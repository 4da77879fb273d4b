"""packaging/build.sh's smoke check on a stand-in bundle: the xcb lookup and the hidden-library run.

The real bundle takes a minute and 400 MB (build.sh itself); what is tested here is the script's
own logic, which once ended a good build with exit 141: ``ldconfig -p | awk '... exit'`` under
``set -o pipefail``, when awk stopped reading before ldconfig finished writing. A stand-in
``ldconfig`` writes a linker cache far larger than a pipe holds, its matches first, so any reader
that stops early kills it with SIGPIPE every time, not one run in a hundred.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "packaging" / "build.sh"


def _xcb_names() -> list[str]:
    script = BUILD.read_text(encoding="utf-8")
    block = re.search(r"^XCB_HIDDEN=\((.*?)\)", script, flags=re.M | re.S)
    assert block, "XCB_HIDDEN is gone from build.sh"
    return block.group(1).split()


def _fake_system(tmp_path: Path, names: list[str]) -> tuple[dict[str, str], list[Path]]:
    """A ``bin`` with an ``ldconfig`` whose cache names ``names`` (as links to versioned files, as
    Debian has them) then 20,000 other libraries; the environment to run build.sh with, and the
    files the lookup must resolve to, in order."""
    libs = tmp_path / "lib"
    libs.mkdir()
    resolved = []
    lines = [f"{len(names) + 20000} libs found in cache `/etc/ld.so.cache'"]
    for name in names:
        real = libs / f"{name}.0.0"
        real.write_bytes(b"\x7fELF not really")
        (libs / name).symlink_to(real.name)
        lines.append(f"\t{name} (libc6,x86-64) => {libs / name}")
        resolved.append(real)
    lines += [f"\tlibother{i}.so.1 (libc6,x86-64) => /nonexistent/libother{i}.so.1" for i in range(20000)]
    cache = tmp_path / "ld.so.cache.txt"
    cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cache.stat().st_size > 16 * 65536  # many times what a pipe buffers
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "ldconfig").write_text(
        f'#!/bin/sh\n[ "$1" = -p ] && exec cat "{cache}"\nexit 1\n', encoding="utf-8"
    )
    (bin_ / "ldconfig").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}
    return env, resolved


def test_the_xcb_lookup_reads_a_large_linker_cache_whole(tmp_path: Path) -> None:
    names = _xcb_names()
    env, resolved = _fake_system(tmp_path, names[:-1])  # the last one missing: left out, no error
    for _ in range(3):
        run = subprocess.run(["bash", str(BUILD), "--which-xcb"], capture_output=True, text=True, env=env)
        assert run.returncode == 0, (run.returncode, run.stderr)  # 141 was SIGPIPE
        assert run.stdout.splitlines() == [str(p) for p in resolved]


def test_the_lookup_would_catch_a_reader_that_stops_early(tmp_path: Path) -> None:
    """The stand-in does reproduce the fault: the old pipeline fails on it under pipefail."""
    env, _ = _fake_system(tmp_path, _xcb_names()[:1])
    old = 'set -o pipefail; f="$(ldconfig -p | awk -v n="$1" \'$1 == n { print $NF; exit }\')"'
    run = subprocess.run(["bash", "-c", old, "_", _xcb_names()[0]], capture_output=True, env=env)
    assert run.returncode == 141


def test_no_pipeline_of_build_sh_ends_in_a_reader_that_stops_early() -> None:
    """The class of fault, not only its first instance: ``| head``, ``| awk '... exit'``, ``grep -q``."""
    for n, line in enumerate(BUILD.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        for stage in code.split("|")[1:]:
            stage = stage.strip()
            assert not stage.startswith(("head", "grep -q", "grep -m")), f"build.sh:{n}: {line.strip()}"
            assert not (stage.startswith("awk") and re.search(r"\bexit\b", stage)), (
                f"build.sh:{n}: {line.strip()}"
            )


FAKE_APP = """#!/bin/sh
# A stand-in for the bundled program: answers each step of the smoke check as the real one does.
case "$1" in
  --version) echo "workbench {version}" ;;
  selftest)
    for f in {hidden}; do
      if [ -s "$f" ]; then echo "not hidden: $f" >&2; exit 1; fi
    done
    echo "selftest passed" ;;
  export|agreement|merge) exit 0 ;;
  preannotate)
    printf '{{"spans":[{{"origin":"model:stand-in@1"}},{{"origin":"rule:quotes@1"}}]}}\\n' > "$4" ;;
  gui) echo "a stand-in has no window" >&2; exit 1 ;;
  "") echo "workbench: no display to open the window on" >&2; exit 3 ;;
  *) exit 2 ;;
esac
"""


def test_the_smoke_check_runs_through_with_the_xcb_libraries_hidden(tmp_path: Path) -> None:
    """``--smoke-only`` on a stand-in bundle: as root (unshare), the libraries the lookup finds are
    really hidden while the program runs (the stand-in's selftest fails if one is not)."""
    from workbench import __version__

    names = _xcb_names()
    env, resolved = _fake_system(tmp_path, names)
    hiding = (
        os.geteuid() == 0 and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0
    )
    out = tmp_path / "build"
    app = out / "dist" / "workbench" / "workbench"
    app.parent.mkdir(parents=True)
    hidden = " ".join(f'"{p}"' for p in resolved) if hiding else ""
    app.write_text(FAKE_APP.format(version=__version__, hidden=hidden), encoding="utf-8")
    app.chmod(0o755)
    article = tmp_path / "article.txt"
    article.write_text("Alice Smith said the council will meet on Monday.\n", encoding="utf-8")
    env["WORKBENCH_SMOKE_ARTICLE"] = str(article)
    run = subprocess.run(
        ["bash", str(BUILD), "--smoke-only", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    said = run.stdout + run.stderr
    if hiding:
        assert f"hiding {len(names)} system xcb libraries" in said, said
        assert all(p.read_bytes() for p in resolved)  # the namespace is gone: the files are back
    assert f"workbench {__version__}" in said and "export (7 formats), agreement and merge ran" in said, said
    assert "pre-annotation: article.txt: 1 spans by the model, 1 by rules" in said, said
    assert "no display: exit 3" in said, said
    if shutil.which("Xvfb") and shutil.which("xdotool"):  # the stand-in has no window to show
        assert run.returncode == 1 and "the window did not appear" in said, said
        assert "a stand-in has no window" in said, said  # its log, shown
    else:
        assert run.returncode == 0 and "smoke check passed" in said, said
