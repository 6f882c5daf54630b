from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/", views.rules_page, name="rules"),
    path("lists/<int:pk>/", views.list_page, name="list"),
    path("lists/<int:pk>/poster/", views.poster, name="poster"),
    path("lists/<int:pk>/<slug:category>/", views.category_page, name="category"),
]
