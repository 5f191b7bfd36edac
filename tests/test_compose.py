"""compose.yaml must mirror the local stack: Procfile processes, settings, gateway, servers, health.

Reads files only (no Docker, no Django): compose.yaml, deploy/Procfile, deploy/env/*, deploy/stack/*.sh,
deploy/nginx/nginx.conf.template and the settings modules, parsed with ``ast``.
"""

import ast
import re
import shlex
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SERVICES = ("product", "order", "inventory", "user", "notification")
ENV_READERS = {"str", "int", "bool", "list", "database"}
# Servers of the local stack (their stack.env port variable) -> the compose service that replaces them.
SERVER_PORTS = {
    "POSTGRES_PORT": "postgres",
    "REDIS_PORT": "redis",
    "RABBITMQ_PORT": "rabbitmq",
    "RABBITMQ_MANAGEMENT_PORT": "rabbitmq",
    "KAFKA_PORT": "kafka",
    "KAFKA_CONTROLLER_PORT": "kafka",
    "FERRETDB_PORT": "mongo",
    "MAILPIT_SMTP_PORT": "mailpit",
    "MAILPIT_HTTP_PORT": "mailpit",
    "GATEWAY_PORT": "gateway",
}


@cache
def compose_file():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def compose():
    return compose_file()["services"]


def env_file_vars(path):
    """KEY=VALUE lines of an env file (comments and blank lines skipped)."""
    lines = Path(path).read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value for key, value in pairs}


@cache
def stack_ports():
    """stack.env's defaults (NAME=${NAME:-default}), with STACK_HOST as compose binds it."""
    defaults = {
        k: re.sub(r"^\$\{\w+:-(.*)\}$", r"\1", v)
        for k, v in env_file_vars(DEPLOY / "env/local/stack.env").items()
    }
    return {**defaults, "STACK_HOST": "0.0.0.0"}  # noqa: S104 - containers listen on every interface


def procfile():
    """(process name, service, command with ${VARS} expanded) per Procfile line."""
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    for line in filter(None, (raw.strip() for raw in lines)):
        if not line.startswith("#"):
            name, rest = line.split(":", 1)
            service, command = rest.strip().split(" ", 1)
            yield name, service, re.sub(r"\$\{(\w+)\}", lambda m: stack_ports()[m.group(1)], command)


def env_reads(path):
    """(NAME, has_default) for every env.str/int/bool/list/database(NAME, ...) call in a module."""
    for node in ast.walk(ast.parse(Path(path).read_text())):
        func = getattr(node, "func", None)
        if isinstance(func, ast.Attribute) and func.attr in ENV_READERS and ast.unparse(func.value) == "env":
            name = node.args[0].value if node.args else "DATABASE_URL"  # env.database()'s own default
            yield name, len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)


def required_settings(service):
    """Names some read of the service's settings (shared base + its own module) gives no default."""
    modules = [ROOT / "shared/settings/base.py", ROOT / f"{service}_svc/config/settings.py"]
    return {name for path in modules for name, has_default in env_reads(path) if not has_default}


def compose_env(spec):
    """Names a compose service's process gets: its env_file contents plus its environment."""
    files = spec.get("env_file", [])
    paths = [f["path"] if isinstance(f, dict) else f for f in ([files] if isinstance(files, str) else files)]
    environment = spec.get("environment", {})
    names = (
        {item.split("=")[0] for item in environment} if isinstance(environment, list) else set(environment)
    )
    return names.union(*(env_file_vars(ROOT / path) for path in paths))


def one_shots():
    """Services something waits for with service_completed_successfully: jobs, not servers."""
    return {
        dep
        for spec in compose().values()
        for dep, cond in (spec.get("depends_on") or {}).items()
        if isinstance(cond, dict) and cond.get("condition") == "service_completed_successfully"
    }


