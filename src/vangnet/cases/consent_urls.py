from django.urls import path

from vangnet.cases import consent_views as views

urlpatterns = [
    path("leerlingen/<int:pupil_id>/toestemming/", views.consent_register, name="consent_register"),
    path(
        "leerlingen/<int:pupil_id>/toestemming/nieuw/",
        views.consent_create,
        name="consent_create",
    ),
    path(
        "toestemming/<int:consent_id>/intrekken/", views.consent_withdraw, name="consent_withdraw"
    ),
    path(
        "leerlingen/<int:pupil_id>/uitwisseling/nieuw/",
        views.exchange_create,
        name="exchange_create",
    ),
]
