from django.urls import path

from vangnet.measures import extra_rules_views as rules
from vangnet.measures import views

urlpatterns = [
    path("maatregelen/", views.measure_list, name="measure_list"),
    path(
        "leerlingen/<int:pupil_id>/maatregelen/nieuw/",
        views.measure_propose,
        name="measure_propose",
    ),
    path("maatregelen/<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("maatregelen/<int:measure_id>/gegevens/", views.measure_record, name="measure_record"),
    path("maatregelen/<int:measure_id>/besluit/", views.measure_decide, name="measure_decide"),
    path("maatregelen/<int:measure_id>/zoeken/", views.measure_search, name="measure_search"),
    path(
        "maatregelen/<int:measure_id>/definitief/",
        views.measure_finalise,
        name="measure_finalise",
    ),
    path(
        "maatregelen/<int:measure_id>/uitschrijven/",
        views.measure_deregister,
        name="measure_deregister",
    ),
    path(
        "maatregelen/<int:measure_id>/vervallen/",
        views.measure_withdraw,
        name="measure_withdraw",
    ),
    path(
        "trajecten/<int:case_id>/omgangsregels/nieuw/",
        rules.extra_rules_create,
        name="extra_rules_create",
    ),
    path("omgangsregels/<int:plan_id>/", rules.extra_rules_detail, name="extra_rules_detail"),
    path(
        "omgangsregels/<int:plan_id>/evaluatie/",
        rules.extra_rules_evaluate,
        name="extra_rules_evaluate",
    ),
]
