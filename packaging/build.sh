#!/usr/bin/env bash
# Build the one-folder desktop bundle and run its smoke check.
#
#   packaging/build.sh                  build from this work tree with the current venv (.venv or $VIRTUAL_ENV)
#   packaging/build.sh --clean          build from a fresh clone of HEAD in a new temporary venv (what a release does)
#   packaging/build.sh --out DIR        put the build there (default /tmp/workbench-build); never inside the repo
#   packaging/build.sh --tar            also pack DIR/workbench-<version>-linux-<arch>.tar.gz with install.sh
#   packaging/build.sh --smoke-only     only run the smoke check on an existing DIR/dist/workbench
#   packaging/build.sh --no-hide-xcb    run the smoke check with the system's xcb libraries visible
#   packaging/build.sh --which-xcb      only list the system's xcb libraries the smoke check hides
#
# The smoke check runs the built program with an empty environment (no Python on PATH, no venv, a fresh
# HOME): `workbench --version`, `workbench selftest` (opens the demo corpus offscreen in the real window,
# pre-annotates an article with the bundled model, writes a record to a temporary annotator file), every
# export, agreement, merge, the pre-annotation of the seed article, the start-up message without a display,
# and (with Xvfb) the window on a real X display. As root, where `unshare -m` works, it runs with the xcb
# libraries that minimal desktops lack hidden (bind-mounted over with /dev/null in a private mount
# namespace), so it proves the bundle carries them.
#
# Under pipefail no pipeline here may have a reader that stops early (`| head -1`, awk's `exit`):
# the writer then dies of SIGPIPE, the pipeline fails with 141 and set -e ends the build.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=/tmp/workbench-build
CLEAN=0
TAR=0
SMOKE_ONLY=0
HIDE_XCB=1
PYTHON="${PYTHON:-python3}"
# The libraries of Qt's xcb plugin that a Debian/Ubuntu with only X lacks (docs/decisions/0008).
XCB_HIDDEN=(libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-image.so.0 libxcb-render-util.so.0
            libxcb-util.so.1 libxcb-xkb.so.1 libxkbcommon-x11.so.0 libxcb-shape.so.0 libxcb-randr.so.0
            libxcb-xinerama.so.0)
SEED="${WORKBENCH_SMOKE_ARTICLE:-$REPO/../shared/seed/000_bab8e4e99eda0806.txt}"
WHICH_XCB=0

# The system's copy of each of XCB_HIDDEN that it has, resolved, one per line. The linker cache is
# read whole first: awk stopping at its match while `ldconfig -p` still writes gave exit 141.
system_xcb_libs() {
    local cache l f
    cache="$(ldconfig -p 2>/dev/null)" || cache=""
    for l in "${XCB_HIDDEN[@]}"; do
        f="$(awk -v n="$l" '$1 == n && f == "" { f = $NF } END { print f }' <<<"$cache")"
        if [[ -n $f ]]; then readlink -f "$f"; fi
    done
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --clean) CLEAN=1 ;;
        --tar) TAR=1 ;;
        --smoke-only) SMOKE_ONLY=1 ;;
        --no-hide-xcb) HIDE_XCB=0 ;;
        --which-xcb) WHICH_XCB=1 ;;
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
if [[ $WHICH_XCB == 1 ]]; then system_xcb_libs; exit 0; fi
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
    smoke_seed "$home" "${run[@]}"
    smoke_no_display "$home"
    smoke_window "$home"
    rm -rf "$home"
    log "smoke check passed"
}

