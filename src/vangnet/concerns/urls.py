from django.urls import path

from vangnet.concerns import views

urlpatterns = [
    path("zorg/nieuw/", views.concern_start, name="concern_start"),
    path("leerlingen/<int:pupil_id>/zorg/nieuw/", views.concern_create, name="concern_create"),
    path("leerlingen/<int:pupil_id>/zorg/concept/", views.concern_draft, name="concern_draft"),
    path(
        "leerlingen/<int:pupil_id>/zorg/concept/weggooien/",
        views.concern_draft_discard,
        name="concern_draft_discard",
    ),
    path("leerlingen/<int:pupil_id>/dossier/", views.dossier, name="dossier"),
    path("zorgen/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path("zorgen/<int:concern_id>/wijzigen/", views.concern_edit, name="concern_edit"),
    path("zorgen/<int:concern_id>/verwijderen/", views.concern_delete, name="concern_delete"),
    path("zorgen/<int:concern_id>/delen/", views.concern_share, name="concern_share"),
    path("zorgen/<int:concern_id>/overdragen/", views.concern_handover, name="concern_handover"),
]
