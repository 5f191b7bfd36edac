# The monorepo's one virtual environment (.venv), installed from the hashed lock file.
# shellcheck shell=bash

VENV_DIR=${VENV_DIR:-$REPO_DIR/.venv}
PYTHON_LOCK="$REPO_DIR/requirements-dev.lock"

python_install() {
  if ! command -v python3 >/dev/null; then apt_install python3; fi
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    log python "creating $VENV_DIR"
    if ! python3 -m venv "$VENV_DIR" >>"$(log_file python)" 2>&1; then
      rm -rf "$VENV_DIR"
      apt_install python3-venv
      python3 -m venv "$VENV_DIR" >>"$(log_file python)" 2>&1 || fail python "cannot create a virtual environment"
    fi
  fi
  # Reinstall only when the lock changed since the last install.
  local stamp="$VENV_DIR/.lock.sha256" want
  want=$(sha256sum "$PYTHON_LOCK" "$REPO_DIR/pyproject.toml" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log python "installing $(grep -c '==' "$PYTHON_LOCK") pinned packages"
    "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
      -r "$PYTHON_LOCK" >>"$(log_file python)" 2>&1 || fail python "pip install from $(basename "$PYTHON_LOCK") failed"
    "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
      -e "$REPO_DIR" >>"$(log_file python)" 2>&1 || fail python "pip install -e . failed"
    echo "$want" >"$stamp"
  fi
}

python_start() { :; }
python_stop() { :; }
python_status() { status_line python "$([ -x "$VENV_DIR/bin/python" ] && echo up || echo down)" "$VENV_DIR"; }
