# Stand-in for the pinned nginx image (nginx:<1.30.x>-alpine) where it cannot be pulled:
# Debian unstable's (sid's) nginx on the bookworm minbase stand-in base, so the lab's
# template is proven on the same nginx stable line users pull, not on bookworm's 1.22.
# Built by .ci/provision-docker, which passes:
#   DEBIAN_ARCHIVE     this machine's Debian archive URI (read from its apt sources);
#   CHECK_VALID_UNTIL  yes, or no where this machine's apt does not check Release files'
#                      Valid-Until (a frozen mirror): the sid source follows the machine;
#   VERSION_PREFIX     what `nginx -v`'s version must start with (1.30. for 1.30.4): the
#                      build fails when sid no longer carries the pinned stable line.
# sid is pinned at priority 100 (never chosen on its own); `-t sid` brings nginx and what
# its dependencies require from sid (nginx-common, libssl3t64, and with it sid's libc6),
# everything else stays bookworm's: wget (the health check's) is installed first, from
# bookworm. nginx, not nginx-light: since 1.24 Debian ships one nginx binary and the
# -light/-full flavours only add dynamic modules, which the lab does not use. The lab
# mounts its own main config and server block and runs nginx with them, so nothing of
# the official image's entrypoint is needed.
ARG BASE
FROM ${BASE}
ARG DEBIAN_ARCHIVE
ARG CHECK_VALID_UNTIL=yes
ARG VERSION_PREFIX
RUN set -eu \
 && [ -n "$DEBIAN_ARCHIVE" ] || { echo "DEBIAN_ARCHIVE is empty: pass a Debian archive URI (--build-arg DEBIAN_ARCHIVE=...)" >&2; exit 1; } \
 && [ -n "$VERSION_PREFIX" ] || { echo "VERSION_PREFIX is empty: pass the pinned nginx line (--build-arg VERSION_PREFIX=1.30.)" >&2; exit 1; } \
 && printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\nCheck-Valid-Until: %s\n' \
      "$DEBIAN_ARCHIVE" "$CHECK_VALID_UNTIL" >/etc/apt/sources.list.d/sid.sources \
 && printf 'Package: *\nPin: release n=sid\nPin-Priority: 100\n' >/etc/apt/preferences.d/sid \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wget \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t sid nginx \
 && rm -rf /var/lib/apt/lists/* \
 && version=$(nginx -v 2>&1 | sed -n 's|^nginx version: nginx/||p') \
 && case "$version" in "$VERSION_PREFIX"*) echo "nginx $version" ;; \
      *) echo "nginx ${version:-?} from sid is not the pinned line ${VERSION_PREFIX}x" >&2; exit 1 ;; esac
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
