"""The board's holidays and measure terms ("Vakanties en termijnen")."""

from django.urls import URLPattern, path

from vangnet.organisations import calendar_views

urlpatterns: list[URLPattern] = [
    path(
        "besturen/<int:board_id>/kalender/",
        calendar_views.board_calendar,
        name="board_calendar",
    ),
]
