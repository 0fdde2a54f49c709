from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class StandardBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", template="home/blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"), features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="home/blocks/paragraph.html",
    )
