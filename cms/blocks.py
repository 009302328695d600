"""StreamField blocks editors arrange on the landing and content pages."""

from wagtail import blocks


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    primary_label = blocks.CharBlock(max_length=40, default="Join as a learner")
    secondary_label = blocks.CharBlock(max_length=40, default="Become a mentor")

    class Meta:
        icon = "title"
        template = "blocks/hero.html"
        description = "The big opening statement with the two sign-up buttons."


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock()


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(StepBlock())

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"
        description = "Numbered steps, e.g. how PeerLearn works or value propositions."


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


class BodyBlock(blocks.StreamBlock):
    hero = HeroBlock()
    steps = StepsBlock()
    faq = FaqBlock()
    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"], template="blocks/text.html", icon="pilcrow"
    )
