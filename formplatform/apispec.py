"""One declaration per REST endpoint (spectree + pydantic): it validates the request and writes OpenAPI 3.1.

A view of /api/v1 is declared with `@api.validate(query=…, json=…, resp=ok(…), tags=[…])` right above it;
the same models check the request (a failure is our 422 `{error: {code, message, errors: [{path, code,
message}]}}`, in the request's language) and describe it in /api/v1/openapi.json. Responses are described,
not re-validated at run time: the schema-driven fuzz test checks them against the document instead.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Flask, current_app, request
from pydantic import BaseModel, ConfigDict, Field, RootModel
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from spectree.plugins.base import Context
from spectree.plugins.flask_plugin import FlaskPlugin
from spectree.utils import get_multidict_items

from form_definitions.problems import Problem
from formplatform.errors import BadRequest, Invalid
from formplatform.paging import MAX_PAGE

PREFIX = "/api/v1"
ERROR_WORDS = {
    "400": "Malformed request (e.g. the body is not JSON)",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found",
    "405": "Method not allowed (see the Allow header)",
    "409": "Conflict (stale revision, unconfirmed breaking change, wrong state)",
    "413": "Request too large",
    "422": "Validation failed; `errors` lists every problem with its path",
    "429": "Too many requests",
}
COMMON_ERRORS = ("400", "401", "403", "404", "405", "413", "422", "429")


class Open(BaseModel):
    """A JSON object whose listed properties are guaranteed; others may be added in later minor versions."""

    model_config = ConfigDict(extra="allow")


class ProblemItem(BaseModel):
    path: str
    code: str
    message: str
    params: dict[str, Any] = Field(default_factory=dict)


class ErrorDetail(Open):
    code: str
    message: str
    errors: list[ProblemItem] | None = None


class ErrorBody(BaseModel):
    """Every error: a stable code, a message in the request's language, the problems of a 422."""

    error: ErrorDetail


class Page(Open):
    """One page of a list, never counted: follow `has_next` with ?page= + 1."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    has_next: bool


class CountedPage(Open):
    """One page of a short list (agencies, accounts, designs, results) with the number of matches."""

    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int


class Submission(Open):
    """A stored submission: the version it pins (number and content hash), its answers and scores."""

    id: str
    form: str
    version: int
    version_hash: str
    data: dict[str, Any]
    submitted_at: str


class Paging(BaseModel):
    """?page= (1 to 500) and ?per_page= (1 to 100)."""

    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(20, ge=1, le=100)


LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"enum": ["vi", "en"]},
    "description": "The language of messages for this request; otherwise Accept-Language, then Vietnamese.",
}
JSON_TYPES = {"int": "integer", "float": "number", "string": "string", "bool": "boolean", "dict": "object"}


# pydantic's error types, as the codes of our problems (rendered by i18n.messages.problem_message)
PYDANTIC_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_large",
    "less_than": "too_large",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_few",
    "too_long": "too_many",
    "string_pattern_mismatch": "pattern",
    "literal_error": "not_an_option",
    "enum": "not_an_option",
}
LIMITS = ("ge", "gt", "le", "lt", "min_length", "max_length")


def problem_of(error: dict[str, Any], where: str) -> Problem:
    """One pydantic error as our Problem: the dotted path (the parameter's or the body member's), a code, params."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    code = PYDANTIC_CODES.get(kind) or ("type" if kind.endswith(("_type", "_parsing")) else "invalid")
    params: dict[str, Any] = {}
    if code == "type":
        expected = kind.split("_")[0]
        params["expected"] = JSON_TYPES.get(expected, "array" if expected in ("list", "tuple") else expected)
    limit = next((context[name] for name in LIMITS if name in context), None)
    if limit is not None:
        params["limit"] = limit
    path = ".".join(str(part) for part in error.get("loc", ())) or where
    return Problem(path, code, params)


class ApiPlugin(FlaskPlugin):
    """Flask's plugin with our rules: every problem of the query and the body in one 422 of our shape,
    malformed JSON a 400, responses described but not re-checked at run time."""

    def request_validation(self, request, query, json, form, headers, cookies):  # type: ignore[no-untyped-def]
        parts = [("query", query, lambda: get_multidict_items(request.args, query))]
        if json is not None and request.method not in ("GET", "DELETE"):
            parts.append(("body", json, lambda: body_or_nothing(json, self.model_adapter)))
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        for where, model, read in parts:
            if model is None:
                continue
            try:
                # a JSON body is held to JSON's types (no "3" for 3); query strings are text by nature
                values[where] = (
                    model.model_validate(read(), strict=True)
                    if where == "body"
                    else (self.model_adapter.validate_obj(model, read()))
                )
            except self.model_adapter.validation_error as error:
                if where == "body" and issubclass(model, RootModel):
                    raise BadRequest("invalid_json") from error  # not even the declared kind of JSON value
                problems += [problem_of(dict(e), where) for e in error.errors()]
        if problems:
            raise refusal(problems)
        request.context = Context(values.get("query"), values.get("body"), None, None, None)

    def validate_response(self, resp, resp_model, skip_validation, force_resp_serialize):  # type: ignore[no-untyped-def]
        return super().validate_response(resp, resp_model, True, force_resp_serialize)


