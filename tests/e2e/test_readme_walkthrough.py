"""The README's "Walkthrough: an order with curl", run as written: its one bash block, twice in a row,
from the repository root as the README says, against the running stack."""

import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO_DIR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("jq") is None, reason="the walkthrough needs jq"),
]

HEADING = "## Walkthrough: an order with curl"


def walkthrough_script() -> str:
    """The first ```bash block of the walkthrough's section of README.md, exactly as written."""
    readme = (REPO_DIR / "README.md").read_text()
    section = readme.split(f"\n{HEADING}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"the walkthrough must be one ```bash block, found {len(blocks)}"
    return blocks[0]


def run_walkthrough(script: str, gateway_url: str, mailpit_url: str) -> str:
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=REPO_DIR,
        env={**os.environ, "GATEWAY": gateway_url, "MAILPIT": mailpit_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_readme_walkthrough_runs_twice_in_a_row(gateway_url, mailpit_url):
    script = walkthrough_script()

    first = run_walkthrough(script, gateway_url, mailpit_url)
    second = run_walkthrough(script, gateway_url, mailpit_url)

    for output in (first, second):
        assert '{"quantity":40,"available":40,"reorder_threshold":5}' in output
        assert '{"status":"confirmed","total":"450.00"}' in output
        assert '{"reserved":36,"available":4}' in output
        assert re.search(r'"status":"sent","subject":"Low stock: MUG-\d+ \(4 left\)"', output)
        assert re.search(r'^"Low stock: MUG-\d+ \(4 left\)"$', output, re.MULTILINE)  # from Mailpit
        assert re.search(r"^cancelled$", output, re.MULTILINE)
        assert '{"reserved":0,"available":40}' in output
    skus = [re.search(r'"sku":"(MUG-\d+)"', output).group(1) for output in (first, second)]
    assert skus[0] != skus[1], "each run must make its own product"
