"""Celery ceiling: a trivial task's round trip on the stack's RabbitMQ, in a throwaway vhost, with two
prefork worker processes and late acks, like each saga worker. Measured twice: one task at a time (the
latency of a hop with nothing queued) and a burst of tasks published with confirms, like the relays
publish, and all results awaited (the rate a hop can sustain)."""

import asyncio
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import stats
from stack import REPO_DIR, VENV_BIN, Stack

HERE = Path(__file__).resolve().parent
WORKER_PROCESSES = 2


def _start_worker(broker_url: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(VENV_BIN / "celery"), "-A", "celery_probe", "worker",
         "-P", "prefork", "-c", str(WORKER_PROCESSES), "-n", f"bench-probe-{secrets.token_hex(3)}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=HERE,
        env={**os.environ, "BENCH_BROKER_URL": broker_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()  # warm shutdown: the pool's children exit with it
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _measure(echo, burst: int, one_by_one: int) -> dict:
    latencies = []
    for value in range(one_by_one):
        started = time.perf_counter()
        echo.delay(value).get(timeout=10)
        latencies.append(time.perf_counter() - started)
    started = time.perf_counter()
    results = [echo.delay(value) for value in range(burst)]
    published = time.perf_counter() - started
    for result in results:
        result.get(timeout=120)
    elapsed = time.perf_counter() - started
    return {
        "round_trip": stats.latency_ms(latencies),
        "burst_tasks": burst,
        "tasks_per_s": round(burst / elapsed, 1),
        "publish_per_s": round(burst / published, 1),
    }


class CeleryProbe:
    """A throwaway vhost and a worker in it: ``boot()``, ``measure()``, ``stop()``."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.broker_url = ""
        self.worker: subprocess.Popen | None = None

    def _boot(self):
        sys.path.insert(0, str(REPO_DIR))
        from shared.testing.rabbitmq import create_vhost

        self.broker_url = create_vhost(self.stack.broker_url, self.stack.rabbitmq_management_port)
        self.worker = _start_worker(self.broker_url)
        os.environ["BENCH_BROKER_URL"] = self.broker_url
        from celery_probe import echo

        echo.delay(0).get(timeout=60)  # the worker is up and the queues exist
        return echo

    async def boot(self) -> None:
        self.echo = await asyncio.to_thread(self._boot)

    async def measure(self, *, burst: int = 2000, one_by_one: int = 50) -> dict:
        figures = await asyncio.to_thread(_measure, self.echo, burst, one_by_one)
        return {
            "worker_processes": WORKER_PROCESSES,
            "acks_late": True,
            "publisher_confirms": True,
            **figures,
        }

    async def stop(self) -> None:
        from shared.testing.rabbitmq import delete_vhost

        if self.worker:
            await asyncio.to_thread(_stop, self.worker)
        if self.broker_url:
            await asyncio.to_thread(delete_vhost, self.broker_url, self.stack.rabbitmq_management_port)
