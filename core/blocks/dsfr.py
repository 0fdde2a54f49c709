"""DSFR components family: callout, highlight, accordion, card grid."""

import uuid

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from core.blocks.text import RICH_TEXT_FEATURES


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    link = blocks.PageChooserBlock(label=_("Link to a page"), required=False)
    link_label = blocks.CharBlock(label=_("Link label"), required=False, max_length=100)

    class Meta:
        label = _("Callout")
        icon = "info-circle"
        template = "core/blocks/callout.html"
        description = _("A DSFR callout (“mise en avant”): a framed message, optionally with a button.")
        preview_value = {
            "title": "Module d'entrée obligatoire",
            "text": "<p>Commencez par le module « Intelligence collective » : il ouvre tous les autres.</p>",
        }


class HighlightBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        label = _("Highlight")
        icon = "pick"
        template = "core/blocks/highlight.html"
        description = _("A DSFR highlight (“mise en exergue”): one sentence set apart by a coloured bar.")
        preview_value = {
            "text": "<p>Chaque module dure 1\u00a0h\u00a030\u00a0: 20 minutes d'apports, 70 minutes de pratique.</p>"
        }


class AccordionItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    body = blocks.RichTextBlock(label=_("Content"), features=RICH_TEXT_FEATURES)


class AccordionBlock(blocks.StructBlock):
    items = blocks.ListBlock(AccordionItemBlock(), label=_("Sections"), min_num=1)

    class Meta:
        label = _("Accordion")
        icon = "list-ul"
        template = "core/blocks/accordion.html"
        description = _("A DSFR accordion: sections the reader opens one by one (questions and answers…).")
        preview_value = {
            "items": [
                {"title": "Faut-il se préparer ?", "body": "<p>Non : venez avec votre curiosité.</p>"},
                {"title": "Combien de participants ?", "body": "<p>Entre 8 et 16 par session.</p>"},
            ]
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["accordion_id"] = f"accordion-{uuid.uuid4().hex[:10]}"
        return context


class CardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = blocks.TextBlock(label=_("Text"), required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)

    class Meta:
        label = _("Card")


class CardGridBlock(blocks.StructBlock):
    cards = blocks.ListBlock(CardBlock(), label=_("Cards"), min_num=1)

    class Meta:
        label = _("Card grid")
        icon = "table"
        template = "core/blocks/card_grid.html"
        description = _("A grid of DSFR cards, each leading to a page of the site.")
        preview_value = {
            "cards": [
                {"title": "Persona", "text": "Donner un visage aux usagers."},
                {"title": "Brainstorming", "text": "Produire beaucoup d'idées en peu de temps."},
                {"title": "Storyboard", "text": "Raconter le service en images."},
            ]
        }
