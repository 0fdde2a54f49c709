"""Demo internal trainers (idempotent). No external LRS endpoint is created: it would point somewhere real."""

from django.contrib.auth import get_user_model

from pilotage.models import TrainerProfile

# username -> status on the internal-trainer path (users created by accounts' and training_sessions' demos)
DEMO_TRAINERS = [
    ("animateur", TrainerProfile.Status.LEAD),
    ("mi.julie", TrainerProfile.Status.CO_FACILITATOR),
    ("demo.agent01", TrainerProfile.Status.IN_TRAINING),
    ("demo.agent02", TrainerProfile.Status.IN_TRAINING),
]


def load(stdout=None):
    User = get_user_model()
    users = User.objects.in_bulk([username for username, _status in DEMO_TRAINERS], field_name="username")
    nominated_by = User.objects.filter(username="formation").first()
    created = 0
    for username, status in DEMO_TRAINERS:
        user = users.get(username)
        if user is None:
            continue
        _profile, was_created = TrainerProfile.objects.get_or_create(
            user=user, defaults={"status": status, "nominated_by": nominated_by}
        )
        created += was_created
    if stdout is not None and created:
        stdout.write(f"pilotage: {created} internal trainer(s) nominated")
