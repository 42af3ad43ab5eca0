from axes.utils import reset as axes_reset
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User

from spaser.www.forms import DsfrFormMixin


class LoginForm(DsfrFormMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class PasswordResetForm(DsfrFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254)


class SetPasswordForm(DsfrFormMixin, auth_forms.SetPasswordForm):
    def save(self, commit=True):
        # The reset link proves the address: the account's login lock (django-axes) ends with it.
        user = super().save(commit)
        axes_reset(username=user.get_username())
        return user


class PasswordChangeForm(DsfrFormMixin, auth_forms.PasswordChangeForm):
    pass


class InvitationSignupForm(DsfrFormMixin, auth_forms.SetPasswordMixin, forms.Form):
    """A newcomer's account: the password follows the rules of AUTH_PASSWORD_VALIDATORS, shown beside it."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1="Mot de passe", label2="Confirmation du mot de passe"
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        newcomer = User(
            username=self.email,
            email=self.email,
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        self.validate_password_for_user(newcomer)
        return cleaned
