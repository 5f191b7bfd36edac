// Request headers gunicorn would refuse with an HTML page, found by the gateway first so that it can
// refuse them in JSON (nginx.conf.template: $header_refusal). Written for njs 0.7 (Debian bookworm)
// and newer (the official nginx image).

// gunicorn takes 100 header fields (limit_request_fields) and the gateway adds up to 8 of its own
// (Host, X-Request-ID, X-Forwarded-*, Idempotency-Key, Connection, Upgrade): 64 leaves room, and is
// three times what a browser sends.
var MAX_HEADERS = 64;
// RFC 9110 5.5: besides visible characters, a field value may hold only SP and HTAB (gunicorn's rule).
var CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

// "count" when there are too many headers, "control" when a value holds a control character, else "".
function headerRefusal(r) {
    var headers = r.rawHeadersIn;
    if (headers.length > MAX_HEADERS) {
        return 'count';
    }
    for (var i = 0; i < headers.length; i++) {
        if (CONTROL.test(headers[i][1])) {
            return 'control';
        }
    }
    return '';
}

export default {headerRefusal};
