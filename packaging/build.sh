#!/usr/bin/env bash
# Build the one-folder desktop bundle and run its smoke check.
#
#   packaging/build.sh                  build from this work tree with the current venv (.venv or $VIRTUAL_ENV)
#   packaging/build.sh --clean          build from a fresh clone of HEAD in a new temporary venv (what a release does)
#   packaging/build.sh --out DIR        put the build there (default /tmp/workbench-build); never inside the repo
#   packaging/build.sh --tar            also pack DIR/workbench-<version>-linux-<arch>.tar.gz with install.sh
#   packaging/build.sh --smoke-only     only run the smoke check on an existing DIR/dist/workbench
#
# The smoke check runs the built program with an empty environment (no Python on PATH, no venv, a fresh
# HOME): `workbench --version` and `workbench selftest` (opens the demo corpus offscreen in the real window,
# pre-annotates an article with the bundled model, writes a record to a temporary annotator file).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=/tmp/workbench-build
CLEAN=0
TAR=0
SMOKE_ONLY=0
PYTHON="${PYTHON:-python3}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --clean) CLEAN=1 ;;
        --tar) TAR=1 ;;
        --smoke-only) SMOKE_ONLY=1 ;;
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$OUT" in "$REPO"|"$REPO"/*) echo "build.sh: --out must be outside the repository ($REPO)" >&2; exit 2 ;; esac
mkdir -p "$OUT"
DIST="$OUT/dist"
APP="$DIST/workbench/workbench"
log() { printf '\n== %s\n' "$*"; }

smoke() {
    log "smoke check: $APP"
    [[ -x "$APP" ]] || { echo "build.sh: $APP is missing; build first" >&2; exit 1; }
    local home; home="$(mktemp -d "$OUT/smoke-home.XXXXXX")"
    local run=(env -i "HOME=$home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "QT_QPA_PLATFORM=offscreen"
               "XDG_RUNTIME_DIR=$home" "WORKBENCH_CONFIG_DIR=$home/config")
    local want; want="workbench $(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$REPO/workbench/__init__.py")"
    local got; got="$(cd "$home" && "${run[@]}" "$APP" --version)"
    echo "$got"
    [[ "$got" == "$want" ]] || { echo "build.sh: --version printed '$got', expected '$want'" >&2; exit 1; }
    (cd "$home" && "${run[@]}" "$APP" selftest)
    # The command line too: exports build blank spaCy pipelines, whose registry loads entry points
    # that only a complete bundle has; agreement and merge read the shipped example files.
    local ann; ann="$(dirname "$APP")/_internal/workbench/data/corpora/annotated"
    (cd "$home" && for fmt in spacy hf conll prodigy brat doccano jsonl; do
        "${run[@]}" "$APP" export "$ann/demo.alice.jsonl" --format "$fmt" -o "$home/export-$fmt" >/dev/null \
            || { echo "build.sh: workbench export --format $fmt failed in the bundle" >&2; exit 1; }
    done
    "${run[@]}" "$APP" agreement "$ann/demo.alice.jsonl" "$ann/demo.bob.jsonl" --json >/dev/null
    "${run[@]}" "$APP" merge "$ann/demo.alice.jsonl" "$ann/demo.bob.jsonl" -o "$home/merged.jsonl" >/dev/null
    echo "command line: export (7 formats), agreement and merge ran")
    rm -rf "$home"
    log "smoke check passed"
}

if [[ $SMOKE_ONLY == 1 ]]; then smoke; exit 0; fi

SRC="$REPO"
if [[ $CLEAN == 1 ]]; then
    log "clean checkout of HEAD ($(git -C "$REPO" rev-parse --short HEAD))"
    rm -rf "$OUT/src" "$OUT/venv"
    git clone --quiet --no-hardlinks "$REPO" "$OUT/src"
    SRC="$OUT/src"
    log "new venv in $OUT/venv"
    "$PYTHON" -m venv "$OUT/venv"
    VENV="$OUT/venv"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet "$SRC[package]"
else
    VENV="${VIRTUAL_ENV:-$REPO/.venv}"
    [[ -x "$VENV/bin/python" ]] || { echo "build.sh: no venv at $VENV (create one or use --clean)" >&2; exit 1; }
    "$VENV/bin/python" -c "import PyInstaller" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet "pyinstaller>=6.10"
fi

log "icons from the SVG source"
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" "$SRC/packaging/linux/render_icons.py" >/dev/null

log "pyinstaller ($("$VENV/bin/python" -m PyInstaller --version))"
start=$(date +%s)
rm -rf "$DIST" "$OUT/work"
(cd "$SRC" && "$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$OUT/work" packaging/workbench.spec)
secs=$(( $(date +%s) - start ))
size=$(du -sm "$DIST/workbench" | cut -f1)
log "built $DIST/workbench in ${secs}s, ${size} MB"

smoke

if [[ $TAR == 1 ]]; then
    version="$("$APP" --version | cut -d' ' -f2)"
    name="workbench-$version-linux-$(uname -m)"
    log "packing $OUT/$name.tar.gz"
    stage="$OUT/$name"
    rm -rf "$stage" && mkdir -p "$stage"
    cp -a "$DIST/workbench" "$stage/workbench"
    cp -a "$SRC/packaging/linux" "$stage/linux"
    rm -f "$stage/linux/render_icons.py"
    mv "$stage/linux/install.sh" "$stage/install.sh"
    tar -C "$OUT" -czf "$OUT/$name.tar.gz" "$name"
    rm -rf "$stage"
    ls -l "$OUT/$name.tar.gz"
fi
