"""The rankings app's URLs: desk pages for street staff under /staff/, published lists under /public/ and
their JSON under /api/v1/public/."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/public/", include("rankings.public.api_urls")),
    path("public/", include("rankings.public.urls")),
    path("staff/", include("rankings.staff.urls")),
]
