"""The secret key a backup carries: receipts, rating links and sessions are signed with SECRET_KEY, so a restore
that does not bring the key back leaves every link issued before it answering 401 or "invalid".

Where the key lives: `SECRET_KEY` in the environment when set (production), otherwise `DATA_DIR/secret_key`, the
file `python run.py` creates once (mode 0600). A dump records the key in the backup file's header and writes the
file with mode 0600; a restore with `--data-dir` puts it back into `DATA_DIR/secret_key`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SECRET_FILE = "secret_key"  # the same file run.py keeps (run.SECRET_FILE)


def current_key(data_dir: Path | None) -> str | None:
    """The key the app uses: $SECRET_KEY, else the data directory's key file; None when neither exists."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if data_dir is not None:
        with contextlib.suppress(FileNotFoundError):
            return (data_dir / SECRET_FILE).read_text().strip() or None
    return None


def install_key(data_dir: Path, key: str) -> str:
    """Make `key` the data directory's key file (mode 0600), keeping a different one aside; say what was done."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    message = f"secret key restored into {path}"
    with contextlib.suppress(FileNotFoundError):
        old = path.read_text().strip()
        if old == key:
            return f"secret key: {path} already holds the backup's key"
        aside = path.with_name(SECRET_FILE + ".before-restore")
        os.replace(path, aside)
        message += f" (the key it held is kept in {aside}); restart the platform so it signs with it"
    tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    os.replace(tmp, path)
    env_key = os.environ.get("SECRET_KEY")
    if env_key and env_key != key:
        message += "; but SECRET_KEY in the environment differs and wins: unset it or set it to the backup's key"
    return message


def advice_without_key() -> str:
    return (
        "warning: this backup does not carry the secret key. Receipts and rating links issued before it verify "
        "only if the app runs with the SECRET_KEY it had then: carry that key with the backup."
    )


def advice_for_uri() -> str:
    return (
        "this backup carries the secret key that signed its receipts and rating links: set SECRET_KEY to it on "
        "every app machine (`python -m formplatform.backup key --in FILE` prints it)."
    )
