# The five Django services and their processes (deploy/Procfile): migrations, then one process per line.
# shellcheck shell=bash

SERVICES=(product order inventory user notification)
PROCFILE="$DEPLOY_DIR/Procfile"

_procfile() { # print "name service command" per process, with ${VARS} expanded
  local line name rest
  while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    name=${line%%:*}
    rest=${line#*: }
    printf '%s %s\n' "$name" "$(eval "printf '%s' \"$rest\"")"
  done <"$PROCFILE"
}

services_install() {
  ensure_secrets
  # user_svc's JWT key pair; every service reads the public half (JWT_PUBLIC_KEY_FILE).
  "$VENV_DIR/bin/python" -m shared.auth.keys "$STACK_DIR/secrets/jwt" >>"$(log_file user)" 2>&1 ||
    fail user "cannot create the JWT key pair in $STACK_DIR/secrets/jwt"
  local service
  for service in "${SERVICES[@]}"; do
    # migrate is a no-op when nothing changed, so it runs on every `make up`.
    "$DEPLOY_DIR/stack/run.sh" "$service" python manage.py migrate --no-input -v 0 \
      >>"$(log_file "$service")" 2>&1 || fail "$service" "migrate failed"
    "$DEPLOY_DIR/stack/run.sh" "$service" python manage.py collectstatic --no-input -v 0 \
      >>"$(log_file "$service")" 2>&1 || fail "$service" "collectstatic failed"
  done
  _services_mint_tokens
}

SERVICE_TOKEN_CALLERS=(order)

_services_mint_tokens() { # a fresh year-long service token per calling service, signed by user_svc
  local dir="$STACK_DIR/secrets/service-tokens" caller
  mkdir -p "$dir"
  for caller in "${SERVICE_TOKEN_CALLERS[@]}"; do
    (umask 077 && "$DEPLOY_DIR/stack/run.sh" user python manage.py issue_service_token "$caller" --days 365 \
      >"$dir/$caller.jwt.new" 2>>"$(log_file user)") || fail user "cannot mint the service token of $caller"
    mv "$dir/$caller.jwt.new" "$dir/$caller.jwt"
  done
}

_process_line() { # _process_line NAME — the "name service command" line of one Procfile process
  _procfile | awk -v name="$1" '$1 == name'
}

is_process() { [ -n "$(_process_line "$1")" ]; }

_process_spawn() { # _process_spawn NAME SERVICE COMMAND...
  local name=$1 service=$2
  shift 2
  if ! pid_alive "$name"; then
    log "$name" "starting"
    # Workers (relays, consumers) touch their heartbeat file on every loop; `make status` shows its age.
    # PROCESS_NAME: a Kafka consumer's static group membership (shared.messaging.kafka_consumer).
    spawn "$name" env HEARTBEAT_FILE="$RUN_DIR/$name.heartbeat" PROCESS_NAME="$name" \
      "$DEPLOY_DIR/stack/run.sh" "$service" "$@"
  fi
}

_process_wait() { # _process_wait NAME COMMAND... — until the process answers: HTTP health, or its port
  local name=$1 port
  shift
  port=$(grep -oE -- '(--bind [^ ]*:|--port )[0-9]+' <<<"$*" | grep -oE '[0-9]+$') || return 0
  if [[ "$*" == gunicorn* ]]; then
    wait_ready "$name" 60 curl -fsS "http://$STACK_HOST:$port/health/live"
  else
    wait_ready "$name" 60 port_open "$STACK_HOST" "$port"
  fi
}

services_start() {
  local name service command
  while read -r name service command; do
    # shellcheck disable=SC2086  # the command line is split into words on purpose
    _process_spawn "$name" "$service" $command
  done < <(_procfile)
  while read -r name service command; do
    # shellcheck disable=SC2086
    _process_wait "$name" $command
  done < <(_procfile)
}

# One process by its Procfile name: `stack.sh start|stop|kill order-web-2`.
process_start() {
  local name service command
  read -r name service command < <(_process_line "$1")
  # shellcheck disable=SC2086
  _process_spawn "$name" "$service" $command
  # shellcheck disable=SC2086
  _process_wait "$name" $command
}

process_stop() { stop_pid "$1" 30; }

process_kill() { kill_component "$1"; }

services_stop() {
  # In parallel: each gunicorn takes a moment to finish its requests and stop its workers.
  local name _rest
  while read -r name _rest; do
    stop_pid "$name" 30 &
  done < <(_procfile)
  wait
}

services_status() {
  local name service _command
  while read -r name service _command; do
    if pid_alive "$name"; then
      local beat="$RUN_DIR/$name.heartbeat" detail
      detail="pid $(cat "$(pid_file "$name")")"
      [ -f "$beat" ] && detail="$detail, heartbeat $(($(date +%s) - $(stat -c %Y "$beat")))s ago"
      status_line "$name" up "$detail"
    else
      status_line "$name" down ""
    fi
  done < <(_procfile)
}
