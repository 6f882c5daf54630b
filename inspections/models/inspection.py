"""Inspections as synced from phones (SYNC.md), their answers and photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from checklists.models import ChecklistVersion, Regime

from ..flags import flag_labels
from .places import Place


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ScopeReview(models.TextChoices):
    PENDING = "pending", _("待审核")
    COUNTED = "counted", _("已计入")


# The fields that decide whether an inspection counts, for reads that fetch rows and sift them in Python.
COUNTED_FIELDS = ("status", "voided", "score_tenths", "scope_review")


def counted_values(status: str, voided: bool, score_tenths: int | None, scope_review: str) -> bool:
    """`InspectionQuerySet.counted` for one row's COUNTED_FIELDS (tests hold the two equal)."""
    return (
        status == Inspection.Status.COMPLETE and not voided and score_tenths is not None
        and scope_review != ScopeReview.PENDING
    )


class InspectionQuerySet(models.QuerySet):
    def counted(self) -> InspectionQuerySet:
        """The one definition of a counted inspection (SCORING.md §3): complete (every declared photo received or
        refused), not voided, scored; and not out of scope awaiting a street admin's review (docs/sync.md).
        `Inspection.counts` says the same of one object; rankings/scores.py's SQL is tested against both."""
        return self.filter(status=Inspection.Status.COMPLETE, voided=False, score_tenths__isnull=False).exclude(
            scope_review=ScopeReview.PENDING
        )


class Inspection(models.Model):
    class Status(models.TextChoices):
        AWAITING_PHOTOS = "awaiting_photos", _("等待照片")
        COMPLETE = "complete", _("完整")

    uuid = models.UUIDField(_("客户端编号"), unique=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查人")
    )
    device_id = models.CharField(_("设备"), max_length=100, blank=True)
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查表版本")
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("场所"))
    regime = models.CharField(_("检查制度"), max_length=32, choices=Regime.choices)
    started_at = models.DateTimeField(_("开始时间（设备）"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间（设备）"))
    received_at = models.DateTimeField(_("接收时间"))
    clock_skew_s = models.IntegerField(_("时钟偏差(秒)"), null=True, blank=True)
    # Device finish time, corrected by the measured skew when it exceeds the limit (SCORING.md §3).
    inspected_at = models.DateTimeField(_("检查时间"), db_index=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    location_captured_at = models.DateTimeField(_("定位时间"), null=True, blank=True)
    mock_location = models.BooleanField(_("模拟定位"), default=False)
    distance_m = models.FloatField(_("距场所(米)"), null=True, blank=True)
    flags = models.JSONField(_("标记"), default=list, blank=True)
    score_tenths = models.IntegerField(_("得分(0.1分)"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=16, choices=Grade.choices, null=True, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.AWAITING_PHOTOS, db_index=True
    )
    completed_at = models.DateTimeField(_("完整时间"), null=True, blank=True)
    fingerprint = models.CharField(_("内容指纹"), max_length=64)
    body = models.JSONField(_("原始提交"), default=dict)
    # Out of scope when it arrived (docs/sync.md "Out of scope"): stored, not counted until a street admin counts
    # it (COUNTED) or voids it. `scope_lapses` says what was out ("on_arrival", and "when_finished" by the recorded
    # history): place_retired, scope_changed, user_deactivated.
    scope_review = models.CharField(
        _("超范围审核"), max_length=16, choices=ScopeReview.choices, blank=True, default="", db_index=True
    )
    scope_lapses = models.JSONField(_("超范围原因"), default=dict, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.TextField(_("作废原因"), blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("作废人"),
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    # A covert inspection is hidden from the inspected party until this is set: by publishing a list that
    # contains it (rankings/publication.py), so that reads need no join to the published lists.
    covert_released_at = models.DateTimeField(_("暗查公开时间"), null=True, blank=True, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_at"]
        indexes = [models.Index(fields=["regime", "status", "voided", "inspected_at"])]

    def __str__(self) -> str:
        return f"{self.place.name} {self.get_regime_display()} {self.inspected_at:%Y-%m-%d}"

    @property
    def flag_labels(self) -> list[str]:
        """The flags in words (inspections/flags.py), for staff pages."""
        return flag_labels(self.flags)

    @property
    def counts(self) -> bool:
        """Whether this inspection, as it is in memory, counts towards scores (as `InspectionQuerySet.counted`)."""
        return counted_values(self.status, self.voided, self.score_tenths, self.scope_review)

    @property
    def score(self) -> float | None:
        return None if self.score_tenths is None else self.score_tenths / 10


class Answer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item_code = models.CharField(_("检查项"), max_length=16)
    value = models.JSONField(_("答案"), null=True)
    note = models.TextField(_("备注"), blank=True)
    max_tenths = models.IntegerField(_("满分(0.1分)"), default=0)
    earned_tenths = models.IntegerField(_("得分(0.1分)"), null=True, blank=True)
    failed = models.BooleanField(_("不合格"), default=False)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [models.UniqueConstraint(fields=["inspection", "item_code"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value!r}"


class Photo(models.Model):
    """A photo declared in an inspection's manifest; the files arrive later (received_at set), or never when the
    server refused it up front (refused_reason set: its declared size is above PHOTO_MAX_BYTES)."""

    class Refusal(models.TextChoices):
        TOO_LARGE = "too_large", _("照片过大")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    uuid = models.UUIDField(_("客户端编号"), unique=True)
    item_code = models.CharField(_("检查项"), max_length=16)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    declared_bytes = models.PositiveBigIntegerField(_("声明大小"))
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    # Set when the manifest was received: such a photo is never waited for and its PUT answers 413.
    refused_reason = models.CharField(_("拒收原因"), max_length=32, choices=Refusal.choices, blank=True)
    # Names in the photo storages (inspections/storage.py): `original` in "photos_private", the derivatives in
    # "photos". No URL maps either: every variant is served by a permission-checked view (inspections/media.py).
    original = models.CharField(_("原图（内部）"), max_length=200, blank=True)
    display = models.CharField(_("展示图"), max_length=200, blank=True)
    thumbnail = models.CharField(_("缩略图"), max_length=200, blank=True)
    content_type = models.CharField(_("原图类型"), max_length=50, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("EXIF拍摄时间"), null=True, blank=True)
    exif_lat = models.FloatField(_("EXIF纬度"), null=True, blank=True)
    exif_lng = models.FloatField(_("EXIF经度"), null=True, blank=True)
    # An exposure photo taken off every public page (published snapshots are frozen: they are filtered when
    # shown and served). The file stays, for staff.
    public_withdrawn_at = models.DateTimeField(_("撤回公示时间"), null=True, blank=True, db_index=True)
    public_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("撤回人"),
    )
    public_withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    # An exposure photo of a current published list (set and cleared by rankings/publication.py): the public
    # may then fetch its derivatives, unless it was withdrawn.
    public_on_list = models.BooleanField(_("公示中"), default=False, editable=False)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return f"{self.item_code} {self.uuid}"

    def file_url(self, variant: str = "display") -> str:
        """The one place photo URLs are built: `original`, `display` or `thumbnail`, through the checked view."""
        from django.urls import reverse

        return reverse("photo-file", args=[self.uuid, variant])

    @property
    def display_url(self) -> str:
        return self.file_url("display")

    @property
    def thumbnail_url(self) -> str:
        return self.file_url("thumbnail")

    @property
    def original_url(self) -> str:
        return self.file_url("original")
