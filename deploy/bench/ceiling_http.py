"""HTTP ceilings: a throwaway nginx, configured like the gateway (keep-alive upstreams), proxying to
(1) a second nginx server that answers a static JSON 200, and (2) gunicorn serving hello_drf with as
many sync workers as one service has in all its instances. Both are driven by the same open-loop
client as the platform, so a ratio to them compares like with like; on a 2-core machine the client
itself may be what saturates first against the static upstream (its CPU is in the step figures).
"""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import aiohttp
import stats
from loadgen import run_step
from stack import REPO_DIR, VENV_BIN

from shared.testing.gateway import AsyncGateway

HERE = Path(__file__).resolve().parent
DRF_WORKERS = 4  # two gunicorn instances of two sync workers each, as every service runs

NGINX_CONF = """
worker_processes auto;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {dir}/temp;
    proxy_temp_path {dir}/temp;
    access_log {dir}/access.log;
    keepalive_timeout 65s;
    upstream static_upstream {{ server 127.0.0.1:{static_port}; keepalive 32; }}
    upstream drf_upstream {{ server 127.0.0.1:{drf_port}; keepalive 32; }}
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {{
        listen 127.0.0.1:{front_port};
        location /static {{ proxy_pass http://static_upstream; }}
        location /hello {{ proxy_pass http://drf_upstream; }}
    }}
    server {{
        listen 127.0.0.1:{static_port};
        access_log off;
        location / {{ default_type application/json; return 200 '{{"status": "ok"}}'; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayServers:
    """nginx and gunicorn on free ports, started by ``boot()`` and stopped by ``stop()``."""

    def __init__(self, session):
        self.session = session
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.processes: list[subprocess.Popen] = []
        self.front: AsyncGateway | None = None

    async def boot(self) -> AsyncGateway:
        workdir = self.workdir
        (workdir / "temp").mkdir()
        os.chmod(workdir, 0o755)  # noqa: S103 - nginx workers run as nobody when started as root
        ports = {"front_port": free_port(), "static_port": free_port(), "drf_port": free_port()}
        (workdir / "nginx.conf").write_text(NGINX_CONF.format(dir=workdir, **ports))
        nginx = ["/usr/sbin/nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "error.log"]
        gunicorn = [str(VENV_BIN / "gunicorn"), "-c", "python:shared.gunicorn_conf", "--bind",
                    f"127.0.0.1:{ports['drf_port']}", "hello_drf:application"]  # fmt: skip
        gunicorn_env = {**os.environ, "PYTHONPATH": str(REPO_DIR), "GUNICORN_WORKERS": str(DRF_WORKERS),
                        "GUNICORN_LOG_LEVEL": "warning"}  # fmt: skip
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.processes.append(subprocess.Popen(nginx, **quiet))  # noqa: S603 - fixed arguments
        self.processes.append(subprocess.Popen(gunicorn, cwd=HERE, env=gunicorn_env, **quiet))  # noqa: S603
        front = AsyncGateway(self.session, f"http://127.0.0.1:{ports['front_port']}")
        for path in ("/static", "/hello"):
            await _until_answers(front, path)
        self.front = front
        return front

    async def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


async def _until_answers(front: AsyncGateway, path: str, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            if (await front.call("GET", path)).ok:
                return
        except (OSError, aiohttp.ClientError):
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError(f"the throwaway upstream behind {path} did not answer")


def step_function(front: AsyncGateway, path: str):
    async def step(rate, duration):
        async def request(_index):
            return await front.call("GET", path)

        return stats.summarize_run(await run_step(request, rate=rate, duration=duration))

    return step
