"""`gunicorn -w 4 run:app` on an empty database with seeding starts cleanly (bench/gunicorn_start.py, one run)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_run import ROOT, clean_env

pytestmark = pytest.mark.embedded_only  # starts its own database and gunicorn


def test_four_workers_seeding_an_empty_database_start_cleanly() -> None:
    result = subprocess.run(
        [sys.executable, "bench/gunicorn_start.py", "--runs", "1", "--workers", "4"],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=200,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["clean"] == 1