# The seed article (a real scraped page) through the bundled model: entities by the model, quotes by rules.
smoke_seed() {
    local home="$1"; shift
    local article="$SEED"
    if [[ ! -f "$article" ]]; then
        article="$(dirname "$APP")/_internal/workbench/data/corpora/demo.jsonl"
        echo "seed article $SEED is absent: pre-annotating the demo corpus instead"
    fi
    (cd "$home" && "$@" "$APP" preannotate "$article" -o "$home/seed.jsonl" --quiet)
    local model; model="$(grep -o '"origin":"model:[^"]*"' "$home/seed.jsonl" | wc -l)"
    local rules; rules="$(grep -o '"origin":"rule:[^"]*"' "$home/seed.jsonl" | wc -l)"
    [[ $model -gt 0 ]] || { echo "build.sh: pre-annotating $article gave no entity from the model" >&2; exit 1; }
    echo "pre-annotation: $(basename "$article"): $model spans by the model, $rules by rules"
}

# No display at all: one message, exit status 3, no traceback, no core dump, fast.
smoke_no_display() {
    local home="$1" out rc start ms
    start=$(date +%s%N)
    set +e
    out="$(cd "$home" && env -i "HOME=$home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "$APP" 2>&1)"
    rc=$?
    set -e
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [[ $rc != 3 || "$out" != *"no display"* || "$out" == *Traceback* || "$out" == *"core dumped"* ]]; then
        echo "build.sh: without a display workbench exited $rc with: $out" >&2; exit 1
    fi
    echo "no display: exit 3 in ${ms} ms: $(head -1 <<<"$out")"
}

# The window on a real X server (Xvfb), when one can be started: the xcb plugin must load and map it.
smoke_window() {
    local home="$1" n pid app id=""
    command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { echo "window on X: skipped (no Xvfb/xdotool)"; return; }
    for n in $(seq 90 120); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break; done
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pid=$!
    for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.1; done
    (cd "$home" && exec env -i "HOME=$home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "DISPLAY=:$n" \
        "WORKBENCH_CONFIG_DIR=$home/config" "WORKBENCH_ANNOTATOR=smoke" "$APP" gui >"$home/gui.log" 2>&1) & app=$!
    for _ in $(seq 120); do
        id="$(DISPLAY=":$n" xdotool search --onlyvisible --class workbench 2>/dev/null)" || id=""
        id="${id%%$'\n'*}"  # the first window: no `| head -1`, which can end xdotool with SIGPIPE
        [[ -n $id ]] && break
        kill -0 "$app" 2>/dev/null || break
        sleep 0.5
    done
    local title=""; [[ -n $id ]] && title="$(DISPLAY=":$n" xdotool getwindowname "$id")"
    # Either may be gone already (a program that cannot load the xcb plugin dies at once): under
    # set -e a failing kill would end the script here, before it says why and shows gui.log.
    kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    [[ -n $id ]] || { echo "build.sh: the window did not appear on the X display :$n:" >&2; cat "$home/gui.log" >&2; exit 1; }
    echo "window on X (xcb plugin, Xvfb :$n): “$title”"
}

# The smoke check, with the system's copies of the xcb libraries hidden when this shell may do so.
smoke_hidden() {
    local libs=() found
    if [[ $HIDE_XCB == 1 && $(id -u) == 0 ]] && unshare -m true 2>/dev/null; then
        found="$(system_xcb_libs)"
        [[ -n $found ]] && mapfile -t libs <<<"$found"
        log "hiding ${#libs[@]} system xcb libraries for the smoke check: ${XCB_HIDDEN[*]}"
        unshare -m bash -c 'set -e; for f in "${@:3}"; do mount --bind /dev/null "$f"; done
                            exec "$1" --smoke-only --no-hide-xcb --out "$2"' _ "$0" "$OUT" "${libs[@]}"
    else
        [[ $HIDE_XCB == 1 ]] && echo "build.sh: not root or no unshare: smoke check with the system's xcb libraries visible"
        smoke
    fi
}

if [[ $SMOKE_ONLY == 1 ]]; then
    if [[ $HIDE_XCB == 1 ]]; then smoke_hidden; else smoke; fi
    exit 0
fi

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
    # Editable: the compiled hot paths are built into the clone, where the spec looks (decision 0027).
    "$VENV/bin/python" -m pip install --quiet -e "$SRC[package]"
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
echo "largest files:"
(cd "$DIST/workbench" && find . -type f -printf '%s %p\n' | sort -rn | awk 'NR <= 30 { printf "  %6.1f MB  %s\n", $1 / 1048576, $2 }')

smoke_hidden

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
    log "release archive $OUT/$name.tar.gz: $(du -m "$OUT/$name.tar.gz" | cut -f1) MB"
fi
