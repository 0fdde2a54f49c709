"""Signals of the personal-data service, for the apps above progress in the dependency order (which progress
does not import): each adds its part of an agent's data to the export and erases its own rows."""

from django.dispatch import Signal

# Sent by `personal_data.export(user)`; each receiver returns [(section key, French description, data)], added
# to the export (and its guide).
personal_data_exported = Signal()
# Sent by `personal_data.process` inside the erasure's transaction, before the account is anonymised; each
# receiver removes or anonymises its own rows about `user`.
personal_data_erasing = Signal()
