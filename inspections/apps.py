from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("巡查")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from .services import scores  # noqa: F401  (connects the score receiver to inspection_changed)
        from .services.tokens import password_change_noted, password_change_revokes

        # A changed password ends all of the user's logins, whichever way it was changed.
        user_model = get_user_model()
        pre_save.connect(password_change_noted, sender=user_model, dispatch_uid="sortpatrol-password-noted")
        post_save.connect(password_change_revokes, sender=user_model, dispatch_uid="sortpatrol-password-revokes")
