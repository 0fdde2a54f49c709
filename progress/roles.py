"""Permissions this app grants to each role (see accounts.roles)."""

PERMISSIONS = {
    "editors": ["progress.add_badge", "progress.change_badge", "progress.view_badge"],
    "moderators": ["progress.add_badge", "progress.change_badge", "progress.delete_badge", "progress.view_badge"],
    "training": ["progress.view_badge", "progress.view_badgeaward", "progress.view_progress"],
    "administrators": [
        "progress.add_badge",
        "progress.change_badge",
        "progress.view_badge",
        "progress.view_badgeaward",
        "progress.change_badgeaward",
        "progress.view_erasurerequest",
        "progress.change_erasurerequest",
        "progress.view_progress",
    ],
}
