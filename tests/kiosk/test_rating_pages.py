"""The phone pages: a dossier's QR opens its rating page; an agency poster asks for the code first."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.satisfaction import answers, make_dossier, pin_of


@pytest.fixture
def dossier(app, city, seeded):
    with app.app_context():
        return make_dossier(city, "d1_ward", seq=12)


def token_for(app, code):
    from kiosk.tokens import mint_rating_token

    with app.test_request_context():
        return mint_rating_token(code)


def page_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def page_card(html: str) -> str:
    return re.search(r'name="card" value="([^"]+)"', html).group(1)


def form_answers(points: int = 2, overall: str = "very_satisfied") -> dict[str, str]:
    return answers(points, overall)


def test_the_qr_page_shows_the_dossier_and_stores_one_rating(app, client, dossier):
    from formplatform.satisfaction.models import Rating

    token = token_for(app, dossier.id)
    page = client.get(f"/r/{token}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert dossier.id in html and "Issuing a copy of a civil-status extract" in html
    assert "Phạm Minh Khoa" not in html and "P. M. K." in html  # the applicant's name is masked
    sent = client.post(f"/r/{token}", data={**form_answers(), "csrf_token": page_csrf(html)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/rate/thanks")
    rating = Rating.objects.get(dossier_code=dossier.id)
    assert (rating.channel, rating.total, rating.overall, rating.locale) == ("qr", 18, "very_satisfied", "en")
    again = client.get(f"/r/{token}")
    assert again.status_code == 409 and "already been rated" in again.get_data(as_text=True)


def test_an_incomplete_rating_is_refused_with_the_answers_kept(app, client, dossier):
    from formplatform.satisfaction.models import Rating

    token = token_for(app, dossier.id)
    html = client.get(f"/r/{token}?lang=en").get_data(as_text=True)
    partial = {**form_answers(), "csrf_token": page_csrf(html)}
    del partial["c4"]
    sent = client.post(f"/r/{token}", data=partial)
    body = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "Please answer every required question." in body
    assert Rating.objects.count() == 0  # the token is not spent
    kept = re.findall(r'<input[^>]*name="c1"[^>]*>', body)
    assert any('value="2"' in tag and "checked" in tag for tag in kept)  # what was answered is kept


def test_forged_and_unknown_tokens_are_refused_clearly(app, client, dossier):
    forged = client.get("/r/not-a-token?lang=en")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    token = token_for(app, "000.31.31.H29-261110-9999")
    unknown = client.get(f"/r/{token}?lang=en")
    assert unknown.status_code == 404 and "No dossier has this code" in unknown.get_data(as_text=True)


def test_a_dossier_still_in_progress_cannot_be_rated(app, client, city, seeded):
    with app.app_context():
        pending = make_dossier(city, "d1_ward", seq=3, status="processing")
    page = client.get(f"/r/{token_for(app, pending.id)}?lang=en")
    assert page.status_code == 409 and "still being handled" in page.get_data(as_text=True)


def test_the_poster_page_completes_a_short_code_with_the_agency(app, client, city, dossier):
    ward = city.agencies["d1_ward"]
    form = client.get(f"/rate?agency={ward.id}&lang=en")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Ben Nghe Ward" in html
    pin = pin_of(app, dossier.id)
    data = {"code": " 261110-0012\n", "pin": pin, "agency": ward.id, "csrf_token": page_csrf(html)}
    sent = client.post("/rate", data=data)
    assert sent.status_code == 302 and "/r/" in sent.headers["Location"]
    rate_page = client.get(sent.headers["Location"])
    assert rate_page.status_code == 200 and dossier.id in rate_page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("hello", 422, "A dossier code looks like"),
        ("000.31.31.H29-261399-0001", 422, "A dossier code looks like"),  # 99th day of a 13th month
        ("000.31.31.H29-261110-0077", 404, "No dossier has this code"),
    ],
)
def test_the_code_page_explains_bad_codes(app, client, dossier, code, status, message):
    html = client.get("/rate?lang=en").get_data(as_text=True)
    sent = client.post("/rate", data={"code": code, "csrf_token": page_csrf(html)})
    assert sent.status_code == status and message in sent.get_data(as_text=True)


def test_the_rating_keeps_the_dossier_its_page_showed(app, client, city, dossier):
    """The page sends back the dossier's signed card: the rating is built from what the citizen saw, not
    read again. A card of another dossier, or a tampered one, is not believed: the dossier is read."""
    from formplatform.satisfaction.models import Dossier, Rating

    other = make_dossier(city, "d1_ward", seq=13)
    token, other_token = token_for(app, dossier.id), token_for(app, other.id)
    html = client.get(f"/r/{token}").get_data(as_text=True)
    other_card = page_card(client.get(f"/r/{other_token}").get_data(as_text=True))
    renamed = {"receive": {"id": "cb.moi", "name": "Người Mới"}}
    Dossier.objects(id__in=[dossier.id, other.id]).update(set__officials=renamed)  # corrected after the page
    sent = client.post(f"/r/{token}", data={**form_answers(), "csrf_token": page_csrf(html), "card": page_card(html)})
    assert sent.status_code == 302
    assert Rating.objects.get(dossier_code=dossier.id).names["receive"] == "Nguyễn Văn Tiếp"
    without_card = client.post(f"/r/{other_token}", data={**form_answers(), "csrf_token": page_csrf(html), "card": ""})
    assert without_card.status_code == 302  # no card: read as it is now
    assert Rating.objects.get(dossier_code=other.id).names["receive"] == "Người Mới"
    card = page_card(html)
    assert "Nguyễn Văn Tiếp" not in html and "cb.tiepnhan" not in html  # sealed: the officials stay unread
    tampered = card[:30] + ("A" if card[30] != "A" else "B") + card[31:]
    with app.test_request_context():
        from kiosk.tokens import open_card

        assert open_card(card, dossier.id)[0]["o"]["receive"]["name"] == "Nguyễn Văn Tiếp"
        assert open_card(other_card, dossier.id) is None and open_card(tampered, dossier.id) is None
        assert open_card("not a card", dossier.id) is None and open_card("ä", dossier.id) is None


def test_a_card_is_believed_only_while_recent_and_only_of_a_rateable_dossier():
    from datetime import datetime, timedelta

    from formplatform.satisfaction.rating_cards import CARD_MAX_AGE, dossier_of_card

    now = datetime(2026, 12, 7, 9, 0)
    card = {"a": "agency-1", "s": "returned", "p": "1.001234", "n": {"vi": "Thủ tục"}, "o": {"return": {"id": "x"}}}
    shown = dossier_of_card("CODE-1", card, now - timedelta(minutes=5), now)
    assert (shown.id, shown.agency_id, shown.procedure_name, shown.officials["return"]) == (
        "CODE-1",
        "agency-1",
        {"vi": "Thủ tục"},
        {"id": "x"},
    )
    assert dossier_of_card("CODE-1", card, now - CARD_MAX_AGE - timedelta(seconds=1), now) is None
    assert dossier_of_card("CODE-1", card, now + timedelta(minutes=10), now) is None
    assert dossier_of_card("CODE-1", {**card, "s": "processing"}, now, now) is None
    assert dossier_of_card("CODE-1", None, now, now) is None and dossier_of_card("CODE-1", card, None, now) is None
