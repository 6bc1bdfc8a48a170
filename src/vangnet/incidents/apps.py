from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "vangnet.incidents"
    label = "incidents"
    verbose_name = "Incident registration and trends"
