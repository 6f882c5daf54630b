"""Case desk pages for street staff, under /staff/cases/ (included by rankings/staff/urls.py)."""

from django.urls import path

from . import cases, notices

urlpatterns = [
    path("", cases.case_ledger, name="staff-cases"),
    path("export.xlsx", cases.case_export, name="staff-cases-export"),
    path("open/", cases.open_manual, name="staff-case-open"),
    path("<int:pk>/", cases.case_detail, name="staff-case"),
    path("<int:pk>/withdraw/", cases.withdraw, name="staff-case-withdraw"),
    path("<int:pk>/release/", cases.release, name="staff-case-release"),
    path("<int:pk>/notice/", notices.case_notice, name="staff-case-notice"),
    path("notices/<str:party>/<int:pk>/", notices.party_notice, name="staff-party-notice"),
]
