"""Permissions this app grants to each role (see accounts.roles).

The dashboard, exports and trainer pages check roles directly (pilotage.access); these permissions drive the
Wagtail admin: only administrators configure external LRS endpoints.
"""

PERMISSIONS = {
    "administrators": [f"pilotage.{action}_lrsendpoint" for action in ("add", "change", "delete", "view")]
    + [f"pilotage.{action}_trainerprofile" for action in ("add", "change", "delete", "view")],
    "training": [f"pilotage.{action}_trainerprofile" for action in ("add", "change", "view")],
}
