"""The fault-injection script in its short form: kill the database child, then the whole app, under writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_run import ROOT, clean_env

pytestmark = pytest.mark.embedded_only  # starts `python run.py` and kills its processes


def test_no_acknowledged_write_is_lost_and_each_kill_is_recovered_from() -> None:
    result = subprocess.run(
        [sys.executable, "bench/faults.py", "--threads", "2", "--seconds", "1"],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["acknowledged"] > 0 and report["found"] == report["acknowledged"] and report["lost"] == 0
    assert report["database_kill_recovery_seconds"] < 10
    assert report["sigterm_stop_seconds"] < 5
