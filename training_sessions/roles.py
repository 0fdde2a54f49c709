"""Permissions this app grants to each role (see accounts.roles).

The training department owns the sessions: it alone creates, edits, cancels and deletes sessions and their
facilitators in the admin. Editors and moderators publish content (modules, fiches, videos) and do not
touch sessions. Administrators read them. Participant lists and attendance are not Django permissions: a
person with the facilitator role handles the sessions they facilitate and the training department handles
all of them (`accounts.roles.CAPABILITIES` and `training_sessions.access`).
"""

OWNED = ["session", "facilitation"]
READ = ["session", "facilitation", "registration", "evaluation"]

PERMISSIONS = {
    "training": [f"training_sessions.{action}_{model}" for model in OWNED for action in ("add", "change", "delete")]
    + [f"training_sessions.view_{model}" for model in READ],
    "administrators": [f"training_sessions.view_{model}" for model in READ],
}
