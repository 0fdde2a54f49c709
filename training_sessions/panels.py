"""The facilitators of a session in the admin: only people who may facilitate, never oneself.

The inline form offers the holders of the facilitator role (and the training department) only; the model
refuses anyone else whatever the form (`Facilitation.clean`), and the form refuses the editing user as a
new facilitator: somebody else decides that a person facilitates.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from accounts import roles
from core.sorting import french_order

NOT_A_FACILITATOR = _(
    "Only people with the facilitator role or from the training department can facilitate a session: an "
    "administrator gives the role."
)
NOT_YOURSELF = _("You cannot add yourself as a facilitator: another member of the training department does it.")


class FacilitationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is not None:
            # Keep the current person selectable, so that an old row shows who it was (the model refuses it).
            eligible = Q(pk__in=roles.holders("facilitate").values("pk"))
            if self.instance.user_id:
                eligible |= Q(pk=self.instance.user_id)
            field.queryset = field.queryset.model.objects.filter(eligible).order_by(
                french_order("last_name"), french_order("first_name")
            )
            field.error_messages["invalid_choice"] = NOT_A_FACILITATOR

    def clean_user(self):
        user = self.cleaned_data.get("user")
        adds_self = user is not None and self.for_user is not None and user.pk == self.for_user.pk
        if adds_self and user.pk != self.instance.user_id:
            raise forms.ValidationError(NOT_YOURSELF, code="self")
        return user


class FacilitatorsPanel(InlinePanel):
    """InlinePanel whose rows use FacilitationForm and know who is editing."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(form=FacilitationForm, inherit_kwargs=["for_user"])
        return options
