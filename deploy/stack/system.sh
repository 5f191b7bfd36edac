# Tools the stack scripts themselves need, and the browser the staff console's tests drive.
# shellcheck shell=bash

system_install() {
  command -v curl >/dev/null || apt_install curl ca-certificates
  command -v envsubst >/dev/null || apt_install gettext-base
  command -v setsid >/dev/null || apt_install util-linux
  # Debian's Chromium, driven by Playwright in tests/browser/ (Playwright's own browser download
  # cannot be fetched here, and a distribution package is pinned by the release like the servers).
  [ -x /usr/bin/chromium ] || apt_install chromium fonts-dejavu-core
}
system_start() { :; }
system_stop() { :; }
system_status() { :; }
