"""The emails an agent receives about a session (French, plain text with an HTML alternative).

Services call these through `transaction.on_commit`, so nothing is sent for a change that is rolled back and
a mail server outage never undoes a registration.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from training_sessions import ics
from training_sessions.access import can_see_remote_link

logger = logging.getLogger(__name__)


def _absolute(path):
    return f"{settings.PASSINNOV_BASE_URL}{path}"


def _send(registration, subject, paragraphs, *, calendar_method=None, action=None):
    user = registration.user
    if not user.email:
        logger.info("No email for user %s: message %r not sent", user.pk, subject)
        return 0
    session = registration.session
    remote_link = can_see_remote_link(user, session, registration)
    with translation.override("fr"):
        context = {
            "user": user,
            "session": session,
            "paragraphs": paragraphs,
            "session_url": _absolute(session.get_absolute_url()),
            "action": action,
            "place": ics.location_text(session, remote_link),
        }
        text = render_to_string("training_sessions/emails/message.txt", context)
        html = render_to_string("training_sessions/emails/message.html", context)
        message = EmailMultiAlternatives(
            subject=f"[PassInnov] {subject}", body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
        )
        message.attach_alternative(html, "text/html")
        if calendar_method:
            data = ics.build_calendar(session, calendar_method, registration=registration, with_remote_link=remote_link)
            message.attach(ics.filename(session), data, ics.content_type(calendar_method))
    return message.send(fail_silently=False)


def send_confirmation(registration):
    session = registration.session
    return _send(
        registration,
        _("Registration confirmed: %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [
            _("Your registration for the session below is confirmed."),
            _(
                "The attached invitation adds it to your calendar. If you cannot come, cancel your registration "
                "from the session page so that an agent on the waiting list can take your place."
            ),
        ],
        calendar_method=ics.REQUEST,
    )


def send_waiting_list(registration):
    session = registration.session
    return _send(
        registration,
        _("Waiting list: %(module)s, %(date)s") % {"module": session.module.title, "date": session.local_start_label},
        [
            _("The session below is full: you are number %(position)s on its waiting list.")
            % {"position": registration.position_on_waiting_list()},
            _(
                "If a place becomes available before the registration deadline, you will be registered "
                "automatically and receive a confirmation with the calendar invitation."
            ),
        ],
    )


def send_promotion(registration):
    session = registration.session
    return _send(
        registration,
        _("A place is available: you are registered for %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [
            _(
                "A place became available: you were first on the waiting list and you are now registered for "
                "the session below."
            ),
            _(
                "The attached invitation adds it to your calendar. If you can no longer come, cancel your "
                "registration from the session page."
            ),
        ],
        calendar_method=ics.REQUEST,
    )


def send_reminder(registration, days):
    session = registration.session
    return _send(
        registration,
        _("Reminder: %(module)s, %(date)s") % {"module": session.module.title, "date": session.local_start_label},
        [
            _("Your session is coming up. Here is a reminder of the practical details."),
            _("If you can no longer come, cancel your registration from the session page."),
        ],
    )


def send_agent_cancellation(registration):
    session = registration.session
    return _send(
        registration,
        _("Registration cancelled: %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [
            _("Your registration for the session below is cancelled, as you asked."),
            _("The attached file removes the event from your calendar."),
        ],
        calendar_method=ics.CANCEL,
    )


def send_waiting_cancellation(registration):
    session = registration.session
    return _send(
        registration,
        _("Waiting list left: %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [_("You are no longer on the waiting list of the session below, as you asked.")],
    )


def send_programme_cancellation(registration, with_calendar=True):
    session = registration.session
    return _send(
        registration,
        _("Session cancelled: %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [
            _("We are sorry: the session below is cancelled by the PassInnov programme."),
            _("Your registration is cancelled. Other sessions of this module are listed on the module page."),
        ],
        calendar_method=ics.CANCEL if with_calendar else None,
    )


def send_session_update(registration, with_calendar=True):
    session = registration.session
    return _send(
        registration,
        _("Session changed: %(module)s, %(date)s")
        % {"module": session.module.title, "date": session.local_start_label},
        [
            _("The date, time or place of the session below has changed. Here are the new details."),
            _("The attached invitation updates your calendar.")
            if with_calendar
            else _("You are still on its waiting list."),
        ],
        calendar_method=ics.REQUEST if with_calendar else None,
    )


def send_evaluation_request(registration):
    from django.urls import reverse

    session = registration.session
    return _send(
        registration,
        _("Your opinion on the session %(module)s") % {"module": session.module.title},
        [
            _("Thank you for taking part in the session below. Your attendance has been recorded."),
            _("Please take two minutes to rate it: your answers help the Mission innovation improve the modules."),
        ],
        action={
            "url": _absolute(reverse("training_sessions:evaluate", args=[session.pk])),
            "label": _("Rate the session"),
        },
    )
