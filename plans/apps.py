from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Who must inspect what, and when (周指导、月暗查、季考核 as a schedule), and the verifiable covert draw.
    Built on inspections and checklists; rankings may use it, never the other way round."""

    name = "plans"
    verbose_name = _("检查计划")
