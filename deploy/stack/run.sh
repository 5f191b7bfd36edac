#!/usr/bin/env bash
# Run a command in a service's directory with that service's local-stack environment.
# Usage: deploy/stack/run.sh SERVICE COMMAND...   e.g. deploy/stack/run.sh user python manage.py shell
set -euo pipefail
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

service=${1:?usage: run.sh SERVICE COMMAND...}
shift
[ -f "$DEPLOY_DIR/env/local/$service.env" ] || { echo "unknown service: $service" >&2; exit 2; }
load_service_env "$service"
cd "$REPO_DIR/${service}_svc"
export PATH="$REPO_DIR/.venv/bin:$PATH"
exec "$@"
