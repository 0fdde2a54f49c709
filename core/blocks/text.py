"""Text family: heading, rich text, quote."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    class Meta:
        label = _("Heading")
        icon = "title"
        form_classname = "title"
        template = "core/blocks/heading.html"
        description = _("A section heading (level 2), for the page outline read by screen readers.")
        preview_value = "Déroulé de la séance"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        label = _("Rich text")
        icon = "pilcrow"
        template = "core/blocks/paragraph.html"
        description = _("Paragraphs with bold, italics, links and lists.")
        preview_value = (
            "<p>L'intelligence collective, c'est la capacité d'un groupe à produire "
            "<b>mieux que la somme</b> de ses membres.</p>"
        )


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    author = blocks.CharBlock(label=_("Author"), required=False, max_length=200)
    source = blocks.CharBlock(label=_("Role or source"), required=False, max_length=200)

    class Meta:
        label = _("Quote")
        icon = "openquote"
        template = "core/blocks/quote.html"
        description = _("A quotation, with its author and their role.")
        preview_value = {
            "quote": "On repart avec des outils que l'on peut utiliser dès le lendemain dans son équipe.",
            "author": "Emilie",
            "source": "participante du PassInnov",
        }
