# The nginx gateway (Debian's nginx + njs) rendered from deploy/nginx/nginx.conf.template.
# shellcheck shell=bash

NGINX_CONF="$CONF_DIR/nginx/nginx.conf"

gateway_install() {
  apt_install nginx-light libnginx-mod-http-js gettext-base
}

_gateway_servers() { # _gateway_servers PORT... — "server 127.0.0.1:PORT;" per instance
  local port
  for port in "$@"; do printf 'server %s:%s max_fails=1 fail_timeout=2s; ' "$STACK_HOST" "$port"; done
}

_gateway_render() {
  mkdir -p "$CONF_DIR/nginx" "$STACK_DIR/nginx/temp" "$STACK_DIR/nginx/html"
  # The staff index page is read by nginx's workers (user nobody), not by the master as the config and
  # njs scripts are: a readable copy, so the checkout's own permissions do not matter.
  install -m 0644 "$DEPLOY_DIR/nginx/index.html" "$STACK_DIR/nginx/html/index.html"
  NGINX_MODULES_DIR=/usr/lib/nginx/modules \
    NGINX_PID="$RUN_DIR/gateway.pid" \
    NGINX_ERROR_LOG="$(log_file gateway)" \
    NGINX_ACCESS_LOG="$LOG_DIR/gateway-access.log" \
    NGINX_TEMP_DIR="$STACK_DIR/nginx/temp" \
    NGINX_NJS_DIR="$DEPLOY_DIR/nginx" \
    NGINX_HTML_DIR="$STACK_DIR/nginx/html" \
    GATEWAY_LISTEN="$STACK_HOST:$GATEWAY_PORT" \
    CORS_ALLOWED_ORIGINS="$CORS_ALLOWED_ORIGINS" \
    GATEWAY_AUTH_RATE="$GATEWAY_AUTH_RATE" \
    GATEWAY_AUTH_BURST="$GATEWAY_AUTH_BURST" \
    GATEWAY_DEBUG_HEADERS="$GATEWAY_DEBUG_HEADERS" \
    PRODUCT_SERVERS="$(_gateway_servers "$PRODUCT_PORT" "$PRODUCT_PORT_2")" \
    ORDER_SERVERS="$(_gateway_servers "$ORDER_PORT" "$ORDER_PORT_2")" \
    INVENTORY_SERVERS="$(_gateway_servers "$INVENTORY_PORT" "$INVENTORY_PORT_2")" \
    USER_SERVERS="$(_gateway_servers "$USER_PORT" "$USER_PORT_2")" \
    NOTIFICATION_SERVERS="$(_gateway_servers "$NOTIFICATION_PORT" "$NOTIFICATION_PORT_2")" \
    NOTIFICATION_WS_SERVERS="$(_gateway_servers "$NOTIFICATION_WS_PORT")" \
    envsubst "$(_gateway_template_vars)" <"$DEPLOY_DIR/nginx/nginx.conf.template" >"$NGINX_CONF"
}

_gateway_template_vars() { # only the template's own ${UPPERCASE} names, never nginx's $variables
  grep -o '\${[A-Z_]*}' "$DEPLOY_DIR/nginx/nginx.conf.template" | sort -u | tr '\n' ' '
}

_nginx() { nginx -p "$STACK_DIR/nginx" -c "$NGINX_CONF" "$@"; }

gateway_launch() { # render the config and start nginx (or reload it), without waiting for the services
  _gateway_render
  grant_traverse nobody "$STACK_DIR/nginx/temp"
  grant_traverse nobody "$STACK_DIR/nginx/html"
  _nginx -t >>"$(log_file gateway)" 2>&1 || fail gateway "nginx -t rejected $NGINX_CONF"
  if pid_alive gateway; then
    _nginx -s reload >>"$(log_file gateway)" 2>&1 || fail gateway "reload failed"
  else
    log gateway "starting on $STACK_HOST:$GATEWAY_PORT"
    _nginx >>"$(log_file gateway)" 2>&1 || fail gateway "did not start"
  fi
}

gateway_start() {
  gateway_launch
  wait_until gateway 30 curl -fsS "http://$STACK_HOST:$GATEWAY_PORT/health"
}

gateway_stop() {
  if pid_alive gateway; then
    log gateway "stopping"
    _nginx -s quit 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while pid_alive gateway && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    stop_pid gateway 5
  fi
}

gateway_status() {
  if pid_alive gateway; then
    status_line gateway up "http://$STACK_HOST:$GATEWAY_PORT/health"
  else
    status_line gateway down "port $GATEWAY_PORT"
  fi
}
