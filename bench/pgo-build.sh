#!/usr/bin/env bash
# A profile-guided proxflow in build-pgo/ (docs/benchmarks.md, "Profile-guided build"): GCC builds
# it instrumented, bench/pgo-train.sh runs it, and GCC builds it again from the profile it wrote.
# Both builds share one directory: GCC names each profile file after its object's path.
#   bench/pgo-build.sh && PROXFLOW_BIN=$PWD/build-pgo/app/proxflow bench/proxy-bench.sh --all-paths
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${PGO_BUILD_DIR:-$root/build-pgo}
profile=$dir/profile
rm -rf "$profile"
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROXFLOW_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-fprofile-generate=$profile -fprofile-update=atomic" -DCMAKE_EXE_LINKER_FLAGS="-fprofile-generate=$profile"
cmake --build "$dir" --target proxflow
"$root/bench/pgo-train.sh" "$dir/app/proxflow"
# partial-training: code the run never reached is optimized as without a profile, not for size.
cmake -S "$root" -B "$dir" -DCMAKE_CXX_FLAGS="-fprofile-use=$profile -fprofile-partial-training -Wno-missing-profile" \
  -DCMAKE_EXE_LINKER_FLAGS=
cmake --build "$dir" --target proxflow
