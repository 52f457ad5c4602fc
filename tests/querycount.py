"""What a request asks of the database, counted with pymongo command monitoring (CONVENTIONS 12).

A test proves that a path costs the same with ten years of history as with one by comparing what it
sends and receives, not by timing it: `counting(mongo_uri)` connects a second MongoClient with a
command listener to the same database and puts it in MongoEngine's default connection (and in every
document's cached collection) for the duration of a `with` block, then restores the original.

pymongo only calls listeners registered when the client is created, hence the second client. mongomock
sends no command events: tests using this are marked `embedded_only` and call `skip_without_events()`.

Equal counts do not show that the embedded engine served a read from an index: it may scan every row in
SQL and still return the same documents. `unindexed_reads(log, Report)` replays each recorded read on an
empty in-memory neosqlite collection (the library nx-27017 serves with) with the document's indexes and
asks SQLite for its plan: a read that scans the table is reported.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from mongoengine import Document, connection
from mongoengine.base.common import _document_registry
from pymongo import MongoClient, monitoring

IGNORED = {"endSessions", "hello", "isMaster", "ismaster", "ping", "buildInfo", "saslStart", "saslContinue"}
REPLY_DOCUMENTS = ("firstBatch", "nextBatch")


@dataclass
class Command:
    """One command: its name, the collection it reads or writes, and how many documents came back."""

    name: str
    collection: str
    documents: int = 0
    body: dict[str, Any] = field(default_factory=dict, repr=False)  # the command as sent


class CommandLog(monitoring.CommandListener):
    """Every command the client sent since the last `clear()`, with the documents of each reply."""

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self._pending: dict[int, Command] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in IGNORED:
            return
        target = event.command.get("collection") if event.command_name == "getMore" else None
        collection = str(target or event.command.get(event.command_name) or "")
        command = Command(event.command_name, collection, body=dict(event.command))
        self._pending[event.request_id] = command
        self.commands.append(command)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        command = self._pending.pop(event.request_id, None)
        if command is not None:
            command.documents = reply_documents(event.reply)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._pending.pop(event.request_id, None)

    def clear(self) -> None:
        self.commands.clear()
        self._pending.clear()

    def on(self, collection: str) -> list[Command]:
        return [c for c in self.commands if c.collection == collection]

    def _documents_by_collection(self) -> dict[str, int]:
        found: Counter[str] = Counter()
        for command in self.commands:
            found[command.collection] += command.documents
        return dict(found)

    def summary(self) -> dict[str, Any]:
        """Commands and documents received, in total and per collection and command name."""
        return {
            "commands": len(self.commands),
            "documents": sum(c.documents for c in self.commands),
            "by_command": dict(Counter(f"{c.collection}.{c.name}" for c in self.commands)),
            "documents_by_collection": self._documents_by_collection(),
        }


def reply_documents(reply: Any) -> int:
    """Documents a reply carries: a cursor batch, a findAndModify value or a distinct's values."""
    cursor = reply.get("cursor") if isinstance(reply, dict) else None
    if isinstance(cursor, dict):
        return sum(len(cursor.get(name) or []) for name in REPLY_DOCUMENTS)
    if isinstance(reply, dict) and reply.get("value") is not None:
        return 1
    if isinstance(reply, dict) and isinstance(reply.get("values"), list):
        return len(reply["values"])
    return 0


def skip_without_events() -> None:
    """mongomock has no wire protocol and so no command events to count."""
    if os.environ.get("FP_TEST_ENGINE") == "mongomock" and not os.environ.get("MONGODB_URI"):
        pytest.skip("mongomock sends no command events")


def _documents() -> list[type[Document]]:
    classes = {cls for cls in _document_registry.values() if isinstance(cls, type) and issubclass(cls, Document)}
    return [cls for cls in classes if not cls._meta.get("abstract") and cls._get_collection_name()]


@contextmanager
def counting(mongo_uri: str, alias: str = connection.DEFAULT_CONNECTION_NAME) -> Iterator[CommandLog]:
    """Route MongoEngine through a monitored client on the same database while the block runs."""
    log = CommandLog()
    original_db = connection.get_db(alias)
    original_client = connection._connections[alias]
    client: MongoClient[Any] = MongoClient(mongo_uri, event_listeners=[log], uuidRepresentation="standard")
    db = client[original_db.name]
    kept = {cls: cls.__dict__.get("_collection") for cls in _documents()}
    connection._connections[alias], connection._dbs[alias] = client, db
    for cls in kept:  # set directly: a cleared collection would re-create its indexes inside the count
        cls._collection = db[cls._get_collection_name()]
    try:
        yield log
    finally:
        connection._connections[alias], connection._dbs[alias] = original_client, original_db
        for cls, collection in kept.items():
            cls._collection = collection
        client.close()


def unindexed_reads(log: CommandLog, *documents: type[Document]) -> list[str]:
    """Reads of these documents' collections that nx-27017 would not serve from an index.

    Counts and aggregates are reported as such (the engine evaluates them over the whole collection);
    each `find` is replayed on neosqlite and its SQLite plan checked: `SEARCH <table> USING INDEX` is
    served from an index; a plain `SCAN <table>` reads every row; `SCAN <table> USING INDEX` walks an
    index in order and is bounded only when it has a limit and no condition to skip rows by (a walk that
    filters reads more rows the rarer its matches become, as history grows); and a limited read that
    needs `USE TEMP B-TREE FOR ORDER BY` sorts every match before keeping the first few.
    """
    import neosqlite

    engine = neosqlite.Connection(":memory:")
    collections = {}
    for document in documents:
        name = document._get_collection_name()
        collections[name] = engine[name]
        for spec in document._meta.get("index_specs") or []:
            collections[name].create_index(list(spec["fields"]), unique=bool(spec.get("unique")))
    found: list[str] = []
    for command in log.commands:
        collection = collections.get(command.collection)
        if collection is None or command.name == "getMore":
            continue
        if command.name != "find":
            found.append(f"{command.name} on {command.collection}: {command.body}")
            continue
        if (command.body.get("filter") or {}).get("_id") == {"$in": []}:  # nx-27017 reads every document
            found.append(f"an empty _id $in on {command.collection}: {command.body}")
            continue
        found += [f"{plan} for {command.body}" for plan in _scans(collection, command.body)]
    return found


def _scans(collection: Any, body: dict[str, Any]) -> list[str]:
    """The table scans of the SQL neosqlite runs for a find command (replayed like nx-27017 does)."""
    statements: list[str] = []
    collection.db.set_trace_callback(statements.append)
    try:
        cursor = collection.find(dict(body.get("filter") or {}), body.get("projection") or None)
        if body.get("sort"):
            cursor = cursor.sort(list(dict(body["sort"]).items()))
        if body.get("limit"):
            cursor = cursor.limit(abs(int(body["limit"])))
        if body.get("skip"):
            cursor = cursor.skip(int(body["skip"]))
        list(cursor)
    finally:
        collection.db.set_trace_callback(None)
    table = collection.name
    scans: list[str] = []
    by_ids = "_id" in (body.get("filter") or {})  # at most one match per id asked for: sorting them is bounded
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "sqlite_master" in sql:
            continue
        limited = " LIMIT " in sql.upper()
        bounded_walk = limited and " WHERE " not in sql.upper()
        for row in collection.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall():
            detail = str(row[-1])
            if detail == f"SCAN {table}" or (detail.startswith(f"SCAN {table} USING") and not bounded_walk):
                scans.append(detail)
            elif limited and detail == "USE TEMP B-TREE FOR ORDER BY" and not by_ids:
                scans.append(f"{detail} (every match sorted before the limit)")
    return scans
