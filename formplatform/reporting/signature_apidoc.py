"""The OpenAPI description of the report-signature routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _errors, _op, _response

REPORT_ID = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "string"}}
FILE_ID = {"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}
SIGN_FORM = {
    "type": "object",
    "description": "Either `p12` and `password` (signed here, PAdES), or `pdf` (a PDF signed elsewhere).",
    "properties": {
        "p12": {"type": "string", "format": "binary", "description": "The signer's PKCS#12 (.p12/.pfx); never stored"},
        "password": {"type": "string", "format": "password", "description": "Its password; never stored or logged"},
        "pdf": {
            "type": "string",
            "format": "binary",
            "description": "The report's PDF (GET /reports/{report_id}/pdf) signed with a USB-token tool",
        },
        "comment": {"type": "string"},
        "step": {"type": "integer", "description": "The step the caller saw; another step gives 409"},
    },
}
STATUS = {
    "type": "object",
    "properties": {
        "state": {"enum": ["none", "valid", "invalid", "content_changed", "untrusted"]},
        "signature": {"type": ["object", "null"], "description": "The signature record the report keeps"},
        "checks": {"type": "array", "items": {"type": "object"}},
        "problems": {"type": "array", "items": {"type": "string"}},
    },
}


def _pdf(summary: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {
            "200": {"description": "The PDF", "content": {"application/pdf": {}}},
            **_errors(401, 404),
        },
    }


def signature_paths() -> dict[str, dict[str, Any]]:
    """Path items of the signature API."""
    sign = {
        "summary": "Sign the report at its signing step (certificate file or signed PDF), then approve that step",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": SIGN_FORM}}},
        "responses": {
            "201": _response("The signature record and the report's new state and step"),
            **_errors(401, 403, 404, 409, 422),
            "413": _response("File larger than the upload limit", {"$ref": "#/components/schemas/Error"}),
        },
    }
    status = _op("The signature re-verified now, compared with the report's content", "Status", 401, 404, auth=True)
    status["responses"]["200"] = _response("Signature status", STATUS)
    return {
        "/reports/{report_id}/signature": {"parameters": [REPORT_ID], "post": sign, "get": status},
        "/reports/{report_id}/pdf": {"parameters": [REPORT_ID], "get": _pdf("The report as the PDF that gets signed")},
        "/reports/{report_id}/signed.pdf": {"parameters": [REPORT_ID], "get": _pdf("The stored signed PDF")},
        "/reports/{report_id}/signatures/{file_id}.pdf": {
            "parameters": [REPORT_ID, FILE_ID],
            "get": _pdf("A signed PDF of the report, current or of an earlier submission (ids in its history)"),
        },
        "/reports/{report_id}/files/{file_id}": {
            "parameters": [REPORT_ID, FILE_ID],
            "get": {
                "summary": "An evidence file of the report (an attachment, with its stored content type)",
                "security": [{"bearer": []}],
                "responses": {"200": {"description": "The file's bytes"}, **_errors(401, 404)},
            },
        },
    }
