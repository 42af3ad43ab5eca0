from django.urls import path

from spaser.www.organisations_views import views


app_name = "organisations"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/nouvelle/", views.create, name="create"),
    path("organisations/<int:pk>/", views.detail, name="detail"),
    path("organisations/<int:pk>/inviter/", views.invite_member, name="invite"),
    path("organisations/<int:pk>/invitations/<int:invitation_pk>/", views.manage_invitation, name="invitation"),
    path("organisations/<int:pk>/membres/<int:membership_pk>/", views.change_member, name="member"),
]
