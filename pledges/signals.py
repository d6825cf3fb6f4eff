"""Signals the core sends; other apps listen (the core imports none of them)."""

from django.dispatch import Signal

# Sent after a transaction that changed public (verified) data commits. Listeners rebuild
# whatever they derive from public data, e.g. the public snapshot.
public_data_changed = Signal()
