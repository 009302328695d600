"""StreamField blocks editors arrange on the landing and content pages.

Editors write the copy; figures (prices, fees, sessions, mentors) always come from core.
"""

from datetime import timedelta

from django.conf import settings
from wagtail import blocks

from core.bookings.services import HOLD_MINUTES, LEARNER_CANCEL_BEFORE
from core.money import ROUNDING_RULE, format_inr, split, split_rounds

ICON_CHOICES = [
    ("video-camera", "Video"),
    ("currency-rupee", "Rupee"),
    ("shield-check", "Shield"),
    ("academic-cap", "Graduation cap"),
    ("light-bulb", "Light bulb"),
    ("chat-bubble-left-right", "Chat"),
    ("calendar", "Calendar"),
    ("sparkles", "Sparkles"),
    ("star", "Star"),
]


class ValuePropBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(choices=ICON_CHOICES, default="sparkles")
    title = blocks.CharBlock(max_length=60)
    text = blocks.TextBlock(max_length=200)


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    primary_label = blocks.CharBlock(max_length=40, default="Join as a learner")
    secondary_label = blocks.CharBlock(max_length=40, default="Become a mentor")
    highlights = blocks.ListBlock(
        ValuePropBlock(), max_num=4, default=[], help_text="Value propositions shown beside the heading."
    )

    class Meta:
        icon = "title"
        template = "blocks/hero.html"
        description = "The opening statement, the two sign-up buttons and up to four value propositions."
        preview_value = {
            "heading": "Learn one-to-one from people who have done it",
            "text": "Book a live video session with a mentor and pay in rupees.",
            "primary_label": "Join as a learner",
            "secondary_label": "Become a mentor",
        }


class ValuePropsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    items = blocks.ListBlock(ValuePropBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "pick"
        template = "blocks/value_props.html"
        description = "Short promises with an icon each (what makes PeerLearn worth it)."
        preview_value = {
            "heading": "Why PeerLearn",
            "items": [
                {"icon": "video-camera", "title": "Live, one-to-one", "text": "Just you and your mentor."},
                {"icon": "currency-rupee", "title": "Pay in rupees", "text": "Charged only if the mentor accepts."},
            ],
        }


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock()


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(StepBlock())

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"
        description = "Numbered steps, e.g. how PeerLearn works."
        preview_value = {
            "heading": "How PeerLearn works",
            "steps": [
                {"title": "Find a session", "text": "Browse by topic, price and time."},
                {"title": "Book and pay", "text": "Pay securely with Razorpay."},
            ],
        }


class LiveSectionsBlock(blocks.StructBlock):
    """Where the real "Top live sessions" and "Best mentor sessions" rows go. The cards come
    from core (``page.get_context``); editors only write the headings."""

    sessions_heading = blocks.CharBlock(max_length=80, default="Top live sessions")
    sessions_lead = blocks.CharBlock(
        max_length=160, required=False, default="Live video, one-to-one. Times are shown in your timezone."
    )
    mentors_heading = blocks.CharBlock(max_length=80, default="Best mentor sessions")
    mentors_lead = blocks.CharBlock(
        max_length=160, required=False, default="Approved mentors with sessions coming up, busiest first."
    )

    class Meta:
        icon = "view"
        template = "blocks/live_sections.html"
        description = "The live rows of real sessions and mentors (filled automatically)."
        preview_value = {"sessions_heading": "Top live sessions", "mentors_heading": "Best mentor sessions"}


class FeeExplainerBlock(blocks.StructBlock):
    """How a price splits, computed from the platform's real rates for an example price."""

    heading = blocks.CharBlock(max_length=120, default="What you pay, what mentors earn")
    text = blocks.TextBlock(required=False)
    example_price_rupees = blocks.IntegerBlock(min_value=100, max_value=50000, default=1000)

    class Meta:
        icon = "doc-full"
        template = "blocks/fee_explainer.html"
        description = "A worked example of the fee and the mentor's share (figures computed, not typed)."
        preview_value = {"heading": "What you pay, what mentors earn", "example_price_rupees": 1000}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        example = split(int(value["example_price_rupees"]) * 100)
        context["example"] = {
            "price": format_inr(example.price_paise),
            "fee": format_inr(example.fee_paise),
            "learner_pays": format_inr(example.amount_paise),
            "mentor_earns": format_inr(example.mentor_share_paise),
            "platform_keeps": format_inr(example.app_share_paise),
        }
        # Rates that leave fractions of a paisa (docs/decisions/0002-money-in-paise-and-the-split.md):
        # say how they round.
        context["rounding_rule"] = ROUNDING_RULE if split_rounds() else ""
        return context


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    audience = blocks.ChoiceBlock(
        choices=[("both", "Learners and mentors"), ("learner", "Learners"), ("mentor", "Mentors")], default="both"
    )

    class Meta:
        icon = "pick"
        template = "blocks/cta.html"
        description = "A closing invitation with sign-up buttons."
        preview_value = {"heading": "Ready when you are", "audience": "both"}


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link"])


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Questions")
    questions = blocks.ListBlock(QuestionBlock())

    class Meta:
        icon = "help"
        template = "blocks/faq.html"
        description = "Questions and answers, shown as a disclosure list."
        preview_value = {"heading": "Questions", "questions": []}


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


class PolicyFactsBlock(blocks.StructBlock):
    """The rules and contacts the legal pages state, rendered from the settings and the code
    that applies them, so that a page never promises a window or an address the site does not
    keep. Editors choose which facts and write the heading and the words around them."""

    heading = blocks.CharBlock(max_length=120)
    topic = blocks.ChoiceBlock(
        choices=[
            ("refunds", "Payment, cancellation and refund rules"),
            ("retention", "How long data is kept"),
            ("contact", "Support and grievance officer"),
        ]
    )

    class Meta:
        icon = "list-ul"
        template = "blocks/policy_facts.html"
        description = "Refund rules, retention periods or contacts, with figures from the settings (not typed)."
        preview_value = {"heading": "The rules", "topic": "refunds"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["facts"] = {
            "hold_minutes": HOLD_MINUTES,
            "cancel_hours": _hours(LEARNER_CANCEL_BEFORE),
            "no_show_minutes": settings.ROOM_NO_SHOW_MINUTES,
            "dispute_hours": settings.EARNINGS_HOLD_HOURS,
            "fee_percent": settings.PLATFORM_FEE_PERCENT,
            "mentor_percent": settings.MENTOR_SHARE_PERCENT,
            "recording_days": settings.RECORDING_RETENTION_DAYS,
            "support_email": settings.SUPPORT_EMAIL,
            "grievance_name": settings.GRIEVANCE_OFFICER_NAME,
            "grievance_email": settings.GRIEVANCE_OFFICER_EMAIL,
        }
        return context


class BodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    value_props = ValuePropsBlock()
    live_sections = LiveSectionsBlock()
    steps = StepsBlock()
    fee_explainer = FeeExplainerBlock()
    faq = FaqBlock()
    cta = CallToActionBlock()
    policy_facts = PolicyFactsBlock()
    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        template="blocks/text.html",
        icon="pilcrow",
        description="Free text with headings, links and lists.",
    )
