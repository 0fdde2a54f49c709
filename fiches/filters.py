"""The fiches listing's filters: every bad value is reported in French and ignored, never a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from taggit.models import Tag

from core.models import Theme
from core.sorting import french_sorted

# Duration buckets offered to agents: key -> (label, min minutes inclusive, max minutes inclusive or None).
DURATIONS = {
    "short": (_("30 minutes or less"), 0, 30),
    "medium": (_("31 to 60 minutes"), 31, 60),
    "long": (_("more than an hour"), 61, None),
}


class FicheFilterForm(DsfrBaseForm):
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    duration = forms.ChoiceField(
        label=_("Duration"),
        required=False,
        choices=[("", _("Any duration"))] + [(key, label) for key, (label, _lo, _hi) in DURATIONS.items()],
    )
    group_size = forms.IntegerField(
        label=_("Number of participants"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Shows the fiches suited to a group of this size."),
    )

    def __init__(self, *args, fiches=None, choices=None, **kwargs):
        """`choices` (from `filter_choices`, e.g. cached) or `fiches` (the listing's fiches, read here)."""
        super().__init__(*args, **kwargs)
        tags, themes = choices if choices is not None else filter_choices(fiches)
        self.fields["tag"].choices = [("", _("Any tag"))] + list(tags)
        self.fields["theme"].choices = [("", _("Any theme"))] + list(themes)

    def cache_key(self):
        """The valid filters, in a fixed order, or None when a value is not valid (the page is not cached)."""
        if not self.is_bound:
            return ""
        if not self.is_valid() or set(self.data) - {*self.fields, "page"}:
            return None
        return "&".join(f"{name}={self.cleaned_data.get(name) or ''}" for name in self.fields)

    def filter(self, fiches):
        if not self.is_bound:
            return fiches
        self.is_valid()
        data = self.cleaned_data
        if data.get("tag"):
            fiches = fiches.filter(tags__slug=data["tag"])
        if data.get("theme"):
            fiches = fiches.filter(theme__slug=data["theme"])
        if data.get("duration"):
            _label, low, high = DURATIONS[data["duration"]]
            fiches = fiches.filter(duration_minutes__gte=low)
            if high is not None:
                fiches = fiches.filter(duration_minutes__lte=high)
        if data.get("group_size"):
            fiches = fiches.filter(group_size_min__lte=data["group_size"], group_size_max__gte=data["group_size"])
        return fiches


def filter_choices(fiches):
    """((slug, name) of the tags, (slug, name) of the themes) that the fiches use, in French order: two queries."""
    tags = (
        Tag.objects.filter(fiches_fichepagetag_items__content_object__in=fiches.values("pk"))
        .distinct()
        .values_list("slug", "name")
    )
    themes = Theme.objects.filter(fiches__in=fiches.values("pk")).distinct().values_list("slug", "name")
    return (
        tuple(french_sorted(tags, key=lambda tag: tag[1])),
        tuple(french_sorted(themes, key=lambda theme: theme[1])),
    )
