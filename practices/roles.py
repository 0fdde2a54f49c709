"""Who may do what with practices (see accounts.roles).

Agents declare and manage their own declarations (every signed-in user; ownership is checked by the
services). Shared accounts are published on the fiches, so the people who publish the site's content
moderate them: the moderators (Wagtail admin → « Récits partagés »). The training department reads the
figures (pilotage), not the accounts' queue. No Django permission is involved: the admin views and the
services ask `can_moderate` (the capability `moderate_shared_accounts` of accounts.roles).
"""

from accounts.roles import can

PERMISSIONS = {}


def can_moderate(user):
    return can(user, "moderate_shared_accounts")
