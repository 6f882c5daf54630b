"""Signals between areas of the inspections app.

`inspection_changed` is sent (with `inspection=`) inside the writing transaction whenever an
inspection starts or stops counting towards scores: it became complete, was voided, or was restored.
Scores and rankings listen to it, so the sync API needs to know nothing about them.
"""

from django.dispatch import Signal

inspection_changed = Signal()
