from django.apps import AppConfig


class AnalyzeConfig(AppConfig):
    """The front door, "PC 지금 살까?": a Danawa link (or pcode, or name) in, one page that
    answers all four questions out. It sits above the other apps and reads their services."""

    name = "analyze"
    verbose_name = "PC 지금 살까?"
