"""Admin for inspections: read-only records with their answers and photos, filters for what staff check
(flags, covert, voided), and "void with reason" / "restore" in place of editing or deleting.

A voided inspection stays stored and visible here; it no longer counts towards any score."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inspections.errors import DomainError
from inspections.flags import FLAG_LABELS, flag_labels
from inspections.models import Answer, Inspection, Photo, ScopeReview
from inspections.scopes import may_manage_people
from inspections.services.outbox_import import OutboxFileError, outbox_import
from inspections.services.sync import inspection_count_out_of_scope, inspection_restore, inspection_void

from .scoping import ScopedInlineMixin, StreetScopedAdmin


class FlagFilter(admin.SimpleListFilter):
    title = _("标记")
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", _("有任何标记")), *FLAG_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "any":
            return queryset.exclude(flags=[])
        if self.value() in FLAG_LABELS:
            # The JSON text holds the flag in quotes; icontains works on SQLite and PostgreSQL alike.
            return queryset.filter(flags__icontains=f'"{self.value()}"')
        return queryset


class ReadOnlyInline(ScopedInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("item_code", "value", "note", "max_tenths", "earned_tenths", "failed")
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ("preview", "item_code", "received_at", "refused_reason", "content_type", "width", "height",
              "exif_taken_at", "exif_lat", "exif_lng", "sha256", "withdrawal")
    readonly_fields = fields

    @admin.display(description=_("缩略图"))
    def preview(self, photo: Photo) -> str:
        # Both through the permission-checked view (no media folder is served).
        if not photo.thumbnail:
            return _("未收到")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" height="80"></a>',
            photo.original_url, photo.thumbnail_url,
        )

    @admin.display(description=_("撤回公示"))
    def withdrawal(self, photo: Photo) -> str:
        if photo.public_withdrawn_at is None:
            return ""
        return format_html("{} {}：{}", localize(localtime(photo.public_withdrawn_at)), photo.public_withdrawn_by,
                           photo.public_withdrawn_reason)


class OutboxImportForm(forms.Form):
    file = forms.FileField(label=_("待上传记录导出文件（JSON）"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

@admin.register(Inspection)
class InspectionAdmin(StreetScopedAdmin):
    street_path = "place__street"
    list_display = ("inspected_at", "place", "regime", "uploader", "score", "grade", "status", "flag_list", "voided")
    list_filter = ("regime", "status", "voided", "scope_review", "grade", FlagFilter, "place__kind", "inspected_at")
    search_fields = ("place__code", "place__name", "uploader__username", "uuid")
    date_hierarchy = "inspected_at"
    list_select_related = ("place", "uploader")
    inlines = [AnswerInline, PhotoInline]
    actions = ["void_with_reason", "restore", "count_out_of_scope"]
    readonly_fields = [f.name for f in Inspection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # inspections come from phones only (or their outbox export: outbox_import_view)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.outbox_import_view)
        return [path("outbox-import/", view, name="inspections_inspection_outbox_import"), *super().get_urls()]

    def outbox_import_view(self, request: HttpRequest) -> HttpResponse:
        """A street admin imports a phone's outbox export (a deactivated user's finished records)."""
        if not may_manage_people(request.user):
            raise PermissionDenied
        form = OutboxImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            limit = settings.SORTPATROL["OUTBOX_IMPORT_MAX_BYTES"]
            try:
                if upload.size > limit:
                    raise OutboxFileError(_("文件过大：最大 %(mb)d MB。") % {"mb": limit // (1024 * 1024)})
                report = outbox_import(data=upload.read(), by=request.user)
            except OutboxFileError as exc:
                form.add_error("file", str(exc))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "report": report, "title": _("导入待上传记录")}
        return TemplateResponse(request, "admin/inspections/outbox_import.html", context)

    def has_delete_permission(self, request: HttpRequest, obj: Inspection | None = None) -> bool:
        return False  # void instead: the record stays, with who and why

    @admin.display(description=_("得分"), ordering="score_tenths")
    def score(self, inspection: Inspection) -> float | None:
        return inspection.score

    @admin.display(description=_("标记"))
    def flag_list(self, inspection: Inspection) -> str:
        return "、".join(flag_labels(inspection.flags))

    def _with_reason(self, request: HttpRequest, queryset: QuerySet, *, action: str, title: str, explain: str,
                     apply_one, done: str) -> HttpResponse | None:
        """An admin action that asks for a reason first, then applies `apply_one` to each chosen record."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = 0
            for inspection in queryset:
                try:
                    count += apply_one(inspection, form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return None
            self.message_user(request, done % {"n": count})
            return None
        return TemplateResponse(
            request,
            "admin/inspections/inspection_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "explain": explain,
                "action": action,
                "opts": self.model._meta,
                "form": form,
                "inspections": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("作废所选检查记录（须填写原因）"), permissions=["change"])
    def void_with_reason(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def void(inspection: Inspection, reason: str) -> int:
            if inspection.voided:
                return 0
            inspection_void(inspection=inspection, by=request.user, reason=reason)
            return 1

        return self._with_reason(
            request, queryset, action="void_with_reason", title=_("作废检查记录"), apply_one=void,
            explain=_("作废后记录仍保留，工作人员可见，但不再计入任何得分和排名。"),
            done=ngettext("已作废 %(n)d 条检查记录。", "已作废 %(n)d 条检查记录。", queryset.count()),
        )

    @admin.action(description=_("恢复所选已作废的检查记录（须填写原因）"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def restore(inspection: Inspection, reason: str) -> int:
            if not inspection.voided:
                return 0
            inspection_restore(inspection=inspection, by=request.user, reason=reason)
            return 1

        return self._with_reason(
            request, queryset, action="restore", title=_("恢复检查记录"), apply_one=restore,
            explain=_("恢复后记录重新计入得分；原作废人、时间和原因仍保留在审计日志中。"),
            done=ngettext("已恢复 %(n)d 条检查记录。", "已恢复 %(n)d 条检查记录。", queryset.count()),
        )

    @admin.action(description=_("计入所选超范围检查记录（须填写原因）"), permissions=["change"])
    def count_out_of_scope(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        def count(inspection: Inspection, reason: str) -> int:
            if inspection.scope_review != ScopeReview.PENDING or inspection.voided:
                return 0
            inspection_count_out_of_scope(inspection=inspection, by=request.user, reason=reason)
            return 1

        return self._with_reason(
            request, queryset, action="count_out_of_scope", title=_("计入超范围检查记录"), apply_one=count,
            explain=_("这些记录到达时已超出检查人的检查范围（场所已撤销、范围已变更或账号已停用）。确认检查是在范围内完成的，"
                      "才计入得分；否则请作废。"),
            done=ngettext("已计入 %(n)d 条检查记录。", "已计入 %(n)d 条检查记录。", queryset.count()),
        )
