from django.urls import path

from spaser.www.observatory_views import series


app_name = "observatory"

urlpatterns = [
    path("indicateurs/", series.page, name="series"),
    path("indicateurs/<str:name>", series.download, name="series_download"),
]
