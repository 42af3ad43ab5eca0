from django import forms
from django.contrib.auth import forms as auth_forms, password_validation
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
    pass


class InvitationSignupForm(DsfrFormMixin, forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(username=self.email, email=self.email))
        return password
