from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtailmedia.edit_handlers import MediaChooserPanel

from core.pages import CachedViewRestrictionsMixin, ListingPage
from core.webvtt import validate_webvtt_document
from learning_records import vocabulary
from learning_records.activities import XapiActivityMixin


class VideoIndexPage(ListingPage):
    subpage_types = ["videos.VideoPage"]

    class Meta:
        verbose_name = _("videos listing")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["videos"] = (
            VideoPage.objects.child_of(self).live().select_related("poster", "related_module").order_by("path")
        )
        return context


class VideoPage(CachedViewRestrictionsMixin, XapiActivityMixin, Page):
    """A hosted video (no oEmbed: the intranet has no internet access), always captioned and transcribed."""

    XAPI_KIND = "video"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_VIDEO

    summary = models.TextField(_("summary"), blank=True)
    video = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name=_("video file"),
        null=True,
        blank=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("An MP4 or WebM file uploaded in Media."),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown before the video plays."),
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("captions (WebVTT)"),
        null=True,
        blank=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A .vtt file with the French captions, uploaded in Documents. Required to publish."),
    )
    transcript = RichTextField(
        _("transcript"),
        features=["bold", "italic", "ol", "ul"],
        help_text=_("Everything said and shown in the video, for people who cannot watch or hear it."),
    )
    related_module = models.ForeignKey(
        "parcours.ModulePage",
        verbose_name=_("related module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="videos",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [MediaChooserPanel("video", media_type="video"), FieldPanel("poster"), FieldPanel("captions")],
            heading=_("Video"),
        ),
        FieldPanel("transcript"),
        FieldPanel("related_module"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("transcript")]
    parent_page_types = ["videos.VideoIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def clean(self):
        super().clean()
        errors = {}
        if self.video_id and self.video.type != "video":
            errors["video"] = _("Choose a video file, not an audio file.")
        if self.captions_id:
            try:
                validate_webvtt_document(self.captions)
            except ValidationError as exc:
                errors["captions"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def search_excerpt(self):
        return self.summary


class TestimonialIndexPage(ListingPage):
    subpage_types = ["videos.TestimonialPage"]

    class Meta:
        verbose_name = _("testimonials listing")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["testimonials"] = (
            TestimonialPage.objects.child_of(self).live().select_related("photo", "directorate").order_by("path")
        )
        return context


class TestimonialPage(CachedViewRestrictionsMixin, Page):
    """An agent tells what the programme changed for them."""

    first_name = models.CharField(_("first name"), max_length=80)
    job_title = models.CharField(_("role"), max_length=200, help_text=_("The person's job, e.g. “cheffe de bureau”."))
    directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("directorate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quote = models.TextField(_("quote"), max_length=400, help_text=_("One or two sentences shown on cards."))
    story = RichTextField(_("story"), features=["bold", "italic", "link", "ol", "ul"])
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(
        _("photo description"),
        max_length=250,
        blank=True,
        help_text=_("Alternative text of the photo; leave empty when the photo is purely decorative."),
    )
    video_page = models.ForeignKey(
        "videos.VideoPage",
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="testimonials",
        help_text=_("A video page of the site (so the video always has captions and a transcript)."),
    )
    related_module = models.ForeignKey(
        "parcours.ModulePage",
        verbose_name=_("related module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="testimonials",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("first_name"), FieldPanel("job_title"), FieldPanel("directorate")],
            heading=_("Who"),
        ),
        FieldPanel("quote"),
        FieldPanel("story"),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt")], heading=_("Photo")),
        FieldPanel("video_page"),
        FieldPanel("related_module"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("first_name"),
        index.SearchField("quote"),
        index.SearchField("story"),
    ]
    parent_page_types = ["videos.TestimonialIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")

    @property
    def search_excerpt(self):
        return self.quote
