# Shared helpers for the local stack. Sourced by deploy/stack/stack.sh; every component file uses them.
# shellcheck shell=bash

REPO_DIR=${REPO_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DEPLOY_DIR="$REPO_DIR/deploy"
# All runtime state (data, logs, pids, generated config) lives here; git-ignored.
STACK_DIR=${STACK_DIR:-$REPO_DIR/.stack}
# Downloads and builds survive a fresh clone here, so the second first-run is fast.
STACK_CACHE=${STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-platform}
LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
DATA_DIR="$STACK_DIR/data"
CONF_DIR="$STACK_DIR/conf"

# shellcheck source=../versions.env
. "$DEPLOY_DIR/versions.env"
set -a
# shellcheck source=../env/local/stack.env
. "$DEPLOY_DIR/env/local/stack.env"
set +a

mkdir -p "$LOG_DIR" "$RUN_DIR" "$DATA_DIR" "$CONF_DIR" "$STACK_CACHE"

log() { # log COMPONENT MESSAGE...
  local component=$1
  shift
  printf '[%s] %-12s %s\n' "$(date +%H:%M:%S)" "$component" "$*"
}

fail() { # fail COMPONENT MESSAGE — one line naming the component and its log, then exit.
  local component=$1
  shift
  printf 'ERROR %s: %s (log: %s)\n' "$component" "$*" "$(log_file "$component")" >&2
  exit 1
}

log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

as_root() { # run a command as root (sudo when we are not root)
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

port_open() { # port_open HOST PORT
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_until() { # wait_until COMPONENT SECONDS COMMAND... — poll until the command succeeds
  local component=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      fail "$component" "not ready after ${timeout}s"
    fi
    sleep 0.3
  done
}

wait_port() { # wait_port COMPONENT HOST PORT [SECONDS]
  wait_until "$1" "${4:-60}" port_open "$2" "$3"
}

pid_alive() { # pid_alive NAME — true when NAME's pid file names a live (not zombie) process
  local pid state
  pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # A killed process stays a zombie until init reaps it (seconds, here); it is not running.
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [ "$state" != Z ]
}

spawn() { # spawn NAME COMMAND... — start a foreground-style process detached, logging to NAME's log
  local name=$1
  shift
  if pid_alive "$name"; then
    return 0
  fi
  # setsid gives the process its own group, so stop_pid can signal it and all its children. A stack
  # process never runs in a test's messaging scope (shared/events/scope.py), even when a test restarts it.
  env -u MESSAGING_SCOPE setsid "$@" >>"$(log_file "$name")" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

stop_pid() { # stop_pid NAME [SECONDS] — TERM the process group, KILL it after the grace period
  local name=$1 grace=${2:-20} pid
  pid=$(cat "$(pid_file "$name")" 2>/dev/null) || return 0
  if pid_alive "$name"; then
    log "$name" "stopping (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    local deadline=$((SECONDS + grace))
    while pid_alive "$name" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  fi
  # Whatever is left of the group (a child that ignored TERM) goes too.
  [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
  rm -f "$(pid_file "$name")"
}

wait_ready() { # wait_ready NAME SECONDS COMMAND... — poll until COMMAND succeeds; fail at once if NAME's process exits
  local name=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    pid_alive "$name" || fail "$name" "exited during startup"
    [ $SECONDS -lt $deadline ] || fail "$name" "not ready after ${timeout}s"
    sleep 0.3
  done
}

ensure_ports_free() { # ensure_ports_free NAME PORT... — fail when a process we did not start holds a port
  local name=$1 port
  shift
  for port in "$@"; do
    if port_open "$STACK_HOST" "$port"; then
      fail "$name" "port $STACK_HOST:$port is taken by a process this stack did not start"
    fi
  done
}

stop_with() { # stop_with NAME SECONDS COMMAND... — ask NAME to stop with COMMAND, wait, then stop_pid
  local name=$1 grace=$2 pid
  shift 2
  pid_alive "$name" || { rm -f "$(pid_file "$name")"; return 0; }
  pid=$(cat "$(pid_file "$name")")
  log "$name" "stopping (pid $pid)"
  "$@" >>"$(log_file "$name")" 2>&1 || true
  local deadline=$((SECONDS + grace))
  while pid_alive "$name" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  stop_pid "$name" 10
}

status_line() { # status_line NAME up|down DETAIL
  printf '%-22s %-5s %s\n' "$1" "$2" "$3"
}

apt_install() { # apt_install PACKAGE... — install missing Debian packages without starting their daemons
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log apt "installing ${missing[*]}"
  # policy-rc.d 101 keeps Debian from starting system-wide daemons on our ports; we run our own.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
    created_policy=1
  fi
  if [ ! -f "$STACK_CACHE/apt-updated" ] || [ -n "$(find "$STACK_CACHE/apt-updated" -mmin +1440)" ]; then
    as_root apt-get update -qq >>"$(log_file apt)" 2>&1 || true
    touch "$STACK_CACHE/apt-updated"
  fi
  local rc=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$(log_file apt)" 2>&1 || rc=$?
  [ $created_policy -eq 1 ] && as_root rm -f "$policy"
  [ $rc -eq 0 ] || fail apt "apt-get install ${missing[*]} failed"
}

SECRETS_FILE="$STACK_DIR/secrets.env"

ensure_secrets() { # generate the local stack's secrets once; they persist with the rest of its state
  [ -f "$SECRETS_FILE" ] && return 0
  umask 077
  printf 'DJANGO_SECRET_KEY=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >"$SECRETS_FILE"
}

load_service_env() { # load_service_env SERVICE — export the variables a service's process reads
  ensure_secrets
  set -a
  # shellcheck source=/dev/null
  . "$SECRETS_FILE"
  # shellcheck source=../env/local/common.env
  . "$DEPLOY_DIR/env/local/common.env"
  # shellcheck source=/dev/null
  . "$DEPLOY_DIR/env/local/$1.env"
  set +a
}

run_as() { # run_as USER COMMAND... — as USER when we are root, else as ourselves
  local user=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

grant_traverse() { # grant_traverse USER PATH — let a service user reach PATH (o+x on parents that lack it)
  local user=$1 path=$2
  [ "$(id -u)" -eq 0 ] || return 0
  runuser -u "$user" -- test -x "$path" 2>/dev/null && return 0
  local dir=$path
  while [ "$dir" != "/" ]; do
    if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
      log stack "chmod o+x $dir so that $user can reach $path"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

go_version_ok() { # Go >= 1.21 fetches the toolchain a module asks for (GOTOOLCHAIN=auto) by itself
  local version
  version=$(GOTOOLCHAIN=local go version 2>/dev/null) || return 1
  [[ $version =~ go([0-9]+)\.([0-9]+) ]] || return 1
  [ "${BASH_REMATCH[1]}" -gt 1 ] || [ "${BASH_REMATCH[2]}" -ge 21 ]
}

require_go() { # require_go COMPONENT — put a Go >= 1.21 on PATH, bootstrapping one when needed
  go_version_ok && return 0
  local toolchain="$STACK_CACHE/go-toolchain/$GO_BOOTSTRAP_VERSION"
  if [ ! -x "$toolchain/bin/go" ]; then
    # Debian's golang-go is too old to build our tools, but it can download a newer toolchain,
    # which the Go module proxy publishes as the module golang.org/toolchain.
    command -v go >/dev/null || apt_install golang-go
    local arch module dir
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    module="golang.org/toolchain@v0.0.1-$GO_BOOTSTRAP_VERSION.linux-$arch"
    log "$1" "bootstrapping Go from the module $module"
    dir=$(cd "$STACK_CACHE" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module" 2>>"$(log_file "$1")" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
    [ -n "$dir" ] && [ -d "$dir" ] || fail "$1" "cannot download the Go toolchain $module"
    mkdir -p "$(dirname "$toolchain")"
    rm -rf "$toolchain"
    cp -r "$dir" "$toolchain"
    # Module zips keep no file modes.
    chmod -R u+w "$toolchain"
    chmod +x "$toolchain"/bin/* "$toolchain"/pkg/tool/*/*
  fi
  export PATH="$toolchain/bin:$PATH" GOROOT="$toolchain"
  go_version_ok || fail "$1" "the bootstrapped Go at $toolchain does not run"
}

kill_tree() { # kill_tree PID — SIGKILL a process and all its descendants at once, as a crash would
  local root=$1 pids
  # Stop the whole tree first so no parent can notice a dead child and restart it before it dies too.
  pids=$(ps -eo pid=,ppid= | awk -v root="$root" '
    { parent[$1] = $2 }
    END { for (p in parent) { q = p; while (q != "" && q != 0 && q != 1) { if (q == root) { print p; break } q = parent[q] } } }')
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086  # one pid per word
  kill -STOP $pids 2>/dev/null
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  return 0
}

kill_component() { # kill_component NAME — SIGKILL a server without letting it shut down cleanly
  local pid
  if declare -F "${1}_pid" >/dev/null; then pid=$("${1}_pid"); else pid=$(cat "$(pid_file "$1")" 2>/dev/null); fi
  [ -n "$pid" ] || { log "$1" "not running: nothing to kill"; return 0; }
  log "$1" "killing (SIGKILL, pid $pid and its children)"
  kill_tree "$pid"
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && [ "$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] &&
    [ $SECONDS -lt $deadline ]; do sleep 0.1; done
}
