"""Public, read-only JSON of published ranking lists (no login, throttled with scope "public").

Only what the public pages show: names and codes of places and companies, scores, ranks, grades,
trends, reasons and the URLs of reviewed display derivatives. No people, no coordinates.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.compression import compressed_when_asked
from inspections.api.errors import ApiError
from inspections.api.serializers import ErrorSerializer
from inspections.api.throttling import ClientScopedRateThrottle

from ..models import RankingPublication
from ..present import list_title, period_label, present_lists

PUBLIC_STATES = (RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED)


class PublicListSummary(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    street = serializers.CharField()
    period_kind = serializers.CharField(help_text="week, month or quarter")
    period = serializers.CharField()
    period_label = serializers.CharField()
    revision = serializers.IntegerField()
    state = serializers.CharField(help_text="published, or superseded by a later revision")
    published_at = serializers.DateTimeField()
    superseded_by = serializers.IntegerField(allow_null=True)


class PublicReason(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    lost = serializers.CharField(help_text="points lost, one decimal")
    veto = serializers.BooleanField()


class PublicPhoto(serializers.Serializer):
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    item_code = serializers.CharField()


class PublicEntry(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    community = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.CharField(help_text="rounded half-up to 0.1, as published")
    # Plain strings, not enums: the grade choice set is the sync API's (with its own null), one name per set.
    grade = serializers.CharField(help_text="excellent, good, pass or fail (fail when vetoed)")
    vetoed = serializers.BooleanField()
    partial = serializers.BooleanField()
    trend = serializers.CharField(allow_null=True, help_text="change in points, or null when new")
    reasons = PublicReason(many=True)
    photos = PublicPhoto(many=True)


class PublicNotInspected(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    community = serializers.CharField()


class PublicCategory(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    entries = PublicEntry(many=True)
    red = serializers.ListField(child=serializers.CharField(), help_text="codes, in ranking order")
    black = serializers.ListField(child=serializers.CharField(), help_text="codes, worst first")
    not_inspected = PublicNotInspected(many=True)


class PublicListDetail(PublicListSummary):
    revision_reason = serializers.CharField()
    categories = PublicCategory(many=True)


def _summary(publication: RankingPublication) -> dict:
    newer = next((p.pk for p in publication.superseded_by.all() if p.state in PUBLIC_STATES), None)
    return {
        "id": publication.pk, "title": list_title(publication), "street": publication.street.name,
        "period_kind": publication.period_kind, "period": publication.period,
        "period_label": period_label(publication.period_kind, publication.period),
        "revision": publication.revision, "state": publication.state, "published_at": publication.published_at,
        "superseded_by": newer,
    }


def _public_lists() -> QuerySet[RankingPublication]:
    return RankingPublication.objects.filter(state__in=PUBLIC_STATES).select_related("street").prefetch_related(
        "superseded_by"
    )


def _trend(entry: dict) -> str | None:
    return None if entry["trend"] is None else f"{entry['trend'] / 10:+.1f}"


_THROTTLED = {429: OpenApiResponse(ErrorSerializer, description="too many requests (`throttled`): see Retry-After")}
_NOT_PUBLISHED = {404: OpenApiResponse(ErrorSerializer, description="no such list, or not published")}


class PublicThrottled:
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "public"


@compressed_when_asked
class PublicListsView(PublicThrottled, APIView):
    @extend_schema(operation_id="public_lists", responses={200: PublicListSummary(many=True), **_THROTTLED},
                   tags=["public"])
    def get(self, request: Request) -> Response:
        rows = [_summary(p) for p in _public_lists().order_by("-period", "period_kind", "-revision")]
        return Response(PublicListSummary(rows, many=True).data)


@compressed_when_asked
class PublicListView(PublicThrottled, APIView):
    @extend_schema(operation_id="public_list", responses={200: PublicListDetail, **_NOT_PUBLISHED, **_THROTTLED},
                   tags=["public"])
    def get(self, request: Request, pk: int) -> Response:
        publication = _public_lists().filter(pk=pk).first()
        if publication is None:
            raise ApiError(status_code=404, code="not_found", message=_("没有这个已发布的榜单"))
        categories = []
        for cat in present_lists(publication):
            categories.append({
                **cat,
                "entries": [{**e, "trend": _trend(e)} for e in cat["entries"]],
                "red": [e["code"] for e in cat["red"]],
                "black": [e["code"] for e in cat["black"]],
            })
        body = {**_summary(publication), "revision_reason": publication.revision_reason, "categories": categories}
        return Response(PublicListDetail(body).data)
