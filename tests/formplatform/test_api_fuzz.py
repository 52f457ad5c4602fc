"""A bounded, schema-driven fuzz run over every operation of /api/v1/openapi.json (issues 18 and 21).

Three promises are checked on every answer: no 5xx; every JSON answer has a status the operation declares and
follows that status's declared schema (jsonschema, draft 2020-12 as OpenAPI 3.1 says); a request whose query and
body follow the declaration is never refused by the declaration layer (422 invalid_request, 400 invalid_json).

Requests are built from the published document itself: path parameters are real ids of a small world or
made-up text, query parameters follow their schemas or are junk, JSON bodies follow the request schema or
are arbitrary JSON, multipart bodies carry random bytes. Every call is an administrator's, so the checks
behind authentication are reached. Hypothesis runs derandomized, so a failure shows again on the next run.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD

pytestmark = pytest.mark.fuzz
EXAMPLES_PER_OPERATION = 10
METHODS = ("get", "post", "put", "patch", "delete")
JSON = "application/json"
RAW_BODIES = ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "{", "", "null", "\ufeff{}", "1e999999"]
HOSTILE = ["²", "922337203685477580", "-1", "0", "1e309", "NaN", "\x00", "%00", "a" * 3000, "[" * 100, "../x", "$where"]
JUNK_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=24) | st.sampled_from(HOSTILE)
JUNK_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False) | JUNK_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(JUNK_TEXT, children, max_size=4),
    max_leaves=12,
)


def from_schema(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that follow `schema` loosely (formats and most constraints ignored), sometimes plain junk."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if depth > 4:
        return JUNK_JSON
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | JUNK_TEXT
    variants = schema.get("oneOf") or schema.get("anyOf")
    if variants:
        return st.one_of([from_schema(v, components, depth + 1) for v in variants])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = {k: from_schema(v, components, depth + 1) for k, v in (schema.get("properties") or {}).items()}
        required = {k: v for k, v in properties.items() if k in schema.get("required", [])}
        optional = {k: v for k, v in properties.items() if k not in required}
        return st.fixed_dictionaries(required, optional=optional) | JUNK_JSON
    if kind == "array":
        return st.lists(from_schema(schema.get("items") or {}, components, depth + 1), max_size=4) | JUNK_JSON
    if kind == "integer":
        return st.integers(-(10**20), 10**20) | st.sampled_from([0, 1, 2, 100, 2**63])
    if kind == "number":
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        pattern = schema.get("pattern")
        return (st.from_regex(pattern, fullmatch=True) if pattern else st.nothing()) | JUNK_TEXT
    return JUNK_JSON


def as_query_value(value: Any) -> Any:
    if isinstance(value, list):
        return [as_query_value(v) for v in value]
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = shared + operation.get("parameters", [])
                found.append((method, path, operation))
    return found


def request_strategy(operation: dict[str, Any], components: dict[str, Any], ids: dict[str, list[str]]) -> Any:
    """Keyword arguments for the test client: path values, query string, headers and a body."""
    path_values, query, headers = {}, {}, {}
    for parameter in operation["parameters"]:
        name, where = parameter["name"], parameter["in"]
        if where == "path":
            path_values[name] = st.sampled_from(ids.get(name) or ["x"]) | JUNK_TEXT.filter(bool)
        elif where == "query":
            query[name] = from_schema(parameter.get("schema") or {}, components)
        elif where == "header" and name.lower() != "authorization":
            headers[name] = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
    content = (operation.get("requestBody") or {}).get("content") or {}
    if JSON in content:
        value = from_schema(content["application/json"].get("schema") or {}, components).map(lambda v: ("json", v))
        body: Any = value | st.sampled_from(RAW_BODIES).map(lambda data: ("raw", data))
    elif "multipart/form-data" in content:
        body = st.builds(
            lambda data, name, kind: {"data": {"file": (io.BytesIO(data), name, kind)}},
            st.binary(max_size=256),
            st.sampled_from(["a.pdf", "b.xlsx", "c.json", "d", "e.png"]),
            st.sampled_from(["application/pdf", "image/png", "application/json", "text/plain", "x/y"]),
        )
    else:
        body = st.just({})
    return st.fixed_dictionaries(
        {
            "path": st.fixed_dictionaries(path_values),
            "query": st.fixed_dictionaries({}, optional=query),
            "headers": st.fixed_dictionaries({}, optional=headers),
            "body": body,
        }
    )


@pytest.fixture
def world(app: Any, city: Any, seeded: Any) -> dict[str, list[str]]:
    """Real ids for path parameters: forms, a version, agencies, users, a dossier, a report and its file."""
    from formplatform.reporting import workflow
    from formplatform.services.files import store_file
    from formplatform.services.forms import get_version
    from tests.fixtures.files import tiny_pdf
    from tests.fixtures.satisfaction import make_dossier
    from tests.formplatform.reporting.workflow_support import make_report, par_data

    with app.test_request_context():
        report = make_report(city, "par-self-assessment")
        author = city.users["cv_q1"]
        evidence = store_file("a.pdf", "application/pdf", tiny_pdf(), max_bytes=10_000, actor=author).reference()
        definition = get_version("par-self-assessment", 1).definition
        workflow.save_report(report.id, {**par_data(definition, evidence=False), "s1_1_1_evidence": evidence}, author)
        dossier = make_dossier(city)
    return {
        "key": ["par-self-assessment", "dossier-satisfaction", "kpi-monthly"],
        "number": ["1", "2", "0", "99999999999999999999"],
        "agency_id": [city.id("d1"), city.id("city")],
        "user_id": [city.users["cv_q1"].id],
        "code": [dossier.id],
        "report_id": [report.id],
        "file_id": [evidence["id"]],
        "id": ["none"],
        "submission_id": ["none"],
        "job_id": ["none"],
        "campaign_id": [report.campaign_id],
    }


class Checker:
    """Judges one operation's answers against the document: declared status, declared schema, no refusal."""

    def __init__(self, document: dict[str, Any], operation: dict[str, Any]) -> None:
        self.document, self.operation = document, operation

    def validator(self, schema: dict[str, Any]) -> jsonschema.protocols.Validator:
        return jsonschema.Draft202012Validator({**schema, "components": self.document["components"]})

    def follows(self, schema: dict[str, Any] | None, value: Any) -> bool:
        return schema is None or self.validator(schema).is_valid(value)

    def valid_request(self, args: dict[str, Any]) -> bool:
        """Whether the generated query and body follow the operation's declaration (path values are not judged)."""
        for parameter in self.operation["parameters"]:
            value = args["query"].get(parameter["name"]) if parameter["in"] == "query" else None
            if value is not None and not self.follows(parameter.get("schema"), value):
                return False
        kind, value = args["body"] if isinstance(args["body"], tuple) else ("none", None)
        if kind == "raw":
            return False
        schema = ((self.operation.get("requestBody") or {}).get("content") or {}).get(JSON, {}).get("schema")
        return kind == "none" or self.follows(schema, value)

    def problems(self, response: Any, args: dict[str, Any]) -> list[str]:
        status, found = response.status_code, []
        if status >= 500:
            found.append(f"answered {status}")
        answer = self.operation["responses"].get(str(status))
        body = response.get_json(silent=True) if response.mimetype == JSON else None
        if answer is None:
            found.append(f"status {status} is not declared")
        elif body is not None:
            schema = (answer.get("content") or {}).get(JSON, {}).get("schema")
            errors = list(self.validator(schema).iter_errors(body)) if schema else []
            found += [f"{status} breaks its schema: {e.message[:200]}" for e in errors[:1]]
        code = ((body or {}).get("error") or {}).get("code") if isinstance(body, dict) else None
        if code in ("invalid_request", "invalid_json") and self.valid_request(args):
            found.append(f"a valid request was refused: {json.dumps(body)[:300]}")
        return found


