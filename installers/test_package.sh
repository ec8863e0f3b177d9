#!/bin/sh
# Builds the .deb and the .tar.gz with CPack, checks what each holds (both binaries, desktop entry,
# icon), unpacks each into a fresh root (dpkg -x, tar x) and starts both binaries from there:
# --version, and the console offscreen for a few seconds.
set -eu
build=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cd "$build"
cpack -G "DEB;TGZ" -B "$root/out" >"$root/cpack.log" 2>&1 || { cat "$root/cpack.log"; exit 1; }

has() { # has LISTING PATH: the listing names PATH (a file, not just a folder)
  grep -q -E "(^|[ /.])${2}\$" "$1" || { echo "missing in $(basename "$1" .list): $2" >&2; exit 1; }
}
contents="usr/bin/proxflow usr/bin/proxflow-console usr/share/applications/proxflow-console.desktop
  usr/share/icons/hicolor/scalable/apps/proxflow-console.svg"

deb=$(ls "$root"/out/*.deb)
dpkg-deb -c "$deb" >"$root/deb.list"
for path in $contents; do has "$root/deb.list" "$path"; done
dpkg-deb -f "$deb" Depends | grep -q 'qml6-module-qtcharts'
dpkg -x "$deb" "$root/deb"

tgz=$(ls "$root"/out/*.tar.gz)
tar tzf "$tgz" >"$root/tgz.list"
top=$(head -n 1 "$root/tgz.list" | cut -d/ -f1)
# The archive holds the same tree under its top folder, with or without the usr/ prefix.
prefix=$(grep -q "^$top/usr/bin/proxflow\$" "$root/tgz.list" && echo "usr/" || echo "")
for path in $contents; do has "$root/tgz.list" "$top/$prefix${path#usr/}"; done
mkdir "$root/tgz"
tar xzf "$tgz" -C "$root/tgz"

export QT_QPA_PLATFORM=offscreen # --version too: the console is a QApplication
for fs in "$root/deb/usr" "$root/tgz/$top/${prefix%/}"; do
  "$fs/bin/proxflow" --version
  "$fs/bin/proxflow-console" --version
  XDG_CONFIG_HOME="$root/config" "$fs/bin/proxflow-console" --quit-after 3
done
echo "packages ok: $(basename "$deb") $(basename "$tgz")"
