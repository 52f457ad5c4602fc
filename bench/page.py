"""Server time of a 300-field KPI sheet page (DESIGN §6: p95 ≤ 100 ms), fill and read-back views.

    python bench/page.py [--requests 200]

Runs the app in-process on a temporary embedded nx-27017 database, publishes a KPI sheet of
50 indicators × 6 columns (300 inputs) with a calculated column and totals, stores one filled
submission, then times GET of the fill page and of the submission page through the WSGI stack, and
the designer's pages for the same sheet: the editor, its live preview and a published version read-only.
Prints readable lines and, last, one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "kpi-bench"
ROWS = 50


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def kpi_definition() -> dict[str, Any]:
    columns = [
        {"name": n, "type": "decimal", "label": t(vi, en), "total": True}
        for n, vi, en in (
            ("plan", "Kế hoạch", "Plan"),
            ("actual", "Thực hiện", "Actual"),
            ("prev", "Cùng kỳ", "Same period last year"),
            ("q1", "Quý 1", "Q1"),
            ("q2", "Quý 2", "Q2"),
        )
    ]
    columns.append(
        {
            "name": "pct",
            "type": "calculated",
            "label": t("% kế hoạch", "% of plan"),
            "decimals": 1,
            "formula": {"*": [{"/": [{"var": "actual"}, {"var": "plan"}]}, 100]},
        }
    )
    rows = [
        {"key": f"i{n:02d}", "label": t(f"Chỉ tiêu {n}", f"Indicator {n}"), "unit": t("tỷ đồng", "billion VND")}
        for n in range(1, ROWS + 1)
    ]
    return {
        "schema_version": 1,
        "key": KEY,
        "kind": "kpi_sheet",
        "title": t("Bảng chỉ tiêu", "KPI sheet"),
        "fields": [
            {"type": "grid", "name": "kpi", "label": t("Chỉ tiêu", "Indicators"), "rows": rows, "columns": columns}
        ],
    }


def answers() -> dict[str, Any]:
    return {
        "kpi": {
            f"i{n:02d}": {"plan": 100 + n, "actual": 90 + n, "prev": 80, "q1": 20, "q2": 25} for n in range(1, ROWS + 1)
        }
    }


def timed(client: Any, path: str, count: int, form: dict[str, str] | None = None) -> dict[str, float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.post(path, data=form) if form is not None else client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
        "max_ms": round(samples[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from formplatform import create_app
    from formplatform.accounts.services import create_user
    from formplatform.embedded import EmbeddedMongo
    from formplatform.services.forms import publish_form, save_draft
    from formplatform.services.seed import ensure_core_agencies
    from formplatform.services.submissions import submit_form

    with tempfile.TemporaryDirectory() as data_dir, EmbeddedMongo(Path(data_dir)) as server:
        app = create_app(
            {
                "MONGODB_URI": server.uri,
                "SECRET_KEY": "bench-secret-key-0123456789",
                "ENV": "testing",
                "WTF_CSRF_ENABLED": False,  # the preview is a POST; this bench times the server, not CSRF
            }
        )
        with app.app_context():
            root, _ = ensure_core_agencies()
            admin = create_user(
                "admin", "bench-password-1", roles=[("admin", root.id)], agency_id=root.id, must_change_password=False
            )
            save_draft(KEY, kpi_definition(), admin)
            publish_form(KEY, admin)
            record = submit_form(KEY, answers(), actor=admin)
        client = app.test_client()
        with client.session_transaction() as session:
            from formplatform.accounts.models import User

            with app.app_context():
                session["user_id"] = User.objects(username="admin").first().id
                session["sv"] = User.objects(username="admin").first().session_version
        fill = timed(client, f"/forms/{KEY}", args.requests)
        view = timed(client, f"/forms/{KEY}/submissions/{record.id}", args.requests)
        design = timed(client, f"/admin/forms/{KEY}/design", args.requests)
        preview_form = {"definition": json.dumps(kpi_definition()), "locale": "vi", "device": "desktop"}
        preview = timed(client, f"/admin/forms/{KEY}/preview", args.requests, preview_form)
        version = timed(client, f"/admin/forms/{KEY}/versions/1", args.requests)
    print(
        f"300-field KPI sheet, fill page:      p50 {fill['p50_ms']} ms, p95 {fill['p95_ms']} ms "
        f"(bar: p95 ≤ 100 ms) over {args.requests} requests"
    )
    print(f"300-field KPI sheet, submission page: p50 {view['p50_ms']} ms, p95 {view['p95_ms']} ms")
    print(f"300-field KPI sheet, designer page:   p50 {design['p50_ms']} ms, p95 {design['p95_ms']} ms")
    print(f"300-field KPI sheet, live preview:    p50 {preview['p50_ms']} ms, p95 {preview['p95_ms']} ms")
    print(f"300-field KPI sheet, version page:    p50 {version['p50_ms']} ms, p95 {version['p95_ms']} ms")
    figures = {"fill": fill, "view": view, "design": design, "preview": preview, "version": version}
    print(json.dumps({"fields": ROWS * 6, "requests": args.requests, **figures}))


if __name__ == "__main__":
    main()
