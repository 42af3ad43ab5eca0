from django.urls import path

from spaser.www.observatory_views import obligation


app_name = "observatory"
urlpatterns = [
    path("obligation/", obligation.register, name="obligation"),
    path("obligation/<str:siren>/", obligation.buyer_history, name="obligation_buyer"),
    path("obligation.<str:file_format>", obligation.download, name="obligation_download"),
]
