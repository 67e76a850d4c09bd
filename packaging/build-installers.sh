#!/usr/bin/env bash
# Builds Glassbox's self-contained Linux app image and .deb from target/glassbox.jar + target/lib (run by
# `./mvnw -Pinstaller package -DskipTests`, which builds those first; or by hand after `./mvnw package`):
#
#   target/installer/Glassbox/            app image: bin/Glassbox, lib/runtime (a JDK cut down by jlink), lib/app
#   target/installer/glassbox_*_amd64.deb installs the image to /opt/glassbox, a menu entry with the icon, the file
#                                         types .gguf, .safetensors and .glassbox, and the command glassbox
#
# The image starts the app as ./glassbox does: the jar with its lib/ (JavaFX on the class path, its native libraries
# beside its jars), no --add-modules (Main loads the Vector API module), transparent huge pages for the heap, and an
# ahead-of-time cache recorded here, at build time, by the image's own launcher. Needs a JDK 25 (jlink, jpackage);
# the .deb also dpkg-deb and fakeroot. Usage: packaging/build-installers.sh [VERSION]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
target="$root/target"
out="$target/installer"
# jpackage takes only numbers (a Debian version must start with a digit): 0.1.0-SNAPSHOT packages as 0.1.0
version="${1:-0.1.0}"
version="${version%%-*}"

jdk="${JAVA_HOME:-}"
if [ -z "$jdk" ]; then
    java_on_path="$(command -v java || true)"
    [ -n "$java_on_path" ] && jdk="$(dirname "$(dirname "$(readlink -f "$java_on_path")")")"
fi
if [ -z "$jdk" ] || [ ! -x "$jdk/bin/jpackage" ]; then
    echo "build-installers: no JDK with jpackage found; set JAVA_HOME to a JDK 25" >&2
    exit 1
fi
if [ ! -f "$target/glassbox.jar" ] || [ ! -d "$target/lib" ]; then
    echo "build-installers: $target/glassbox.jar is missing; run ./mvnw -Pinstaller package -DskipTests" >&2
    exit 1
fi

step() {
    printf 'build-installers: %-46s %4d s\n' "$1" "$SECONDS" >&2
}

rm -rf "$out"
mkdir -p "$out"
SECONDS=0

# 1. The icon: SVG and PNGs from one drawing (packaging/icon/GlassboxIcon.java).
"$jdk/bin/java" -Djava.awt.headless=true "$here/icon/GlassboxIcon.java" "$out/icons"
step "icon"

# 2. What goes into lib/app: the jar, its libraries and JavaFX's native libraries (target/lib), and the sample
#    models, which the app finds beside its jar (ModelCatalog).
mkdir -p "$out/input"
cp "$target/glassbox.jar" "$out/input/"
cp -r "$target/lib" "$out/input/lib"
cp -r "$root/sample-models" "$out/input/sample-models"

# 3. The runtime: the modules the code uses (jdeps), plus Chinese and English locale data (the interface's two
#    languages), jdk.unsupported (reflective users among the libraries that jdeps cannot see) and jdk.management
#    (the JVM's diagnostic-command MBean, which app/service/ViewJit.java reaches by name).
modules="$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
    --class-path "$target/lib/*" "$target/glassbox.jar")"
modules="$modules,jdk.localedata,jdk.unsupported,jdk.management"
step "modules: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --include-locales=en,zh --strip-debug --no-header-files --no-man-pages \
    --generate-cds-archive --output "$out/runtime" 2>&1 | grep -v 'Using incubator modules' >&2 || true
[ -x "$out/runtime/bin/java" ] || { echo "build-installers: jlink failed" >&2; exit 1; }
step "runtime (jlink)"

