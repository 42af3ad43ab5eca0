from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render

from spaser.organisations.invitations import accept
from spaser.organisations.models import Invitation
from spaser.www.accounts_views.forms import InvitationSignupForm


@login_not_required
def accept_invitation(request, token: str):
    """A known user joins with one click; a newcomer creates an account with the invited address."""
    invitation = get_object_or_404(Invitation, token=token, accepted_at__isnull=True)
    existing = User.objects.filter(username__iexact=invitation.email).first()
    if existing:
        if request.method == "POST":
            if request.user != existing:
                messages.error(request, "Connectez-vous avec l'adresse invitée pour accepter l'invitation.")
                return redirect("accounts:login")
            accept(invitation, existing)
            messages.success(request, f"Vous avez rejoint {invitation.organisation}.")
            return redirect("organisations:detail", invitation.organisation.pk)
        return render(request, "accounts/invitation.html", {"invitation": invitation, "existing": existing})
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(
            username=invitation.email,
            email=invitation.email,
            password=form.cleaned_data["password"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        accept(invitation, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Bienvenue ! Vous avez rejoint {invitation.organisation}.")
        return redirect("organisations:detail", invitation.organisation.pk)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form})
