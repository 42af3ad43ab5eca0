from django.urls import path

from spaser.www.exchange_views import views


app_name = "exchange"
urlpatterns = [
    path("<int:pk>/export.json", views.export, name="export"),
    path("importer/", views.import_file, name="import"),
    path("schema.json", views.schema, name="schema"),
]
