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
            "text": "Mentors set their price. Learners pay it plus a platform fee; the table works it out for an example price.",
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
                    "answer": "<p>The mentor sets the price. You pay that price plus a platform fee, shown before you pay.</p>",
                },
                {
                    "question": "What if the mentor does not accept or does not turn up?",
                    "answer": "<p>Your payment is released or refunded in full. You are never charged for a session that does not happen.</p>",
                },
                {
                    "question": "How much do mentors earn?",
                    "answer": "<p>Mentors keep most of their session price (the fee table shows how much) and withdraw it to a bank account or UPI.</p>",
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
                "admin has approved your profile. You set each session's price and keep most of it: "
                '<a href="/pricing/">Pricing</a> shows the split.</p>',
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
                "<p>Mentors set their own prices. Learners pay the mentor's price plus a platform fee, "
                "and are charged only when the mentor accepts.</p>",
            ),
            ("fee_explainer", {"heading": "An example", "text": "", "example_price_rupees": 1000}),
        ),
    ),
]

# The legal pages. Every figure and address in them comes from a ``policy_facts`` block (the
# settings and the code that apply the rules), never from the copy an editor can type over.
LEGAL_PAGES = [
    (
        "terms",
        "Terms of use",
        _stream(
            (
                "text",
                "<h2>Who we are and what we do</h2>"
                "<p>PeerLearn is a marketplace for live one-to-one mentoring sessions in India. Mentors publish "
                "sessions; learners book and pay for them; the session takes place on video in PeerLearn's "
                "room. By creating an account or booking a session you accept these terms, the "
                '<a href="/privacy/">Privacy notice</a> and the <a href="/refunds/">Refund and cancellation '
                "policy</a>.</p>"
                "<h2>Accounts</h2>"
                "<p>Give your real name and an email address you can read; we send one-time codes to it. Keep "
                "your password and your authenticator app to yourself. Mentors must turn on two-factor "
                "authentication before their first withdrawal. We may block an account that misuses "
                "PeerLearn.</p>"
                "<h2>Mentors</h2>"
                "<p>Our team approves every mentor before their sessions are shown publicly. A mentor "
                "describes each session truthfully, turns up on time, and is paid their share of the price "
                "through PeerLearn, never directly by the learner.</p>"
                "<h2>Learners</h2>"
                "<p>A booking is a request until the mentor accepts it; you are charged only then. Join on "
                "time and treat your mentor with respect.</p>"
                "<h2>Conduct in sessions</h2>"
                "<p>No harassment, hate, sexual content, spam, or sharing someone else's personal data. A "
                "session may be recorded only when both people allow it. Report a problem from the booking "
                'page or write to us (see <a href="/contact/">Contact</a>).</p>',
            ),
            ("fee_explainer", {"heading": "Prices and fees", "text": "", "example_price_rupees": 1000}),
            (
                "text",
                "<h2>Payments, cancellations and refunds</h2>"
                '<p>Payments are processed by Razorpay. The <a href="/refunds/">Refund and cancellation '
                "policy</a> says exactly when you are charged, how to cancel and when you get your money "
                "back.</p>"
                "<h2>Changes and law</h2>"
                "<p>We tell you by email before these terms change in a way that affects you. These terms are "
                "governed by the laws of India.</p>",
            ),
        ),
    ),
    (
        "privacy",
        "Privacy notice",
        _stream(
            (
                "text",
                "<h2>This notice</h2>"
                "<p>PeerLearn is the Data Fiduciary for the personal data you give us, under India's Digital "
                "Personal Data Protection Act, 2023. This notice says what we collect, why, what you can ask "
                "of us, and whom to write to.</p>"
                "<h2>What we collect, and why</h2>"
                "<ul>"
                "<li><b>Account:</b> your name, email address, password (stored only as a hash), role, "
                "timezone and, if you add one, a photo. Purpose: to run your account, sign you in, and send "
                "you one-time codes and notices about your bookings.</li>"
                "<li><b>Profile:</b> a learner's interests and goals, a mentor's domains, skills and "
                "experience. Purpose: to present mentors to learners and to help you find sessions that "
                "fit what you want to learn.</li>"
                "<li><b>Sessions and bookings:</b> what you booked or published, when you joined and left a "
                "room, the chat, whiteboard and ticked topics of your sessions, feedback and reports. "
                "Purpose: to hold the session, pay the mentor, and settle refunds and disputes.</li>"
                "<li><b>Recordings:</b> only when both people in a session allow it. Purpose: so the two of "
                "you can watch it again.</li>"
                "<li><b>Payments and payouts:</b> amounts, Razorpay order, payment and refund references, and "
                "a mentor's payout account (UPI ID or bank account and IFSC). Card numbers and UPI PINs go to "
                "Razorpay, never to us.</li>"
                "<li><b>Security:</b> sign-in attempts and the network address they came from, to stop "
                "password guessing; a session cookie that keeps you signed in.</li>"
                "</ul>"
                "<h2>Consent</h2>"
                "<p>We process your data with your consent, given when you create an account, and for the "
                "legitimate uses the Act allows (for example, keeping records the law requires). You can "
                "withdraw consent at any time by writing to the Grievance Officer; we then stop processing "
                "and delete your data, except what the law requires us to keep. Withdrawing consent does "
                "not undo bookings already paid for. PeerLearn is for adults: we do not knowingly take "
                "accounts of people under 18.</p>"
                "<h2>Who else sees it</h2>"
                "<p>The other person in a booking sees your name, photo and what you share in the session. "
                "Razorpay processes payments and payouts; our email and hosting providers process data on "
                "our behalf and only as we instruct. We do not sell personal data and show no "
                "advertising.</p>"
                "<h2>Your rights</h2>"
                "<p>You may ask for a summary of the personal data we hold about you and of what we do with "
                "it, correct or complete it (most of it you can change yourself in your profile), have it "
                "erased, and nominate someone to exercise these rights if you die or cannot. <b>To delete "
                "your account and its data, write to the Grievance Officer from your account's email "
                "address.</b> We answer every request and complaint, and if you are not satisfied you may "
                "complain to the Data Protection Board of India.</p>",
            ),
            ("policy_facts", {"heading": "How long we keep it", "topic": "retention"}),
            ("policy_facts", {"heading": "Grievance Officer", "topic": "contact"}),
        ),
    ),
    (
        "refunds",
        "Refund and cancellation policy",
        _stream(
            (
                "text",
                "<p>These are the rules PeerLearn applies to every booking. They are worked out by the site "
                "itself, so what you read here is what happens.</p>",
            ),
            ("policy_facts", {"heading": "Payment, cancellation and refunds", "topic": "refunds"}),
            (
                "text",
                '<h2>Questions</h2><p>Questions about a payment: see <a href="/contact/">Contact</a>.</p>',
            ),
        ),
    ),
    (
        "contact",
        "Contact",
        _stream(
            (
                "text",
                "<p>Write to us about a booking, a payment or your account; write to the Grievance Officer "
                "about your personal data or a complaint.</p>",
            ),
            ("policy_facts", {"heading": "Write to us", "topic": "contact"}),
        ),
    ),
]
CONTENT_PAGES = CONTENT_PAGES + LEGAL_PAGES
