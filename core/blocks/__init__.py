"""StreamField blocks of the editorial pages, grouped by family (one template per block, under
core/templates/core/blocks/). Page models compose them into the stream blocks defined here."""

from wagtail import blocks

from core.blocks.dsfr import AccordionBlock, CalloutBlock, CardGridBlock, HighlightBlock
from core.blocks.media import DocumentLinkBlock, ImageBlock, VideoBlock
from core.blocks.structure import StepBlock, StepsBlock
from core.blocks.text import HeadingBlock, ParagraphBlock, QuoteBlock

__all__ = [
    "AccordionBlock",
    "CalloutBlock",
    "CardGridBlock",
    "DocumentLinkBlock",
    "HeadingBlock",
    "HighlightBlock",
    "ImageBlock",
    "ParagraphBlock",
    "QuoteBlock",
    "StandardBodyBlock",
    "StepBlock",
    "StepsBlock",
    "VideoBlock",
    "ModuleProgrammeBlock",
]


class StandardBodyBlock(blocks.StreamBlock):
    """Everything an editor may put in the body of a standard or editorial page."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    highlight = HighlightBlock()
    accordion = AccordionBlock()
    document = DocumentLinkBlock()
    steps = StepsBlock()
    cards = CardGridBlock()
    video = VideoBlock()

    class Meta:
        block_counts = {}


class ModuleProgrammeBlock(blocks.StreamBlock):
    """The programme ("déroulé") of a module: timed steps, explanations, callouts."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    steps = StepsBlock()
    callout = CalloutBlock()
    highlight = HighlightBlock()
    accordion = AccordionBlock()
    document = DocumentLinkBlock()
    image = ImageBlock()
