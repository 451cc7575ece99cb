# Stand-in for the pinned nginx image where it cannot be pulled: Debian's nginx-light
# and wget (the health check's). The lab mounts its own main config and server block
# and runs nginx with them, so nothing of the official image's entrypoint is needed.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/* \
 && nginx -v
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
