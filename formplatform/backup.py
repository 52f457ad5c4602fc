"""Logical backup and restore of the platform's database, for any MongoDB-compatible server.

    python -m formplatform.backup dump    --uri mongodb://127.0.0.1:27017/formplatform --out backup.jsonl.gz
    python -m formplatform.backup restore --uri mongodb://127.0.0.1:27017/formplatform --in backup.jsonl.gz [--drop]
    python -m formplatform.backup dump    --data-dir instance --out backup.jsonl.gz    (the embedded database)
    python -m formplatform.backup key     --in backup.jsonl.gz      (print the secret key the backup carries)

The header carries the app's secret key when it is known ($SECRET_KEY, or DATA_DIR/secret_key with --data-dir),
so receipts and rating links keep working after a restore into a new data directory (formplatform/backup_key.py);
the file is therefore written with mode 0600: keep it as secret as the key itself.

File format (version 1): one gzip'd stream of UTF-8 JSON lines, every value as canonical MongoDB Extended JSON
(so int32, int64, double, dates, binary subtypes, ObjectId, Decimal128 ... come back as the same BSON types):

    {"format": "formplatform-backup", "version": 1, "database": ..., "created": ..., "collections": [
        {"name": ..., "options": {...}, "indexes": [<listIndexes output>], "estimated_count": ...}, ...]}
    {"c": <collection>, "d": <document>}            one line per document, collections one after another
    {"end": true, "counts": {<collection>: <documents written>}}

Both directions stream: a dump holds one cursor batch in memory, a restore one insert batch. A restore reads the
file once to check it is complete (gzip CRC and the end line) before it touches the database, so a truncated
file never half-restores. Only portable operations are used (DESIGN §4): plain `find()` cursors, no filters on
ObjectId values, no transactions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions, DatetimeConversion
from pymongo import IndexModel, MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError

from formplatform import backup_key
from formplatform.embedded import EmbeddedMongoError

FORMAT = "formplatform-backup"
VERSION = 1
BATCH_SIZE = 1000
PROGRESS_EVERY = 50_000

# Read and write raw BSON types: UUIDs stay Binary, out-of-range dates stay DatetimeMS, dates stay naive UTC.
CODEC_OPTIONS = CodecOptions(
    document_class=dict,
    tz_aware=False,
    uuid_representation=UuidRepresentation.UNSPECIFIED,
    datetime_conversion=DatetimeConversion.DATETIME_AUTO,
)
JSON_OPTIONS = json_util.JSONOptions(
    json_mode=json_util.JSONMode.CANONICAL,
    uuid_representation=UuidRepresentation.UNSPECIFIED,
    datetime_conversion=DatetimeConversion.DATETIME_AUTO,
)
# Index fields that describe the index rather than configure it.
_INDEX_META = ("v", "key", "ns")

Progress = Callable[[str], None]


class BackupError(RuntimeError):
    """The backup file or the target database is not in a state we can work with."""


def encode_line(value: Any) -> str:
    """One value as a line of canonical Extended JSON (without the newline)."""
    return json_util.dumps(value, json_options=JSON_OPTIONS, ensure_ascii=False)


def decode_line(line: str) -> Any:
    """The inverse of `encode_line`: the same BSON types come back."""
    return json_util.loads(line, json_options=JSON_OPTIONS)


def _collections(db: Database) -> list[dict[str, Any]]:
    """Plain collections (no views, no system collections), sorted by name, with options and indexes."""
    infos = [c for c in db.list_collections() if c.get("type", "collection") == "collection"]
    return [
        {
            "name": info["name"],
            "options": dict(info.get("options") or {}),
            "indexes": [dict(ix) for ix in db[info["name"]].list_indexes()],
            "estimated_count": db[info["name"]].estimated_document_count(),
        }
        for info in sorted(infos, key=lambda c: c["name"])
        if not info["name"].startswith("system.")
    ]


def dump(
    db: Database, out_path: Path | str, progress: Progress = print, secret_key: str | None = None
) -> dict[str, int]:
    """Write every collection of `db` (documents and index definitions), and the secret key if given, to
    `out_path` (mode 0600); return counts."""
    db = db.with_options(codec_options=CODEC_OPTIONS)
    out_path = Path(out_path)
    collections = _collections(db)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "database": db.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "collections": collections,
        **({"secret_key": secret_key} if secret_key else {}),
    }
    counts: dict[str, int] = {}
    tmp_path = out_path.with_name(out_path.name + ".partial")
    # Written beside the target and renamed at the end, so a failed dump never leaves a plausible file.
    fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the key and every record
    with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8", newline="\n") as out:
        out.write(encode_line(header) + "\n")
        for info in collections:
            name = info["name"]
            count = 0
            for doc in db[name].find({}, batch_size=BATCH_SIZE):
                out.write(encode_line({"c": name, "d": doc}) + "\n")
                count += 1
                if count % PROGRESS_EVERY == 0:
                    progress(f"  {name}: {count} documents ...")
            counts[name] = count
            progress(f"dump {name}: {count} documents, {len(info['indexes'])} indexes")
        out.write(encode_line({"end": True, "counts": counts}) + "\n")
    os.replace(tmp_path, out_path)
    progress(f"dump complete: {len(counts)} collections, {sum(counts.values())} documents -> {out_path}")
    progress("the file carries the secret key (mode 0600)" if secret_key else backup_key.advice_without_key())
    return counts


def _lines(in_path: Path) -> Iterator[str]:
    with gzip.open(in_path, "rt", encoding="utf-8") as src:
        yield from src


def read_header(in_path: Path | str) -> dict[str, Any]:
    """The header line of a backup file, checked for format and version."""
    try:
        header = decode_line(next(_lines(Path(in_path))))
    except (StopIteration, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{in_path}: not a readable backup file ({exc})") from exc
    if header.get("format") != FORMAT:
        raise BackupError(f"{in_path}: not a {FORMAT} file")
    if header.get("version") != VERSION:
        raise BackupError(f"{in_path}: format version {header.get('version')} is not supported (need {VERSION})")
    return header


def verify(in_path: Path | str) -> dict[str, int]:
    """Read the whole file (gzip CRC included) and check its end line against the documents it holds."""
    in_path = Path(in_path)
    read_header(in_path)
    seen: dict[str, int] = {}
    last = ""
    try:
        for number, line in enumerate(_lines(in_path)):
            if number and line.startswith('{"c": '):
                name = json.loads(line[6 : line.index(', "d": ')])
                seen[name] = seen.get(name, 0) + 1
            last = line
    except (OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{in_path}: damaged backup file ({exc})") from exc
    trailer = decode_line(last) if last.startswith('{"end"') else None
    if trailer is None:
        raise BackupError(f"{in_path}: incomplete backup file (no end line)")
    counts = {k: int(v) for k, v in trailer["counts"].items()}
    if {k: v for k, v in counts.items() if v} != seen:
        raise BackupError(f"{in_path}: document counts {seen} do not match the end line {counts}")
    return counts


def _prepare_collection(db: Database, info: dict[str, Any], drop: bool) -> None:
    name = info["name"]
    if drop:
        db.drop_collection(name)
    elif db[name].find_one({}, projection={"_id": 1}) is not None:
        raise BackupError(f"collection {name!r} already holds documents; restore with --drop to replace it")
    if name not in db.list_collection_names():
        db.create_collection(name, **info.get("options", {}))


def _creation_keys(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    """The key list to create an index with; text indexes are listed as `_fts`/`_ftsx` plus their weights."""
    keys = list(spec["key"].items())
    if ("_fts", "text") not in keys:
        return keys
    text_keys = [(field, "text") for field in spec.get("weights", {})]
    return [k for k in keys if k[0] not in ("_fts", "_ftsx")] + text_keys


def _restore_indexes(db: Database, info: dict[str, Any]) -> int:
    """Create the dumped indexes (except `_id_`) that the collection does not already have."""
    coll = db[info["name"]]
    existing = {tuple(ix["key"].items()): ix for ix in coll.list_indexes()}
    models = []
    for spec in info["indexes"]:
        keys = tuple(spec["key"].items())
        if spec.get("name") == "_id_" or keys == (("_id", 1),):
            continue
        have = existing.get(keys)
        if have is not None:
            if bool(have.get("unique")) != bool(spec.get("unique")):
                raise BackupError(f"{coll.name}: index on {dict(keys)} exists with a different unique option")
            continue
        options = {k: v for k, v in spec.items() if k not in _INDEX_META}
        models.append(IndexModel(_creation_keys(spec), **options))
    if models:
        coll.create_indexes(models)
    return len(models)


def restore(
    db: Database, in_path: Path | str, drop: bool = False, progress: Progress = print, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Load a backup file into `db`; collections not in the file are left alone. Return counts inserted."""
    db = db.with_options(codec_options=CODEC_OPTIONS)
    in_path = Path(in_path)
    expected = verify(in_path)
    header = read_header(in_path)
    infos = {info["name"]: info for info in header["collections"]}
    for info in infos.values():
        _prepare_collection(db, info, drop)

    counts = dict.fromkeys(infos, 0)
    batch: list[dict[str, Any]] = []
    current = None

    def flush() -> None:
        if batch:
            db[current].insert_many(batch, ordered=True)
            counts[current] += len(batch)
            if counts[current] % PROGRESS_EVERY < len(batch):
                progress(f"  {current}: {counts[current]} documents ...")
            batch.clear()

    for number, line in enumerate(_lines(in_path)):
        if number == 0 or not line.startswith('{"c": '):
            continue
        record = decode_line(line)
        if record["c"] != current or len(batch) >= batch_size:
            flush()
            current = record["c"]
        batch.append(record["d"])
    flush()

    for name, info in infos.items():
        created = _restore_indexes(db, info)
        progress(f"restore {name}: {counts[name]} documents, {created} indexes")
    if counts != {name: expected.get(name, 0) for name in infos}:
        raise BackupError(f"restored counts {counts} differ from the backup's {expected}")
    progress(f"restore complete: {len(counts)} collections, {sum(counts.values())} documents <- {in_path}")
    return counts


