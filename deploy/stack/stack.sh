#!/usr/bin/env bash
# The local stack: real servers as processes on 127.0.0.1, all state under .stack/.
# Usage: deploy/stack/stack.sh up|down|restart|status|logs [COMPONENT]|install
#        deploy/stack/stack.sh start|stop|kill COMPONENT-OR-PROCESS
# A component is a name in COMPONENTS below; a process is a deploy/Procfile name (e.g. order-web-2).
set -euo pipefail
STACK_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$STACK_SCRIPT_DIR/lib.sh"

# Start order; stop runs it backwards. Each name has deploy/stack/<name>.sh defining
# <name>_install, <name>_start, <name>_stop and <name>_status.
COMPONENTS=(system python postgres redis rabbitmq kafka ferretdb mailpit services gateway)

for component in "${COMPONENTS[@]}"; do
  # shellcheck source=/dev/null
  . "$STACK_SCRIPT_DIR/$component.sh"
done

cmd=${1:-status}
shift || true
case "$cmd" in
  install)
    for c in "${COMPONENTS[@]}"; do "${c}_install"; done
    ;;
  up)
    started=$SECONDS
    for c in "${COMPONENTS[@]}"; do
      "${c}_install"
      "${c}_start"
    done
    log stack "up in $((SECONDS - started))s; gateway http://127.0.0.1:${GATEWAY_PORT}/health"
    ;;
  down)
    for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do "${COMPONENTS[i]}_stop"; done
    ;;
  start | stop | kill) # one component or one Procfile process (the fault tests and `make chaos` use this)
    target=${1:?usage: $0 $cmd COMPONENT-OR-PROCESS}
    if [[ " ${COMPONENTS[*]} " == *" $target "* ]]; then
      if [ "$cmd" = start ]; then "${target}_install"; fi
      if [ "$cmd" = kill ]; then kill_component "$target"; else "${target}_${cmd}"; fi
    elif is_process "$target"; then
      "process_${cmd}" "$target"
    else
      echo "unknown component or process: $target" >&2
      exit 2
    fi
    ;;
  restart) # the application processes only: pick up code changes without touching the servers
    # A code change may bring dependencies, migrations and static files: install them first.
    python_install
    services_install
    services_stop
    services_start
    gateway_start
    ;;
  status)
    for c in "${COMPONENTS[@]}"; do "${c}_status"; done
    ;;
  logs)
    if [ $# -gt 0 ]; then exec tail -n 100 -F "$(log_file "$1")"; fi
    exec tail -n 20 -F "$LOG_DIR"/*.log
    ;;
  *)
    echo "usage: $0 up|down|restart|status|logs [COMPONENT]|install|start|stop|kill COMPONENT-OR-PROCESS" >&2
    exit 2
    ;;
esac
