#!/usr/bin/env bash
# Builds the release that needs no JDK, for `./mvnw -Pdist package`:
#   target/tsecho-VERSION-linux-ARCH.tar.gz  bin/tsecho, lib/tsecho.jar and a jlink runtime
#   target/image-root/                       that runtime and the system libraries it loads, which
#                                            Jib lays over `scratch` as the image's base
# Usage: runtime.sh TARGET_DIR VERSION MODULES ARCH [JDK]
#   MODULES comma-separated, from the pom's dist.modules; ARCH the build machine's, from its
#   dist.arch (x64, aarch64); JDK the one Maven runs on (its jlink, and the release it links), else
#   the one whose jlink is on the PATH.
set -euo pipefail
target="$(cd "$1" && pwd)" version="$2" modules="$3" arch="$4"
jdk="${5:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

name="tsecho-$version"
release="$target/dist/$name"
rm -rf "$target/dist" "$target/image-root"
mkdir -p "$release/bin" "$release/lib"

# --generate-cds-archive: the runtime carries its own class-data archive, which -Xshare:auto uses.
# JDK 21 names the compression zip-6 and warns about --compress=2, the same, which 17 still needs.
jlink_version="$("$jdk/bin/jlink" --version)"
if (( ${jlink_version%%[.+-]*} >= 21 )); then compress=zip-6; else compress=2; fi
"$jdk/bin/jlink" --add-modules "$modules" --output "$release/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress="$compress" --generate-cds-archive
cp "$target/tsecho.jar" "$release/lib/tsecho.jar"
cp "$here/tsecho" "$release/bin/tsecho"
chmod 755 "$release/bin/tsecho"

tarball="$target/$name-linux-$arch.tar.gz"
# Fixed owner and order, so that the tarball does not depend on who built it.
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$target/dist" -czf "$tarball" "$name"

# The image's root: the runtime under /opt/tsecho, the shared libraries it loads as the dynamic
# linker resolves them here (glibc, libstdc++, zlib...), and a /tmp where Netty unpacks its native
# transport.
root="$target/image-root"
mkdir -p "$root/opt/tsecho" "$root/tmp"
cp -a "$release/runtime" "$root/opt/tsecho/runtime"
# Netty unpacks its native transports (epoll, io_uring) from the jar at run time: what they load
# (libdl, which glibc before 2.34 kept apart) must be there too. ldd fails on the other
# architectures' libraries, which the dynamic linker never loads here.
natives="$target/dist/natives"
mkdir -p "$natives"
(cd "$natives" && "$jdk/bin/jar" xf "$target/tsecho.jar" META-INF/native)
export LD_LIBRARY_PATH="$release/runtime/lib:$release/runtime/lib/server"
# Leaves out what only a desktop loads (X11 windows, AWT for native code, sound, the splash
# screen): in a container java.desktop runs headless.
find "$release/runtime" "$natives" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  -not \( -name libawt_xawt.so -o -name libjawt.so -o -name libjsound.so -o -name libsplashscreen.so \) -print0 |
  { xargs -0 ldd 2>/dev/null || true; } | awk '/=> \// { print $3 } /^[ \t]*\/.*ld-linux/ { print $1 }' |
  grep -v -e "^$release/" -e "^$natives/" | sort -u |
  while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
echo "dist: $tarball ($(du -k "$tarball" | cut -f1) KiB), image root $(du -sk "$root" | cut -f1) KiB"
