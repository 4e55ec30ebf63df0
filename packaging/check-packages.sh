#!/usr/bin/env bash
# Builds the packages from a release build and checks them as a user would meet them:
# lints the .deb (lintian, no errors), validates the desktop entry, AppStream metainfo and MIME
# type, inspects the .rpm and the source tarball, installs the .deb with apt-get, runs both
# programs, then purges the package and checks that nothing of it is left.
#
#   packaging/check-packages.sh BUILD_DIR
#
# BUILD_DIR: a build configured with -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
# (tests/packaging/run-packaging-check.sh makes one). Needs root: it installs and purges the
# billstream package on this machine. The tools come from scripts/packages.txt.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
    echo "usage: $0 BUILD_DIR (a configured release build)" >&2
    exit 64
fi
build=$(cd "$1" && pwd)
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
src=$(cache_value CMAKE_HOME_DIRECTORY)
prefix=$(cache_value CMAKE_INSTALL_PREFIX)
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
app_id=org.billstream.Billstream

failures=0
step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
# has TEXT PATTERN: whether TEXT has a line matching the extended regular expression. Output is
# captured before it is searched: `cmd | grep -q` can fail by SIGPIPE under pipefail.
has() { grep -qE -e "$2" <<< "$1"; }
# expect_exit CODE COMMAND...: runs the command and checks its exit status.
expect_exit() {
    local want=$1 got=0
    shift
    "$@" || got=$?
    [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

[ "$(id -u)" -eq 0 ] || die "run as root: the check installs and purges the billstream package"
[ "$prefix" = /usr ] || die "$build is configured for prefix '$prefix'; packages need -DCMAKE_INSTALL_PREFIX=/usr"
[ -n "$version" ] || die "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
for tool in cpack lintian desktop-file-validate appstreamcli rpm rpmbuild dpkg-deb apt-get update-mime-database file; do
    command -v "$tool" >/dev/null || die "$tool is missing; run scripts/bootstrap"
done

work=$(mktemp -d)
installed_by_us=0
cleanup() {
    # A failure half-way must not leave the package installed.
    if [ "$installed_by_us" -eq 1 ] && dpkg-query -W billstream >/dev/null 2>&1; then
        apt-get purge -y -qq billstream >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Files every installation has, relative to the prefix.
expected_files=(
    bin/billstream
    bin/billstream-cli
    share/applications/$app_id.desktop
    share/metainfo/$app_id.metainfo.xml
    share/mime/packages/$app_id.xml
    share/icons/hicolor/scalable/apps/$app_id.svg
    share/man/man1/billstream.1.gz
    share/man/man1/billstream-cli.1.gz
    share/doc/billstream/copyright
    share/doc/billstream/changelog.Debian.gz
    share/lintian/overrides/billstream
)
for size in 16 32 48 64 128 256 512; do
    expected_files+=("share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done

step "build ($build)"
cmake --build "$build"

step "install with DESTDIR"
DESTDIR="$work/destdir" cmake --install "$build" >/dev/null
for f in "${expected_files[@]}"; do
    [ -e "$work/destdir$prefix/$f" ] || fail "DESTDIR install lacks $prefix/$f"
done
for f in "$work/destdir$prefix"/share/icons/hicolor/*x*/apps/$app_id.png; do
    size=$(basename "$(dirname "$(dirname "$f")")")
    has "$(file "$f")" "PNG image data, ${size/x/ x }," || fail "$f is not a $size PNG"
done
# Installed programs must not depend on the source or build tree.
for exe in billstream billstream-cli; do
    if grep -q -a -F -e "$src/" -e "$build/" "$work/destdir$prefix/bin/$exe"; then
        fail "bin/$exe contains a path into the source or build tree"
    fi
done

step "cpack: DEB, RPM and the source tarball"
rm -f "$build"/billstream_*.deb "$build"/billstream-*.rpm "$build"/billstream-*.tar.gz "$build"/*.sha256
(cd "$build" && cpack -G "DEB;RPM" && cpack --config CPackSourceConfig.cmake)
shopt -s nullglob
debs=("$build"/billstream_"$version"-*.deb)
rpms=("$build"/billstream-"$version"-*.rpm)
tarballs=("$build"/billstream-"$version".tar.gz)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || die "expected one billstream_$version-*.deb in $build, found ${#debs[@]}"
[ ${#rpms[@]} -eq 1 ] || die "expected one billstream-$version-*.rpm in $build, found ${#rpms[@]}"
[ ${#tarballs[@]} -eq 1 ] || die "expected billstream-$version.tar.gz in $build"
deb=${debs[0]} rpm_file=${rpms[0]} tarball=${tarballs[0]}
ls -l "$deb" "$rpm_file" "$tarball"

step "the .deb's control data"
dpkg-deb --info "$deb"
depends=$(dpkg-deb --field "$deb" Depends)
has "$depends" 'libqt6widgets6' || fail "Depends lacks libqt6widgets6 (dpkg-shlibdeps)"
has "$depends" 'libqt6sql6-sqlite' || fail "Depends lacks libqt6sql6-sqlite"
dpkg-deb --contents "$deb" > "$work/deb-contents"
for f in "${expected_files[@]}"; do
    grep -qF " ./usr/$f" "$work/deb-contents" || fail ".deb lacks /usr/$f"
done
if grep -v ' root/root ' "$work/deb-contents"; then fail "files not owned by root/root in the .deb"; fi
if grep -E '^.{5}w|^.{8}w' "$work/deb-contents"; then fail "group- or world-writable paths in the .deb"; fi
for exe in billstream billstream-cli; do
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/bin/$exe" > "$work/$exe"
    has "$(file "$work/$exe")" ', stripped' || fail "/usr/bin/$exe in the .deb is not stripped"
done

step "lintian"
# --fail-on none: judge the tags here, so that warnings are shown but only errors fail.
lintian --fail-on none --display-info --tag-display-limit 0 "$deb" 2>&1 | tee "$work/lintian.log"
errors=$(grep -c '^E: ' "$work/lintian.log" || true)
warnings=$(grep -c '^W: ' "$work/lintian.log" || true)
infos=$(grep -c '^I: ' "$work/lintian.log" || true)
echo "lintian: $errors errors, $warnings warnings, $infos infos"
[ "$errors" -eq 0 ] || fail "lintian reports $errors errors"

step "desktop entry, AppStream metainfo, MIME type"
desktop-file-validate "$src/packaging/$app_id.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$build/packaging/$app_id.metainfo.xml" || fail "appstreamcli validate"
# Compile the MIME type into a scratch database next to the system's types: the glob and the
# magic (SQLite header, application_id "BSL1" at offset 68) must both reach it.
mkdir -p "$work/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$src/packaging/$app_id.xml" "$work/mime/packages/"
update-mime-database "$work/mime" > "$work/mime.log" 2>&1 || { cat "$work/mime.log"; fail "update-mime-database refused $app_id.xml"; }
grep -q '^50:application/x-billstream-store:\*\.billstream$' "$work/mime/globs2" || fail "MIME glob *.billstream missing"
grep -q 'application/x-billstream-store' "$work/mime/magic" || fail "MIME magic missing"
grep -q '^application/x-billstream-store application/vnd.sqlite3$' "$work/mime/subclasses" \
    || fail "MIME type is not a subclass of application/vnd.sqlite3"

step "the .rpm"
rpm -qpi "$rpm_file"
rpm -qpl "$rpm_file" > "$work/rpm-files"
rpm -qpR "$rpm_file" > "$work/rpm-requires"
echo "--- files:"; cat "$work/rpm-files"
echo "--- requires:"; cat "$work/rpm-requires"
for f in "${expected_files[@]}"; do
    case $f in share/doc/billstream/changelog.Debian.gz | share/lintian/*) continue ;; esac
    grep -qx "/usr/$f" "$work/rpm-files" || fail ".rpm lacks /usr/$f"
done
if grep -E 'changelog\.Debian|lintian' "$work/rpm-files"; then fail ".rpm contains Debian-only files"; fi
if grep '^/usr/lib' "$work/rpm-files"; then fail ".rpm contains files under /usr/lib"; fi
for shared in /usr /usr/bin /usr/share/applications /usr/share/icons/hicolor /usr/share/man/man1 /usr/share/metainfo; do
    if grep -qx "$shared" "$work/rpm-files"; then fail ".rpm claims the shared directory $shared"; fi
done
grep -q '^libQt6Widgets\.so\.6' "$work/rpm-requires" || fail ".rpm does not require libQt6Widgets.so.6 (autoreq)"
[ "$(rpm -qp --queryformat '%{LICENSE}' "$rpm_file")" = GPL-3.0-or-later ] || fail ".rpm license"
has "$(rpm -qp --changelog "$rpm_file")" "$version" || fail ".rpm changelog does not name $version"

step "the source tarball"
tar -tzf "$tarball" > "$work/tarball-files"
for f in CMakeLists.txt CMakePresets.json LICENSE packaging/CMakeLists.txt resources/resources.qrc app/gui/main.cpp; do
    grep -qx "billstream-$version/$f" "$work/tarball-files" || fail "source tarball lacks $f"
done
if grep -E "^billstream-$version/(build|\.git)/" "$work/tarball-files"; then
    fail "source tarball contains build/ or .git/"
fi

step "apt-get install the .deb"
export DEBIAN_FRONTEND=noninteractive
installed_by_us=1
(cd "$(dirname "$deb")" && apt-get install -y -q -o DPkg::Lock::Timeout=300 "./$(basename "$deb")")
[ "$(dpkg-query -W -f='${Version}' billstream)" = "$(dpkg-deb --field "$deb" Version)" ] \
    || die "dpkg does not report the version just installed"
dpkg -L billstream > "$work/installed-paths"
for f in "${expected_files[@]}"; do
    [ -e "/usr/$f" ] || fail "installed package lacks /usr/$f"
done
desktop-file-validate "/usr/share/applications/$app_id.desktop" || fail "installed desktop entry"
appstreamcli validate --no-net "/usr/share/metainfo/$app_id.metainfo.xml" || fail "installed metainfo"
grep -q 'application/x-billstream-store' /usr/share/mime/globs2 \
    || fail "the system MIME database does not know application/x-billstream-store"
man -w billstream >/dev/null && man -w billstream-cli >/dev/null || fail "man cannot find the manual pages"

step "billstream-cli"
cli=/usr/bin/billstream-cli
store="$work/cli/s.sqlite"
mkdir -p "$work/cli"
[ "$("$cli" --version)" = "billstream-cli $version" ] || fail "billstream-cli --version does not print $version"
[ "$("$cli" --store "$store" --version)" = "billstream-cli $version" ] || fail "billstream-cli --store PATH --version"
expect_exit 64 "$cli" nonsense
expect_exit 64 "$cli" --store "$store" nonsense
# ---- CLI round trip: extend here as subcommands arrive -----------------------------------
# Each step runs once `billstream-cli --help` lists its subcommand. With `exec`, a command goes
# into a fresh store and comes back with `events`. Add `state`, `list` and `backup` round trips
# below as those subcommands land.
cli_help=$("$cli" --help)
if has "$cli_help" '^  exec '; then
    echo '{"command":"SetCompanyProfile","payload":{"name":"Packaging Check Ltd.","address":{"street":"1 Main Street","postalCode":"10115","city":"Berlin","country":"DE"}}}' \
        | "$cli" --store "$store" exec - > "$work/cli/exec.out" || fail "billstream-cli exec SetCompanyProfile"
    grep -q '"CompanyProfileSet"' "$work/cli/exec.out" || fail "exec printed no CompanyProfileSet event"
    "$cli" --store "$store" events > "$work/cli/events.out" || fail "billstream-cli events"
    has "$(grep '"CompanyProfileSet"' "$work/cli/events.out")" 'Packaging Check Ltd\.' \
        || fail "events does not return the company profile just set"
    # The MIME magic finds stores by their SQLite application_id (bytes 68-71, "BSL1").
    [ "$(od -An -tx1 -j68 -N4 "$store" | tr -d ' \n')" = 42534c31 ] \
        || fail "the store's application_id is not 0x42534c31, which the MIME magic expects"
    echo "round trip: exec SetCompanyProfile, read back with events"
    if has "$cli_help" '^  verify '; then
        "$cli" --store "$store" verify || fail "billstream-cli verify on the round-trip store"
    fi
else
    echo "billstream-cli has no exec subcommand yet: store round trip skipped"
fi
# ---- end of the CLI round trip ----------------------------------------------------------

step "billstream --smoke-test"
QT_QPA_PLATFORM=offscreen /usr/bin/billstream --smoke-test > "$work/smoke.out" || fail "billstream --smoke-test exited $?"
grep -qx 'smoke test ok' "$work/smoke.out" || fail "billstream --smoke-test did not print 'smoke test ok'"
# The translations are compiled in: the installed program speaks German without the source tree.
help_de=$(env -u LC_ALL -u LC_MESSAGES LANG=de_DE.UTF-8 LANGUAGE=de QT_QPA_PLATFORM=offscreen \
    /usr/bin/billstream --help 2>/dev/null)
has "$help_de" 'Rechnungsverwaltung' || fail "billstream --help is not translated for LANGUAGE=de"

step "apt-get purge"
apt-get purge -y -q -o DPkg::Lock::Timeout=300 billstream
installed_by_us=0
if dpkg-query -W billstream >/dev/null 2>&1; then fail "dpkg still knows billstream after the purge"; fi
[ -z "$(dpkg -L billstream 2>/dev/null)" ] || fail "dpkg -L billstream is not empty after the purge"
while read -r path; do
    # Directories such as /usr/share/applications are shared with other packages and stay.
    if [ -e "$path" ] && [ ! -d "$path" ]; then fail "$path is left after the purge"; fi
done < "$work/installed-paths"
[ ! -e /usr/share/doc/billstream ] || fail "/usr/share/doc/billstream is left after the purge"
if command -v billstream billstream-cli; then fail "billstream is still on PATH after the purge"; fi
if grep -q 'application/x-billstream-store' /usr/share/mime/globs2; then fail "the MIME type is left after the purge"; fi

echo
if [ "$failures" -ne 0 ]; then
    echo "check-packages: $failures check(s) failed" >&2
    exit 1
fi
echo "check-packages: all checks passed ($(basename "$deb"), $(basename "$rpm_file"), $(basename "$tarball"))"
