from django.urls import path

from spaser.www.api import views


# Every route but openapi.json is described in openapi.py; tests/www/test_api.py keeps the two in step.
app_name = "api"
urlpatterns = [
    path("spaser/", views.scheme_list, name="schemes"),
    path("spaser/<slug:slug>/", views.scheme_detail, name="scheme"),
    path("spaser/<slug:slug>/indicateurs/", views.scheme_indicators, name="indicators"),
    path("openapi.json", views.openapi_document, name="openapi"),
]
