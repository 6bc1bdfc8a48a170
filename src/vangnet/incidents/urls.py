from django.urls import path

from vangnet.incidents import insight_views, views

urlpatterns = [
    path("incidenten/", views.incident_list, name="incident_list"),
    path("incidenten/inzicht/", insight_views.incident_insights, name="incident_insights"),
    path("incidenten/nieuw/", views.incident_create, name="incident_create"),
    path("incidenten/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("incidenten/<int:incident_id>/wijzigen/", views.incident_edit, name="incident_edit"),
]
