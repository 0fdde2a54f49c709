from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core import fragments
from core.blocks import StepBlock
from core.pages import CachedViewRestrictionsMixin, ListingPage
from core.sorting import french_order
from fiches.filters import FicheFilterForm, filter_choices
from learning_records import vocabulary
from learning_records.activities import XapiActivityMixin

FICHES_PER_PAGE = 12
LISTING_VALUES = ("fiches", "page_obj", "paginator", "filter_query")


class FicheIndexPage(ListingPage):
    """The fiches pratiques listing, with filters (tag, theme, duration, group size)."""

    subpage_types = ["fiches.FichePage"]

    class Meta:
        verbose_name = _("fiches listing")

    def get_fiches(self):
        return FichePage.objects.child_of(self).live()

    def get_context(self, request, *args, **kwargs):
        """The filters and one page of fiches. The filters' choices and, for valid filters, the page's HTML are
        cached until a page changes (core.fragments, fiches/fiche_index_page.html): the fiches are read only
        when that HTML is rebuilt."""
        context = super().get_context(request, *args, **kwargs)
        choices = fragments.cached(
            "fiche-filter-choices", (fragments.PAGES,), [self.pk], lambda: filter_choices(self.get_fiches()), request
        )
        form = FicheFilterForm(request.GET or None, choices=choices)
        page_number = request.GET.get("page", "1")
        key = form.cache_key()
        listing = SimpleLazyObject(lambda: self.listing(form, page_number, request))
        context.update(
            filter_form=form,
            listing_key=f"{key}|{page_number}" if key is not None and page_number.isdigit() else None,
            **{name: SimpleLazyObject(lambda name=name: listing[name]) for name in LISTING_VALUES},
        )
        return context

    def listing(self, form, page_number, request):
        """One page of the filtered fiches: {fiches, page_obj, paginator, filter_query}."""
        fiches = (
            form.filter(self.get_fiches())
            .select_related("theme")
            .prefetch_related("tags")
            .order_by(french_order("title"), "pk")
        )
        paginator = Paginator(fiches, FICHES_PER_PAGE)
        try:
            page_obj = paginator.page(page_number)
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "fiches": page_obj.object_list,
            "page_obj": page_obj,
            "paginator": paginator,
            "filter_query": query.urlencode(),
        }


class FichePageTag(TaggedItemBase):
    content_object = ParentalKey("fiches.FichePage", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("fiche tag")
        verbose_name_plural = _("fiche tags")


class FichePageForm(WagtailAdminPageForm):
    """A new fiche starts with one empty step to fill, rather than an empty list already in error."""

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is None and not instance.steps:
            step = instance.steps.stream_block.child_blocks["step"]
            instance.steps = [("step", step.get_default())]
        super().__init__(*args, **kwargs)


class FichePage(CachedViewRestrictionsMixin, XapiActivityMixin, Page):
    """A practice sheet: a method agents reuse on their own in their teams."""

    XAPI_KIND = "fiche"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_DOCUMENT
    XAPI_RECORD_VIEWS = True  # learning_records.wagtail_hooks records `viewed` once per agent and day
    base_form_class = FichePageForm

    theme = models.ForeignKey(
        "core.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL, related_name="fiches"
    )
    objective = models.TextField(_("objective"), help_text=_("What the method is for, in one or two sentences."))
    when_to_use = models.TextField(_("when to use it"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(8 * 60)]
    )
    group_size_min = models.PositiveSmallIntegerField(
        _("minimum group size"), default=3, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    group_size_max = models.PositiveSmallIntegerField(
        _("maximum group size"), default=12, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    materials = models.TextField(_("materials"), blank=True, help_text=_("One item per line."))
    steps = StreamField(
        [("step", StepBlock())],
        verbose_name=_("steps"),
        help_text=_("The steps, in order."),
        min_num=1,
    )
    tips = RichTextField(_("facilitator's tips"), blank=True, features=["bold", "italic", "ul", "ol", "link"])
    variants = RichTextField(_("variants"), blank=True, features=["bold", "italic", "ul", "ol", "link"])
    related_module = models.ForeignKey(
        "parcours.ModulePage",
        verbose_name=_("related module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fiches",
    )
    tags = ClusterTaggableManager(
        through=FichePageTag, blank=True, verbose_name=_("tags"), help_text=_("Keywords agents filter on.")
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("related_module"),
                FieldPanel("tags"),
                FieldPanel("duration_minutes"),
                FieldRowPanel([FieldPanel("group_size_min"), FieldPanel("group_size_max")]),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("objective"),
        FieldPanel("when_to_use"),
        FieldPanel("materials"),
        FieldPanel("steps"),
        FieldPanel("tips"),
        FieldPanel("variants"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("objective"),
        index.SearchField("when_to_use"),
        index.SearchField("steps"),
        index.SearchField("tips"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("duration_minutes"),
    ]
    parent_page_types = ["fiches.FicheIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")

    def clean(self):
        super().clean()
        if self.group_size_min and self.group_size_max and self.group_size_min > self.group_size_max:
            raise ValidationError(
                {"group_size_max": _("The maximum group size must be greater than or equal to the minimum.")}
            )

    def get_context(self, request, *args, **kwargs):
        """Apps that build on the fiches add sections to the page through the `fiche_page_sections` hook:
        `fn(page, request)` returns HTML (the practices app shows how the fiche is used in the teams)."""
        context = super().get_context(request, *args, **kwargs)
        context["fiche_sections"] = [
            section for fn in hooks.get_hooks("fiche_page_sections") if (section := fn(self, request))
        ]
        return context

    @property
    def materials_list(self):
        return [line.strip(" -•\t") for line in self.materials.splitlines() if line.strip(" -•\t")]

    @property
    def search_excerpt(self):
        return self.objective
