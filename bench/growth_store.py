"""Where bench/growth.py's bulk history goes, never through HTTP.

Embedded engine (nx-27017 over SQLite), while `run.py` is stopped: documents are encoded with
neosqlite's own encoder (`neosqlite_json_dumps`, datetimes as {"$date": …}) and inserted the way
neosqlite's `insert_one` does it — `INSERT INTO <collection>(data, _id)` — but with `executemany`, one
transaction per batch, so the stored rows are byte-identical to what the server would write and its
expression indexes are maintained by SQLite. Roll-ups go through neosqlite's own `update_one(upsert=True)`
on the same file (the call nx-27017 makes for each update of `write_increments`' bulk write).

A real MongoDB (`MONGODB_URI`): `insert_many` of the same documents and `write_increments` itself.
Generation runs in forked worker processes while the main process stores the previous month.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from datetime import datetime
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from growth_data import Derived, Reference
from growth_seed import Task, month_documents

BATCH = 5000
CHECKED = 20  # documents of each batch also encoded by neosqlite itself and compared
_WORKER: dict[str, Any] = {}
_ENCODER = json.JSONEncoder()  # json.dumps' defaults, as neosqlite_json_dumps uses them


class StoredText:
    """`neosqlite_json_dumps(doc)` of documents copied from a prototype (growth_data.Derived), faster: the
    prototype's text is made once with gaps for the variable values; datetimes become {"$date": isoformat}
    without a callback. Every batch is compared with neosqlite's own encoder on its first CHECKED documents."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.templates: dict[int, tuple[Any, list[tuple[str, str]], str]] = {}  # keeps each prototype alive

    def key(self, name: str) -> str:
        text = self.keys.get(name)
        if text is None:
            text = self.keys[name] = encode_basestring_ascii(name) + ": "
        return text

    def value(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return encode_basestring_ascii(value)
        if kind is datetime:
            return '{"$date": "' + value.isoformat() + '"}'
        if kind is list:
            return "[" + ", ".join([self.value(v) for v in value]) + "]"
        if kind is dict:
            return "{" + ", ".join([self.key(k) + self.value(v) for k, v in value.items()]) + "}"
        return _ENCODER.encode(value)  # numbers, booleans, None (anything else raises TypeError)

    def document(self, doc: Derived) -> str:
        """The prototype's text with only the variable values filled in."""
        origin, pairs, tail = self.template(doc)
        return "".join([text + self.value(doc[key]) for text, key in pairs]) + tail

    def template(self, doc: Derived) -> tuple[Any, list[tuple[str, str]], str]:
        found = self.templates.get(id(doc.origin))
        if found is None or found[0] is not doc.origin:
            pairs, text = [], "{"
            for number, (key, value) in enumerate(doc.origin.items()):
                text += (", " if number else "") + self.key(key)
                if key in doc.variable:
                    pairs.append((text, key))
                    text = ""
                else:
                    text += self.value(value)
            found = self.templates[id(doc.origin)] = (doc.origin, pairs, text + "}")
        return found


class SqliteStore:
    """Rows straight into the embedded database's file (the server must be stopped)."""

    encoded = True

    def __init__(self, db_path: Path) -> None:
        import neosqlite
        from neosqlite.sql_utils import quote_table_name

        self.connection = neosqlite.Connection(str(db_path))
        self.sql = self.connection.db
        # this connection only, never stored in the file: a large page cache for the index inserts, and no
        # fsync at checkpoints (the run's temporary database need not survive a power cut)
        for pragma in ("cache_size = -1000000", "synchronous = OFF", "temp_store = MEMORY"):
            self.sql.execute(f"PRAGMA {pragma}")
        self.quote = quote_table_name
        tables = self.sql.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        self.tables = {name for (name,) in tables}
        self.deferred: dict[str, list[tuple[str, str]]] = {}

    @staticmethod
    def encode(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
        from neosqlite.collection.json_helpers import neosqlite_json_dumps

        text = StoredText()
        rows = [(text.document(d) if type(d) is Derived else neosqlite_json_dumps(d), str(d["_id"])) for d in docs]
        for doc, (stored, _) in zip(docs[:CHECKED], rows, strict=False):
            if stored != neosqlite_json_dumps(doc):
                raise AssertionError(f"stored text differs from neosqlite's own encoding: {stored[:200]}")
        return rows

    def insert(self, collection: str, rows: list[Any]) -> None:
        if collection not in self.tables:
            raise SystemExit(f"collection {collection} has no table yet: its indexes must be created first")
        if collection not in self.deferred:
            self.defer_indexes(collection)
        statement = f"INSERT INTO {self.quote(collection)}(data, _id) VALUES (?, ?)"
        for start in range(0, len(rows), BATCH):
            self.sql.execute("BEGIN")
            try:
                self.sql.executemany(statement, rows[start : start + BATCH])
            except BaseException:
                self.sql.execute("ROLLBACK")
                raise
            self.sql.execute("COMMIT")

    def defer_indexes(self, collection: str) -> None:
        """Drop the table's non-unique indexes until `close`, which replays their own CREATE INDEX statements:
        building an index once over the grown table is far cheaper than maintaining it row by row. The
        unique ones (the `_id`) stay, so a duplicate still fails at once."""
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
        found = [(n, q) for n, q in self.sql.execute(query, (collection,)) if not q.upper().startswith("CREATE UNIQUE")]
        for name, _ in found:
            self.sql.execute(f"DROP INDEX {self.quote(name)}")
        self.deferred[collection] = found

    def write_rollups(self, increments: list[Any]) -> None:
        """neosqlite's own `update_one(upsert=True)` for roll-ups that exist; the documents those upserts would
        create (`_id`, the $set fields, the $inc fields) inserted in bulk for new ones — after checking, on the
        first CHECKED new ones, that neosqlite stores exactly that."""
        from neosqlite.collection.json_helpers import neosqlite_json_dumps

        name = "satisfaction_rollups"
        collection = self.connection[name]
        existing = {rollup_id for (rollup_id,) in self.sql.execute(f"SELECT _id FROM {self.quote(name)}")}
        created, checked = [], 0
        for rollup_id, to_set, to_add in sorted(increments, key=lambda item: item[0]):
            text = neosqlite_json_dumps({"_id": rollup_id, **to_set, **to_add})
            if rollup_id in existing or checked < CHECKED:
                collection.update_one({"_id": rollup_id}, {"$set": to_set, "$inc": to_add}, upsert=True)
                if rollup_id not in existing:
                    query = f"SELECT data FROM {self.quote(name)} WHERE _id = ?"
                    if self.sql.execute(query, (rollup_id,)).fetchone()[0] != text:
                        raise AssertionError(f"an upserted roll-up is not stored as expected: {text[:200]}")
                    checked += 1
            else:
                created.append((text, rollup_id))
        self.insert(name, created)

    def close(self) -> None:
        for found in self.deferred.values():
            for _name, statement in found:
                self.sql.execute(statement)
        self.deferred = {}
        self.sql.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.close()


class MongoStore:
    """`insert_many` and `write_increments` on a real MongoDB."""

    encoded = False

    def __init__(self, uri: str) -> None:
        import mongoengine

        from formplatform.db import database_name

        mongoengine.disconnect_all()
        mongoengine.connect(host=uri, db=database_name(uri), uuidRepresentation="standard")
        self.db = mongoengine.get_db()

    @staticmethod
    def encode(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return docs

    def insert(self, collection: str, rows: list[Any]) -> None:
        for start in range(0, len(rows), BATCH):
            self.db[collection].insert_many(rows[start : start + BATCH], ordered=False)

    def write_rollups(self, increments: list[Any]) -> None:
        from formplatform.satisfaction.rollups import write_increments

        for start in range(0, len(increments), 2000):
            write_increments(increments[start : start + 2000])

    def close(self) -> None:
        import mongoengine

        mongoengine.disconnect_all()


def _work(task: Task) -> tuple[dict[str, list[Any]], list[Any]]:
    docs, increments = month_documents(_WORKER["ref"], task)
    encode = _WORKER["encode"]
    return {name: encode(batch) for name, batch in docs.items()}, increments


class Loader:
    """Stores a stage's months in time order while workers generate the next ones; counts what went in."""

    def __init__(self, ref: Reference, store: Any, workers: int) -> None:
        self.ref, self.store, self.workers = ref, store, workers
        self.counts: Counter[str] = Counter()
        self.last_ids: dict[str, str] = {}  # a stored document of each collection, to read back
        self.pending: list[Any] = []
        self.seconds = {"generate_and_insert": 0.0, "of_which_insert": 0.0, "rollups": 0.0, "indexes_and_close": 0.0}

    def _insert(self, name: str, rows: list[Any]) -> None:
        if rows:
            began = time.perf_counter()
            self.store.insert(name, rows)
            self.seconds["of_which_insert"] += time.perf_counter() - began
            self.counts[name] += len(rows)
            self.last_ids[name] = rows[-1][1] if isinstance(rows[-1], tuple) else rows[-1]["_id"]

    def put(self, docs: dict[str, list[dict[str, Any]]]) -> None:
        for name, batch in docs.items():
            self._insert(name, self.store.encode(batch))

    def months(self, tasks: list[Task]) -> None:
        from formplatform.satisfaction.rollups import merge_increments

        began = time.perf_counter()
        _WORKER.update(ref=self.ref, encode=self.store.encode)
        context = multiprocessing.get_context("fork")
        with context.Pool(self.workers) as pool:
            merged: list[Any] = []
            for number, (rows, increments) in enumerate(pool.imap(_work, tasks), 1):
                for name, batch in rows.items():
                    self._insert(name, batch)
                merged += increments
                if number % 12 == 0:
                    self.pending = merge_increments(self.pending + merged)
                    merged = []
            self.pending = merge_increments(self.pending + merged)
        self.seconds["generate_and_insert"] += time.perf_counter() - began

    def close(self) -> None:
        began = time.perf_counter()
        self.store.close()
        self.seconds["indexes_and_close"] += time.perf_counter() - began

    def rollups(self) -> int:
        """Count the stage's ratings in the roll-ups (one upsert per roll-up touched)."""
        began = time.perf_counter()
        written = len(self.pending)
        self.store.write_rollups(self.pending)
        self.pending = []
        self.counts["roll-ups touched"] += written
        self.seconds["rollups"] += time.perf_counter() - began
        return written


def check_empty(uri: str) -> None:
    """Refuse a MongoDB database that holds anything: the run fills it and drops it at the end."""
    import pymongo

    from formplatform.db import database_name

    client: Any
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        if client[database_name(uri)].list_collection_names():
            raise SystemExit(f"{database_name(uri)} is not empty: point MONGODB_URI at a scratch database")


def drop(uri: str) -> None:
    import pymongo

    from formplatform.db import database_name

    client: Any
    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        client.drop_database(database_name(uri))
