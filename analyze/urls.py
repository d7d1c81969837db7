from django.urls import path  # noqa: F401  (the door's pages are added here)

app_name = "analyze"

urlpatterns: list = []
