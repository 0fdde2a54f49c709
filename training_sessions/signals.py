"""Signals of the sessions app."""

from django.dispatch import Signal

# Sent by `services.record_hosting` once the facilitators' `hosted` statements are written (the first time,
# then each time, attendance is marked), inside that transaction: apps that place other people in the room
# (observers of the internal-trainer path) record them then. Arguments: session, now, timestamp.
session_hosted = Signal()
