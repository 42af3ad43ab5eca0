app_name = "manual"
urlpatterns = []
