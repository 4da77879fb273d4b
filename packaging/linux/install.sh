#!/usr/bin/env bash
# Install the bundled workbench for one user (default) or system-wide, with menu entry, icon and file type.
#
#   ./install.sh                     into ~/.local (no root needed)
#   sudo ./install.sh --prefix /usr/local
#   ./install.sh --uninstall [--prefix P]
#
# Run it from the unpacked release folder (workbench/ and linux/ beside it) or from a checkout with
# --bundle DIR pointing at a built dist/workbench folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ID=org.newsroomworkbench.Workbench
PREFIX="$HOME/.local"
BUNDLE=""
UNINSTALL=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prefix) PREFIX="$2"; shift ;;
        --bundle) BUNDLE="$2"; shift ;;
        --uninstall) UNINSTALL=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
# Files beside this script: in a release they are in linux/, in a checkout this script is in linux/ itself.
if [[ -f "$HERE/linux/$ID.desktop" ]]; then DATA="$HERE/linux"; else DATA="$HERE"; fi
[[ -n "$BUNDLE" ]] || BUNDLE="$HERE/workbench"
SHARE="$PREFIX/share"
LIB="$PREFIX/lib/workbench"

refresh() {
    # update-mime-database notes on stderr when PREFIX is not on XDG_DATA_DIRS; show it only on failure.
    local out
    if command -v update-mime-database >/dev/null; then
        out="$(update-mime-database "$SHARE/mime" 2>&1)" || echo "$out" >&2
    fi
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
}

if [[ $UNINSTALL == 1 ]]; then
    rm -rf "$LIB"
    rm -f "$PREFIX/bin/workbench" "$SHARE/applications/$ID.desktop" "$SHARE/metainfo/$ID.metainfo.xml" \
          "$SHARE/mime/packages/$ID.xml" "$SHARE/icons/hicolor/scalable/apps/$ID.svg"
    rm -f "$SHARE"/icons/hicolor/*/apps/"$ID".png
    refresh
    echo "removed the workbench from $PREFIX (your annotation files are untouched)"
    exit 0
fi

[[ -x "$BUNDLE/workbench" ]] || { echo "install.sh: no built app at $BUNDLE (use --bundle DIR)" >&2; exit 1; }
mkdir -p "$LIB" "$PREFIX/bin" "$SHARE/applications" "$SHARE/metainfo" "$SHARE/mime/packages" \
         "$SHARE/icons/hicolor/scalable/apps"
rm -rf "$LIB" && cp -a "$BUNDLE" "$LIB"
ln -sfn "$LIB/workbench" "$PREFIX/bin/workbench"
# Absolute Exec so the menu entry works even when $PREFIX/bin is not on the session's PATH.
sed -e "s|^Exec=workbench|Exec=$PREFIX/bin/workbench|" -e "s|^TryExec=workbench|TryExec=$PREFIX/bin/workbench|" \
    "$DATA/$ID.desktop" > "$SHARE/applications/$ID.desktop"
cp "$DATA/$ID.metainfo.xml" "$SHARE/metainfo/"
cp "$DATA/$ID.mime.xml" "$SHARE/mime/packages/$ID.xml"
cp "$DATA/workbench.svg" "$SHARE/icons/hicolor/scalable/apps/$ID.svg"
for png in "$DATA"/icons/workbench-*.png; do
    size="${png##*-}"; size="${size%.png}"
    mkdir -p "$SHARE/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$SHARE/icons/hicolor/${size}x${size}/apps/$ID.png"
done
refresh
echo "installed: $PREFIX/bin/workbench, menu entry '$ID', icon, and *.wbann.jsonl files open with it"
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "note: $PREFIX/bin is not on your PATH; the menu entry works regardless" ;; esac
