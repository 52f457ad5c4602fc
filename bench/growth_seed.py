"""Bulk history for bench/growth.py: a month of ratings, dossiers, submissions and audit events at a time.

`month_documents()` runs in worker processes (forked: they inherit the Reference) and returns each
collection's documents in time order, shaped like the platform's own classes, with the month's roll-up
increments. Ratings come from bench/rankings.py's agency profiles and `make_rating`: per agency and month,
PROTOTYPES ratings (answers, officials, procedure) are made and every rating of the month is one of them
with its own dossier code, times and client address — so a million ratings cost little more than their
insertion. Every rating has its dossier; about one dossier in seven is never rated (in progress, rejected,
withdrawn or simply not rated). About 2 % of ratings are flagged: reviewed (accepted or rejected, with the
reviewer's audit event) unless they are from the last 120 days, which wait in the queue (some 66 at the
small size, so the queue's second page is full at both sizes).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from growth_data import BROWSERS, FAMILY, GIVEN, Quest, Reference, audit, derive, hex_id, shaped
from growth_rollups import MonthRollups, same_as_platform
from rankings import make_rating

PROTOTYPES = 32
LOGINS_PER_DAY = 20
UNRATED_SHARE = 0.15
FLAG_SHARE = 0.02
PENDING_REVIEW = timedelta(days=120)
KPI_SHARE = 0.05  # submissions of the KPI sheet by staff; the rest are public questionnaires
FIELDS = ({"vi": "Hộ tịch", "en": "Civil status"}, {"vi": "Chứng thực", "en": "Certification"})
APPLICANTS = [f"{family} {given}" for family in FAMILY for given in GIVEN]
OPEN_STATUSES = ("received", "processing", "processing", "supplement_requested", "returned")
CLOSED_STATUSES = ("returned", "returned", "returned", "returned", "rejected", "withdrawn")
PLACEHOLDER = datetime(2000, 1, 1)
RATING_VARIES = frozenset({"_id", "dossier_code", "created_at", "stored_at", "address"})
DOSSIER_VARIES = frozenset(
    {"_id", "applicant", "received_at", "due_at", "finished_at", "history", "write_id", "created_at", "updated_at"}
)


@dataclass(frozen=True)
class Task:
    """One month of one stage: how many ratings and submissions, and the code sequences it may use."""

    stage: int  # 0 small, 1 large
    index: int
    first: date
    last: date
    ratings: int
    submissions: int
    seed: int

    @property
    def sequence_base(self) -> int:
        # "<agency>-YYMMDD-XXXX" must be unique: a dossier is received at most 12 days before it is rated,
        # so only neighbouring months can meet on a day; stage and month parity get their own ranges
        return 10 + self.stage * 3000 + (self.index % 2) * 1500


class Month:
    """Generates one task's documents."""

    def __init__(self, ref: Reference, task: Task) -> None:
        self.ref, self.task = ref, task
        self.rnd = random.Random(task.seed)
        self.quest = Quest(ref)
        self.sequences: dict[tuple[str, date], int] = defaultdict(lambda: task.sequence_base)
        self.docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.prototypes: dict[int, list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]] = {}
        self.tally: dict[tuple[int, int, int], list[Any]] = {}  # ratings that count alike -> [one of them, how many]
        self.counted: list[dict[str, Any]] | None = None  # every counted rating, only to check the roll-ups
        self.batches: dict[tuple[str, date], list[str]] = defaultdict(list)
        self.indices = range(len(ref.profiles))
        self.weights = [p.weight for p in ref.profiles]
        self.span = (task.last - task.first).days + 1
        self.latest = ref.now - timedelta(minutes=5)

    def when(self, day: date) -> datetime:
        """Office hours in Ho Chi Minh City (01:00–10:00 UTC), millisecond precision, never in the future."""
        start = datetime(day.year, day.month, day.day, 1)
        return min(start + timedelta(milliseconds=self.rnd.randrange(9 * 3600 * 1000)), self.latest)

    def code(self, agency: Any, received: date) -> str:
        self.sequences[(agency.id, received)] += 1
        sequence = self.sequences[(agency.id, received)]
        assert sequence < self.task.sequence_base + 1500, "too many dossiers per agency and day"
        return f"{agency.code}-{received:%y%m%d}-{sequence:04d}"

    def run(self) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
        for _ in range(self.task.ratings):
            self.rating()
        for _ in range(round(self.task.ratings * UNRATED_SHARE)):
            self.unrated()
        for _ in range(self.task.submissions):
            self.submission()
        self.imports_and_logins()
        order = {"ratings": "created_at", "dossiers": "received_at", "submissions": "submitted_at"}
        for name, docs in self.docs.items():
            docs.sort(key=lambda d: d[order.get(name, "at")])
        rollups = MonthRollups(self.ref.types)
        for rating, times in self.tally.values():  # in order of first arrival, as live intake would count
            rollups.add(rating, times)
        return dict(self.docs), rollups.increments()

    def prototypes_of(self, index: int) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
        """The month's typical ratings of one agency (values, stored rating, stored dossier), made once."""
        from formplatform.satisfaction.models import Dossier, Rating

        if index not in self.prototypes:
            rnd, profile = random.Random(self.task.seed * 1000 + index), self.ref.profiles[index]
            made = []
            for _ in range(PROTOTYPES):
                values = make_rating(
                    profile, datetime.combine(self.task.first, datetime.min.time()), "", cast(Any, self.quest), rnd
                )
                values["id"] = values.pop("_id")
                values.update(stored_at=PLACEHOLDER, **({"address": ""} if values["channel"] != "kiosk" else {}))
                names = values["names"]
                officials = {stage: {"id": who, "name": names[stage]} for stage, who in values["officials"].items()}
                dossier = {"id": "", "agency_id": profile.agency.id, "procedure_code": values["procedure_code"]}
                dossier.update(procedure_name=dict(names["procedure"]), field_name=dict(rnd.choice(FIELDS)))
                dossier.update(officials=officials, applicant="", received_at=PLACEHOLDER, due_at=PLACEHOLDER)
                dossier.update(finished_at=PLACEHOLDER, status="returned", source="api", write_id="")
                dossier.update(created_at=PLACEHOLDER, updated_at=PLACEHOLDER)
                made.append((values, shaped(Rating, values), shaped(Dossier, dossier)))
            self.prototypes[index] = made
        return self.prototypes[index]

    def rating(self) -> None:
        from formplatform.satisfaction.models import Rating

        rnd = self.rnd
        index = rnd.choices(self.indices, self.weights)[0]
        pick = rnd.randrange(PROTOTYPES)
        values, stored, dossier = self.prototypes_of(index)[pick]
        profile = self.ref.profiles[index]
        day = self.task.first + timedelta(days=rnd.randrange(self.span))
        received = day - timedelta(days=rnd.randint(1, 12))
        when, code = self.when(day), self.code(profile.agency, received)
        if rnd.random() < FLAG_SHARE:
            values = {**values, "id": Rating.make_id(code), "dossier_code": code, "created_at": when}
            values["stored_at"] = when
            if "address" in values:
                values["address"] = f"{rnd.getrandbits(96):024x}"
            self.flag(values, when)
            doc = shaped(Rating, values)
        else:
            doc = derive(stored, RATING_VARIES)  # the same fields in the same order; only these differ
            doc["_id"], doc["dossier_code"], doc["created_at"], doc["stored_at"] = (
                Rating.make_id(code),
                code,
                when,
                when,
            )
            if "address" in doc:
                doc["address"] = f"{rnd.getrandbits(96):024x}"
        self.docs["ratings"].append(doc)
        self.rated_dossier(dossier, code, received, when)
        if doc["status"] == "counted":
            tally = self.tally.setdefault(
                (index, pick, when.year * 12 + when.month), [{**values, "created_at": when}, 0]
            )
            tally[1] += 1
            if self.counted is not None:
                self.counted.append({**values, "created_at": when})

    def flag(self, values: dict[str, Any], when: datetime) -> None:
        values["flags"] = ["device_burst" if values["channel"] == "kiosk" else "address_volume"]
        values["status"], values["rolled_up"] = "flagged", False
        if when > self.ref.now - PENDING_REVIEW:
            return  # still waiting in the reviewers' queue
        reviewer = self.ref.users["demo.thamdinh"]
        decision = "accept" if self.rnd.random() < 0.75 else "reject"
        values["status"] = "counted" if decision == "accept" else "rejected"
        values["rolled_up"] = decision == "accept"
        values["reviewed_by"], values["reviewed_at"] = reviewer.id, when + timedelta(days=2, hours=3)
        event = audit(
            self.rnd,
            values["reviewed_at"],
            f"rating.{decision}",
            reviewer,
            target_type="rating",
            target_id=values["id"],
            agency_id=values["agency_id"],
            before={"status": "flagged"},
            after={"status": values["status"]},
            ip="10.10.1.15",
            user_agent=BROWSERS[0],
        )
        self.docs["audit_events"].append(event)

    def rated_dossier(self, prototype: dict[str, Any], code: str, received: date, rated: datetime) -> None:
        at = self.when(received)
        finished = min(at + timedelta(days=self.rnd.randint(1, 9)), rated - timedelta(hours=2))
        doc = derive(prototype, DOSSIER_VARIES)
        doc["_id"], doc["applicant"] = code, self.rnd.choice(APPLICANTS)
        doc["received_at"], doc["due_at"], doc["finished_at"] = at, at + timedelta(days=10), finished
        doc["history"] = [
            {"status": "received", "at": at},
            {"status": "processing", "at": at + timedelta(hours=1)},
            {"status": "finished", "at": finished},
            {"status": "returned", "at": finished},
        ]
        doc["write_id"] = f"onestop-{code[:-12]}-{received:%Y%m%d}"
        doc["created_at"], doc["updated_at"] = at, finished
        self.docs["dossiers"].append(doc)
        self.batches[(prototype["agency_id"], received)].append(code)

    def unrated(self) -> None:
        """A dossier nobody rated: still being handled (recent ones), or ended without a rating."""
        from formplatform.satisfaction.models import Dossier

        rnd = self.rnd
        profile = rnd.choices(self.ref.profiles, self.weights)[0]
        received = self.task.first + timedelta(days=rnd.randrange(self.span)) - timedelta(days=3)
        received = min(received, self.ref.now.date() - timedelta(days=1))
        recent = received > self.ref.now.date() - timedelta(days=21)
        status = rnd.choice(OPEN_STATUSES if recent else CLOSED_STATUSES)
        at = self.when(received)
        history = [{"status": "received", "at": at}, {"status": "processing", "at": at + timedelta(hours=1)}]
        finished = at + timedelta(days=rnd.randint(1, 9)) if status == "returned" else None
        if finished:
            history += [{"status": "finished", "at": finished}, {"status": "returned", "at": finished}]
        elif status != "processing":
            history.append({"status": status, "at": at + timedelta(days=2)})
        (receiver, receiver_name), (processor, processor_name) = profile.receivers[0], profile.processors[0]
        procedure, procedure_name = rnd.choice(profile.procedures)
        code = self.code(profile.agency, received)
        values = {
            "id": code,
            "agency_id": profile.agency.id,
            "procedure_code": procedure,
            "procedure_name": dict(procedure_name),
            "field_name": dict(rnd.choice(FIELDS)),
            "officials": {
                "receive": {"id": receiver, "name": receiver_name},
                "process": {"id": processor, "name": processor_name},
            },
            "applicant": rnd.choice(APPLICANTS),
            "received_at": at,
            "due_at": at + timedelta(days=10),
            "finished_at": finished,
            "status": status,
            "history": history,
            "source": "api",
            "write_id": f"onestop-{profile.agency.code}-{received:%Y%m%d}",
            "created_at": at,
            "updated_at": history[-1]["at"],
        }
        self.docs["dossiers"].append(shaped(Dossier, values))
        self.batches[(profile.agency.id, received)].append(code)

    def submission(self) -> None:
        from formplatform.models import Submission

        rnd, ref = self.rnd, self.ref
        day = self.task.first + timedelta(days=rnd.randrange(self.span))
        at = self.when(day)
        values: dict[str, Any] = {"id": hex_id(rnd), "submitted_at": at, "locale": "vi" if rnd.random() < 0.9 else "en"}
        if rnd.random() < KPI_SHARE:
            agency_id, (data, score, totals) = rnd.choice(ref.kpi_pool)
            version = ref.versions[("kpi-monthly", ref.extra["kpi_version"])]
            staff = next((u for u in ref.users.values() if u.agency_id == agency_id), ref.users["admin"])
            values.update(agency_id=agency_id, submitted_by=staff.id, source="web")
            event = audit(
                rnd,
                at,
                "submission.create",
                staff,
                target_type="submission",
                target_id=values["id"],
                agency_id=agency_id,
                ip="10.20.3.7",
                user_agent=BROWSERS[1],
                details={"form": version.form_key, "version": version.number, "source": "web"},
            )
            self.docs["audit_events"].append(event)
        else:
            version = ref.satisfaction_version(day)
            data, score, totals = rnd.choice(ref.satisfaction_pool[version.number])
            values["source"] = "web" if rnd.random() < 0.7 else "api"
        values.update(form_key=version.form_key, version=version.number, version_hash=version.hash)
        values.update(data=data, score=score, totals=totals)
        self.docs["submissions"].append(shaped(Submission, values))

    def imports_and_logins(self) -> None:
        """One dossier import event per agency and day (the one-stop system's batch), and the day's logins."""
        ref, rnd = self.ref, self.rnd
        for (_agency, day), codes in sorted(self.batches.items()):
            details = {"source": "api", "created": len(codes), "updated": 0, "unchanged": 0, "codes": codes[:100]}
            at = datetime(day.year, day.month, day.day, 10) + timedelta(seconds=rnd.randrange(3000))
            event = audit(rnd, at, "dossier.import", ref.onestop, target_type="dossier", details=details)
            event.update(agency_id=ref.root_id, ip="10.0.0.20", user_agent="python-requests/2.32")
            self.docs["audit_events"].append(event)
        people = list(ref.users.values())
        for offset in range(self.span):
            day = self.task.first + timedelta(days=offset)
            for _ in range(LOGINS_PER_DAY if day.weekday() < 5 else 2):
                user = rnd.choice(people)
                event = audit(rnd, self.when(day), "login.ok", user, target_type="user", target_id=user.id)
                event.update(
                    ip=f"10.20.{rnd.randrange(1, 60)}.{rnd.randrange(2, 250)}", user_agent=rnd.choice(BROWSERS)
                )
                self.docs["audit_events"].append(event)


def month_documents(ref: Reference, task: Task) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
    return Month(ref, task).run()


def checked_month(ref: Reference, task: Task) -> dict[str, list[dict[str, Any]]]:
    """A month's documents, after checking its roll-up increments against the platform's own functions."""
    month = Month(ref, task)
    month.counted = []
    docs, increments = month.run()
    same_as_platform(month.counted, ref.types, increments)
    return docs


def month_tasks(stage: int, first: date, last: date, ratings: int, submissions: int) -> list[Task]:
    """The stage's months, each with its share of ratings and submissions (proportional to its days)."""
    spans, day = [], first
    while day <= last:
        end = min((day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1), last)
        spans.append((day, end))
        day = end + timedelta(days=1)
    days = (last - first).days + 1
    tasks, given_r, given_s = [], 0, 0
    for index, (start, end) in enumerate(spans):
        share = ((end - start).days + 1) / days
        r = ratings - given_r if index == len(spans) - 1 else round(ratings * share)
        s = submissions - given_s if index == len(spans) - 1 else round(submissions * share)
        given_r, given_s = given_r + r, given_s + s
        tasks.append(Task(stage, index, start, end, r, s, seed=stage * 100_000 + index))
    return tasks
