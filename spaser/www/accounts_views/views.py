from django.contrib import messages
from django.contrib.auth import login, views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.contrib.messages.views import SuccessMessageMixin
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from spaser.organisations.invitations import InvitationRefused, accept
from spaser.organisations.models import Invitation
from spaser.www import breadcrumbs
from spaser.www.accounts_views.forms import InvitationSignupForm, PasswordChangeForm


UNKNOWN_LINK = (
    "Ce lien d'invitation n'est pas valable : vérifiez qu'il est complet, ou utilisez le dernier courriel "
    "d'invitation reçu (un nouvel envoi remplace les liens précédents)."
)


@login_not_required
def accept_invitation(request, token: str):
    """A known user joins with one click; a newcomer creates an account with the invited address."""
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        return _refused(request, UNKNOWN_LINK, status=404)
    if refusal := invitation.refusal():
        return _refused(request, refusal, status=410)
    existing = User.objects.filter(username__iexact=invitation.email).first()
    if existing:
        if request.method == "POST":
            if request.user != existing:
                messages.error(request, "Connectez-vous avec l'adresse invitée pour accepter l'invitation.")
                return redirect("accounts:login")
            try:
                accept(invitation, existing)
            except InvitationRefused as refused:  # accepted or cancelled meanwhile
                return _refused(request, str(refused), status=410)
            messages.success(request, f"Vous avez rejoint {invitation.organisation}.")
            return redirect("organisations:detail", invitation.organisation.pk)
        context = {"title": f"Rejoindre {invitation.organisation}", "invitation": invitation, "existing": existing}
        return render(request, "accounts/invitation.html", context)
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=invitation.email,
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
                accept(invitation, user)
        except InvitationRefused as refused:
            return _refused(request, str(refused), status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Bienvenue ! Vous avez rejoint {invitation.organisation}.")
        return redirect("organisations:detail", invitation.organisation.pk)
    context = {"title": f"Rejoindre {invitation.organisation}", "invitation": invitation, "form": form}
    return render(request, "accounts/invitation.html", context)


def _refused(request, reason: str, status: int):
    context = {"title": "Invitation", "reason": reason}
    return render(request, "accounts/invitation_refused.html", context, status=status)


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "layouts/form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("organisations:home")
    success_message = "Votre mot de passe a été modifié."
    extra_context = {
        "title": "Changer de mot de passe",
        "submit_label": "Changer le mot de passe",
        "breadcrumb_data": breadcrumbs.trail((reverse_lazy("organisations:home"), "Mon espace")),
    }
