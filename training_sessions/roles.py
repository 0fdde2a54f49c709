"""Permissions this app grants to each role (see accounts.roles).

Attendance and participant lists are not Django permissions: a facilitator handles the sessions they
facilitate and the training department handles all of them (`training_sessions.services.can_manage_session`).
"""

EDIT = ["session", "facilitation"]
READ = ["session", "facilitation", "registration", "evaluation"]

PERMISSIONS = {
    "editors": [f"training_sessions.{action}_{model}" for model in EDIT for action in ("add", "change", "view")],
    "moderators": [
        f"training_sessions.{action}_{model}" for model in EDIT for action in ("add", "change", "delete", "view")
    ],
    "training": [f"training_sessions.{action}_{model}" for model in EDIT for action in ("add", "change", "view")]
    + [f"training_sessions.view_{model}" for model in READ],
    "administrators": [
        f"training_sessions.{action}_{model}" for model in EDIT for action in ("add", "change", "delete", "view")
    ]
    + [f"training_sessions.view_{model}" for model in READ],
}
