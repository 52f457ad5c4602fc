"""What the cron commands share: where the database is (--uri or --data-dir) and an app to work in.

The scheduler inside the platform runs every job by itself; these commands are for those who prefer
cron, or for running one job by hand. They never start a scheduler thread of their own.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

SECRET_FILE = "secret_key"  # as run.py keeps it in DATA_DIR


def task_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """A parser whose --help shows the module's docstring, with --uri / --data-dir to find the database."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {prog}", description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--uri", default=os.environ.get("MONGODB_URI"), help="MongoDB URI (default: $MONGODB_URI)")
    where.add_argument("--data-dir", type=Path, help="the embedded database of this DATA_DIR (running or not)")
    return parser


@contextmanager
def task_app(args: argparse.Namespace) -> Iterator[Any]:
    """The app on the chosen database, inside an app context (the embedded one started if stopped).

    Raises ConfigError (formplatform.config) when the configuration cannot work.
    """
    from formplatform import create_app
    from formplatform.config import ConfigError

    overrides: dict[str, Any] = {"SCHEDULER": False}
    with ExitStack() as stack:
        if args.data_dir is not None:
            from formplatform.embedded import EmbeddedMongo, running_uri

            data_dir = args.data_dir.resolve()
            if not data_dir.is_dir():
                raise ConfigError(f"{data_dir} is not a directory")
            overrides["MONGODB_URI"] = running_uri(data_dir) or stack.enter_context(EmbeddedMongo(data_dir)).uri
            secret = data_dir / SECRET_FILE
            if not os.environ.get("SECRET_KEY") and secret.exists():
                overrides["SECRET_KEY"] = secret.read_text().strip()
        elif args.uri:
            overrides["MONGODB_URI"] = args.uri
        else:
            raise ConfigError("give --uri (or set MONGODB_URI) or --data-dir")
        app = create_app(overrides)
        with app.app_context():
            yield app
