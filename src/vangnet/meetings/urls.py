from django.urls import path

from vangnet.meetings import export, series_views, views

urlpatterns = [
    path("zorgoverleg/", views.meeting_list, name="meeting_list"),
    path("zorgoverleg/nieuw/", views.meeting_series_create, name="meeting_series_create"),
    path(
        "zorgoverleg/reeks/<int:series_id>/",
        views.meeting_series_detail,
        name="meeting_series_detail",
    ),
    path(
        "zorgoverleg/reeks/<int:series_id>/wijzigen/",
        series_views.meeting_series_edit,
        name="meeting_series_edit",
    ),
    path(
        "zorgoverleg/reeks/<int:series_id>/leden/",
        series_views.meeting_member_add,
        name="meeting_member_add",
    ),
    path(
        "zorgoverleg/reeks/<int:series_id>/leden/<int:member_id>/",
        series_views.meeting_member_edit,
        name="meeting_member_edit",
    ),
    path(
        "zorgoverleg/reeks/<int:series_id>/stoppen/",
        series_views.meeting_series_active,
        name="meeting_series_active",
    ),
    path("zorgoverleg/<int:meeting_id>/", views.care_meeting_detail, name="care_meeting_detail"),
    path(
        "zorgoverleg/<int:meeting_id>/agenda-opbouwen/",
        views.care_meeting_build,
        name="care_meeting_build",
    ),
    path(
        "zorgoverleg/<int:meeting_id>/onderwerp/",
        views.care_meeting_item_add,
        name="care_meeting_item_add",
    ),
    path(
        "zorgoverleg/<int:meeting_id>/onderwerp/<int:item_id>/",
        views.care_meeting_item,
        name="care_meeting_item",
    ),
    path(
        "zorgoverleg/<int:meeting_id>/onderwerp/<int:item_id>/naam/",
        views.care_meeting_item_named,
        name="care_meeting_item_named",
    ),
    path(
        "zorgoverleg/<int:meeting_id>/afsluiten/",
        views.care_meeting_close,
        name="care_meeting_close",
    ),
    path(
        "zorgoverleg/<int:meeting_id>/verslag.pdf", export.care_meeting_pdf, name="care_meeting_pdf"
    ),
    path(
        "zorgoverleg/<int:meeting_id>/verslag.docx",
        export.care_meeting_docx,
        name="care_meeting_docx",
    ),
    path(
        "trajecten/<int:case_id>/zorgoverleg/",
        views.meeting_request_create,
        name="meeting_request_create",
    ),
    path(
        "leerlingen/<int:pupil_id>/toestemming-naam/",
        views.naming_consent_create,
        name="naming_consent_create",
    ),
]
