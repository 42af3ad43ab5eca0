from django.contrib import admin
from django.urls import include, path


urlpatterns = [
    path("", include("spaser.www.public_views.urls")),
    path("compte/", include("spaser.www.accounts_views.urls")),
    path("espace/", include("spaser.www.organisations_views.urls")),
    path("espace/spaser/", include("spaser.www.plans_views.urls")),
    path("espace/spaser/", include("spaser.www.exchange_views.urls")),
    path("espace/spaser/", include("spaser.www.governance_views.urls")),
    path("espace/spaser/", include("spaser.www.publications_views.urls")),
    path("espace/indicateurs-saisis/", include("spaser.www.manual_views.urls")),
    path("observatoire/", include("spaser.www.observatory_views.urls")),
    path("api/", include("spaser.www.api.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files are never served from MEDIA_URL: a scheme's document goes through public:document, which checks
# who may read it.
