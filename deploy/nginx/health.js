// GET /health: ask every service's /health/ready at once and summarise.
// Written for njs 0.7 (Debian bookworm) and newer (the official nginx image).
var SERVICES = ['product', 'order', 'inventory', 'user', 'notification'];

function probe(r, name) {
    return r.subrequest('/_ready/' + name).then(
        function (reply) { return [name, reply.status === 200 ? 'ok' : 'unavailable']; },
        function () { return [name, 'unavailable']; }
    );
}

function aggregate(r) {
    Promise.all(SERVICES.map(function (name) { return probe(r, name); })).then(function (results) {
        var services = {};
        var healthy = true;
        results.forEach(function (pair) {
            services[pair[0]] = pair[1];
            if (pair[1] !== 'ok') {
                healthy = false;
            }
        });
        r.headersOut['Content-Type'] = 'application/json';
        r.return(healthy ? 200 : 503, JSON.stringify({status: healthy ? 'ok' : 'degraded', services: services}));
    });
}

export default {aggregate};
