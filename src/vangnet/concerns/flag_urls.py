from django.urls import URLPattern, path

from vangnet.concerns import flag_views

urlpatterns: list[URLPattern] = [
    path(
        "zorgen/<int:concern_id>/vlaggensysteem/",
        flag_views.flag_weighing,
        name="flag_weighing",
    ),
]
