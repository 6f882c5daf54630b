from .audit import AppendOnlyError, AuditAction, AuditEvent
from .history import PlaceStatusChange, ScopeSnapshot
from .inspection import Answer, Grade, Inspection, Photo, ScopeReview
from .login_guard import LoginFailureCount  # noqa: F401  (inspections.login_guard)
from .people import Profile, Role, TokenRevocation
from .places import BinStation, Community, Compound, Office, Place, PropertyCompany, Street, Unit

__all__ = [
    "Answer", "AppendOnlyError", "AuditAction", "AuditEvent", "BinStation",
    "Community", "Compound", "Grade", "Inspection", "Office", "Photo", "Place", "PlaceStatusChange",
    "Profile", "PropertyCompany", "Role", "ScopeReview", "ScopeSnapshot", "Street", "TokenRevocation", "Unit",
]
