"""Public pages for search engines and link previews: schema.org data checked against the
vocabulary (every type exists, every property belongs to its type, nested values have a type the
property accepts), Open Graph tags, canonical addresses, the sitemap and robots.txt."""

from __future__ import annotations

import importlib
import json
import re
import xml.etree.ElementTree as ET

import pytest
from pydantic.v1 import ValidationError

from core.mentoring.services import session_cancel
from core.mentoring.tests.factories import approved_mentor, session_make
from core.users.models import MentorProfile, Role
from core.users.services import follow_start
from core.users.tests.factories import user_make

pytestmark = pytest.mark.django_db

KEYWORDS = {"@context", "@type", "@id"}


def _schema_type(name: str):
    try:
        return getattr(importlib.import_module(f"pydantic2_schemaorg.{name}"), name)
    except (ImportError, AttributeError):
        return None


def _has_object(value) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(item, dict) for item in value))


def schema_problems(node, path: str = "$") -> list[str]:
    """What in ``node`` (JSON-LD) is not schema.org: unknown types, properties a type does not
    have, nested values of a type the property does not take, values the vocabulary refuses."""
    if isinstance(node, list):
        return [problem for index, item in enumerate(node) for problem in schema_problems(item, f"{path}[{index}]")]
    if not isinstance(node, dict):
        return []
    name = node.get("@type")
    model = _schema_type(name) if isinstance(name, str) else None
    if model is None:
        return [f"{path}: {name!r} is not a schema.org type"]
    fields = {field.alias: field for field in model.__fields__.values()}
    problems = []
    for key, value in node.items():
        if key in KEYWORDS:
            continue
        if key not in fields:
            problems.append(f"{path}.{key}: not a property of {name}")
            continue
        accepted = [_schema_type(word) for word in re.findall(r"'?(\b[A-Z]\w+)'?", str(fields[key].outer_type_))]
        accepted = [kind for kind in accepted if kind is not None]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                nested = _schema_type(item.get("@type", ""))
                if nested is not None and not any(issubclass(nested, kind) for kind in accepted):
                    problems.append(f"{path}.{key}: {item['@type']} is not what {name}.{key} takes")
                problems += schema_problems(item, f"{path}.{key}")
    # The values themselves (dates, numbers, text), nested objects checked above on their own: the
    # models take a nested object only of exactly the named type, not of a subtype (Person as a Thing).
    scalars = {key: value for key, value in node.items() if not _has_object(value)}
    try:
        model.parse_obj(scalars)
    except ValidationError as exc:
        problems.append(f"{path}: {exc}")
    return problems


def test_the_checker_itself_finds_what_is_not_schema_org():
    assert schema_problems({"@type": "Event", "name": "x", "rating": 5}) == ["$.rating: not a property of Event"]
    assert schema_problems({"@type": "Sessionn"}) == ["$: 'Sessionn' is not a schema.org type"]
    assert schema_problems({"@type": "Event", "location": {"@type": "Offer", "price": "1"}}) == [
        "$.location: Offer is not what Event.location takes"
    ]


def _structured(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return match.group(1) if match else ""


@pytest.fixture
def guru():
    guru = approved_mentor("guru@example.com", "Guru Mentor")
    MentorProfile.objects.filter(user=guru).update(
        bio="Ten years of Django. </script><script>alert(1)</script>", skills=["Django", "Python"]
    )
    return guru


def test_a_mentors_page_is_a_profile_page_about_a_person_with_their_sessions(client, guru, learner):
    session = session_make(mentor=guru, title="Django forms, live", hours_from_now=30, topics=["Forms"])
    follow_start(follower=learner, mentor=guru)
    html = client.get(f"/mentors/{guru.pk}-guru-mentor/").content.decode()

    data = _structured(html)
    assert schema_problems(data) == []
    assert data["@type"] == "ProfilePage" and data["url"] == f"http://testserver/mentors/{guru.pk}-guru-mentor/"
    person = data["mainEntity"]
    assert (person["name"], person["knowsAbout"]) == ("Guru Mentor", ["Django", "Python"])
    assert person["interactionStatistic"]["userInteractionCount"] == 1
    [event] = person["performerIn"]
    assert (event["name"], event["url"]) == ("Django forms, live", f"http://testserver/sessions/{session.pk}/")
    assert event["offers"] == {
        "@type": "Offer",
        "url": f"http://testserver/sessions/{session.pk}/",
        "price": "1100.00",  # what the learner pays: the price and the 10 % fee
        "priceCurrency": "INR",
        "availability": "https://schema.org/InStock",
    }
    # A bio cannot end the data block and start a script of its own.
    assert "</script><script>alert(1)" not in html and "\\u003C/script\\u003E" in html
    assert _meta(html, "og:type") == "profile" and _meta(html, "og:title") == "Guru Mentor · Mentor on PeerLearn"
    assert f'<link rel="canonical" href="http://testserver/mentors/{guru.pk}-guru-mentor/">' in html
    assert html.count('rel="canonical"') == 1


def test_a_sessions_page_is_an_online_event(client, guru):
    session = session_make(mentor=guru, title="Django forms, live", hours_from_now=30, description="Forms, end to end.")
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    data = _structured(html)
    assert schema_problems(data) == []
    assert data["@type"] == "Event" and data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["startDate"] == session.starts_at.isoformat()
    assert data["organizer"]["url"] == f"http://testserver/mentors/{guru.pk}-guru-mentor/"
    assert _meta(html, "og:url") == f"http://testserver/sessions/{session.pk}/"
    assert "₹1,100" in _meta(html, "og:description")


def test_the_sitemap_lists_public_pages_only(client, guru):
    hidden = user_make(email="hidden@example.com", name="Not Approved", role=Role.MENTOR)
    open_session = session_make(mentor=guru, title="Open", hours_from_now=30)
    cancelled = session_make(mentor=guru, title="Called off", hours_from_now=40)
    session_cancel(session=cancelled, by=guru)

    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {node.text for node in ET.fromstring(answer.content).findall("s:url/s:loc", namespace)}  # noqa: S314 - our own
    assert "http://testserver/" in locations  # the CMS's landing page
    assert f"http://testserver/mentors/{guru.pk}-guru-mentor/" in locations
    assert f"http://testserver/sessions/{open_session.pk}/" in locations
    assert f"http://testserver/sessions/{cancelled.pk}/" not in locations
    assert not any(f"/mentors/{hidden.pk}-" in location for location in locations)


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    answer = client.get("/robots.txt")
    text = answer.content.decode()
    assert answer.status_code == 200 and answer["Content-Type"] == "text/plain; charset=utf-8"
    for private in ("/dashboard/", "/admin/", "/api/", "/session/", "/bookings/"):
        assert f"Disallow: {private}\n" in text
    assert "Disallow: /mentors/" not in text and "Disallow: /sessions/" not in text
    assert text.endswith("Sitemap: http://testserver/sitemap.xml\n")
