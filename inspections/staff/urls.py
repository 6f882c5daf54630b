"""Desk pages for street staff (session login)."""

from django.urls import path

from . import labels

urlpatterns = [
    path("labels/<str:code>/", labels.compound_labels, name="staff-labels"),
]

# Rankings, publication, exports and the dashboard (issue 6).
from . import dashboard, rankings  # noqa: E402

urlpatterns += [
    path("", dashboard.dashboard, name="staff-dashboard"),
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
