#!/usr/bin/env bash
# Prints, one per line, the CMake cache arguments that compile and link with Debian's hardening
# flags (dpkg-buildflags: fortify, stack protector, relro, bindnow), as Debian packages are
# built. The file prefix map is taken relative to SOURCE_DIR, so no build path reaches the code.
#   mapfile -t flags < <(packaging/buildflags.sh SOURCE_DIR); cmake … "${flags[@]}"
set -euo pipefail
cd "${1:?usage: buildflags.sh SOURCE_DIR}"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
get() { dpkg-buildflags --get "$1"; }
echo "-DCMAKE_C_FLAGS=$(get CPPFLAGS) $(get CFLAGS)"
echo "-DCMAKE_CXX_FLAGS=$(get CPPFLAGS) $(get CXXFLAGS)"
echo "-DCMAKE_EXE_LINKER_FLAGS=$(get LDFLAGS)"
echo "-DCMAKE_SHARED_LINKER_FLAGS=$(get LDFLAGS)"
