"""The embedded nx-27017 server: start, stop, durability, and ownership of its data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pymongo import MongoClient

from formplatform.embedded import EmbeddedMongo, EmbeddedMongoError, running_uri

pytestmark = pytest.mark.embedded_only  # starts its own servers: nothing to cross-check on mongomock


def alive(pid: int) -> bool:
    """True for a running process; a zombie awaiting its reaper counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def collection(uri: str, name: str = "things"):
    return MongoClient(uri, serverSelectionTimeoutMS=5000).get_default_database()[name]


def test_start_serves_a_mongodb_uri_and_stop_ends_the_process(tmp_path: Path) -> None:
    server = EmbeddedMongo(tmp_path)
    uri = server.start()
    try:
        assert uri == f"mongodb://127.0.0.1:{server.port}/formplatform"
        assert server.start() == uri  # starting a running server changes nothing
        assert collection(uri).database.command("ping")["ok"] == 1
        assert (tmp_path / "formplatform.db").exists() and (tmp_path / "nx-27017.log").exists()
        pid = server.pid
        assert pid is not None and alive(pid)
    finally:
        server.stop()
    assert not alive(pid) and not server.running
    assert not (tmp_path / "nx-27017.pid").exists()
    server.stop()  # idempotent


def test_data_survives_stop_and_start_with_the_same_data_dir(tmp_path: Path) -> None:
    with EmbeddedMongo(tmp_path) as server:
        collection(server.uri).insert_one({"_id": "kept", "text": "Hồ sơ đã tiếp nhận"})
        first_port = server.port
    with EmbeddedMongo(tmp_path) as server:
        assert collection(server.uri).find_one({"_id": "kept"}) == {"_id": "kept", "text": "Hồ sơ đã tiếp nhận"}
        assert isinstance(first_port, int)


def test_acknowledged_write_survives_kill_9_of_the_server(tmp_path: Path) -> None:
    server = EmbeddedMongo(tmp_path)
    things = collection(server.start())
    try:
        things.insert_one({"_id": "acked", "n": 1})
        things.update_one({"_id": "acked"}, {"$inc": {"n": 41}})
        os.kill(server.pid, signal.SIGKILL)
        assert wait_gone(server.pid)
    finally:
        server.stop()
    with EmbeddedMongo(tmp_path) as again:
        assert collection(again.uri).find_one({"_id": "acked"}) == {"_id": "acked", "n": 42}


def test_a_second_instance_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    with EmbeddedMongo(tmp_path) as first:
        second = EmbeddedMongo(tmp_path)
        with pytest.raises(EmbeddedMongoError, match="in use by another running instance"):
            second.start()
        second.stop()  # must not disturb the owner
        assert first.running and running_uri(tmp_path) == first.uri
        assert collection(first.uri).database.command("ping")["ok"] == 1
    assert running_uri(tmp_path) is None


def test_an_orphaned_server_from_a_dead_parent_is_replaced(tmp_path: Path) -> None:
    # An nx-27017 whose parent died without stopping it: same database file, same pid file, no lock held.
    orphan = subprocess.Popen(
        [sys.executable, "-c", "import sys; from nx_27017.nx_27017 import main; sys.exit(main())",
         "--db", str(tmp_path / "formplatform.db"), "-p", str(free_port()),
         "--log-file", str(tmp_path / "orphan.log"), "--pid-file", str(tmp_path / "nx-27017.pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "nx-27017.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with EmbeddedMongo(tmp_path) as server:
            assert orphan.wait(10) is not None
            collection(server.uri).insert_one({"_id": "after-orphan"})
            assert server.pid != orphan.pid
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()


def test_start_failure_reports_the_server_log(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = EmbeddedMongo(tmp_path, port=taken.getsockname()[1])
        with pytest.raises(EmbeddedMongoError, match="exited with status") as error:
            server.start()
    assert "nx-27017" in str(error.value) and "---" in str(error.value)  # the log tail is part of the message
    assert not server.running
    with EmbeddedMongo(tmp_path):  # the failed start released the data directory
        pass


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_the_server_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from formplatform.embedded import EmbeddedMongo
            server = EmbeddedMongo({str(tmp_path)!r})
            server.start()
            print(server.pid, flush=True)
            time.sleep(120)
        """)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        child_pid = int(parent.stdout.readline())
        assert alive(child_pid)
        parent.kill()
        parent.wait()
        assert wait_gone(child_pid), "nx-27017 outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
