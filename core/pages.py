"""Page bases shared by the content apps (fiches, videos…), so that they never import the `home` app.

`home` sits above the content apps (the home page shows their pages and features a testimonial and a video),
so anything the content apps share lives here, in `core`, which imports none of them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class ListingPage(Page):
    """A section's single listing page, directly under the home page (fiches, videos, testimonials)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        abstract = True
