import copy

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core import fragments
from core.blocks import StandardBodyBlock
from core.pages import CachedViewRestrictionsMixin
from fiches.models import FichePage
from parcours.models import ModulePage
from videos.models import TestimonialPage, VideoPage

LATEST_FICHES = 3


class HomePage(CachedViewRestrictionsMixin, Page):
    """The intranet's front page: what PassInnov is, the entry module, latest fiches, a testimonial, a video."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    body = StreamField(
        StandardBodyBlock(),
        verbose_name=_("about PassInnov"),
        blank=True,
        help_text=_("What PassInnov is, shown under the introduction."),
    )
    featured_testimonial = models.ForeignKey(
        "videos.TestimonialPage",
        verbose_name=_("featured testimonial"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Defaults to the latest testimonial."),
    )
    featured_video = models.ForeignKey(
        "videos.VideoPage",
        verbose_name=_("featured video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Defaults to the latest video."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("featured_testimonial"), FieldPanel("featured_video")], heading=_("Featured")),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "parcours.ParcoursPage",
        "fiches.FicheIndexPage",
        "videos.VideoIndexPage",
        "videos.TestimonialIndexPage",
        "home.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """A live page below the home page without a query: its id and type by URL path, then the live page
        itself, are cached until a page changes (core.fragments), instead of two queries per level of the tree.
        Each request gets its own copy of the cached page. Anything else (a page that is not live, a path no
        page has) goes through Wagtail's own routing."""
        if path_components:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            found = fragments.cached(
                "route",
                (fragments.PAGES,),
                [url_path],
                lambda: Page.objects.live().filter(url_path=url_path).values_list("pk", "content_type_id").first(),
                request,
                keep_empty=False,
            )
            model = found and ContentType.objects.get_for_id(found[1]).model_class()
            page = model and fragments.cached(
                "live-page",
                (fragments.PAGES,),
                [found[0]],
                lambda: model.objects.live().filter(pk=found[0]).first(),
                request,
                keep_empty=False,
            )
            if page is not None:
                page = copy.copy(page)  # what serving sets on the page stays with this request
                if page.depth == self.depth + 1:
                    page._cached_parent_obj = self  # as Wagtail's routing does: no query for the parent
                return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        """What the page shows besides its own fields; each value is read only when a fragment of the template
        is rebuilt (home/home_page.html caches them until a page changes: core.fragments)."""
        context = super().get_context(request, *args, **kwargs)
        context["entry_module"] = SimpleLazyObject(
            lambda: ModulePage.objects.live().filter(is_entry_module=True).select_related("theme").first()
        )
        context["latest_fiches"] = SimpleLazyObject(
            lambda: list(
                FichePage.objects.live().select_related("theme").order_by("-first_published_at", "-pk")[:LATEST_FICHES]
            )
        )
        context["testimonial"] = SimpleLazyObject(self.featured_testimonial_or_latest)
        context["video"] = SimpleLazyObject(self.featured_video_or_latest)
        return context

    def featured_testimonial_or_latest(self):
        if self.featured_testimonial_id:
            testimonials = TestimonialPage.objects.live().filter(pk=self.featured_testimonial_id)
        else:
            testimonials = TestimonialPage.objects.live().order_by("-first_published_at", "-pk")
        return testimonials.select_related("photo", "directorate").first()

    def featured_video_or_latest(self):
        if self.featured_video_id:
            videos = VideoPage.objects.live().filter(pk=self.featured_video_id)
        else:
            videos = VideoPage.objects.live().order_by("-first_published_at", "-pk")
        return videos.select_related("video", "poster", "captions").first()


class StandardPage(CachedViewRestrictionsMixin, Page):
    """A plain page: accessibility statement, legal notice, personal data…"""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(StandardBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
