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
        from .services import scores  # noqa: F401  (connects the score receiver to inspection_changed)

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="sortpatrol-createcachetable")
