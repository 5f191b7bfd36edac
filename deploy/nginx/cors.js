// CORS for the gateway: which browser origins may call the API (nginx.conf.template uses it).
// $cors_allowed_origins (CORS_ALLOWED_ORIGINS rendered into the config) is a comma-separated list of
// exact origins ("https://shop.example.com"), or "*".

function allowedOrigins(r) {
    return (r.variables.cors_allowed_origins || '').split(',').map((o) => o.trim()).filter(Boolean);
}

// The request's Origin when it is allowed, else "" (nginx then sends no CORS headers).
function allowedOrigin(r) {
    const origin = r.headersIn.Origin;
    if (!origin) {
        return '';
    }
    const allowed = allowedOrigins(r);
    return allowed.includes('*') || allowed.includes(origin) ? origin : '';
}

export default { allowedOrigin };
