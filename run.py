"""Start the platform.

    python run.py              one machine: Werkzeug's threaded server; with no MONGODB_URI it starts the
                               embedded nx-27017 database under DATA_DIR and seeds the built-in forms + admin
    gunicorn run:app           production: needs MONGODB_URI (a real MongoDB) and never starts a database

`import run` builds nothing: `run.app` is created on first access (PEP 562 module `__getattr__`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import Any

EMBEDDED_LABEL = "nx-27017 (embedded)"
SECRET_FILE = "secret_key"

_app_lock = threading.Lock()


def data_dir_from_env() -> Path:
    """DATA_DIR (default `instance/`), made absolute and created."""
    path = Path(os.environ.get("DATA_DIR") or "instance").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def persistent_secret_key(data_dir: Path) -> str:
    """The secret in `DATA_DIR/secret_key`, created once (mode 0600) so sessions survive restarts."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        # link() fails if another process created the file first: then both use that one.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip()


def prepare_environment() -> Path:
    """DATA_DIR and SECRET_KEY in the environment, which `create_app()` reads."""
    data_dir = data_dir_from_env()
    os.environ["DATA_DIR"] = str(data_dir)
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = persistent_secret_key(data_dir)
    return data_dir


STOP_DEADLINE_SECONDS = 4.5  # SIGTERM or Ctrl-C: the app and its database are gone within 5 s, whatever hangs
DB_STOP_SECONDS = 3.0  # the database gets this long to stop after SIGTERM, then SIGKILL (its data is committed)


_embedded: list[Any] = []  # the embedded database once it runs: the stop deadline kills its current child too


def _raise_system_exit(signum: int, frame: Any) -> None:
    # SystemExit unwinds the server loop and runs every `finally`, so the embedded database stops cleanly; the
    # deadline starts now, whatever the unwinding meets (Werkzeug would swallow a KeyboardInterrupt, and a
    # `finally` may wait on a connection).
    _exit_by_deadline(_embedded[0] if _embedded else None)
    raise SystemExit(0)


def _exit_by_deadline(embedded: Any) -> None:
    """Backstop for a stop that hangs (a request thread or driver stuck at exit): kill the child and leave."""

    def force() -> None:
        print(f"stop took longer than {STOP_DEADLINE_SECONDS}s; exiting now", file=sys.stderr, flush=True)
        database_pid = embedded.pid if embedded is not None else None  # its child now: it may have been restarted
        if database_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(database_pid, signal.SIGKILL)
        os._exit(0)

    timer = threading.Timer(STOP_DEADLINE_SECONDS, force)
    timer.daemon = True
    timer.start()


def _banner(url: str, engine: str, data_dir: Path) -> str:
    lines = [
        "Nền tảng biểu mẫu — HCMC form platform",
        f"  URL:       {url}",
        f"  Database:  {engine}",
        f"  Data dir:  {data_dir}",
        "  Stop with Ctrl-C.",
    ]
    width = max(len(line) for line in lines)
    return "\n".join(["=" * width, *lines, "=" * width])


def main() -> int:
    """`python run.py`: serve the app, with the embedded database when MONGODB_URI is unset."""
    from werkzeug.serving import run_simple

    host = os.environ.get("HOST") or "127.0.0.1"
    port = int(os.environ.get("PORT") or "5000")
    data_dir = prepare_environment()
    # Werkzeug's server speaks plain HTTP: secure-only session cookies would make logging in impossible.
    os.environ.setdefault("ENV", "development")
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):  # Ctrl-C too: Werkzeug swallows KeyboardInterrupt
        signal.signal(signum, _raise_system_exit)

    embedded, app = None, None
    try:
        if os.environ.get("MONGODB_URI"):
            os.environ.setdefault("DB_ENGINE_LABEL", "mongodb")
        else:
            from formplatform.embedded import EmbeddedMongo

            embedded = EmbeddedMongo(data_dir, stop_timeout=DB_STOP_SECONDS)
            os.environ["MONGODB_URI"] = embedded.start()
            _embedded.append(embedded)
            embedded.supervise()  # restarted when it dies, on the same port: the app reconnects by itself
            os.environ["DB_ENGINE_LABEL"] = EMBEDDED_LABEL
            os.environ.setdefault("SEED_ON_START", "1")  # a bare machine gets the built-in forms and an admin
            os.environ.setdefault("DEMO_DATA", "1")  # and a demo city to try every role; DEMO_DATA=0 turns it off

        from formplatform import create_app

        app = create_app()
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        print(_banner(f"http://{shown_host}:{port}/", os.environ["DB_ENGINE_LABEL"], data_dir), flush=True)
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    except KeyboardInterrupt:  # a Ctrl-C before the handlers were in place
        _exit_by_deadline(embedded)
    except SystemExit:  # SIGTERM, SIGHUP or Ctrl-C through _raise_system_exit, which started the deadline
        pass
    finally:
        scheduler = app.extensions.get("scheduler") if app is not None else None
        if scheduler is not None:  # hand the periodic jobs' lease over while the database still answers
            scheduler.stop(timeout=1.0)
        if embedded is not None:
            embedded.stop()
            print("Embedded database stopped.", flush=True)
    return 0


def _production_app() -> Any:
    """The WSGI app for gunicorn: a real MongoDB only, built once per process."""
    with _app_lock:
        if "app" in globals():
            return globals()["app"]
        if not os.environ.get("MONGODB_URI"):
            raise RuntimeError(
                "run:app is the production entry point and never starts the embedded database: "
                "set MONGODB_URI to your MongoDB (e.g. mongodb://db1,db2,db3/formplatform?replicaSet=rs0), "
                "or use `python run.py` on a single machine."
            )
        if not os.environ.get("SECRET_KEY"):
            print(
                "warning: SECRET_KEY is not set; using DATA_DIR/secret_key. Give every app machine the same "
                "SECRET_KEY when you run more than one.",
                file=sys.stderr,
            )
        prepare_environment()
        os.environ.setdefault("DB_ENGINE_LABEL", "mongodb")
        from formplatform import create_app

        app = create_app()
        globals()["app"] = app
        return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _production_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    status = main()
    # Everything is stopped by now: skip the interpreter's teardown, which on some Python builds (Debian's 3.11)
    # spends seconds collecting the app's objects, with no thread able to run meanwhile.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
