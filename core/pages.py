"""Page bases shared by the content apps (fiches, videos…), so that they never import the `home` app.

`home` sits above the content apps (the home page shows their pages and features a testimonial and a video),
so anything the content apps share lives here, in `core`, which imports none of them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction

from core import fragments


class CachedViewRestrictionsMixin:
    """Before serving a page Wagtail reads the view restrictions of the page and its ancestors: two queries on
    every request. Which restrictions apply is kept by page until a page or a restriction changes
    (core.fragments, `PAGES`: publish, unpublish, move, deletion, restriction saved or deleted in
    core.receivers): a page without restriction then costs no query, a restricted one a single one, and each
    restriction is still checked against the request as Wagtail does (groups, password, login)."""

    def get_view_restrictions(self):
        ids = fragments.cached(
            "view-restrictions",
            (fragments.PAGES,),
            [self.pk],
            lambda: list(super(CachedViewRestrictionsMixin, self).get_view_restrictions().values_list("pk", flat=True)),
        )
        return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


class ListingPage(CachedViewRestrictionsMixin, Page):
    """A section's single listing page, directly under the home page (fiches, videos, testimonials)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    max_count = 1

    class Meta:
        abstract = True
