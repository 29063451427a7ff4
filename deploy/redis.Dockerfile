# Redis 7 from Debian bookworm's packages, for a host that cannot pull redis:7
# (deploy/offline-base.sh builds it as tideline/redis:7). compose.yaml passes the options.
ARG BASE_IMAGE=tideline/bookworm-base
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
VOLUME /data
USER redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no", "--dir", "/data"]
