"""The annual report on incidents (PDF and XLSX) and a school's year in review."""

from django.urls import URLPattern, path

from vangnet.incidents import annual_views

urlpatterns: list[URLPattern] = [
    path(
        "incidenten/jaarverslag/<str:year>.pdf",
        annual_views.incident_annual_pdf,
        name="incident_annual_pdf",
    ),
    path(
        "incidenten/jaarverslag/<str:year>.xlsx",
        annual_views.incident_annual_xlsx,
        name="incident_annual_xlsx",
    ),
    path(
        "incidenten/jaaroverzicht/",
        annual_views.incident_year_review,
        name="incident_year_review",
    ),
]
