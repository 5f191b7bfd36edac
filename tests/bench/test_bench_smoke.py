"""The benchmark's smoke mode (`make bench SMOKE=1`) runs every measurement once with a light load, so the
benchmark cannot rot. These tests check what the report holds, never how fast anything was."""

import json
import subprocess

import pytest

from tests.conftest import REPO_DIR, venv_bin

pytestmark = pytest.mark.slow
CEILINGS = ("nginx_static", "nginx_drf", "pgbench_reserve", "celery_round_trip", "order_path")
SCENARIOS = (
    "product_to_item",
    "product_list_cached",
    "product_list_uncached",
    "product_get_cached",
    "product_get_uncached",
    "order_flow",
    "low_stock",
    "login",
)
STEP_KEYS = {"offered_rps", "sent", "ok", "errors", "error_count", "throughput_rps", "p50_ms", "p99_ms"}


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    finished = subprocess.run(
        [venv_bin("python"), str(REPO_DIR / "deploy" / "bench" / "bench.py"), "--smoke", "--out", str(out)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def report(smoke_run):
    return json.loads((smoke_run / "report.json").read_text())


def test_writes_the_markdown_the_json_and_the_plot(smoke_run):
    markdown = (smoke_run / "report.md").read_text()
    for heading in (
        "## Platform, through the gateway",
        "## At rest",
        "## Ceilings of this machine",
        "## Order flow",
    ):
        assert heading in markdown
    assert (smoke_run / "plot.png").read_bytes().startswith(b"\x89PNG")


def test_reports_the_machine_and_the_command(report):
    meta = report["meta"]
    assert meta["mode"] == "smoke"
    assert meta["command"] == "make bench SMOKE=1"
    assert meta["machine"]["cores"] > 0
    assert meta["machine"]["memory_gib"] > 0
    assert report["failures"] == {}


def test_measures_the_idle_cost_of_the_stack_by_process_kind(report):
    idle = report["idle"]
    assert idle["seconds"] >= 4
    assert idle["stack_cpu_ms_per_s"] > 0
    # Every kind of process of the stack is counted, relays and brokers included.
    for kind in (
        "order-relay",
        "inventory-relay",
        "product-relay",
        "kafka",
        "rabbitmq",
        "ferretdb",
        "postgres",
    ):
        assert kind in idle["by_kind"], kind


def test_measures_every_ceiling(report):
    assert set(report["ceilings"]) >= set(CEILINGS)
    for name in CEILINGS:
        assert report["ceilings"][name]["rate"] > 0, name
    assert report["ceilings"]["pgbench_reserve"]["runs"][0]["transactions"] > 0
    assert report["ceilings"]["celery_round_trip"]["burst_tasks"] > 0


def test_runs_every_scenario_through_the_gateway_without_errors(report):
    assert set(SCENARIOS) == set(report["scenarios"])
    for name, scenario in report["scenarios"].items():
        assert scenario["steps"], name
        for step in scenario["steps"]:
            assert set(step) >= STEP_KEYS, name
            assert step["sent"] > 0, name
            # Login is the exception: its throttle answering 429 is the designed limit, not a failure.
            allowed = {"http_429"} if name == "login" else set()
            assert set(step["errors"]) <= allowed, (name, step["errors"])
            if name != "login":
                assert step["ok"] == step["sent"], name
                assert step["p50_ms"] is not None, name
        assert "ratio_to_ceiling" in scenario, name


def test_order_flow_reports_cpu_per_order_by_process_kind(report):
    step = report["scenarios"]["order_flow"]["steps"][0]
    assert step["confirmed"] > 0
    per_order = step["cpu_ms_per_order"]
    for kind in ("order-web", "order-worker", "inventory-worker", "gateway", "load-generator"):
        assert kind in per_order, kind


def test_removes_what_it_made(report):
    assert report["cleanup"]["products_deleted"] > 0
    assert report["cleanup"]["orders_removed"] > 0
