#!/usr/bin/env bash
# CTest's packaging test: configures and builds a release build of its own (with Debian's
# hardening flags, packaging/buildflags.sh), then runs
# packaging/check-packages.sh on it.   run-packaging-check.sh SOURCE_DIR BUILD_DIR [GENERATOR]
set -euo pipefail
src=$1
bin=$2
generator=${3:-Ninja}
mapfile -t buildflags < <("$src/packaging/buildflags.sh" "$src")
cmake -S "$src" -B "$bin" -G "$generator" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF "${buildflags[@]}"
cmake --build "$bin" --parallel 2
exec "$src/packaging/check-packages.sh" "$bin"
