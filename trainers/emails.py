"""Emails of the internal-trainer path (French, plain text). Services send them after commit."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.templatetags.french_dates import long_date

logger = logging.getLogger(__name__)


def _send(user, subject, paragraphs):
    if not user.email:
        logger.info("No email for user %s: message %r not sent", user.pk, subject)
        return 0
    with translation.override("fr"):
        link = f"{settings.PASSINNOV_BASE_URL}{reverse('trainers:path')}"
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": user.display_name},
                *paragraphs,
                _("Your trainer path: %(url)s") % {"url": link},
            ]
        )
        return send_mail(f"[PassInnov] {subject}", body + "\n", settings.DEFAULT_FROM_EMAIL, [user.email])


def _session_label(session):
    return _("“%(module)s” on %(date)s") % {"module": session.module.title, "date": long_date(session.local_start)}


def send_request_accepted(request):
    with translation.override("fr"):
        if request.kind == request.Kind.OBSERVE:
            what = _("The training department accepted your request to observe the session %(session)s.")
        else:
            what = _(
                "The training department accepted your request to co-facilitate the session %(session)s: you are "
                "now one of its facilitators."
            )
        return _send(
            request.trainee,
            _("Your facilitation request is accepted"),
            [what % {"session": _session_label(request.session)}],
        )


def send_request_refused(request):
    with translation.override("fr"):
        return _send(
            request.trainee,
            _("Your facilitation request is refused"),
            [
                _("The training department refused your request for the session %(session)s.")
                % {"session": _session_label(request.session)},
                _("Reason: %(reason)s") % {"reason": request.reason},
            ],
        )


def send_promotion(profile):
    with translation.override("fr"):
        return _send(
            profile.user,
            _("A new step on your trainer path"),
            [_("The training department confirmed your new step: %(step)s.") % {"step": profile.get_status_display()}],
        )
