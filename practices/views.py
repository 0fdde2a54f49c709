"""Thin views of practices: they read, call `practices.services` for every rule, and render French pages.

An agent only ever reaches their own declarations: the views look them up among the agent's (404 otherwise).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.sorting import french_order
from fiches.models import FichePage
from parcours.models import ModulePage
from practices import services
from practices.forms import DeclarationForm, FollowUpForm
from practices.models import Declaration, Sharing

FORM_FIELDS = ("used_on", "team_size", "audience", "setting", "rating", "account", "sharing")


def _own_declaration(request, pk):
    return get_object_or_404(Declaration.objects.select_related("fiche__related_module"), pk=pk, user=request.user)


def _saved_message(request, declaration, created):
    if created:
        text = _("Thank you: your use of the fiche “%(fiche)s” is recorded.")
    else:
        text = _("Your declaration about the fiche “%(fiche)s” is updated.")
    text %= {"fiche": declaration.fiche.title}
    if declaration.is_shared and not declaration.is_published:
        text += " " + _("Your account will appear on the fiche once a moderator has read it.")
    messages.success(request, text)


def _declaration_page(request, form, fiche, declaration=None, status=200):
    title = _("I used this fiche") if declaration is None else _("Edit my declaration")
    context = {"title": title, "form": form, "fiche": fiche, "declaration": declaration}
    return render(request, "practices/declaration_form.html", context, status=status)


def _save(form, save):
    """Run `save(**cleaned_data)`; on a refused value, put its French message on the form."""
    try:
        return save(**{name: form.cleaned_data[name] for name in FORM_FIELDS})
    except services.PracticeError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def declare(request, fiche_id):
    fiche = get_object_or_404(FichePage.objects.live().select_related("related_module"), pk=fiche_id)
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            declaration = _save(form, lambda **values: services.declare(request.user, fiche, **values))
            if declaration is not None:
                _saved_message(request, declaration, created=True)
                return redirect(f"{fiche.url}#pratiques")
        return _declaration_page(request, form, fiche, status=400)
    form = DeclarationForm(initial={"used_on": timezone.localdate(), "sharing": Sharing.PRIVATE})
    return _declaration_page(request, form, fiche)


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    declaration = _own_declaration(request, pk)
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            saved = _save(form, lambda **values: services.update(declaration, request.user, **values))
            if saved is not None:
                _saved_message(request, saved, created=False)
                return redirect("practices:mine")
        return _declaration_page(request, form, declaration.fiche, declaration, status=400)
    form = DeclarationForm(initial={name: getattr(declaration, name) for name in FORM_FIELDS})
    return _declaration_page(request, form, declaration.fiche, declaration)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    declaration = _own_declaration(request, pk)
    if request.method == "POST":
        services.withdraw(declaration, request.user)
        messages.success(
            request,
            _("Your declaration about the fiche “%(fiche)s” is withdrawn.") % {"fiche": declaration.fiche.title},
        )
        return redirect("practices:mine")
    context = {"title": _("Withdraw my declaration"), "declaration": declaration}
    return render(request, "practices/withdraw_confirm.html", context)


@require_safe
def mine(request):
    declarations = list(services.declarations_of(request.user))
    context = {
        "title": _("My practices"),
        "groups": services.grouped_by_module(declarations),
        "total": len(declarations),
        "fiche_count": len({d.fiche_id for d in declarations}),
        "follow_ups": services.due_follow_ups(request.user),
    }
    return render(request, "practices/mine.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request, module_id):
    module = ModulePage.objects.live().filter(pk=module_id).first()
    if module is None:
        raise Http404(_("This module does not exist."))
    state, answer, attended_at = services.follow_up_state(request.user, module)
    context = {"title": _("Have you reused what you learnt?"), "module": module, "state": state}
    if state != "open":
        context |= {"refusal": services.refusal(state, attended_at), "answer": answer}
        if answer is not None and answer.is_answered:
            context["answered_fiches"] = list(answer.fiches.order_by(french_order("title")))
            context["answered_obstacles"] = list(answer.obstacles.order_by("code"))
        status = 200 if state == "answered" else 403
        return render(request, "practices/follow_up.html", context, status=status)
    fiches = services.module_fiches(module)
    if request.method == "POST":
        form = FollowUpForm(request.POST, fiches=fiches)
        if form.is_valid():
            try:
                services.answer_follow_up(
                    request.user,
                    module,
                    frequency=form.cleaned_data["frequency"],
                    fiche_ids=form.cleaned_data.get("fiches", []),
                    obstacles=form.cleaned_data["obstacles"],
                    other_obstacle=form.cleaned_data["other_obstacle"],
                )
            except services.PracticeError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Thank you for your answer: it helps the programme improve the modules."))
                return redirect("practices:mine")
        status = 400
    else:
        initial = {"fiches": sorted(services.prefilled_fiche_ids(request.user, module, since=attended_at))}
        form = FollowUpForm(initial=initial, fiches=fiches)
        status = 200
    context |= {"form": form, "attended_at": attended_at}
    return render(request, "practices/follow_up.html", context, status=status)
