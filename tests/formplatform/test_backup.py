"""Backup and restore: exact round trips of documents and indexes, on the embedded engine."""

from __future__ import annotations

import gzip
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import bson
import pytest
from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pymongo import ASCENDING, MongoClient
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from formplatform import backup
from formplatform.embedded import EmbeddedMongo

pytestmark = pytest.mark.embedded_only  # runs its own nx-27017 servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A source and a target server: the embedded engine keeps every database in one file, so restoring into
    another database name on the same server would see the source's collections."""
    with (
        EmbeddedMongo(tmp_path_factory.mktemp("source")) as source,
        EmbeddedMongo(tmp_path_factory.mktemp("target")) as target,
    ):
        yield source.uri, target.uri


def fresh(uri: str) -> Database:
    db = MongoClient(uri, serverSelectionTimeoutMS=5000).get_default_database()
    for name in db.list_collection_names():
        db.drop_collection(name)
    return db


def varied_documents(count: int) -> list[dict]:
    """Every BSON type the embedded engine stores faithfully, in nested positions too."""
    return [
        {
            "_id": f"sub-{i:05d}",
            "int32": i,
            "int64": 2**40 + i,
            "double": i + 0.5,
            "whole_double": float(i),  # must stay a double, not become an int
            "negative_zero": -0.0,
            "text": f"Phường Bến Nghé — đánh giá {i}",
            "flag": i % 2 == 0,
            "nothing": None,
            "when": datetime(2025, 3, 14, 8, 30, i % 60, 123000),
            "blob": Binary(bytes([i % 256, 0, 255])),
            "raw_bytes": b"\x00\x01",
            "ref": ObjectId(f"{i:024x}"),
            "answers": {"c1": "2", "scores": [2, 1.0, 0], "nested": [{"at": datetime(2020, 1, 1)}, []], "empty": {}},
            "ordered": {"z": 1, "a": 2, "m": 3},
            "dotted.key": "kept",
            "code": f"000.00.00.H29-250314-{i:04d}",
        }
        for i in range(count)
    ]


def as_bson(db: Database, name: str) -> dict[str, bytes]:
    return {doc["_id"]: bson.encode(doc) for doc in db[name].find()}


def index_specs(db: Database, name: str) -> list[tuple]:
    return sorted((tuple(ix["key"].items()), bool(ix.get("unique"))) for ix in db[name].list_indexes())


def test_extended_json_lines_keep_every_bson_type() -> None:
    doc = {
        "int32": 7, "int64": Int64(7), "double": 7.0, "nan": float("nan"), "inf": float("-inf"), "neg0": -0.0,
        "decimal": Decimal128("1.10"), "date": datetime(1969, 12, 31, 23, 59, 59, 999000),
        "binary": Binary(b"\x01\x02"), "uuid": Binary(uuid.UUID(int=5).bytes, 4), "old_uuid": Binary(b"x" * 16, 3),
        "oid": ObjectId(), "regex": Regex("^hồ sơ", "i"), "ts": Timestamp(1700000000, 3), "code": Code("x = 1"),
        "min": MinKey(), "max": MaxKey(), "nested": [{"a": [Int64(1), 1, 1.0]}], "unicode": "Thủ Đức ✓",
    }  # fmt: skip
    line = backup.encode_line(doc)
    assert "\n" not in line
    assert bson.encode(backup.decode_line(line)) == bson.encode(doc)


def test_round_trip_on_the_embedded_engine_is_exact(servers: tuple[str, str], tmp_path: Path) -> None:
    source, target = fresh(servers[0]), fresh(servers[1])
    source.submissions.insert_many(varied_documents(2500))  # more than one cursor and insert batch
    source.submissions.create_index([("code", ASCENDING)], unique=True)
    source.submissions.create_index([("when", ASCENDING)])
    source.users.insert_one({"_id": "admin", "username": "admin"})
    source.users.create_index([("username", ASCENDING)], unique=True)
    source.create_collection("empty_but_kept")
    out = tmp_path / "backup.jsonl.gz"

    counts = backup.dump(source, out, progress=lambda line: None)
    assert counts == {"empty_but_kept": 0, "submissions": 2500, "users": 1}
    restored = backup.restore(target, out, progress=lambda line: None)

    assert restored == counts
    assert sorted(target.list_collection_names()) == ["empty_but_kept", "submissions", "users"]
    for name in ("submissions", "users"):
        assert as_bson(target, name) == as_bson(source, name)
        assert index_specs(target, name) == index_specs(source, name)
    doc = target.submissions.find_one({"_id": "sub-00003"})
    assert type(doc["int32"]) is int and type(doc["whole_double"]) is float and doc["int64"] == 2**40 + 3
    with pytest.raises(DuplicateKeyError):  # the unique index is enforced, not just listed
        target.submissions.insert_one({"_id": "another", "code": "000.00.00.H29-250314-0003"})
    with pytest.raises(DuplicateKeyError):
        target.users.insert_one({"_id": "admin2", "username": "admin"})


