"""Attachments, the board's incident lists, the flag system and the report for parents."""

from django.urls import URLPattern, path

from vangnet.incidents import attachment_views, flag_link, parent_export, settings_views

urlpatterns: list[URLPattern] = [
    path(
        "incidenten/<int:incident_id>/bijlagen/",
        attachment_views.incident_attachment_add,
        name="incident_attachment_add",
    ),
    path(
        "incidenten/<int:incident_id>/bijlagen/<int:attachment_id>/",
        attachment_views.incident_attachment,
        name="incident_attachment",
    ),
    path(
        "incidenten/<int:incident_id>/vlaggensysteem/",
        flag_link.incident_flag,
        name="incident_flag",
    ),
    path(
        "incidenten/<int:incident_id>/ouders/<int:pupil_id>/",
        parent_export.incident_parent_export,
        name="incident_parent_export",
    ),
    path(
        "besturen/<int:board_id>/incidentlijsten/",
        settings_views.incident_lists,
        name="incident_lists",
    ),
]
