from django.urls import path

from spaser.www.observatory_views import obligation, series


app_name = "observatory"

urlpatterns = [
    path("indicateurs/", series.page, name="series"),
    path("indicateurs/<str:name>", series.download, name="series_download"),
    path("obligation/", obligation.register, name="obligation"),
    path("obligation/<str:siren>/", obligation.buyer_history, name="obligation_buyer"),
    path("obligation.<str:file_format>", obligation.download, name="obligation_download"),
]