def test_every_procfile_process_is_a_compose_service_with_the_same_command():
    processes = list(procfile())
    assert len(processes) >= 6
    for name, service, command in processes:
        assert name in compose(), f"Procfile process {name} has no compose service"
        spec = compose()[name]
        got = spec["command"] if isinstance(spec["command"], list) else shlex.split(spec["command"])
        assert got == shlex.split(command), f"{name}: compose runs {got}, the Procfile {command!r}"
        assert spec["working_dir"] == f"/app/{service}_svc", f"{name} must run in {service}_svc"


@pytest.mark.parametrize("service", SERVICES)
def test_required_settings_are_set_in_compose_and_in_the_local_stack(service):
    required = required_settings(service)
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= required  # the parser still finds them
    local = set(env_file_vars(DEPLOY / "env/local/common.env"))
    local |= set(env_file_vars(DEPLOY / f"env/local/{service}.env"))
    assert not required - local, f"deploy/env/local/{{common,{service}}}.env lack {required - local}"
    runs = [name for name, spec in compose().items() if spec.get("working_dir") == f"/app/{service}_svc"]
    assert {f"{service}-web-1", f"{service}-web-2", f"{service}-migrate"} <= set(runs)
    for name in runs:
        missing = required - compose_env(compose()[name])
        assert not missing, f"compose service {name} lacks required settings {sorted(missing)}"


def test_gateway_sets_every_template_variable_and_mounts_the_template():
    template = (DEPLOY / "nginx/nginx.conf.template").read_text()
    code = "\n".join(line for line in template.splitlines() if not line.lstrip().startswith("#"))
    variables = set(re.findall(r"\$\{([A-Z_]+)\}", code))
    gateway = compose()["gateway"]
    assert variables and not variables - set(gateway["environment"]), "template variables unset in compose"
    assert gateway["environment"]["NGINX_ENVSUBST_OUTPUT_DIR"] == "/etc/nginx"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in gateway["volumes"]}
    assert mounts["/etc/nginx/templates/nginx.conf.template"] == "./deploy/nginx/nginx.conf.template"
    assert mounts[gateway["environment"]["NGINX_NJS_DIR"]] == "./deploy/nginx"


def upstream_variable(process):
    """The gateway template variable listing a process's instances: order-web-2 -> ORDER_SERVERS."""
    return re.sub(r"-web(-\d+)?$", "", process).upper().replace("-", "_") + "_SERVERS"


def test_gateway_upstreams_are_the_procfile_processes_on_their_ports():
    listening = {name: re.search(r"(?:--bind \S+:|--port )(\d+)", cmd) for name, _, cmd in procfile()}
    expected = {}
    for name, match in listening.items():
        if match:  # workers listen on none
            expected.setdefault(upstream_variable(name), []).append((name, match.group(1)))
    assert all(len(servers) >= 2 for v, servers in expected.items() if v != "NOTIFICATION_WS_SERVERS")
    upstreams = {k: v for k, v in compose()["gateway"]["environment"].items() if k.endswith("_SERVERS")}
    assert upstreams.keys() == expected.keys()
    for variable, servers in upstreams.items():
        assert re.findall(r"server ([\w-]+):(\d+)", servers) == expected[variable], variable


def test_local_gateway_upstreams_list_every_procfile_instance():
    raw = (DEPLOY / "Procfile").read_text()
    expected = {}
    for name, port_var in re.findall(r"^([\w-]+): .*(?:--bind \S+:|--port )\$\{(\w+)\}", raw, re.M):
        expected.setdefault(upstream_variable(name), []).append(port_var)
    gateway_sh = (DEPLOY / "stack/gateway.sh").read_text()
    rendered = dict(re.findall(r'(\w+_SERVERS)="\$\(_gateway_servers ([^)]*)\)"', gateway_sh))
    assert {k: re.findall(r'"\$(\w+)"', v) for k, v in rendered.items()} == expected


