"""The smaller collections of bench/growth.py's history, made in the main process: reports of the demo
campaigns (with their revisions, workflow steps and audit events), staff accounts, the admin's exports
of the last week, the one-stop system's integration token, and finished unrated dossiers for timed intake."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from growth_data import BROWSERS, STAFF_ROLES, Reference, audit, checked, fill_answers, hex_id, moment, person, shaped

Docs = dict[str, list[dict[str, Any]]]
INTAKE_SEQUENCE = 9000  # dossier code sequences above anything the monthly generator uses


def _add(docs: Docs, name: str, doc: dict[str, Any]) -> None:
    docs.setdefault(name, []).append(doc)


def _cchc_answers(
    ref: Reference, version: Any, agency: Any, period: Any, deadline: datetime, rnd: random.Random
) -> Any:
    """A report's answers: v1's typed header, or v2's header from the campaign (as the platform fills it), and a
    dossier table whose rows add up (v2's row check)."""
    from formplatform.reporting.header import with_header

    kinds = {"Q1": "q1", "Q2": "h1", "Q3": "q3", "Q4": "year"}
    values: dict[str, Any] = {
        "agency": agency.name["vi"],
        "period_kind": kinds.get(period.key[-2:], "year"),
        "year": period.end.year,
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
    }
    data = fill_answers(version.definition, rnd, values)
    for row in (data.get("annex_dossiers") or {}).values():
        row["received"] = sum(row.get(name, 0) for name in ("resolved_on_time", "resolved_late", "pending"))
    report = SimpleNamespace(
        period_key=period.key,
        period_start=datetime.combine(period.start, datetime.min.time()),
        period_end=datetime.combine(period.end, datetime.min.time()),
        deadline=deadline,
        agency_id=agency.id,
    )
    data = with_header(version.definition, data, report, agency.name["vi"])  # type: ignore[arg-type]
    return checked(version.definition, data)


def _earliest(version: Any) -> date:
    """The first day a version's date fields accept: no agency can file a period before it."""
    from form_definitions.walk import data_fields

    found = [f["minimum"] for f in data_fields(version.definition["fields"]) if f["type"] == "date" and "minimum" in f]
    return max((date.fromisoformat(day) for day in found), default=date.min)


CLOSED_AFTER = timedelta(days=365)


def _state(rnd: random.Random, age: timedelta) -> str:
    """A report's state `age` after its deadline: a year on, every report is accepted or was never filed
    (1 %), as in a city whose agencies close their reports; within the year some are still under way."""
    roll = rnd.random()
    if age > CLOSED_AFTER:
        return "accepted" if roll < 0.99 else "not_started"
    for state, upto in (("accepted", 0.82), ("submitted", 0.87), ("returned", 0.9), ("in_approval", 0.93)):
        if roll < upto:
            return state
    return "draft" if roll < 0.96 else "not_started"


def reports(ref: Reference, first: date, rnd: random.Random) -> Docs:
    """Every period of the demo campaigns from `first` whose deadline has passed and that has no report yet."""
    from form_definitions.workflow import workflow_steps
    from formplatform.reporting.models import Report
    from formplatform.reporting.opening import period_deadline
    from formplatform.reporting.periods import deadline_moment, periods_between

    docs: Docs = {}
    filer = {ref.users[n].agency_id: ref.users[n] for n in ("demo.chuyenvien", "demo.chuyenvien3") if n in ref.users}
    for campaign in ref.campaigns:
        version = ref.versions[(campaign["form_key"], campaign["version"])]
        steps = workflow_steps(version.definition)
        rule = SimpleNamespace(deadline=campaign["deadline"])
        earliest = _earliest(version)
        for period in periods_between(first, ref.now.date(), campaign["period_type"], campaign["cutoff"]):
            if period.start < earliest:
                continue
            deadline = deadline_moment(period_deadline(rule, period))
            for agency_id in campaign["agency_ids"]:
                key = (campaign["_id"], period.key, agency_id)
                if deadline > ref.now or key in ref.report_keys:
                    continue
                ref.report_keys.add(key)
                agency = ref.agencies[agency_id]
                if campaign["form_key"] == "kpi-monthly":
                    answers = rnd.choice([a for owner, a in ref.kpi_pool if owner == agency_id])
                else:
                    answers = _cchc_answers(ref, version, agency, period, deadline, rnd)
                state = _state(rnd, ref.now - deadline)
                if steps[-1]["role"] != "reviewer" and state in ("submitted", "returned"):
                    state = "accepted"  # a chain without a reviewer ends accepted at its last approval
                opened = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
                done = deadline - timedelta(days=rnd.randint(-3, 6), hours=rnd.randint(0, 8))
                done = moment(min(done, ref.now - timedelta(days=3)))  # accepted two days later, in the past
                values: dict[str, Any] = {
                    "id": hex_id(rnd),
                    "campaign_id": campaign["_id"],
                    "form_key": version.form_key,
                    "version": version.number,
                    "version_hash": version.hash,
                    "agency_id": agency_id,
                    "owner_agency_id": campaign["owner_agency_id"],
                    "period_key": period.key,
                    "period_start": datetime.combine(period.start, datetime.min.time()),
                    "period_end": datetime.combine(period.end, datetime.min.time()),
                    "deadline": deadline,
                    "state": state,
                    "created_at": opened,
                    "updated_at": done if state != "not_started" else opened,
                }
                if state != "not_started":
                    values.update(data=answers[0], score=answers[1], totals=answers[2], revision=3)
                received = state in ("accepted", "submitted", "returned")
                if received:
                    values.update(submissions=1, submitted_at=done, on_time=done <= deadline)
                values["step"] = {"accepted": len(steps), "submitted": len(steps) - 1, "in_approval": 1}.get(state, 0)
                if state == "accepted":
                    values["accepted_at"] = moment(done + timedelta(days=2))
                report = shaped(Report, values)
                _add(docs, "reports", report)
                _history(ref, docs, report, steps, filer.get(agency_id, ref.users["admin"]), rnd)
    return docs


def _moves(state: str, steps: list[Any], filer: Any, reviewer: Any) -> list[tuple[str, int, str, str, Any]]:
    """(action, step, from state, to state, actor) of each workflow move that led to `state`."""
    review = bool(steps) and steps[-1]["role"] == "reviewer"
    last = len(steps) - (2 if review else 1)  # the last agency step
    handed = "submitted" if review else "accepted"
    moves = [("save", 0, "not_started", "draft", filer)]
    if state == "draft":
        return moves
    moves.append(("submit", 0, "draft", "in_approval" if last else handed, filer))
    if state == "in_approval":
        return moves
    moves += [("approve", n, "in_approval", handed if n == last else "in_approval", filer) for n in range(1, last + 1)]
    if review and state in ("accepted", "returned"):
        moves.append(("accept" if state == "accepted" else "return", last + 1, "submitted", state, reviewer))
    return moves


def _history(
    ref: Reference, docs: Docs, report: dict[str, Any], steps: list[Any], filer: Any, rnd: random.Random
) -> None:
    """The report's workflow steps, frozen revisions and audit events, as the workflow services write them."""
    from formplatform.reporting.models import ReportRevision, ReportStep

    state = report["state"]
    if state == "not_started":
        return
    at = report.get("submitted_at") or report["updated_at"]
    reviewer = ref.users["demo.thamdinh"]
    moves = _moves(state, steps, filer, reviewer)
    revisions = ["submitted"] if state in ("accepted", "submitted", "returned") else []
    revisions += [state] if moves[-1][4] is reviewer else []
    for number, reason in enumerate(revisions, 1):
        values = {"id": hex_id(rnd), "report_id": report["_id"], "number": number, "reason": reason}
        values.update(data=report["data"], score=report["score"], totals=report["totals"])
        values.update(created_by=filer.id if reason == "submitted" else reviewer.id, created_at=at)
        _add(docs, "report_revisions", shaped(ReportRevision, values))
    for offset, (action, step, before, after, actor) in enumerate(moves):
        late = timedelta(days=2) if actor is reviewer else timedelta()
        when = moment(at - timedelta(hours=len(moves) - offset) + late)
        values = {"id": hex_id(rnd), "report_id": report["_id"], "action": action, "step": step}
        values.update(from_state=before, to_state=after, actor_id=actor.id, created_at=when)
        values.update(comment="Đề nghị bổ sung số liệu Bảng 2." if action == "return" else "")
        _add(docs, "report_steps", shaped(ReportStep, values))
        event = audit(
            rnd,
            when,
            f"report.{action}",
            actor,
            target_type="report",
            target_id=report["_id"],
            agency_id=report["agency_id"],
            ip="10.20.4.9",
            user_agent=BROWSERS[0],
            before={"state": before, "step": step},
            after={"state": after, "step": step},
            details={"form": report["form_key"], "period": report["period_key"]},
        )
        _add(docs, "audit_events", event)


def staff(ref: Reference, count: int, first: date, rnd: random.Random, start: int) -> Docs:
    """Staff accounts created over the span (people leave: older ones are often closed), with user.create events."""
    from formplatform.accounts.models import User

    docs: Docs = {}
    agencies = [a for a in ref.agencies.values() if a.type != "city"]
    admin = ref.users["admin"]
    span = (ref.now.date() - first).days
    for n in range(start, start + count):
        agency = rnd.choice(agencies)
        created = moment(datetime.combine(first, datetime.min.time()) + timedelta(seconds=rnd.randrange(span * 86400)))
        closed = created < ref.now - timedelta(days=3 * 365) and rnd.random() < 0.5
        role = rnd.choice(STAFF_ROLES)
        values = {
            "id": hex_id(rnd),
            "username": f"cb{n:06d}",
            "display_name": person(rnd),
            "email": f"cb{n:06d}@tphcm.example",
            "position": "Chuyên viên",
            "agency_id": agency.id,
            "roles": [{"role": role, "agency_id": agency.id}],
            "password_hash": ref.password_hash,
            "status": "closed" if closed else "active",
            "last_login_at": moment(min(created + timedelta(days=rnd.randint(1, 900)), ref.now)),
            "password_changed_at": created,
            "closed_at": moment(created + timedelta(days=700)) if closed else None,
            "created_at": created,
        }
        _add(docs, "users", shaped(User, values))
        after = {
            "username": values["username"],
            "agency_id": agency.id,
            "status": "active",
            "roles": [f"{role}@{agency.id}"],
        }
        _add(
            docs,
            "audit_events",
            audit(
                rnd,
                created,
                "user.create",
                admin,
                target_type="user",
                target_id=values["id"],
                agency_id=agency.id,
                after=after,
            ),
        )
    return docs


def exports(ref: Reference, count: int, rnd: random.Random) -> Docs:
    """The admin's finished exports of the last six days (the runner deletes older ones), with their events."""
    from formplatform.exports.models import ExportJob

    docs: Docs = {}
    admin = ref.users["admin"]
    for _ in range(count):
        created = moment(ref.now - timedelta(seconds=rnd.randrange(6 * 86400)))
        source, form = rnd.choice((("submissions", "dossier-satisfaction"), ("reports", "kpi-monthly")))
        fmt = rnd.choice(("xlsx", "csv"))
        rows = rnd.randrange(200, 90_000)
        values = {
            "id": hex_id(rnd),
            "owner_id": admin.id,
            "owner_name": admin.username,
            "source": source,
            "form_key": form,
            "form_title": "Phiếu khảo sát" if source == "submissions" else "Chỉ tiêu KPI hằng tháng",
            "day_from": (created - timedelta(days=90)).strftime("%Y-%m-%d" if source == "submissions" else "%Y-%m"),
            "day_to": created.strftime("%Y-%m-%d" if source == "submissions" else "%Y-%m"),
            "states": ["submitted", "accepted"] if source == "reports" else [],
            "scope_all": 1,
            "format": fmt,
            "language": "vi",
            "state": "done",
            "done": rows,
            "total": rows,
            "attempts": 1,
            "filename": f"{form}-{created:%Y%m%d}.{'zip' if fmt == 'csv' else fmt}",
            "content_type": "application/zip" if fmt == "csv" else "application/vnd.ms-excel",
            "size": rows * 180,
            "sha256": hashlib.sha256(str(rows).encode()).hexdigest(),
            "finished": (created + timedelta(seconds=40) - datetime(1970, 1, 1)).total_seconds(),
            "created_at": created,
        }
        _add(docs, "export_jobs", shaped(ExportJob, values))
        details = {"source": source, "form": form, "format": fmt, "language": "vi"}
        _add(
            docs,
            "audit_events",
            audit(rnd, created, "export.request", admin, target_type="export", target_id=values["id"], details=details),
        )
    return docs


def onestop_token(ref: Reference, first: date) -> Docs:
    from formplatform.accounts.models import ApiToken

    values = {
        "id": ref.onestop.id,
        "token_hash": hashlib.sha256(ref.onestop.id.encode()).hexdigest(),
        "kind": "integration",
        "name": ref.onestop.name,
        "scopes": ["dossiers:write"],
        "agency_id": ref.root_id,
        "created_by": ref.users["admin"].id,
        "expires_at": moment(ref.now + timedelta(days=365)),
        "created_at": datetime.combine(first, datetime.min.time()),
    }
    return {"api_tokens": [shaped(ApiToken, values)]}


def intake_dossiers(ref: Reference, wards: list[Any], count: int, stage: int) -> tuple[Docs, list[str]]:
    """Finished, unrated dossiers of `wards`, received ten days ago, for the timed QR and kiosk ratings."""
    from formplatform.satisfaction.models import Dossier

    rnd = random.Random(2 * 10**9 + stage)
    received = moment(ref.now - timedelta(days=10))
    finished = moment(ref.now - timedelta(days=2))
    docs, codes = [], []
    for n in range(count):
        ward = wards[n % len(wards)]
        code = f"{ward.code}-{received:%y%m%d}-{INTAKE_SEQUENCE + stage * 400 + n:04d}"
        values = {
            "id": code,
            "agency_id": ward.id,
            "procedure_code": "1.001193",
            "procedure_name": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
            "field_name": {"vi": "Hộ tịch", "en": "Civil status"},
            "officials": {"receive": {"id": "tn1", "name": person(rnd)}, "process": {"id": "xl1", "name": person(rnd)}},
            "applicant": person(rnd),
            "received_at": received,
            "due_at": moment(received + timedelta(days=7)),
            "finished_at": finished,
            "status": "returned",
            "history": [{"status": "received", "at": received}, {"status": "returned", "at": finished}],
            "source": "api",
            "created_at": received,
            "updated_at": finished,
        }
        docs.append(shaped(Dossier, values))
        codes.append(code)
    return {"dossiers": docs}, codes
