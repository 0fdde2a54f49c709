from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from learning_records.activities import XapiActivityMixin


class ParcoursPage(Page):
    """The à la carte path: lists the modules, the entry module first."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["parcours.ModulePage"]
    max_count = 1

    class Meta:
        verbose_name = _("path")


class ModulePage(XapiActivityMixin, Page):
    """A short practical module (1h30). Exactly one module is the mandatory entry point."""

    XAPI_KIND = "module"
    XAPI_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/module"

    summary = models.TextField(_("summary"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    is_entry_module = models.BooleanField(
        _("entry module"), default=False,
        help_text=_("The single, mandatory entry point of the path. Exactly one module has it."),
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisite modules"), blank=True, symmetrical=False, related_name="required_by",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("is_entry_module"),
        FieldPanel("prerequisites"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["parcours.ParcoursPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("module")
