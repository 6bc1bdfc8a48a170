from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "vangnet.concerns"
    label = "concerns"
    verbose_name = "Concerns and the pupil dossier"
