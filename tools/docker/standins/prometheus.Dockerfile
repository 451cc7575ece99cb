# Stand-in for the pinned Prometheus image where it cannot be pulled: Debian's
# prometheus package and wget (the health check's), laid out like the official image
# (/bin/prometheus as entrypoint, data in /prometheus owned by nobody, run as nobody).
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus wget \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown nobody:nogroup /prometheus \
 && /bin/prometheus --version
USER nobody
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
