"""Who may do what with practices (see accounts.roles).

Agents declare and manage their own declarations (every signed-in user; ownership is checked by the
services). Shared accounts are published on the fiches, so the people who publish the site's content
moderate them: the moderators. The training department reads the figures (pilotage), not the accounts' queue.
"""

from accounts.roles import user_has_role

MODERATOR_ROLES = ("moderators",)

PERMISSIONS = {
    "moderators": ["practices.view_declaration", "practices.moderate_declaration"],
    "training": ["practices.view_declaration", "practices.view_followup"],
    "administrators": ["practices.view_declaration", "practices.view_followup"],
}


def can_moderate(user):
    return any(user_has_role(user, role) for role in MODERATOR_ROLES)
