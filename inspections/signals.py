"""What the inspections app tells the apps built on it.

`inspection_changed` is sent (with `inspection=`) inside the writing transaction whenever an
inspection starts or stops counting towards scores: it became complete, was voided, or was restored.
The rankings app keeps its stored scores by it (connected in RankingsConfig.ready()), so the sync API and
the admin need to know nothing about scores; the dependency runs one way, rankings → inspections.
"""

from django.dispatch import Signal

inspection_changed = Signal()
