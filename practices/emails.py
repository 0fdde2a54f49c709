"""The emails of practices (French, plain text with an HTML alternative), sent by the services after commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _absolute(path):
    return f"{settings.PASSINNOV_BASE_URL}{path}"


def _send(user, subject, paragraphs, action):
    if not user.email:
        logger.info("No email for user %s: message %r not sent", user.pk, subject)
        return 0
    with translation.override("fr"):
        context = {"user": user, "paragraphs": paragraphs, "action": action}
        text = render_to_string("practices/emails/message.txt", context)
        html = render_to_string("practices/emails/message.html", context)
        message = EmailMultiAlternatives(
            subject=f"[PassInnov] {subject}", body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
        )
        message.attach_alternative(html, "text/html")
    return message.send(fail_silently=False)


def send_follow_up_reminder(follow_up):
    module = follow_up.module.title
    return _send(
        follow_up.user,
        _("Have you reused what you learnt in “%(module)s”?") % {"module": module},
        [
            _("A few weeks ago you attended the module “%(module)s”.") % {"module": module},
            _(
                "Have you reused what you learnt with your teams? Two minutes are enough to answer: which fiches "
                "you used, how often, and what stopped you if you did not. Your answers help the Mission "
                "innovation make the modules more useful."
            ),
        ],
        {
            "url": _absolute(reverse("practices:follow_up", args=[follow_up.module_id])),
            "label": _("Answer the question"),
        },
    )


def send_rejection(declaration, was_published=False):
    fiche = declaration.fiche.title
    if was_published:
        subject = _("Your account about the fiche “%(fiche)s” is no longer published")
    else:
        subject = _("Your account about the fiche “%(fiche)s” was not published")
    return _send(
        declaration.user,
        subject % {"fiche": fiche},
        [
            _("Thank you for sharing how you used the fiche “%(fiche)s”.") % {"fiche": fiche},
            (
                _("A moderator took your account down, for this reason: %(reason)s")
                if was_published
                else _("A moderator did not publish your account, for this reason: %(reason)s")
            )
            % {"reason": declaration.rejection_reason},
            _("Your declaration still counts. You can edit your account and share it again from “My practices”."),
        ],
        {"url": _absolute(reverse("practices:edit", args=[declaration.pk])), "label": _("Edit my account")},
    )
