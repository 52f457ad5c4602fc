"""Input limits on every request: JSON nesting and size, and query strings (issue 18: bad input never answers 500).

Every JSON body is read through the app's JSON provider (`request.get_json`), so the limits hold for the API,
the kiosk API and the designer's saves alike; JSON that arrives inside a form field or a file goes through
`parse_json`. Deeper or larger input is refused before any code walks it recursively.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from formplatform.errors import AppError, BadRequest

MAX_JSON_DEPTH = 64  # the built-in definitions nest 15 levels at most
MAX_JSON_BYTES = 4 * 1024 * 1024  # a 300-field KPI sheet definition is about 0.3 MB
MAX_QUERY_BYTES = 8 * 1024  # the whole query string
MAX_QUERY_VALUE = 2000  # one parameter's value (searches, filters, a `next` path)
MAX_QUERY_PARAMS = 64


class JsonTooLarge(AppError):
    status, code = 413, "json_too_large"


class JsonTooDeep(json.JSONDecodeError):
    """Nested deeper than MAX_JSON_DEPTH; a JSONDecodeError, so callers that catch malformed JSON catch it too."""

    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_JSON_DEPTH} levels", "", 0)


def nesting_depth(value: Any) -> int:
    """How deep containers nest in a parsed document (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:  # no need to look further
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_json(text: str | bytes) -> Any:
    """`json.loads` within the limits: JsonTooDeep (a JSONDecodeError) beyond MAX_JSON_DEPTH levels."""
    if len(text) > MAX_JSON_BYTES:
        raise JsonTooLarge()
    try:
        value = json.loads(text)
    except RecursionError as error:  # the C decoder refuses nesting deeper than Python's recursion limit
        raise JsonTooDeep() from error
    if nesting_depth(value) > MAX_JSON_DEPTH:
        raise JsonTooDeep()
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies: 413 above MAX_JSON_BYTES, 400 when nested too deeply (a clear code, not "malformed")."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return parse_json(s)
        except JsonTooDeep as error:
            raise BadRequest("json_too_deep") from error


def check_query() -> None:
    """Refuse oversized query strings before any view reads them: a 400, never a 500 further down."""
    if len(request.query_string) > MAX_QUERY_BYTES:
        raise BadRequest("bad_query")
    values = [value for _, value in request.args.items(multi=True)]
    if len(values) > MAX_QUERY_PARAMS or any(len(value) > MAX_QUERY_VALUE for value in values):
        raise BadRequest("bad_query")


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(check_query)
