"""Writing the audit log (inspections.models.audit): one call per sensitive action, inside its transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from inspections.models import AuditAction, AuditEvent, Street

__all__ = ["audit_record"]


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: AuditAction | str,
    street: Street | int | None,
    target: models.Model | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `street` (a Street or its id) decides which street admins may read it."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        street_id=street.pk if isinstance(street, Street) else street,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        reason=reason,
        details=details or {},
    )
