from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core import dates
from core.blocks import ModuleProgrammeBlock
from core.pages import CachedViewRestrictionsMixin
from learning_records import vocabulary
from learning_records.activities import XapiActivityMixin


class ParcoursPage(CachedViewRestrictionsMixin, Page):
    """The à la carte path: lists the modules, the entry module first."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["parcours.ModulePage"]
    max_count = 1

    class Meta:
        verbose_name = _("path")

    def get_modules(self):
        """Live modules, the entry module first, then in the editors' order."""
        return ModulePage.objects.child_of(self).live().select_related("theme").order_by("-is_entry_module", "path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.get_modules()
        return context


class ModulePageForm(WagtailAdminPageForm):
    """A new module requires the entry module by default (the editor may untick it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and "prerequisites" in self.fields and not self.is_bound:
            entry = ModulePage.objects.filter(is_entry_module=True).values_list("pk", flat=True).first()
            if entry is not None:
                self.initial["prerequisites"] = [entry]


class ModulePage(CachedViewRestrictionsMixin, XapiActivityMixin, Page):
    """A short practical module (1h30). Exactly one module is the mandatory entry point."""

    XAPI_KIND = "module"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_MODULE
    XAPI_RECORD_VIEWS = True  # learning_records.wagtail_hooks records `viewed` once per agent and day

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("on site")
        REMOTE = "remote", _("remote")
        BOTH = "both", _("on site or remote")

    theme = models.ForeignKey(
        "core.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="modules"
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Two or three sentences shown in the path."))
    objectives = RichTextField(
        _("learning objectives"),
        blank=True,
        features=["bold", "italic", "ul", "ol"],
        help_text=_("What participants will be able to do after the module, as a list."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ON_SITE)
    is_entry_module = models.BooleanField(
        _("entry module"),
        default=False,
        help_text=_("The single, mandatory entry point of the path. Exactly one module has it."),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisite modules"),
        blank=True,
        symmetrical=False,
        related_name="required_by",
        help_text=_(
            "Modules an agent must have completed first. Every later module normally requires the entry module."
        ),
    )
    programme = StreamField(
        ModuleProgrammeBlock(),
        verbose_name=_("programme"),
        blank=True,
        help_text=_("The run of the session (“déroulé”), step by step."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("summary"),
                FieldPanel("duration_minutes"),
                FieldPanel("format"),
                FieldPanel("is_entry_module"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Module"),
        ),
        FieldPanel("objectives"),
        FieldPanel("programme"),
        InlinePanel("documents", label=_("Attached documents"), heading=_("Documents (run sheet, handouts)")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("programme"),
        index.FilterField("is_entry_module"),
    ]
    parent_page_types = ["parcours.ParcoursPage"]
    subpage_types = ["trainers.FacilitationKitPage"]  # the facilitators' version, one per module
    base_form_class = ModulePageForm

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def clean(self):
        super().clean()
        others = ModulePage.objects.exclude(pk=self.pk) if self.pk else ModulePage.objects.all()
        other_entries = others.filter(is_entry_module=True)
        if self.is_entry_module and other_entries.exists():
            raise ValidationError(
                {
                    "is_entry_module": _(
                        "“%(title)s” is already the entry module: there is exactly one. Remove the flag there first."
                    )
                    % {"title": other_entries.first().title}
                }
            )
        if not self.is_entry_module and not other_entries.exists():
            raise ValidationError(
                {"is_entry_module": _("The path needs exactly one entry module: tick this box for this module.")}
            )

    @property
    def duration_label(self):
        return dates.duration(self.duration_minutes or 0)

    @property
    def search_excerpt(self):
        return self.summary

    def get_context(self, request, *args, **kwargs):
        """What the page shows besides its own fields, built only when a fragment of the template that shows it
        is rebuilt (parcours/module_page.html caches them until a page changes: core.fragments): even an
        unevaluated queryset costs its construction on every request."""
        context = super().get_context(request, *args, **kwargs)
        context["prerequisite_modules"] = SimpleLazyObject(
            lambda: list(self.prerequisites.live().only("id", "title", "url_path", "depth", "path"))
        )
        context["module_documents"] = SimpleLazyObject(lambda: list(self.documents.select_related("document")))
        context["related_fiches"] = SimpleLazyObject(lambda: list(self.fiches.live().select_related("theme")[:12]))
        context["related_videos"] = SimpleLazyObject(lambda: list(self.videos.live()[:6]))
        context["related_testimonials"] = SimpleLazyObject(lambda: list(self.testimonials.live()[:6]))
        return context


class ModuleDocument(Orderable):
    """A document attached to a module: the run sheet, a handout…"""

    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    def __str__(self):
        return self.label or self.document.title
