# Mailpit: SMTP sink on $STACK_HOST:$MAILPIT_SMTP_PORT, web UI + REST API on $STACK_HOST:$MAILPIT_HTTP_PORT.
# Messages persist in .stack/data/mailpit/mailpit.db. API: GET /api/v1/messages, GET /api/v1/message/{ID},
# GET /api/v1/search?query=..., DELETE /api/v1/messages (no body: deletes every message).
# shellcheck shell=bash

mailpit_bin() { printf '%s/bin/mailpit-%s/mailpit' "$STACK_CACHE" "$MAILPIT_VERSION"; }

mailpit_url() { printf 'http://%s:%s' "$STACK_HOST" "$MAILPIT_HTTP_PORT"; }

mailpit_install() {
  local bin
  bin=$(mailpit_bin)
  [ -x "$bin" ] && return 0
  require_go mailpit
  log mailpit "building Mailpit $MAILPIT_VERSION (first run only, a few minutes)"
  # As the release build does, minus its npm step: Mailpit's web UI bundle is built with npm and is not in the
  # Go module, so this binary serves SMTP and the API but not the UI's scripts. -X sets the version the API
  # reports (it says "dev" otherwise). Built into a scratch GOBIN and moved, so a half-built binary is never used.
  local gobin="$STACK_CACHE/build/mailpit-$MAILPIT_VERSION"
  rm -rf "$gobin"
  mkdir -p "$gobin" "$(dirname "$bin")"
  if ! (cd "$gobin" && CGO_ENABLED=0 GOTOOLCHAIN=auto GOWORK=off GO111MODULE=on GOBIN="$gobin" \
    go install -trimpath -ldflags="-s -w -X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" \
      "github.com/axllent/mailpit@$MAILPIT_VERSION") >>"$(log_file mailpit)" 2>&1; then
    fail mailpit "go install github.com/axllent/mailpit@$MAILPIT_VERSION failed"
  fi
  "$gobin/mailpit" version --no-release-check >>"$(log_file mailpit)" 2>&1 ||
    fail mailpit "the Mailpit binary built in $gobin does not run"
  mv "$gobin/mailpit" "$bin"
  rm -rf "$gobin"
  log mailpit "built $bin"
}

mailpit_ready() { # the API answers (it reads the database), and SMTP accepts connections
  curl -fs -o /dev/null --max-time 2 "$(mailpit_url)/api/v1/info" &&
    port_open "$STACK_HOST" "$MAILPIT_SMTP_PORT"
}

mailpit_start() {
  if pid_alive mailpit; then
    mailpit_ready && return 0 # already up; otherwise still starting, and the wait below covers it
  else
    rm -f "$(pid_file mailpit)" # gone, or killed and not yet reaped: spawn a new one
    ensure_ports_free mailpit "$MAILPIT_SMTP_PORT" "$MAILPIT_HTTP_PORT"
  fi
  local data="$DATA_DIR/mailpit" started=$SECONDS
  mkdir -p "$data"
  # Any SMTP credentials (or none) are accepted, over plain SMTP too, so Django works with or without
  # EMAIL_HOST_USER. No version check (it calls GitHub), no reverse DNS on SMTP clients.
  spawn mailpit "$(mailpit_bin)" \
    --database="$data/mailpit.db" \
    --smtp="$STACK_HOST:$MAILPIT_SMTP_PORT" \
    --listen="$STACK_HOST:$MAILPIT_HTTP_PORT" \
    --smtp-auth-accept-any \
    --smtp-auth-allow-insecure \
    --smtp-disable-rdns \
    --disable-version-check
  wait_ready mailpit 30 mailpit_ready
  log mailpit "ready: smtp://$STACK_HOST:$MAILPIT_SMTP_PORT, $(mailpit_url) in $((SECONDS - started))s"
}

mailpit_stop() {
  stop_pid mailpit
}

mailpit_status() {
  if pid_alive mailpit && mailpit_ready; then
    status_line mailpit up "smtp://$STACK_HOST:$MAILPIT_SMTP_PORT $(mailpit_url) (Mailpit $MAILPIT_VERSION, pid $(cat "$(pid_file mailpit)"))"
  elif pid_alive mailpit; then
    status_line mailpit down "pid $(cat "$(pid_file mailpit)") alive but not answering on $(mailpit_url)"
  else
    status_line mailpit down "not running"
  fi
}
