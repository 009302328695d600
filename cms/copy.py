# ruff: noqa: E501 - long sentences of page copy read better unbroken
"""The default copy of the pages ``landing_pages_ensure()`` creates. Editors change it in /cms/.

Honest copy only: what PeerLearn does and costs. No invented testimonials, counts or logos.
"""

import json


def _stream(*blocks: tuple[str, object]) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


LANDING_BODY = _stream(
    (
        "hero",
        {
            "heading": "Learn one-to-one from people who have done it",
            "text": (
                "Book a live video session with a mentor, pay in rupees, and meet in a room "
                "with chat, a shared whiteboard and your topics checklist."
            ),
            "primary_label": "Join as a learner",
            "secondary_label": "Become a mentor",
            "highlights": [
                {
                    "icon": "video-camera",
                    "title": "Live, one-to-one",
                    "text": "Just you and your mentor, with chat, a shared whiteboard and your topics checklist.",
                },
                {
                    "icon": "currency-rupee",
                    "title": "Pay in rupees",
                    "text": "Pay with Razorpay when you book. You are charged only if the mentor accepts.",
                },
                {
                    "icon": "shield-check",
                    "title": "Approved mentors",
                    "text": "Our team reviews every mentor profile before their sessions go public.",
                },
            ],
        },
    ),
    (
        "live_sections",
        {
            "sessions_heading": "Top live sessions",
            "sessions_lead": "Live video, one-to-one. Times are shown in your timezone.",
            "mentors_heading": "Best mentor sessions",
            "mentors_lead": "Approved mentors with sessions coming up, busiest first.",
        },
    ),
    (
        "steps",
        {
            "heading": "How PeerLearn works",
            "steps": [
                {"title": "Find a session", "text": "Browse upcoming sessions by topic, price, time and mentor."},
                {
                    "title": "Book and pay",
                    "text": "Pay securely with Razorpay. You are charged only if the mentor accepts.",
                },
                {
                    "title": "Meet live",
                    "text": "Join the video room ten minutes before the start. Chat, draw and tick off topics together.",
                },
            ],
        },
    ),
    (
        "fee_explainer",
        {
            "heading": "What you pay, what mentors earn",
            "text": "Mentors set their price. Learners pay it plus a 10% platform fee; mentors keep 90% of the price.",
            "example_price_rupees": 1000,
        },
    ),
    (
        "faq",
        {
            "heading": "Questions",
            "questions": [
                {
                    "question": "What does a session cost?",
                    "answer": "<p>The mentor sets the price. You pay that price plus a 10% platform fee, shown before you pay.</p>",
                },
                {
                    "question": "What if the mentor does not accept or does not turn up?",
                    "answer": "<p>Your payment is released or refunded in full. You are never charged for a session that does not happen.</p>",
                },
                {
                    "question": "How much do mentors earn?",
                    "answer": "<p>Mentors keep 90% of their session price and withdraw it to a bank account or UPI.</p>",
                },
            ],
        },
    ),
    (
        "cta",
        {
            "heading": "Ready when you are",
            "text": "Join as a learner to book your first session, or as a mentor to publish yours.",
            "audience": "both",
        },
    ),
)

CONTENT_PAGES = [
    (
        "about",
        "About PeerLearn",
        _stream(
            (
                "text",
                "<h2>One learner, one mentor, one hour</h2>"
                "<p>PeerLearn is a marketplace for live one-to-one mentoring in India. Mentors publish "
                "sessions on what they know; learners book the ones they need and meet them on video.</p>",
            )
        ),
    ),
    (
        "become-a-mentor",
        "Become a mentor",
        _stream(
            (
                "text",
                "<h2>Teach what you know</h2>"
                "<p>Register as a mentor, tell us your domains and skills, and publish sessions once an "
                "admin has approved your profile. You keep 90% of each session's price.</p>",
            )
        ),
    ),
    (
        "pricing",
        "Pricing",
        _stream(
            (
                "text",
                "<h2>Clear prices in rupees</h2>"
                "<p>Learners pay the mentor's price plus a 10% platform fee. For a ₹1,000 session you "
                "pay ₹1,100; the mentor earns ₹900 and PeerLearn keeps ₹200.</p>",
            )
        ),
    ),
]
