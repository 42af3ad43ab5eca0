from django.urls import path

from spaser.www.api import views


# The operations come from their django-ninja declarations; tests/www/test_api.py validates every answer against
# the OpenAPI document generated from the same declarations.
app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs/", views.documentation, name="docs"),
    *views.operation_urls(),
]
