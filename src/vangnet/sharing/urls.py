from django.urls import path

from vangnet.sharing import views

urlpatterns = [
    path(
        "trajecten/<int:case_id>/delen/nieuw/",
        views.sharing_request_create,
        name="sharing_request_create",
    ),
    path("delen/", views.sharing_request_list, name="sharing_request_list"),
    path("delen/<int:request_id>/", views.sharing_request_detail, name="sharing_request_detail"),
    path(
        "delen/<int:request_id>/besluit/",
        views.sharing_request_decide,
        name="sharing_request_decide",
    ),
    path(
        "delen/<int:request_id>/gedeeld/",
        views.sharing_request_share,
        name="sharing_request_share",
    ),
    path(
        "delen/<int:request_id>/bevestigd/",
        views.sharing_request_confirm,
        name="sharing_request_confirm",
    ),
]
