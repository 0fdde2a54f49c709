"""Permissions this app grants to each role (see accounts.roles)."""

SNIPPETS = ["directorate", "location", "theme", "organisation"]

PERMISSIONS = {
    "editors": [f"core.{action}_{model}" for model in SNIPPETS for action in ("add", "change", "view")],
    "moderators": [f"core.{action}_{model}" for model in SNIPPETS for action in ("add", "change", "delete", "view")],
    "training": [f"core.view_{model}" for model in SNIPPETS],
    "administrators": [f"core.{action}_{model}" for model in SNIPPETS for action in ("add", "change", "delete", "view")]
    + ["core.change_sitesettings"],
}
