# FerretDB 1.x: the MongoDB wire protocol on the SQLite backend, a process of its own on $STACK_HOST:$FERRETDB_PORT.
# Its data (one SQLite file per database) lives under .stack/data/ferretdb, so it does not depend on PostgreSQL.
# shellcheck shell=bash

# Debug HTTP handler (/debug/metrics, /debug/livez, /debug/readyz); FerretDB's default 8088 is too common.
FERRETDB_DEBUG_PORT=${FERRETDB_DEBUG_PORT:-27018}

# The binary's cache name carries FERRETDB_PATCH: a build with another patch level is another binary.
FERRETDB_PATCH=id-index
ferretdb_bin() { printf '%s/bin/ferretdb-%s-%s/ferretdb' "$STACK_CACHE" "$FERRETDB_VERSION" "$FERRETDB_PATCH"; }

# FerretDB 1.24's SQLite backend looks documents up by `_ferretdb_sjson->'$._id'` but indexes `_id` as
# `_ferretdb_sjson->"_id"`. Both extract the same value, but SQLite uses an index on an expression only for
# the same expression, so every find, update and delete by _id scanned and parsed the whole collection
# (4.6 ms a find, 33 ms an update, with 1,600 orders). The patch makes the lookup the indexed expression.
# Checked by tests/stack/test_mongo.py: the plan of a find by _id uses the index.
ferretdb_patch_id_lookup() { # ferretdb_patch_id_lookup SOURCE_DIR
  local file="$1/internal/backends/sqlite/metadata/metadata.go"
  grep -qF "IDColumn = DefaultColumn + \"->'\$._id'\"" "$file" ||
    fail ferretdb "FerretDB $FERRETDB_VERSION: the _id lookup expression to patch is not in $file"
  sed -i "/IDColumn = DefaultColumn/s|->'\$\._id'|->'_id'|" "$file"
  grep -qF "IDColumn = DefaultColumn + \"->'_id'\"" "$file" || fail ferretdb "patching $file failed"
}

ferretdb_install() {
  local bin
  bin=$(ferretdb_bin)
  [ -x "$bin" ] && return 0
  require_go ferretdb
  log ferretdb "building FerretDB $FERRETDB_VERSION (first run only, a few minutes)"
  # Not a plain `go install ...@version`: the module zip lacks build/version/version.txt, which release builds
  # generate from git, and a binary built without it panics at start. So build a copy of the module source
  # with that file added, the way the release Dockerfile does: no build tags (SQLite and PostgreSQL backends
  # are both in by default), CGO_ENABLED=0, -trimpath.
  local work="$STACK_CACHE/build/ferretdb-$FERRETDB_VERSION" logf
  logf=$(log_file ferretdb)
  rm -rf "$work"
  mkdir -p "$work/src" "$(dirname "$bin")"
  local json
  json=$(cd "$work" && GOTOOLCHAIN=auto GOWORK=off GO111MODULE=on \
    go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>>"$logf") ||
    fail ferretdb "go mod download github.com/FerretDB/FerretDB@$FERRETDB_VERSION failed"
  local dir commit
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
  commit=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)",\{0,1\}$/\1/p' | head -n 1)
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    fail ferretdb "go mod download gave no source directory for FerretDB $FERRETDB_VERSION"
  fi
  cp -R "$dir/." "$work/src/"
  chmod -R u+w "$work/src"
  printf '%s\n' "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  ferretdb_patch_id_lookup "$work/src"
  [ -z "$commit" ] || printf '%s\n' "$commit" >"$work/src/build/version/commit.txt"
  if ! (cd "$work/src" && CGO_ENABLED=0 GOTOOLCHAIN=auto GOWORK=off GO111MODULE=on \
    go build -trimpath -buildvcs=false -o "$work/ferretdb" ./cmd/ferretdb) >>"$logf" 2>&1; then
    fail ferretdb "go build of FerretDB $FERRETDB_VERSION failed"
  fi
  "$work/ferretdb" --version >>"$logf" 2>&1 || fail ferretdb "the FerretDB binary built in $work does not run"
  mv "$work/ferretdb" "$bin"
  rm -rf "$work"
  log ferretdb "built $bin"
}

ferretdb_ping() { # a real MongoDB `ping` over the wire (bash /dev/tcp), true when the reply says ok: 1.0
  # (`ferretdb ping` needs --setup-username/--setup-password, i.e. auth, so it is no use here.)
  local reply
  # shellcheck disable=SC2016 # the script is for the inner bash, which gets host and port as $1 and $2
  reply=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    # OP_MSG (opCode 2013) with one body section: {ping: 1, $db: "admin"}
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(head -c 4 <&3 | od -An --endian=little -tu4 | tr -d " ")
    [ -n "$len" ] && [ "$len" -gt 16 ] || exit 1
    head -c $((len - 4)) <&3 | od -An -v -tx1 | tr -d " \n"
  ' _ "$STACK_HOST" "$FERRETDB_PORT" 2>/dev/null) || return 1
  # the reply document holds the element: double (01) "ok" (6f 6b 00) = 1.0 (00 00 00 00 00 00 f0 3f)
  [[ $reply == *016f6b00000000000000f03f* ]]
}

ferretdb_start() {
  if pid_alive ferretdb; then
    ferretdb_ping && return 0 # already up; otherwise still starting, and the wait below covers it
  else
    rm -f "$(pid_file ferretdb)" # gone, or killed and not yet reaped: spawn a new one
    ensure_ports_free ferretdb "$FERRETDB_PORT" "$FERRETDB_DEBUG_PORT"
  fi
  local data="$DATA_DIR/ferretdb" started=$SECONDS
  mkdir -p "$data/sqlite"
  # Flags beat FERRETDB_* environment variables (FerretDB reads those too). Logs go to stdout, which spawn
  # sends to .stack/logs/ferretdb.log.
  spawn ferretdb "$(ferretdb_bin)" \
    --handler=sqlite \
    --sqlite-url="file:$data/sqlite/" \
    --state-dir="$data" \
    --listen-addr="$STACK_HOST:$FERRETDB_PORT" \
    --debug-addr="$STACK_HOST:$FERRETDB_DEBUG_PORT" \
    --telemetry=disable \
    --log-level=info
  wait_ready ferretdb 30 ferretdb_ping
  log ferretdb "ready on mongodb://$STACK_HOST:$FERRETDB_PORT in $((SECONDS - started))s"
}

ferretdb_stop() {
  stop_pid ferretdb
}

ferretdb_status() {
  if pid_alive ferretdb && ferretdb_ping; then
    status_line ferretdb up "mongodb://$STACK_HOST:$FERRETDB_PORT (FerretDB $FERRETDB_VERSION, sqlite, pid $(cat "$(pid_file ferretdb)"))"
  elif pid_alive ferretdb; then
    status_line ferretdb down "pid $(cat "$(pid_file ferretdb)") alive but no answer to ping on $STACK_HOST:$FERRETDB_PORT"
  else
    status_line ferretdb down "not running"
  fi
}