def refusal(problems: list[Problem]) -> Exception:
    """The answer to a request that breaks its declaration: our 422, or the 400s clients of v1 already knew."""
    if any(p.path == "body" for p in problems):
        return BadRequest("invalid_json")  # a body that is not a JSON object at all
    if all(p.path in ("page", "per_page") for p in problems):
        return BadRequest("bad_page")
    return Invalid(problems, code="invalid_request")


def body_or_nothing(model: Any, adapter: Any) -> Any:
    """The JSON body; no body at all reads as {} where the declaration allows that (e.g. `.../submit`)."""
    if request.get_data(cache=True):
        return json_body()
    try:
        adapter.validate_obj(model, {})
    except adapter.validation_error as error:
        raise BadRequest("invalid_json") from error  # v1 answered a missing body so
    return {}


def json_body() -> Any:
    """The parsed JSON body; a malformed one is a 400 with a stable code, never a 500."""
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("invalid_json")
    return body


api = SpecTree(
    "flask",
    backend=ApiPlugin,
    mode="strict",
    title="Form platform API",
    version="1",
    description="REST API v1 of the Ho Chi Minh City form platform. Messages follow Accept-Language; "
    "`?lang=vi|en` overrides it for one request.",
    annotations=False,
    naming_strategy=lambda model: model.__name__,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
)
AUTH = {"bearer": []}


def ok(model: Any = None, status: int = 200, **more: Any) -> Response:
    """The success response (a model, or None for a file) and any other declared statuses (HTTP_409=…)."""
    return Response(**{f"HTTP_{status}": model}, **more)


def paging() -> tuple[int, int]:
    """The validated ?page= and ?per_page= of a view declared with `query=Paging` (or a subclass)."""
    query = request.context.query  # type: ignore[attr-defined]
    return query.page, query.per_page


def openapi_document() -> dict[str, Any]:
    """The API description, generated from the declarations once per app and cached."""
    cache = current_app.extensions.setdefault("openapi", {})
    if "document" not in cache:
        cache["document"] = build_document(api._generate_spec())
    return cache["document"]


def build_document(spec: dict[str, Any]) -> dict[str, Any]:
    """Paths relative to the /api/v1 server, and every operation's common error answers."""
    document = copy.deepcopy(spec)
    document["servers"] = [{"url": PREFIX}]
    document.pop("security", None)
    schemas = document["components"]["schemas"]
    error_ref = next(name for name in schemas if name.split(".")[-1] == "ErrorBody")
    for name in [name for name in schemas if name.startswith("ValidationError")]:
        del schemas[name]
    document["paths"] = {path.removeprefix(PREFIX): item for path, item in sorted(document["paths"].items())}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            # e.g. get_forms_key_submissions: stable, unique, and a valid name for client generators
            operation["operationId"] = re.sub(r"[^A-Za-z0-9]+", "_", f"{method}{path}").strip("_")
            add_common_errors(operation, error_ref)
            shorten_summary(operation)
            operation["parameters"] = [*operation.get("parameters", []), LANG]
    return document


def add_common_errors(operation: dict[str, Any], error_ref: str) -> None:
    """The answers every operation may give; a declared error status without a body gets the error shape."""
    responses = operation["responses"]
    for status in COMMON_ERRORS:
        responses.setdefault(status, {"description": ERROR_WORDS[status]})
    responses["422"] = {"description": ERROR_WORDS["422"]}  # ours, not spectree's own ValidationError shape
    for status, answer in responses.items():
        if status[0] in "45" and "content" not in answer:
            answer["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{error_ref}"}}}
            answer["description"] = ERROR_WORDS.get(status, answer.get("description", ""))
        if not operation.get("description"):
            operation.pop("description", None)


def shorten_summary(operation: dict[str, Any], limit: int = 120) -> None:
    """A long docstring's first sentence is the summary; the whole text becomes the description."""
    summary = operation["summary"]
    if len(summary) <= limit:
        return
    cut = max(summary.rfind(mark, 0, limit) for mark in (". ", "; ", ": ", ", "))
    operation["summary"] = summary[:cut] if cut > 20 else summary[: limit - 1] + "…"
    operation["description"] = "\n\n".join(part for part in (summary, operation.get("description")) if part)


def init_app(app: Flask) -> None:
    """Let spectree find the routes of this app; the document itself is generated on first request."""
    api.app = app
    api._add_model(ErrorBody)  # the shape every error answer refers to
