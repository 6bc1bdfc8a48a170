from django.urls import path

from vangnet.concerns import rights_views as views

urlpatterns = [
    path("zorgen/<int:concern_id>/zienswijze/", views.parent_view_add, name="parent_view_add"),
    path(
        "zorgen/<int:concern_id>/correctieverzoek/",
        views.correction_request_add,
        name="correction_request_add",
    ),
    path("correctieverzoeken/<int:request_id>/", views.correction_decide, name="correction_decide"),
    path(
        "leerlingen/<int:pupil_id>/dossier-voor-ouders.pdf",
        views.dossier_export_pdf,
        name="dossier_export_pdf",
    ),
    path(
        "leerlingen/<int:pupil_id>/dossier-voor-ouders.docx",
        views.dossier_export_docx,
        name="dossier_export_docx",
    ),
]
