from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import StandardBodyBlock
from fiches.models import FichePage
from parcours.models import ModulePage
from videos.models import TestimonialPage, VideoPage

LATEST_FICHES = 3


class HomePage(Page):
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["entry_module"] = ModulePage.objects.live().filter(is_entry_module=True).select_related("theme").first()
        context["latest_fiches"] = (
            FichePage.objects.live().select_related("theme").order_by("-first_published_at", "-pk")[:LATEST_FICHES]
        )
        testimonial = None
        if self.featured_testimonial_id:
            testimonial = TestimonialPage.objects.live().filter(pk=self.featured_testimonial_id)
        else:
            testimonial = TestimonialPage.objects.live().order_by("-first_published_at", "-pk")
        context["testimonial"] = testimonial.select_related("photo", "directorate").first()
        if self.featured_video_id:
            video = VideoPage.objects.live().filter(pk=self.featured_video_id)
        else:
            video = VideoPage.objects.live().order_by("-first_published_at", "-pk")
        context["video"] = video.select_related("video", "poster", "captions").first()
        return context


class StandardPage(Page):
    """A plain page: accessibility statement, legal notice, personal data…"""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(StandardBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
