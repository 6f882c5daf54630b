"""Django admin in Chinese, one module per area (each registers its own models)."""
import inspections.admin.audit  # noqa: F401
import inspections.admin.auth  # noqa: F401
import inspections.admin.checklists  # noqa: F401
import inspections.admin.inspection  # noqa: F401
import inspections.admin.login_guard  # noqa: F401
import inspections.admin.people  # noqa: F401
import inspections.admin.places  # noqa: F401
