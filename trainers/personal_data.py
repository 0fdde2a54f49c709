"""The internal-trainer path's part of an agent's personal data (export and erasure, `progress.signals`).

Erasure keeps the anonymous facts (a request's kind and outcome, an observation, a confirmed step) attached to
the anonymised account and removes the free texts about the agent or written by them as a trainee: their
requests' messages and the refusals' reasons, and the feedback they received. Feedback they wrote about
someone else stays with that trainee (its author becomes the anonymised account).
"""

from django.utils.translation import gettext_lazy as _

from trainers.models import FacilitationRequest, Promotion, SessionObservation, TraineeFeedback


def _iso(value):
    return value.isoformat() if value else None


def export(user):
    requests = FacilitationRequest.objects.filter(trainee=user).select_related("session__module").order_by("pk")
    feedback = TraineeFeedback.objects.filter(trainee=user).select_related("session__module").order_by("pk")
    return [
        (
            "trainer_requests",
            _("Your requests to observe or co-facilitate a session (internal-trainer path) and their outcome."),
            [
                {
                    "session": f"{r.session.module.title} {_iso(r.session.start)}",
                    "kind": r.kind,
                    "message": r.message,
                    "status": r.status,
                    "reason": r.reason,
                    "asked_at": _iso(r.created_at),
                    "decided_at": _iso(r.decided_at),
                }
                for r in requests
            ],
        ),
        (
            "trainer_observations",
            _("The sessions you observed on the internal-trainer path."),
            [
                {"session": f"{o.session.module.title} {_iso(o.session.start)}", "observed_at": _iso(o.observed_at)}
                for o in SessionObservation.objects.filter(user=user).select_related("session__module")
            ],
        ),
        (
            "trainer_steps",
            _("The steps of the internal-trainer path the training department confirmed for you."),
            [
                {"from": p.from_status, "to": p.to_status, "confirmed_at": _iso(p.confirmed_at)}
                for p in Promotion.objects.filter(profile__user=user).order_by("confirmed_at", "pk")
            ],
        ),
        (
            "trainer_feedback",
            _("The feedback lead facilitators gave you after a session."),
            [
                {
                    "session": f"{f.session.module.title} {_iso(f.session.start)}",
                    "went_well": f.went_well,
                    "to_work_on": f.to_work_on,
                    "given_at": _iso(f.created_at),
                }
                for f in feedback
            ],
        ),
    ]


def erase(user):
    FacilitationRequest.objects.filter(trainee=user).update(message="", reason="")
    TraineeFeedback.objects.filter(trainee=user).delete()
