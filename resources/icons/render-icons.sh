#!/usr/bin/env bash
# Renders the hicolor PNGs from the SVG with rsvg-convert (Debian package librsvg2-bin).
# The PNGs are committed, so a build needs no renderer; run this after changing the SVG.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
svg="$here/org.billstream.Billstream.svg"
for size in 16 32 48 64 128 256 512; do
    mkdir -p "$here/hicolor/${size}x${size}"
    rsvg-convert --width "$size" --height "$size" --format png \
        --output "$here/hicolor/${size}x${size}/org.billstream.Billstream.png" "$svg"
done
