# Tools the stack scripts themselves need.
# shellcheck shell=bash

system_install() {
  command -v curl >/dev/null || apt_install curl ca-certificates
  command -v envsubst >/dev/null || apt_install gettext-base
  command -v setsid >/dev/null || apt_install util-linux
}
system_start() { :; }
system_stop() { :; }
system_status() { :; }
