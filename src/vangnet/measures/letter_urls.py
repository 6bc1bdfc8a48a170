"""The letters of a measure and the board's own letter texts."""

from django.urls import URLPattern, path

from vangnet.measures import letter_views

urlpatterns: list[URLPattern] = [
    path(
        "maatregelen/<int:measure_id>/brieven/",
        letter_views.measure_letter_create,
        name="measure_letter_create",
    ),
    path(
        "maatregelen/<int:measure_id>/brieven/<int:document_id>.<str:fmt>",
        letter_views.measure_letter,
        name="measure_letter",
    ),
    path(
        "besturen/<int:board_id>/briefsjablonen/",
        letter_views.letter_templates,
        name="letter_templates",
    ),
    path(
        "besturen/<int:board_id>/briefsjablonen/<str:kind>/",
        letter_views.letter_template_edit,
        name="letter_template_edit",
    ),
]
