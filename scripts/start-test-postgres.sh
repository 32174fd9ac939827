#!/usr/bin/env bash
# Starts a local PostgreSQL for the store tests and prints its URL (the only line on stdout).
# Idempotent: installs PostgreSQL from Debian if it is missing, starts the cluster if it is down, creates the role
# `runlocalai` (password `runlocalai`) and the database `runlocalai_test` if they do not exist.
#
#   export RUNLOCALAI_TEST_POSTGRES_URL=$(bash scripts/start-test-postgres.sh)
#   swift test --filter RunLocalAIStoreTests
set -euo pipefail

start_postgres() {
    ROLE=runlocalai
    PASSWORD=runlocalai
    DB=runlocalai_test
    PORT=${RUNLOCALAI_TEST_POSTGRES_PORT:-5432}

    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_postgres() {
        if [ "$(id -u)" = 0 ]; then
            if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
        else sudo -u postgres "$@"; fi
    }

    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
        echo "installing PostgreSQL from Debian…"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi

    VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
    if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
        as_root pg_createcluster "$VERSION" main --port "$PORT"
    fi
    if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
        as_root pg_ctlcluster "$VERSION" main start
    fi
    PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $3 }')

    for _ in $(seq 1 30); do
        as_postgres pg_isready -q -h 127.0.0.1 -p "$PORT" && break
        sleep 1
    done

    psql_admin() { as_postgres psql -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -p "$PORT" -d postgres "$@"; }
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
        psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
    fi
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
        psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
    fi

    URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
}

# Everything but the URL goes to stderr, and stdin is /dev/null. The caller's stdout is not inherited by anything the
# function starts (bash keeps its saved copy close-on-exec): the server that `pg_ctlcluster start` leaves running must
# not hold the caller's pipe open, or `url=$(bash scripts/start-test-postgres.sh)` would wait for it forever.
start_postgres >&2 </dev/null
echo "$URL"
