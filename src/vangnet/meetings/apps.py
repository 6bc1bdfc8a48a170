from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "vangnet.meetings"
    label = "meetings"
    verbose_name = "The multidisciplinary care meeting (zorgoverleg)"
