"""Checklist admin: drafts are edited with their items inline; published and retired versions are read-only.

Actions publish, clone, retire and export; an import page and a comparison of two versions. Every write
goes through `services`, and the models refuse changes to non-drafts whatever the admin lets through.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklists import services
from checklists.documents import DocumentInvalid, load_json
from checklists.models import Checklist, ChecklistVersion, Item, VersionLocked
from checklists.selectors import version_export

from .scoping import SHARED, ScopedInlineMixin, StreetScopedAdmin
from .tabular import LabelledTabularInline


def _is_draft(version: ChecklistVersion | None) -> bool:
    return version is None or version.state == ChecklistVersion.State.DRAFT


class ItemInline(ScopedInlineMixin, LabelledTabularInline):
    model = Item
    extra = 0
    fields = (
        "order", "code", "section", "label", "label_en", "type", "points", "per_fault", "target", "per_percent",
        "choices", "photo", "veto", "required", "category", "opens_rectification", "help", "section_en", "help_en",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("label", "label_en", "help", "help_en"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 24})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: ChecklistVersion | None = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: ChecklistVersion | None = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChecklistVersion | None = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("检查表文件（JSON）"))
    publish = forms.BooleanField(label=gettext_lazy("导入后立即发布"), required=False)


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(StreetScopedAdmin):
    street_path = SHARED  # one set of checklists for every street: read by staff, changed by superusers
    list_display = ("checklist", "number", "state", "item_count", "published_at", "published_by", "retired_at")
    list_filter = ("state", "checklist__place_kind", "checklist__regime")
    list_select_related = ("checklist", "published_by")
    readonly_fields = ("number", "state", "created_at", "published_at", "published_by", "retired_at", "fingerprint",
                       "compare_link")
    inlines = [ItemInline]
    actions = ["publish_versions", "clone_versions", "retire_versions", "export_version"]
    change_list_template = "admin/checklists/checklistversion/change_list.html"

    @admin.display(description=gettext_lazy("检查项数"))
    def item_count(self, obj: ChecklistVersion) -> int:
        return obj.items.count()

    @admin.display(description=gettext_lazy("与上一版本比较"))
    def compare_link(self, obj: ChecklistVersion) -> str:
        previous = obj.checklist.versions.filter(number__lt=obj.number).order_by("-number").first() if obj.pk else None
        if previous is None:
            return "—"
        url = reverse("admin:checklists_checklistversion_diff", args=[previous.pk, obj.pk])
        return format_html('<a href="{}">v{} → v{}</a>', url, previous.number, obj.number)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["checklist"] if obj is not None else fields

    def has_change_permission(self, request: HttpRequest, obj: ChecklistVersion | None = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ChecklistVersion | None = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj: ChecklistVersion, form, change: bool) -> None:
        if not change:
            top = obj.checklist.versions.aggregate(top=Max("number"))["top"] or 0
            obj.number = top + 1
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset) -> None:
        try:
            super().delete_queryset(request, queryset)
        except VersionLocked:
            raise PermissionDenied from None

    # --- actions ---------------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("发布所选草稿"), permissions=["change"])
    def publish_versions(self, request: HttpRequest, queryset) -> None:
        for version in queryset.select_related("checklist"):
            try:
                services.version_publish(version=version, user=request.user)
            except services.VersionStateError:
                self.message_user(request, _("%(v)s 不是草稿，未发布。") % {"v": version}, messages.WARNING)
            except DocumentInvalid as exc:
                problems = "；".join(str(problem) for problem in exc.problems)
                self.message_user(request, _("%(v)s 未通过检查：%(p)s") % {"v": version, "p": problems}, messages.ERROR)
            else:
                self.message_user(request, _("已发布 %(v)s。") % {"v": version}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("复制为新草稿"), permissions=["add"])
    def clone_versions(self, request: HttpRequest, queryset) -> None:
        for version in queryset.select_related("checklist"):
            draft = services.version_clone(version=version)
            self.message_user(request, _("已将 %(v)s 复制为草稿 v%(n)d。") % {"v": version, "n": draft.number},
                              messages.SUCCESS)

    @admin.action(description=gettext_lazy("停用所选版本"), permissions=["retire"])
    def retire_versions(self, request: HttpRequest, queryset) -> None:
        for version in queryset.select_related("checklist"):
            try:
                services.version_retire(version=version)
            except services.VersionStateError:
                self.message_user(request, _("%(v)s 不是已发布的版本，未停用。") % {"v": version}, messages.WARNING)
            else:
                self.message_user(request, _("已停用 %(v)s。") % {"v": version}, messages.SUCCESS)

    def has_retire_permission(self, request: HttpRequest) -> bool:
        # Retiring is the one change a published version allows, so it needs the change permission.
        return super().has_change_permission(request)

    @admin.action(description=gettext_lazy("导出为 JSON 文件"), permissions=["view"])
    def export_version(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个版本导出。"), messages.WARNING)
            return None
        version = queryset.select_related("checklist").get()
        body = json.dumps(version_export(version), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"checklist-{version.checklist.place_kind}-{version.checklist.regime}-v{version.number}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- extra pages -----------------------------------------------------------------------------------

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="checklists_checklistversion_import"),
            path("diff/<int:old_id>/<int:new_id>/", self.admin_site.admin_view(self.diff_view),
                 name="checklists_checklistversion_diff"),
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        problems = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = load_json(form.cleaned_data["file"].read())
                version = services.version_import(
                    data=data, publish=form.cleaned_data["publish"], user=request.user
                )
            except DocumentInvalid as exc:
                problems = list(exc.problems)
            else:
                self.message_user(request, _("已导入 %(v)s。") % {"v": version}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:checklists_checklistversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入检查表"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/checklists/checklistversion/import.html", context,
                                status=400 if problems else 200)

    def diff_view(self, request: HttpRequest, old_id: int, new_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        old = get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=old_id)
        new = get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=new_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(old)s 与 v%(new)d 的差异") % {"old": old, "new": new.number},
            "old": old,
            "new": new,
            "changes": services.versions_diff(old, new),
        }
        return TemplateResponse(request, "admin/checklists/checklistversion/diff.html", context)


class VersionInline(ScopedInlineMixin, admin.TabularInline):
    model = ChecklistVersion
    fields = ("number", "state", "published_at", "retired_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(StreetScopedAdmin):
    street_path = SHARED
    list_display = ("title", "place_kind", "regime", "published_version")
    list_filter = ("place_kind", "regime")
    inlines = [VersionInline]

    @admin.display(description=gettext_lazy("当前发布版本"))
    def published_version(self, obj: Checklist) -> str:
        version = obj.versions.filter(state=ChecklistVersion.State.PUBLISHED).order_by("-number").first()
        return f"v{version.number}" if version else "—"

    def get_readonly_fields(self, request, obj=None):
        # Kind, regime and titles are part of every published document of the checklist.
        if obj is not None and obj.versions.exclude(state=ChecklistVersion.State.DRAFT).exists():
            return ("place_kind", "regime", "title", "title_en")
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.versions.exists()) and super().has_delete_permission(request, obj)
