#!/usr/bin/env bash
# ProxFlow's one entry point on a fresh Debian 12 machine:
#   ./dev.sh run    install what is missing, build, and start the desktop console, proxflow-console
#   ./dev.sh run proxflow [ARGS]   the same, but start the headless engine (default: run --config
#                   resources/examples/Caddyfile)
#   ./dev.sh test   install what is missing, build, and run the whole test suite (CTest summary last)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

BUILD_DIR=${BUILD_DIR:-build}
PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config libboost1.81-dev libssl-dev nlohmann-json3-dev libnghttp2-dev
  libsqlite3-dev libmaxminddb-dev zlib1g-dev libmimalloc-dev qt6-base-dev
  # basicauth's bcrypt hashes (libxcrypt's crypt_rn)
  libcrypt-dev
  # the Redis client of distributed rate limits (engine/redis/: hiredis driven by Asio)
  libhiredis-dev
  # the encode handler: zstd (libzstd; gzip uses zlib above); the zstd CLI decodes in its tests
  libzstd-dev zstd
  # the Caddyfile and HTTP request fuzzers (libFuzzer, ASan, UBSan)
  clang libclang-rt-14-dev
  # proxflow-console (Qt Quick + Charts) and its tests and package
  qt6-declarative-dev qt6-charts-dev qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-controls
  qml6-module-qtquick-layouts qml6-module-qtquick-shapes qml6-module-qtquick-dialogs
  qml6-module-qt-labs-folderlistmodel qml6-module-qtcharts qml6-module-qttest qt6-qpa-plugins fonts-dejavu-core dpkg-dev
  xvfb xauth
  # node turns world-atlas's TopoJSON into the console's world map at build time
  nodejs
  # real peers and clients the tests drive
  nginx-light haproxy nghttp2-client caddy curl wrk python3 python3-websockets slowhttptest procps chromium python3-prometheus-client
  # the ACME test CA (pebble, pebble-challtestsrv) that certificate issuance is tested against
  pebble
  # a DNS server (A, AAAA, SRV on a high port) and dig for the dynamic-upstreams tests
  dnsmasq-base dnsutils
  # a real Redis (and redis-cli) for the Redis client and distributed rate-limit tests
  redis-server redis-tools
)

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

case "${1:-}" in
  run)
    ensure_packages
    build
    shift
    if [ "${1:-}" = proxflow ]; then
      shift
      [ $# -eq 0 ] && set -- run --config resources/examples/Caddyfile
      exec "$BUILD_DIR/app/proxflow" "$@"
    fi
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]; then
      echo "dev.sh: no display for the console; './dev.sh run proxflow' starts the headless engine," >&2
      echo "        'xvfb-run -a ./dev.sh run --screenshot DIR' saves every view as PNGs" >&2
      exit 1
    fi
    exec "$BUILD_DIR/app/console/proxflow-console" "$@"
    ;;
  test)
    ensure_packages
    build
    cd "$BUILD_DIR"
    exec ctest --output-on-failure -j 2 --timeout 900
    ;;
  *)
    echo "usage: ./dev.sh run [proxflow [ARGS]] | ./dev.sh test" >&2
    exit 2
    ;;
esac
