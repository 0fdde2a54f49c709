"""Permissions this app grants to each role (see accounts.roles): only administrators manage credentials."""

PERMISSIONS = {
    "administrators": [f"learning_records.{action}_credential" for action in ("add", "change", "delete", "view")],
}
