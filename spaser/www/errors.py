"""The French page of a refused form (CSRF_FAILURE_VIEW); 403, 404 and 500 are the templates of the same names."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    # Django's reason is English and technical: it goes to the log (django.security.csrf), not to the page.
    return render(request, "403_csrf.html", status=403)
