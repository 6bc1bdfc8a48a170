from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vangnet.cases"
    label = "cases"
    verbose_name = "Care cases, the Meldcode and consent"

    def ready(self) -> None:
        # An inconsistent protocol definition stops the start-up with a clear message.
        from vangnet.cases.protocols import check_all

        check_all()
