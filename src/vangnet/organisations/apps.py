from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "vangnet.organisations"
    label = "organisations"
    verbose_name = "Organisations"
