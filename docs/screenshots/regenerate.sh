#!/bin/sh
# Regenerates the README's screenshots from the real app (bundled model, 1280 x 720): every workspace after a run,
# in the dark and the light theme and in presentation mode, as <workspace>-<dark|light|present>-1280x720-<lang>.png.
#   docs/screenshots/regenerate.sh [folder]          English, into docs/screenshots (or the folder given)
#   LOCALE=zh-CN docs/screenshots/regenerate.sh      the Chinese interface, dark theme, as <workspace>-zh.png
# Runs headless (no display needed) through the ReadmeScreenshots TestFX class; takes a few minutes.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
./mvnw -B -q test -Dtest=ReadmeScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
    -Dglassbox.screenshots="$out" -Dglassbox.screenshotLocale="${LOCALE:-en}" ${MAVEN_ARGS:-}
ls "$out"/*.png
