# PostgreSQL (Debian package) with our own cluster under .stack/data/postgres.
# One database and one role per ORM service, each role allowed to create its test database.
# shellcheck shell=bash

PG_BIN=/usr/lib/postgresql/$POSTGRES_MAJOR/bin
PG_DATA="$DATA_DIR/postgres"
PG_SOCKET_DIR="$RUN_DIR/postgres"
PG_USER=postgres  # the OS user the server runs as when we are root (initdb refuses root)
PG_DATABASES=(user_svc inventory_svc notification_svc)

postgres_install() {
  [ -x "$PG_BIN/postgres" ] || apt_install "postgresql-$POSTGRES_MAJOR"
  [ "$(id -u)" -ne 0 ] && PG_USER=$(id -un)
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_USER" "$PG_DATA" "$PG_SOCKET_DIR"
    chmod 700 "$PG_DATA"
    grant_traverse "$PG_USER" "$PG_DATA"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log postgres "initdb $PG_DATA"
    run_as "$PG_USER" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$(log_file postgres)" 2>&1 \
      || fail postgres "initdb failed"
  fi
}

_psql() { psql -h "$PG_SOCKET_DIR" -p "$POSTGRES_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

postgres_start() {
  touch "$(log_file postgres)"
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$(log_file postgres)"
  if ! run_as "$PG_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log postgres "starting on $STACK_HOST:$POSTGRES_PORT"
    # max_connections covers every gunicorn worker, Celery worker and test database of the stack.
    run_as "$PG_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$(log_file postgres)" -w -t 60 start -o \
      "-c listen_addresses=$STACK_HOST -p $POSTGRES_PORT -k $PG_SOCKET_DIR -c max_connections=300 \
       -c shared_buffers=256MB -c log_min_duration_statement=1000" >/dev/null \
      || fail postgres "did not start"
  fi
  wait_until postgres 30 _psql -c "SELECT 1"
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [ -z "$(_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$db'")" ]; then
      _psql -c "CREATE ROLE $db LOGIN CREATEDB PASSWORD '$db'" || fail postgres "cannot create role $db"
    fi
    if [ -z "$(_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      _psql -c "CREATE DATABASE $db OWNER $db" || fail postgres "cannot create database $db"
    fi
    # Database per service: only the owning role (and the superuser) may connect.
    _psql -c "REVOKE CONNECT ON DATABASE $db FROM PUBLIC" || fail postgres "cannot restrict $db"
  done
}

postgres_stop() {
  if run_as "$PG_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log postgres "stopping"
    run_as "$PG_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}

postgres_status() {
  if run_as "$PG_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    status_line postgres up "$STACK_HOST:$POSTGRES_PORT databases: ${PG_DATABASES[*]}"
  else
    status_line postgres down "$STACK_HOST:$POSTGRES_PORT"
  fi
}

postgres_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null; } # the postmaster (for `stack.sh kill`)
