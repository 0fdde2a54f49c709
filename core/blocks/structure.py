"""Structure family: ordered steps."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=200)
    duration_minutes = blocks.IntegerBlock(label=_("Duration (minutes)"), required=False, min_value=1, max_value=600)
    description = blocks.RichTextBlock(label=_("Description"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        label = _("Step")
        icon = "order"
        template = "core/blocks/step.html"
        description = _("One step: what the group does, and for how long.")
        preview_value = {
            "title": "Divergence",
            "duration_minutes": 15,
            "description": "<p>Chacun note ses idées sur des post-it, une idée par post-it.</p>",
        }


class StepsBlock(blocks.StructBlock):
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        label = _("Ordered steps")
        icon = "list-ol"
        template = "core/blocks/steps.html"
        description = _("A numbered sequence of steps, with their duration.")
        preview_value = {
            "steps": [
                {"title": "Inclusion", "duration_minutes": 10, "description": "<p>Un tour de table rapide.</p>"},
                {"title": "Mise en pratique", "duration_minutes": 60, "description": "<p>Travail en sous-groupes.</p>"},
            ]
        }
