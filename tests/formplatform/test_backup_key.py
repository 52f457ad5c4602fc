"""A backup carries the secret key: after a restore into a new data directory, receipts and rating links issued
before the backup still verify (they are signed with SECRET_KEY)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask import Flask

from formplatform import backup_key
from tests.test_run import RATING, ROOT, Platform, clean_env

pytestmark = pytest.mark.embedded_only  # runs `python run.py` twice, on two data directories


def backup_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "formplatform.backup", *args],
        cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def rating_link_token(secret_key: str) -> str:
    """A rating token as the platform mints it (kiosk/tokens.py), with the given key."""
    from kiosk.tokens import mint_rating_token

    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret_key
    with app.app_context():
        return mint_rating_token("NO-SUCH-DOSSIER-1")


def test_receipts_and_rating_links_survive_a_restore_into_a_new_data_directory(tmp_path: Path) -> None:
    old_dir, new_dir, file = tmp_path / "old", tmp_path / "new", tmp_path / "backup.jsonl.gz"
    platform = Platform(old_dir)
    try:
        submitted = requests.post(
            f"{platform.url}/api/v1/forms/dossier-satisfaction/submissions", json={"data": RATING}, timeout=30
        ).json()
        assert platform.terminate() == 0
    finally:
        platform.kill()
    token = rating_link_token((old_dir / "secret_key").read_text().strip())

    dumped = backup_command("dump", "--data-dir", str(old_dir), "--out", str(file))
    assert dumped.returncode == 0, dumped.stderr
    assert "carries the secret key" in dumped.stdout and file.stat().st_mode & 0o777 == 0o600
    restored = backup_command("restore", "--data-dir", str(new_dir), "--in", str(file))
    assert restored.returncode == 0, restored.stderr
    assert f"secret key restored into {new_dir / 'secret_key'}" in restored.stdout
    assert (new_dir / "secret_key").stat().st_mode & 0o777 == 0o600

    platform = Platform(new_dir)
    try:
        receipt = {"receipt": submitted["receipt"]}
        url = f"{platform.url}/api/v1/submissions/{submitted['id']}"
        assert requests.get(url, params=receipt, timeout=30).status_code == 200  # 401 with a new key
        forged = requests.get(f"{platform.url}/r/{rating_link_token('another-key-0123456789')}", timeout=30)
        genuine = requests.get(f"{platform.url}/r/{token}", timeout=30)
        assert forged.status_code == 400 and genuine.status_code != 400  # accepted; the dossier is unknown
        assert platform.terminate() == 0
    finally:
        platform.kill()
    printed = backup_command("key", "--in", str(file))
    assert printed.stdout.strip() == (new_dir / "secret_key").read_text().strip()


def test_restoring_the_key_keeps_a_different_one_aside(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("key-the-directory-had\n")
    message = backup_key.install_key(tmp_path, "key-of-the-backup")
    assert (tmp_path / "secret_key").read_text().strip() == "key-of-the-backup"
    assert (tmp_path / "secret_key.before-restore").read_text().strip() == "key-the-directory-had"
    assert "restart" in message
    assert "already holds" in backup_key.install_key(tmp_path, "key-of-the-backup")
