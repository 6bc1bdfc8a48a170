from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "vangnet.measures"
    label = "measures"
    verbose_name = "Behaviour measures: time-out, suspension, expulsion, extra rules, letters"
