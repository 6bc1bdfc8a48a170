from django.urls import path

from vangnet.cases import views

urlpatterns = [
    path("leerlingen/<int:pupil_id>/trajecten/nieuw/", views.case_start, name="case_start"),
    path("trajecten/<int:case_id>/", views.case_detail, name="case_detail"),
    path(
        "trajecten/<int:case_id>/vastleggen/<slug:kind>/",
        views.case_record_add,
        name="case_record_add",
    ),
    path(
        "trajecten/<int:case_id>/stap-afronden/",
        views.case_complete_step,
        name="case_complete_step",
    ),
    path("trajecten/<int:case_id>/besluit/", views.case_decision, name="case_decision"),
    path("trajecten/<int:case_id>/acuut/", views.case_acute, name="case_acute"),
]
