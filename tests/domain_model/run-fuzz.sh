#!/usr/bin/env bash
# The CTest `fuzz` run of decodeCommand: configures a clang build tree of its own (the main build
# uses g++, and libFuzzer needs clang), builds only fuzz_decode_command with
# -fsanitize=fuzzer,address,undefined, and fuzzes for a bounded time from the committed seeds.
#
#   run-fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
#
# A crash, a sanitizer report or a failed invariant exits non-zero and leaves the input in
# BUILD_DIR/artifacts/. clang-14 cannot compile libstdc++ 12's <expected>, so fuzz-compat/ puts
# a small std::expected first on the include path of this build only.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$2
seconds=${3:-60}
here="$src/tests/domain_model"

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -isystem $here/fuzz-compat"
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DBILLSTREAM_FUZZ=ON -DBUILD_TESTING=ON -DBILLSTREAM_WERROR=OFF -DBILLSTREAM_SANITIZE=OFF \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
fi
cmake --build "$build" --target fuzz_decode_command -j 2

corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
cp "$here"/fuzz_corpus/*.json "$corpus"/
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec "$build/tests/domain_model/fuzz_decode_command" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -dict="$here/fuzz_decode_command.dict" -artifact_prefix="$build/artifacts/" "$corpus"
