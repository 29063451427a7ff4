# PostgreSQL 15 from Debian bookworm's packages, for a host that cannot pull postgres:15
# (deploy/offline-base.sh builds it as tideline/postgres:15). Same contract as the public image as
# far as compose.yaml uses it: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB create the cluster on
# the first start, data in /var/lib/postgresql/data, pg_isready on the PATH.
ARG BASE_IMAGE=tideline/bookworm-base
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /etc/postgresql/15 /var/lib/postgresql/15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data LANG=C.UTF-8
COPY deploy/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
