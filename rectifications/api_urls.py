"""The phone's case API, mounted at /api/v1/rectifications/ (rectifications/api.py). Ids and UUIDs in paths are
taken as strings and checked by the views, so that a malformed one gets the API's JSON 404."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.CaseListView.as_view(), name="api-rectifications"),
    path("<str:id>/answers/<str:uuid>/", api.AnswerView.as_view(), name="api-rectification-answer"),
    path("<str:id>/answers/<str:uuid>/photos/<str:photo_uuid>/", api.AnswerPhotoView.as_view(),
         name="api-rectification-answer-photo"),
    path("<str:id>/rechecks/<str:uuid>/", api.RecheckView.as_view(), name="api-rectification-recheck"),
    path("<str:id>/rechecks/<str:uuid>/photos/<str:photo_uuid>/", api.RecheckPhotoView.as_view(),
         name="api-rectification-recheck-photo"),
]
