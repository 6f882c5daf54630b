"""Desk pages for street staff (session login): the dashboard, rankings, publication and exports."""

from django.contrib.auth.views import LogoutView
from django.urls import include, path

from . import dashboard, rankings

urlpatterns = [
    path("", dashboard.dashboard, name="staff-dashboard"),
    # The admin's logout turns away desk-only staff (no is_staff): the desk pages have their own (POST only).
    path("logout/", LogoutView.as_view(next_page="admin:login"), name="staff-logout"),
    path("cases/", include("rectifications.staff.urls")),  # the case ledger and notices (整改)
    path("places/<int:pk>/history/", dashboard.place_history, name="staff-place-history"),
    path("rankings/", rankings.publication_list, name="staff-rankings"),
    path("rankings/draft/", rankings.draft_create, name="staff-ranking-draft"),
    path("rankings/<int:pk>/", rankings.publication_detail, name="staff-ranking"),
    path("rankings/<int:pk>/recompute/", rankings.publication_recompute, name="staff-ranking-recompute"),
    path("rankings/<int:pk>/review/", rankings.entry_review, name="staff-ranking-review"),
    path("rankings/<int:pk>/publish/", rankings.publish, name="staff-ranking-publish"),
    path("rankings/<int:pk>/export.xlsx", rankings.export_list, name="staff-ranking-export"),
    path("ledger.xlsx", rankings.export_ledger, name="staff-ledger-export"),
    path("rankings/<int:pk>/photos/<int:photo_id>/withdraw/", rankings.photo_withdraw_view,
         name="staff-ranking-photo-withdraw"),
]