def test_each_local_stack_server_port_belongs_to_a_compose_server():
    for variable, service in SERVER_PORTS.items():
        port = stack_ports()[variable]
        assert service in compose(), f"no compose service {service} for the local stack's {variable}"
        used = re.search(rf"(?<![\d.]){port}(?!\d)", yaml.safe_dump(compose()[service]))
        assert used, f"compose service {service} never uses the local stack's {variable} ({port})"


def test_servers_are_provisioned_like_the_local_stack():
    kafka_sh = (DEPLOY / "stack/kafka.sh").read_text()
    topics = re.search(r"KAFKA_TOPICS=\(([^)]*)\)", kafka_sh).group(1).split()
    partitions = re.search(r"KAFKA_TOPIC_PARTITIONS=(\d+)", kafka_sh).group(1)
    init = " ".join(compose()["kafka-init"]["command"])
    for topic in topics:
        assert re.search(rf"--topic {re.escape(topic)} --partitions {partitions}\b", init), topic
    databases = re.search(r"PG_DATABASES=\(([^)]*)\)", (DEPLOY / "stack/postgres.sh").read_text()).group(1)
    sql = (DEPLOY / "postgres/init-databases.sql").read_text()
    for db in databases.split():
        assert f"CREATE ROLE {db} LOGIN CREATEDB PASSWORD '{db}';" in sql, db
        assert f"CREATE DATABASE {db} OWNER {db};" in sql, db
    initdb = "./deploy/postgres/init-databases.sql:/docker-entrypoint-initdb.d/10-init-databases.sql:ro"
    assert initdb in compose()["postgres"]["volumes"]
    rabbit = compose()["rabbitmq"]["environment"]
    assert [rabbit[f"RABBITMQ_DEFAULT_{k}"] for k in ("USER", "PASS", "VHOST")] == ["platform"] * 3


def test_images_follow_deploy_versions_env():
    versions = env_file_vars(DEPLOY / "versions.env")
    assert compose()["kafka"]["image"] == f"apache/kafka:{versions['KAFKA_VERSION']}"
    assert compose()["kafka-init"]["image"] == compose()["kafka"]["image"]
    assert compose()["mailpit"]["image"] == f"axllent/mailpit:{versions['MAILPIT_VERSION']}"


def test_servers_have_healthchecks_and_every_dependency_has_a_condition():
    jobs = one_shots()
    for name, spec in compose().items():
        if name not in jobs:
            assert spec.get("healthcheck", {}).get("test"), f"{name} runs a server but has no healthcheck"
        depends_on = spec.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on must name a condition per service"
        for dep, cond in depends_on.items():
            want = "service_completed_successfully" if dep in jobs else "service_healthy"
            assert cond.get("condition") == want, f"{name} -> {dep} must wait for {want}"


def test_only_the_gateway_is_published_and_on_the_frontend_network():
    assert [name for name, spec in compose().items() if spec.get("ports")] == ["gateway"]
    assert compose()["gateway"]["ports"] == ["${GATEWAY_PORT:-80}:80"]
    on_frontend = [name for name, spec in compose().items() if "frontend" in spec.get("networks", [])]
    assert on_frontend == ["gateway"]
    assert all(spec.get("networks") for spec in compose().values()), "every service names its networks"
    assert compose_file()["networks"]["backend"]["internal"] is True


def test_every_kafka_consumer_is_named_for_its_static_group_membership():
    """shared.messaging.kafka_consumer makes a process a static member of its consumer group under the name
    in PROCESS_NAME (so a restart is back at work at once): the local stack names every process it spawns,
    compose each consumer, by its process-table name."""
    consumers = [name for name, _, command in procfile() if command.startswith("python manage.py consume_")]
    assert consumers
    assert 'PROCESS_NAME="$name"' in (DEPLOY / "stack/services.sh").read_text()
    for name in consumers:
        assert (compose()[name].get("environment") or {}).get("PROCESS_NAME") == name, name
