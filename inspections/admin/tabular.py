"""Tabular inlines whose inputs say what they are."""

from __future__ import annotations

from django.contrib import admin


class LabelledTabularInline(admin.TabularInline):
    """Django's tabular inline names a field only in its column header, which is not the input's label: a screen
    reader announces the inputs in the rows as unnamed. Each input gets its field's label as `aria-label`."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            if field.label:  # lazy: rendered in the request's language
                field.widget.attrs.setdefault("aria-label", field.label)
        return formset