def test_restore_refuses_to_mix_with_existing_documents_unless_dropping(servers, tmp_path: Path) -> None:
    source, target = fresh(servers[0]), fresh(servers[1])
    source.forms.insert_many([{"_id": "a", "v": 1}, {"_id": "b", "v": 2}])
    out = tmp_path / "forms.jsonl.gz"
    backup.dump(source, out, progress=lambda line: None)
    target.forms.insert_one({"_id": "stale", "v": 0})
    target.untouched.insert_one({"_id": "x"})

    with pytest.raises(backup.BackupError, match="already holds documents"):
        backup.restore(target, out, progress=lambda line: None)
    assert [d["_id"] for d in target.forms.find()] == ["stale"]

    backup.restore(target, out, drop=True, progress=lambda line: None)
    assert sorted(d["_id"] for d in target.forms.find()) == ["a", "b"]
    assert target.untouched.count_documents({}) == 1  # collections outside the backup are left alone


def test_a_truncated_backup_is_rejected_before_the_database_is_touched(servers, tmp_path: Path) -> None:
    source, target = fresh(servers[0]), fresh(servers[1])
    source.things.insert_many([{"_id": f"t{i}", "pad": "x" * 200} for i in range(300)])
    whole = tmp_path / "whole.jsonl.gz"
    backup.dump(source, whole, progress=lambda line: None)
    lines = gzip.decompress(whole.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(b"".join(lines[:-1])))  # a valid gzip stream without its end line

    with pytest.raises(backup.BackupError, match="incomplete"):
        backup.restore(target, cut, progress=lambda line: None)
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(whole.read_bytes()[:-100])  # cut mid-stream
    with pytest.raises(backup.BackupError):
        backup.restore(target, broken, progress=lambda line: None)
    assert target.list_collection_names() == []


def test_command_line_dump_and_restore(servers, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = fresh(servers[0]), fresh(servers[1])
    source.ratings.insert_many([{"_id": f"r{i}", "score": i % 3} for i in range(10)])
    out = tmp_path / "cli.jsonl.gz"

    assert backup.main(["dump", "--uri", servers[0], "--out", str(out)]) == 0
    assert backup.main(["restore", "--uri", servers[1], "--in", str(out)]) == 0
    assert backup.main(["restore", "--uri", servers[1], "--in", str(out)]) == 1  # not empty, no --drop
    assert backup.main(["restore", "--uri", servers[1], "--in", str(out), "--drop"]) == 0

    printed = capsys.readouterr()
    assert re.search(r"dump ratings: 10 documents", printed.out)
    assert re.search(r"restore ratings: 10 documents", printed.out)
    assert "--drop" in printed.err
    assert as_bson(target, "ratings") == as_bson(source, "ratings")
    header = backup.read_header(out)
    assert header["database"] == "formplatform" and [c["name"] for c in header["collections"]] == ["ratings"]


def test_command_line_finds_the_embedded_database_of_a_data_dir(tmp_path: Path) -> None:
    data_dir, out = tmp_path / "instance", tmp_path / "dir.jsonl.gz"
    with EmbeddedMongo(data_dir) as running:  # a platform is running: use its server
        MongoClient(running.uri).get_default_database().kept.insert_one({"_id": "k", "n": Int64(3)})
        assert backup.main(["dump", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert not (data_dir / "nx-27017.uri").exists()
    # nothing running: the command starts the embedded server for the job and stops it again
    assert backup.main(["restore", "--data-dir", str(data_dir), "--in", str(out), "--drop"]) == 0
    assert not (data_dir / "nx-27017.pid").exists()
    with EmbeddedMongo(data_dir) as again:
        assert MongoClient(again.uri).get_default_database().kept.find_one() == {"_id": "k", "n": 3}
