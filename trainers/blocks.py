"""Blocks of a facilitation kit: the run sheet as timed sequences."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

MAX_SEQUENCE_MINUTES = 240


class SequenceBlock(blocks.StructBlock):
    """One timed sequence of the run sheet, written for the person who facilitates it."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    duration_minutes = blocks.IntegerBlock(label=_("Duration (minutes)"), min_value=1, max_value=MAX_SEQUENCE_MINUTES)
    objective = blocks.TextBlock(label=_("Objective"), help_text=_("What the group has achieved at the end."))
    instructions = blocks.RichTextBlock(
        label=_("Instructions for the facilitator"), features=["bold", "italic", "ol", "ul"]
    )
    material = blocks.TextBlock(label=_("Material"), required=False)
    fiche = blocks.PageChooserBlock(label=_("Fiche pratique used"), page_type="fiches.FichePage", required=False)
    pitfalls = blocks.TextBlock(label=_("Common pitfalls"), required=False)

    class Meta:
        label = _("Sequence")
        icon = "time"
        template = "trainers/blocks/sequence.html"
        description = _("A timed sequence: objective, what the facilitator does and says, material, pitfalls.")
        preview_value = {
            "title": "Divergence",
            "duration_minutes": 20,
            "objective": "Chaque sous-groupe a produit au moins trente idées.",
            "instructions": "<p>Annoncez la règle : une idée par post-it, pas de jugement. Lancez le minuteur.</p>",
            "material": "Post-it, feutres, minuteur",
            "pitfalls": "Laisser un participant commenter chaque idée : rappelez la règle.",
        }


class RunSheetBlock(blocks.StreamBlock):
    sequence = SequenceBlock()

    class Meta:
        min_num = 1
