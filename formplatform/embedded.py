"""Embedded MongoDB-compatible server for single-machine use (DESIGN §4).

`EmbeddedMongo` runs nx-27017 (MongoDB wire protocol over SQLite) as a child process bound to a local port,
with every file it owns under one data directory:

    DATA_DIR/formplatform.db        the SQLite database (plus -wal / -shm while running)
    DATA_DIR/nx-27017.log           the server's own log
    DATA_DIR/nx-27017.stderr.log    the child's stderr (start-up failures, tracebacks)
    DATA_DIR/nx-27017.pid           written by the server while it runs
    DATA_DIR/nx-27017.lock          flock held by the *parent* while it owns the data directory
    DATA_DIR/nx-27017.uri           the server's URI while it runs, for tools such as `formplatform.backup`

`supervise()` keeps it running: a thread waits on the child (so a dead one is reaped, never a zombie) and starts it
again on the same port and data file, after 0.5 s, then 1, 2, 4 … up to 10 s while it keeps dying; the app's
MongoClient reconnects by itself.

The lock is what makes a crashed parent harmless: the kernel drops it when the parent dies (even by
`kill -9`), so a new start that gets the lock knows any server named in the pid file is an orphan and stops it
before starting its own. Production never uses this module: it sets MONGODB_URI to a real replica set.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

try:  # POSIX only; elsewhere the data-directory lock is skipped.
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

DB_NAME = "formplatform"
DB_FILE = "formplatform.db"
LOG_FILE = "nx-27017.log"
STDERR_FILE = "nx-27017.stderr.log"
PID_FILE = "nx-27017.pid"
LOCK_FILE = "nx-27017.lock"
URI_FILE = "nx-27017.uri"

# Run the server's entry point with our own interpreter, so it never depends on PATH or a shim.
_SERVER_CODE = "import sys; from nx_27017.nx_27017 import main; sys.exit(main())"
_PR_SET_PDEATHSIG = 1
RESTART_DELAY_MIN = 0.5
RESTART_DELAY_MAX = 10.0
STABLE_SECONDS = 30.0  # a server that ran this long before dying is restarted after the shortest delay again


class EmbeddedMongoError(RuntimeError):
    """The embedded database server could not be started or owned."""


class EmbeddedMongo:
    """An nx-27017 child process serving `DATA_DIR/formplatform.db` on a local port."""

    def __init__(
        self,
        data_dir: Path | str,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.db_path = self.data_dir / DB_FILE
        self.log_path = self.data_dir / LOG_FILE
        self.stderr_path = self.data_dir / STDERR_FILE
        self.pid_path = self.data_dir / PID_FILE
        self.lock_path = self.data_dir / LOCK_FILE
        self.uri_path = self.data_dir / URI_FILE
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None
        self._guard = threading.RLock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._started_at = 0.0
        self.restarts = 0

    # -- public API ---------------------------------------------------------------------------------------

    @property
    def uri(self) -> str:
        if self._proc is None or self.port is None:
            raise EmbeddedMongoError("the embedded database is not running")
        return f"mongodb://{self.host}:{self.port}/{DB_NAME}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> str:
        """Start the server, wait until it answers `ping`, and return its `mongodb://` URI."""
        with self._guard:
            if self.running:
                return self.uri
            if self._proc is not None:  # it died on its own: reap it, then start afresh
                self._proc.wait()
                self._proc = None
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._acquire_lock()
            try:
                self._stop_orphan()
                self._launch_with_retries()
                self._started_at = time.monotonic()
                self.uri_path.write_text(self.uri + "\n")
            except BaseException:
                self.stop()
                raise
            atexit.register(self.stop)
            return self.uri

    def supervise(self) -> None:
        """Restart the server whenever it exits, until `stop()`: a thread waits on it, with back-off."""
        with self._guard:
            if self._watcher is None and self._proc is not None:
                self._stopping.clear()
                self._watcher = threading.Thread(target=self._watch, name="nx-27017-supervisor", daemon=True)
                self._watcher.start()

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after `stop_timeout`); safe to call more than once."""
        self._stopping.set()  # first: the supervisor must not restart what is being stopped
        with self._guard:
            proc, self._proc = self._proc, None
            if proc is not None:
                _terminate(proc, self.stop_timeout)
                self._remove_pid_file_if(proc.pid)
            if self._lock_fd is not None:  # only the owner of the directory may clear its files
                with contextlib.suppress(FileNotFoundError):
                    self.uri_path.unlink()
            self._release_lock()
            atexit.unregister(self.stop)
        watcher, self._watcher = self._watcher, None
        if watcher is not None and watcher is not threading.current_thread():
            watcher.join(self.stop_timeout)

    def __enter__(self) -> EmbeddedMongo:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server's log and stderr, for error messages."""
        parts = []
        for path in (self.log_path, self.stderr_path):
            with contextlib.suppress(OSError):
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                if text:
                    parts.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(parts) or "(no log output)"

    # -- supervision --------------------------------------------------------------------------------------

    def _watch(self) -> None:
        delay = RESTART_DELAY_MIN
        while not self._stopping.is_set():
            proc = self._proc
            if proc is None:
                return
            status = proc.wait()  # reaps the child: a dead server never lingers as a zombie
            if self._stopping.is_set():
                return
            if time.monotonic() - self._started_at > STABLE_SECONDS:
                delay = RESTART_DELAY_MIN
            _log(f"nx-27017 (pid {proc.pid}) exited with status {status}; restarting in {delay:.1f}s")
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, RESTART_DELAY_MAX)
            try:  # never let the thread die: the child's death signal follows the thread that spawned it
                self._respawn(proc)
            except Exception as error:  # noqa: BLE001 - logged; the loop retries after a longer delay
                _log(f"restart failed: {error}")

    def _respawn(self, dead: subprocess.Popen[bytes]) -> None:
        """Start the server again on the same port and data file; the new child is waited on next."""
        assert self.port is not None
        with self._guard:
            if self._stopping.is_set() or self._proc is not dead:
                return
            self._remove_pid_file_if(dead.pid)  # nx-27017 refuses to start while its pid file names a live pid
            proc = self._proc = self._spawn(self.port)
            self._started_at = time.monotonic()
        deadline = time.monotonic() + self.start_timeout
        while proc.poll() is None and not self._stopping.is_set():
            if _ping(self.host, self.port):
                self.restarts += 1
                _log(f"nx-27017 restarted (pid {proc.pid}) on {self.host}:{self.port}")
                return
            if time.monotonic() > deadline:
                _log(f"nx-27017 (pid {proc.pid}) did not answer within {self.start_timeout:.0f}s; killing it")
                proc.kill()  # the watch loop reaps it and tries again
                return
            time.sleep(0.05)

    # -- data-directory ownership -------------------------------------------------------------------------

    def _acquire_lock(self) -> None:
        if fcntl is None or self._lock_fd is not None:
            return
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise EmbeddedMongoError(
                f"data directory {self.data_dir} is in use by another running instance (pid {holder}); "
                "stop it first or choose another DATA_DIR"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    def _stop_orphan(self) -> None:
        """Stop a server left behind by a parent that died without cleaning up, then clear its pid file."""
        pid = _read_pid(self.pid_path)
        if pid is not None and _is_our_server(pid, self.db_path):
            print(f"embedded database: stopping orphaned nx-27017 (pid {pid}) from a previous run", file=sys.stderr)
            _signal_and_wait(pid, self.stop_timeout)
        # nx-27017 refuses to start while its pid file names a live process; a stale file may name a reused pid.
        with contextlib.suppress(FileNotFoundError):
            self.pid_path.unlink()

    def _remove_pid_file_if(self, pid: int) -> None:
        if _read_pid(self.pid_path) == pid:
            with contextlib.suppress(FileNotFoundError):
                self.pid_path.unlink()

    # -- launching ----------------------------------------------------------------------------------------

    def _launch_with_retries(self) -> None:
        fixed_port = self.requested_port is not None
        for attempt in range(1 if fixed_port else 3):
            port = self.requested_port or _free_port(self.host)
            self._proc = self._spawn(port)
            self.port = port
            try:
                self._wait_until_ready()
                return
            except _ExitedEarly as exc:
                self._proc = None
                # A port picked as free may be taken before the child binds it: pick another one.
                if fixed_port or attempt == 2:
                    raise EmbeddedMongoError(
                        f"nx-27017 exited with status {exc.status} during start-up on "
                        f"{self.host}:{port}\n{self.log_tail()}"
                    ) from None

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        args = [sys.executable, "-c", _SERVER_CODE]
        args += ["--db", str(self.db_path), "--host", self.host, "-p", str(port)]
        args += ["--log-file", str(self.log_path), "--pid-file", str(self.pid_path)]
        with open(self.stderr_path, "ab") as stderr:
            return subprocess.Popen(
                args,
                cwd=self.data_dir,
                # its own session: a Ctrl-C at the terminal reaches the parent only, which stops the child itself
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                close_fds=True,
                preexec_fn=_die_with_parent(os.getpid()) if sys.platform == "linux" else None,
            )

    def _wait_until_ready(self) -> None:
        assert self._proc is not None and self.port is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            status = self._proc.poll()
            if status is not None:
                raise _ExitedEarly(status)
            if _ping(self.host, self.port):
                return
            if time.monotonic() > deadline:
                raise EmbeddedMongoError(
                    f"nx-27017 did not answer ping on {self.host}:{self.port} within {self.start_timeout:.0f}s\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.05)


def running_uri(data_dir: Path | str) -> str | None:
    """The URI of the embedded server another process runs on `data_dir`, or None when none runs there."""
    data_dir = Path(data_dir).resolve()
    try:
        uri = (data_dir / URI_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    if fcntl is None:
        return uri
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return uri  # the owner holds the lock: its server is up
    finally:
        os.close(fd)
    return None  # nobody owns the directory: the file is left over from a killed run


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} embedded database: {message}", file=sys.stderr, flush=True)


class _ExitedEarly(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _ping(host: str, port: int) -> bool:
    """True once the server accepts connections and answers the `ping` command through pymongo."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            pass
    except OSError:
        return False
    from pymongo import MongoClient  # imported here: `import run` must stay cheap

    client: MongoClient = MongoClient(
        host, port, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000, directConnection=True
    )
    try:
        client.admin.command("ping")
        return True
    except Exception:  # not ready yet: any driver error means "try again"
        return False
    finally:
        client.close()


def _die_with_parent(parent_pid: int):
    """preexec_fn: have Linux send SIGTERM to the child when the parent dies, even by SIGKILL."""

    def preexec() -> None:
        import ctypes

        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            print(
                f"embedded database: nx-27017 (pid {proc.pid}) ignored SIGTERM for {timeout:.0f}s; killing it",
                file=sys.stderr,
            )
            proc.kill()
            proc.wait()


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_alive(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped) counts as dead."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: fall back to a signal probe
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _is_our_server(pid: int, db_path: Path) -> bool:
    """True when `pid` is a live nx-27017 serving `db_path` (not an unrelated process that reused the pid)."""
    if not _is_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    text = b" ".join(cmdline).decode(errors="replace")
    return ("nx_27017" in text or "nx-27017" in text) and str(db_path) in text


def _signal_and_wait(pid: int, timeout: float) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _is_alive(pid):
                return
            time.sleep(0.05)
    raise EmbeddedMongoError(f"could not stop orphaned nx-27017 (pid {pid})")