def send(client: Any, method: str, template: str, args: dict[str, Any], auth: dict[str, str]) -> Any:
    path = template
    for name, value in args["path"].items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    query = {name: as_query_value(value) for name, value in args["query"].items() if value is not None}
    body = args["body"]
    if isinstance(body, tuple):
        kind, value = body
        body = {"data": json.dumps(value) if kind == "json" else value, "content_type": JSON}
    return getattr(client, method)("/api/v1" + path, query_string=query, headers={**auth, **args["headers"]}, **body)


def fuzz_operation(
    client: Any, auth: dict[str, str], method: str, template: str, strategy: Any, check: Checker
) -> list[str]:
    """Run the bounded examples of one operation; the broken promises found, one line each."""
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def call(args: dict[str, Any]) -> None:
        response = send(client, method, template, args, auth)
        found = check.problems(response, args)
        response.close()
        failures.extend(f"{method.upper()} {template} query={args['query']}: {line}" for line in found)
        assert not found  # lets hypothesis shrink to the simplest failing request

    with contextlib.suppress(AssertionError):  # recorded in `failures`; the other operations still run
        call()
    return failures


def test_every_operation_keeps_its_declaration(app: Any, world: dict[str, list[str]]) -> None:
    client = app.test_client()
    auth = bearer(client, "quantri", CITY_PASSWORD)
    document = client.get("/api/v1/openapi.json").get_json()
    components = document.get("components", {}).get("schemas", {})
    failures: list[str] = []
    for method, template, operation in operations(document):
        strategy = request_strategy(operation, components, world)
        failures += fuzz_operation(client, auth, method, template, strategy, Checker(document, operation))[-1:]
    assert not failures, "\n".join(failures)


def test_the_checker_sees_each_broken_promise() -> None:
    """The fuzz run's judge itself: an undeclared status, a body off its schema, a refused valid request, a 5xx."""
    from types import SimpleNamespace

    document = {"components": {"schemas": {"Item": {"type": "object", "required": ["id"]}}}}
    operation = {
        "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"content": {JSON: {"schema": {"$ref": "#/components/schemas/Item"}}}}, "422": {}},
    }
    check = Checker(document, operation)

    def answer(status: int, body: Any) -> Any:
        return SimpleNamespace(status_code=status, mimetype=JSON, get_json=lambda silent=False: body)

    args = {"query": {"n": 3}, "body": {}}
    assert check.problems(answer(200, {"id": 1}), args) == []
    assert check.problems(answer(200, {"name": "x"}), args)[0].startswith("200 breaks its schema")
    assert check.problems(answer(404, {}), args) == ["status 404 is not declared"]
    refused = {"error": {"code": "invalid_request", "message": "m", "errors": []}}
    assert check.problems(answer(422, refused), args)[0].startswith("a valid request was refused")
    assert check.problems(answer(422, refused), {"query": {"n": "x"}, "body": {}}) == []
    assert check.problems(answer(500, {}), args)[0] == "answered 500"
