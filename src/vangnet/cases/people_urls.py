from django.urls import path

from vangnet.cases import people_views as views

urlpatterns = [
    path("trajecten/<int:case_id>/betrokkenen/", views.case_members, name="case_members"),
    path(
        "trajecten/<int:case_id>/betrokkenen/<int:member_id>/verwijderen/",
        views.case_member_remove,
        name="case_member_remove",
    ),
    path("trajecten/<int:case_id>/verzoek/", views.case_task_request, name="case_task_request"),
    path("taken/", views.my_tasks, name="my_tasks"),
    path("taken/<int:task_id>/gedaan/", views.case_task_done, name="case_task_done"),
]
