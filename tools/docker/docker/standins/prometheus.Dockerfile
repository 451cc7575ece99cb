# Stand-in for the pinned Prometheus image (prom/prometheus:v3.x) where it cannot be
# pulled: Debian unstable's (sid's) prometheus and promtool (3.x) on the bookworm minbase
# stand-in base, so the lab's config and every dashboard query are proven on Prometheus 3,
# not on bookworm's 2.42. Laid out like the official image (/bin/prometheus as entrypoint,
# data in /prometheus owned by nobody, run as nobody). Built by .ci/provision-docker,
# which passes:
#   DEBIAN_ARCHIVE     this machine's Debian archive URI (read from its apt sources);
#   CHECK_VALID_UNTIL  yes, or no where this machine's apt does not check Release files'
#                      Valid-Until (a frozen mirror): the sid source follows the machine;
#   VERSION_PREFIX     what `prometheus --version`'s version must start with (3. for
#                      v3.13.3): the build fails when sid carries another major version.
# sid is pinned at priority 100 (never chosen on its own); `-t sid` brings prometheus and
# promtool from sid (static Go binaries: libc6 >= 2.34, which bookworm's satisfies), and
# wget (the health check's) is installed first, from bookworm.
ARG BASE
FROM ${BASE}
ARG DEBIAN_ARCHIVE
ARG CHECK_VALID_UNTIL=yes
ARG VERSION_PREFIX
RUN set -eu \
 && [ -n "$DEBIAN_ARCHIVE" ] || { echo "DEBIAN_ARCHIVE is empty: pass a Debian archive URI (--build-arg DEBIAN_ARCHIVE=...)" >&2; exit 1; } \
 && [ -n "$VERSION_PREFIX" ] || { echo "VERSION_PREFIX is empty: pass the pinned major version (--build-arg VERSION_PREFIX=3.)" >&2; exit 1; } \
 && printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\nCheck-Valid-Until: %s\n' \
      "$DEBIAN_ARCHIVE" "$CHECK_VALID_UNTIL" >/etc/apt/sources.list.d/sid.sources \
 && printf 'Package: *\nPin: release n=sid\nPin-Priority: 100\n' >/etc/apt/preferences.d/sid \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wget \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t sid prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown nobody:nogroup /prometheus \
 && version=$(/bin/prometheus --version 2>&1 | sed -n 's/^prometheus, version \([^ ]*\).*/\1/p') \
 && case "$version" in "$VERSION_PREFIX"*) echo "prometheus $version" ;; \
      *) echo "prometheus ${version:-?} from sid is not the pinned major version ${VERSION_PREFIX}x" >&2; exit 1 ;; esac
USER nobody
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
