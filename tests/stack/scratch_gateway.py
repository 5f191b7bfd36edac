"""A second gateway for the tests that need what the shared stack's gateway must never be made to do:
upstreams that refuse or never answer, a broken temporary directory, the debug setting turned on.

It is the same template rendered and started by the same script (deploy/stack/gateway.sh's
``gateway_launch``), with its own port and state directory (``STACK_DIR``), so the shared gateway is
never reloaded under the other tests. Its upstreams are real: the stack's own instances, a port nothing
listens on, or a listener that never answers.
"""

import os
import socket
import subprocess
from contextlib import ExitStack, contextmanager
from pathlib import Path

from shared.testing.stack import STACK_SCRIPTS


def _gateway_sh(command: str, env: dict[str, str]) -> None:
    script = f'. "{STACK_SCRIPTS}/lib.sh"; . "{STACK_SCRIPTS}/gateway.sh"; {command}'
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"gateway.sh {command} failed: {result.stderr or result.stdout}")


def free_port() -> int:
    """A port nothing listens on (an instance that is down: connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def unanswering_port():
    """A port whose listener never accepts and whose accept queue is full: the kernel drops a new
    connection's SYN, so connecting times out, as with an instance that hangs or a lost network."""
    with ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        # One connection waits in the queue (never accepted); it is full from then on.
        stack.enter_context(socket.create_connection(listener.getsockname()))
        yield listener.getsockname()[1]


@contextmanager
def scratch_gateway(directory: Path, **settings: str):
    """Run a gateway with ``settings`` (stack.env names: ``PRODUCT_PORT``, ``GATEWAY_DEBUG_HEADERS``,
    ...) over the stack's defaults; yield its base URL. Its state (config, logs, temp files) is in
    ``directory``."""
    env = {**os.environ, "STACK_DIR": str(directory), "GATEWAY_PORT": str(free_port()), **settings}
    _gateway_sh("gateway_launch", env)
    try:
        yield f"http://{env.get('STACK_HOST', '127.0.0.1')}:{env['GATEWAY_PORT']}"
    finally:
        _gateway_sh("gateway_stop", env)