# 4. The app image. -XX:+UseTransparentHugePages: where Linux offers no THP the JVM turns it off itself, and
#    -Xlog:pagesize=error keeps the warning it would print then off the command line's output (./glassbox asks
#    /sys instead, which a native launcher cannot).
"$jdk/bin/jpackage" --type app-image --name Glassbox --app-version "$version" \
    --description "See inside small transformer language models while they run" --vendor Glassbox \
    --input "$out/input" --main-jar glassbox.jar --runtime-image "$out/runtime" \
    --java-options "-XX:+UseTransparentHugePages" --java-options "-Xlog:pagesize=error" \
    --icon "$out/icons/glassbox-256.png" --dest "$out"
image="$out/Glassbox"
step "app image (jpackage)"

# 5. The ahead-of-time cache (JEPs 483/514/515), recorded as ./glassbox records it: a windowless run of the app
#    (--aot-training) through the image's own launcher, so the cache matches the class path the launcher gives. It
#    names the jars relative to the image, so the image keeps it when moved or installed elsewhere. Only then is the
#    cache named in the launcher's options.
#    The JVM checks the jars' modification times against the cache's: every file of the image gets one fixed time
#    (the last commit's, else now), and the .deb is built with SOURCE_DATE_EPOCH at that time, to which dpkg-deb
#    clamps the times of the copies jpackage makes.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
find "$image" -exec touch -h -d "@$epoch" {} +
cache="$image/lib/app/glassbox.aot"
env -i PATH=/usr/bin:/bin HOME="$out/training-home" \
    JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$cache -Xlog:aot=error -Dglass.platform=Headless -Dprism.order=sw -Djava.awt.headless=true -Djava.util.prefs.userRoot=$out/training-home/prefs" \
    "$image/bin/Glassbox" --aot-training 2>&1 | grep -v '^Picked up JAVA_TOOL_OPTIONS' >&2 || true
rm -rf "$out/training-home"
if [ -s "$cache" ]; then
    # -Xlog:aot=off: should the cache ever not fit (a jar touched), the JVM starts without it, silently, as
    # ./glassbox does with a stale cache
    printf '%s\n' 'java-options=-XX:AOTCache=$APPDIR/glassbox.aot' 'java-options=-Xlog:aot=off' \
        >> "$image/lib/app/Glassbox.cfg"
    touch -d "@$epoch" "$cache" "$image/lib/app/Glassbox.cfg"
else
    echo "build-installers: the AOT cache was not recorded; the image starts without it" >&2
fi
step "AOT cache"

# 6. The .deb: jpackage's package of the image with the menu entry, the icon and the file types. Its desktop entry,
#    postinst and prerm come from packaging/linux (jpackage fills in its own commands): the entry passes the opened
#    file to the app (%f), and /usr/bin/glassbox is an alternative pointing at the launcher (which finds its image
#    through the link). zstd: xz took minutes on 300 MB that is mostly compressed jars already.
if command -v dpkg-deb > /dev/null && command -v fakeroot > /dev/null; then
    # given an app image, jpackage takes the menu icon from the resource folder only (else its default)
    resources="$out/deb-resources"
    mkdir -p "$resources"
    cp "$here"/linux/* "$resources/"
    cp "$out/icons/glassbox-256.png" "$resources/Glassbox.png"
    SOURCE_DATE_EPOCH="$epoch" DPKG_DEB_COMPRESSOR_TYPE=zstd "$jdk/bin/jpackage" --type deb --app-image "$image" --name Glassbox \
        --app-version "$version" --description "See inside small transformer language models while they run" \
        --vendor Glassbox --linux-package-name glassbox --linux-app-category science \
        --linux-menu-group "Education;Science;" --linux-shortcut --icon "$out/icons/glassbox-256.png" \
        --license-file "$root/LICENSE" --resource-dir "$resources" \
        --file-associations "$here/linux/gguf.properties" --file-associations "$here/linux/safetensors.properties" \
        --file-associations "$here/linux/glassbox.properties" --dest "$out"
    step ".deb (jpackage, dpkg-deb)"
else
    echo "build-installers: dpkg-deb or fakeroot missing: no .deb (the app image is built)" >&2
fi
rm -rf "$out/input" "$out/runtime" "$out/deb-resources"
du -sh "$image" "$out"/*.deb 2>/dev/null >&2 || true
