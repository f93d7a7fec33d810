# The redmx container image: the static release binary (scripts/release) on
# an empty base, run as a user of its own.
#
#   docker build --build-arg VERSION=v0.1.0 -t redmx:v0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t redmx:v0.1.0 .
#
# Using it: docs/operations.md, "Install".

# The build environment of the release: Debian 12's gcc and static glibc,
# and the Go of go.mod.
FROM golang:1.26.8-bookworm AS build
ARG VERSION
# Set to 1 to build a tree with local changes (the version is marked +dirty).
ARG ALLOW_DIRTY=
RUN test -n "$VERSION" || { echo "build with --build-arg VERSION=v1.2.3" >&2; exit 1; }
WORKDIR /src
COPY go.mod go.sum ./
COPY third_party/cometbft/go.mod third_party/cometbft/go.sum third_party/cometbft/
COPY third_party/go-ethereum/go.mod third_party/go-ethereum/go.sum third_party/go-ethereum/
RUN go mod download
# The repository, .git included: the release names its commit and refuses a
# tree with local changes.
COPY . .
RUN git config --global --add safe.directory /src \
 && scripts/release --arch "$(go env GOARCH)" ${ALLOW_DIRTY:+--allow-dirty} --out /dist "$VERSION" \
 && cp /dist/redmx-"$VERSION"*-linux-*/redmx /redmx \
 && mkdir -p /rootfs/var/lib/redmx /rootfs/usr/share/doc/redmx \
 && cd /dist/redmx-"$VERSION"*-linux-*/ \
 && cp -r LICENSE COPYING NOTICE BUILDINFO licenses /rootfs/usr/share/doc/redmx/

FROM scratch
COPY --from=build /redmx /usr/local/bin/redmx
COPY --from=build /rootfs/usr/share/doc/redmx /usr/share/doc/redmx
# The node's home, owned by the user the node runs as.
COPY --from=build --chown=10001:10001 /rootfs/var/lib/redmx /var/lib/redmx
ENV REDMX_HOME=/var/lib/redmx
USER 10001:10001
VOLUME /var/lib/redmx
# Ethereum JSON-RPC (HTTP and WebSocket), CometBFT p2p, CometBFT RPC.
EXPOSE 8545 26656 26657
# SIGTERM stops the node cleanly; give it time: docker run --stop-timeout 300.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/redmx"]
CMD ["start"]
