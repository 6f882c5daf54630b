from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """Every `migrate` (and the test database's creation) also makes the database cache's table, so
    `migrate` alone prepares a server; a no-op when it exists or when the cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("巡查")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from .services.tokens import password_change_noted, password_change_revokes

        # A changed password ends all of the user's logins, whichever way it was changed.
        user_model = get_user_model()
        pre_save.connect(password_change_noted, sender=user_model, dispatch_uid="sortpatrol-password-noted")
        post_save.connect(password_change_revokes, sender=user_model, dispatch_uid="sortpatrol-password-revokes")

        # History for judging a record by the time it was done (docs/sync.md "Out of scope").
        from .models import Place, Profile
        from .services import history

        post_save.connect(history.user_saved, sender=user_model, dispatch_uid="sortpatrol-scope-user")
        post_save.connect(history.profile_saved, sender=Profile, dispatch_uid="sortpatrol-scope-profile")
        m2m_changed.connect(
            history.communities_changed, sender=Profile.communities.through, dispatch_uid="sortpatrol-scope-communities"
        )
        post_save.connect(history.place_saved, sender=Place, dispatch_uid="sortpatrol-place-status")

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="sortpatrol-createcachetable")
