from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "vangnet.sharing"
    label = "sharing"
    verbose_name = "Sharing outside the institution (decision framework 2)"
