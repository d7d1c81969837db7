from django.urls import path  # noqa: F401  (the door's endpoints are added here)

app_name = "analyze-api"

urlpatterns: list = []
