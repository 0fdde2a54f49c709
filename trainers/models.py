"""The facilitation kit of a module, and the internal-trainer path built on the sessions.

A kit lives under its module (one per module) and is served only to the people `trainers.access` names; its
run sheet must fill exactly the module's duration, and its materials are private documents served through the
kit itself.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import CollectionViewRestriction, Orderable, Page
from wagtail.utils.sendfile import sendfile

from accounts.roles import DEFAULT_ROLE, ROLES
from core.uploads import apply_upload_headers
from pilotage.models import TrainerProfile
from trainers.access import can_read_kits
from trainers.blocks import RunSheetBlock

KIT_COLLECTION_NAME = "Kits d'animation (réservé aux animateurs)"


def run_sheet_minutes(sequences):
    return sum(block.value.get("duration_minutes") or 0 for block in sequences if block.block_type == "sequence")


def run_sheet_error(sequences, module):
    """The French error when the sequences do not fill the module's duration exactly, else None."""
    if module is None or not module.duration_minutes:
        return None
    total = run_sheet_minutes(sequences)
    if total == module.duration_minutes:
        return None
    return _(
        "The sequences last %(total)s minutes in all, the module %(duration)s minutes: adjust the durations so "
        "that they add up to the module's duration."
    ) % {"total": total, "duration": module.duration_minutes}


class FacilitationKitForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        # A new page has no place in the tree yet: check against the module it is created under. An existing
        # page is checked by the model itself (FacilitationKitPage.clean).
        if self.instance._state.adding and "sequences" in cleaned_data:
            module = getattr(self, "parent_page", None)
            error = run_sheet_error(cleaned_data["sequences"], getattr(module, "specific", module))
            if error:
                self.add_error("sequences", error)
        return cleaned_data


