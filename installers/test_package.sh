#!/bin/sh
# Builds the .deb with CPack, unpacks it into a fresh dpkg root (dpkg -x) and starts both binaries
# from there: --version, and the console offscreen for a few seconds.
set -eu
build=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cd "$build"
cpack -G DEB -B "$root/out" >"$root/cpack.log" 2>&1 || { cat "$root/cpack.log"; exit 1; }
deb=$(ls "$root"/out/*.deb)
dpkg-deb -c "$deb" | grep -q './usr/bin/proxflow-console'
dpkg-deb -c "$deb" | grep -q './usr/share/applications/proxflow-console.desktop'
dpkg-deb -f "$deb" Depends | grep -q 'qml6-module-qtcharts'
dpkg -x "$deb" "$root/fs"
"$root/fs/usr/bin/proxflow" --version
"$root/fs/usr/bin/proxflow-console" --version
XDG_CONFIG_HOME="$root/config" QT_QPA_PLATFORM=offscreen "$root/fs/usr/bin/proxflow-console" --quit-after 3
echo "package ok: $(basename "$deb")"