@contextmanager
def _database(uri: str | None, data_dir: Path | None, db_name: str | None) -> Iterator[Database]:
    """The database to work on: at `uri`, or the embedded one of `data_dir` (started for the job if stopped)."""
    with ExitStack() as stack:
        if data_dir is not None:
            from formplatform.embedded import EmbeddedMongo, running_uri

            uri = running_uri(data_dir) or stack.enter_context(EmbeddedMongo(data_dir)).uri
        client: MongoClient = stack.enter_context(MongoClient(uri, serverSelectionTimeoutMS=10_000))
        try:
            db = client[db_name] if db_name else client.get_default_database()
        except ConfigurationError as exc:
            raise BackupError(f"{exc}: put the database name in the URI (…/formplatform) or pass --db") from exc
        yield db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m formplatform.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    key = commands.add_parser("key", help="print the secret key a backup file carries (set SECRET_KEY to it)")
    key.add_argument("--in", dest="in_path", required=True, type=Path, help="backup file to read")
    for name, help_text in (("dump", "write the database to a file"), ("restore", "load a file into the database")):
        sub = commands.add_parser(name, help=help_text)
        where = sub.add_mutually_exclusive_group()
        where.add_argument("--uri", default=os.environ.get("MONGODB_URI"), help="MongoDB URI (default: $MONGODB_URI)")
        where.add_argument("--data-dir", type=Path, help="the embedded database of this DATA_DIR (running or not)")
        sub.add_argument("--db", help="database name (default: the one in the URI)")
        if name == "dump":
            sub.add_argument("--out", required=True, type=Path, help="backup file to write (.jsonl.gz)")
        else:
            sub.add_argument("--in", dest="in_path", required=True, type=Path, help="backup file to read")
            sub.add_argument("--drop", action="store_true", help="drop each collection in the file before loading")
    args = parser.parse_args(argv)
    if args.command == "key":
        return _print_key(args.in_path)
    if args.data_dir is None and not args.uri:
        parser.error("give --uri (or set MONGODB_URI) or --data-dir")
    try:
        with _database(None if args.data_dir else args.uri, args.data_dir, args.db) as db:
            if args.command == "dump":
                dump(db, args.out, secret_key=backup_key.current_key(args.data_dir))
            else:
                restore(db, args.in_path, drop=args.drop)
                _restore_key(read_header(args.in_path).get("secret_key"), args.data_dir)
    except (BackupError, EmbeddedMongoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _restore_key(key: str | None, data_dir: Path | None) -> None:
    if not key:
        print(backup_key.advice_without_key())
    elif data_dir is not None:
        print(backup_key.install_key(data_dir, key))
    else:
        print(backup_key.advice_for_uri())


def _print_key(in_path: Path) -> int:
    try:
        key = read_header(in_path).get("secret_key")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not key:
        print(f"error: {in_path} carries no secret key", file=sys.stderr)
        return 1
    print(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