class FacilitationKitPage(RoutablePageMixin, Page):
    """The facilitator's version of a module: timed run sheet, materials, a printable one-page version."""

    introduction = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "ul", "ol"],
        help_text=_("Group size, room layout, what to prepare the day before."),
    )
    sequences = StreamField(
        RunSheetBlock(),
        verbose_name=_("run sheet"),
        help_text=_("The timed sequences; their durations must add up to the module's duration."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("sequences"),
        InlinePanel("materials", label=_("Material"), heading=_("Materials to download (private documents)")),
    ]
    parent_page_types = ["parcours.ModulePage"]
    subpage_types = []
    max_count_per_parent = 1
    base_form_class = FacilitationKitForm

    class Meta:
        verbose_name = _("facilitation kit")
        verbose_name_plural = _("facilitation kits")

    # --- Rules ------------------------------------------------------------------------------------------

    @property
    def module(self):
        parent = self.get_parent() if self.path else None
        return parent.specific if parent is not None else None

    def clean(self):
        super().clean()
        if self.path:  # placed in the tree (a new page is checked by its form)
            error = run_sheet_error(self.sequences, self.module)
            if error:
                raise ValidationError({"sequences": error})

    def timeline(self):
        """[(start minute, end minute, sequence value)] in order, from the start of the session."""
        rows, clock = [], 0
        for block in self.sequences:
            minutes = block.value.get("duration_minutes") or 0
            rows.append({"start": clock, "end": clock + minutes, "value": block.value, "block": block})
            clock += minutes
        return rows

    @property
    def total_minutes(self):
        return run_sheet_minutes(self.sequences)

    # --- Serving ----------------------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        # Previews come from the admin, which already checked the editor's rights on the page.
        if not getattr(request, "is_preview", False) and not can_read_kits(request.user):
            raise PermissionDenied
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["module"] = self.module
        context["timeline"] = self.timeline()
        base = self.url.rstrip("/") + "/"
        context["print_url"] = base + self.reverse_subpage("print")
        context["materials"] = [
            {"item": item, "url": base + self.reverse_subpage("material", kwargs={"document_id": item.document_id})}
            for item in self.materials.select_related("document")
        ]
        return context

    @path("")
    def kit(self, request):
        return self.render(request)

    @path("imprimer/", name="print")
    def printable(self, request):
        return render(request, "trainers/facilitation_kit_print.html", self.get_context(request))

    @path("materiel/<int:document_id>/", name="material")
    def material(self, request, document_id):
        item = self.materials.filter(document_id=document_id).select_related("document").first()
        if item is None or not item.document.file:
            raise Http404
        document = item.document
        try:
            filename = document.file.path
        except NotImplementedError:  # remote storage: not used by this site
            raise Http404 from None
        response = sendfile(request, filename, attachment=True, attachment_filename=document.filename)
        response["Cache-Control"] = "private, no-store"
        return apply_upload_headers(response, document.filename)


def is_private_collection(collection):
    """Whether Wagtail's own document URL keeps a collection's documents from agents: a restriction to groups
    that leaves out the agents' group applies to it (set on it or on one of its ancestors)."""
    restrictions = collection.get_view_restrictions().filter(restriction_type=CollectionViewRestriction.GROUPS)
    return restrictions.exclude(groups__name=ROLES[DEFAULT_ROLE]).exists()


class KitMaterial(Orderable):
    """A private document of a kit (slides, handouts to print…), downloaded only through the kit."""

    kit = ParentalKey(FacilitationKitPage, on_delete=models.CASCADE, related_name="materials")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("kit material")
        verbose_name_plural = _("kit materials")

    def __str__(self):
        return self.label or self.document.title

    def clean(self):
        super().clean()
        # The kit serves its materials to its readers only, but every document also has Wagtail's own URL:
        # a document outside a restricted collection would be downloadable there by any signed-in agent.
        if self.document_id and not is_private_collection(self.document.collection):
            raise ValidationError(
                {
                    "document": _(
                        "This document is in the collection '%(collection)s', which every signed-in agent can "
                        "read: move it to a collection restricted to facilitators (for example '%(kits)s') "
                        "before attaching it to a kit."
                    )
                    % {"collection": self.document.collection.name, "kits": KIT_COLLECTION_NAME}
                }
            )


# --- The internal-trainer path -------------------------------------------------------------------------------


class FacilitationRequest(models.Model):
    """A trainee asks to observe or to co-facilitate an upcoming session of a module they completed; the
    training department accepts it (the trainee joins the session) or refuses it with a reason."""

    class Kind(models.TextChoices):
        OBSERVE = "observe", _("observe")
        CO_FACILITATE = "co-facilitate", _("co-facilitate")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="facilitation_requests",
    )
    session = models.ForeignKey(
        "training_sessions.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="facilitation_requests",
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for the refusal"), blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("facilitation request")
        verbose_name_plural = _("facilitation requests")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "session"], name="trainers_one_request_per_session"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="trainers_request_queue")]

    def __str__(self):
        return f"{self.trainee_id} → {self.session_id} ({self.kind}, {self.status})"


class SessionObservation(models.Model):
    """A trainee in the room as an observer (an accepted request to observe). Observers are not facilitators:
    they get no right on the session. Their `observed` statement is written with the facilitators' `hosted`
    ones, when attendance is first marked."""

    session = models.ForeignKey(
        "training_sessions.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="observations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observer"), on_delete=models.CASCADE, related_name="observations"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    observed_at = models.DateTimeField(_("observed statement written at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="trainers_one_observation")]

    def __str__(self):
        return f"{self.user_id} observes {self.session_id}"


class Promotion(models.Model):
    """A step of the path confirmed by a person of the training department (the rule only proposes it)."""

    profile = models.ForeignKey(
        TrainerProfile, verbose_name=_("internal trainer"), on_delete=models.CASCADE, related_name="promotions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=TrainerProfile.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=TrainerProfile.Status.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self):
        return f"{self.profile_id}: {self.from_status} → {self.to_status}"


class TraineeFeedback(models.Model):
    """The lead facilitator's feedback to a trainee after a session they co-facilitated or observed.

    Read by the trainee and the training department only (`trainers.access`); the learning record holds only
    the fact that it was given (`mentored` statement), never its text.
    """

    session = models.ForeignKey(
        "training_sessions.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="feedbacks"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="feedbacks"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead facilitator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="feedbacks_given",
    )
    went_well = models.TextField(_("what went well"), max_length=4000)
    to_work_on = models.TextField(_("what to work on"), max_length=4000)
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback to a trainee")
        verbose_name_plural = _("feedback to trainees")
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="trainers_one_feedback")]

    def __str__(self):
        return f"{self.author_id} → {self.trainee_id} ({self.session_id})"
