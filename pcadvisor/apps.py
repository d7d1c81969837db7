from django.apps import AppConfig


class PcadvisorConfig(AppConfig):
    name = "pcadvisor"
    verbose_name = "PC Advisor"
