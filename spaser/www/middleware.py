"""Request-wide middleware: the request id every log line carries, and the Permissions-Policy header."""

import re
import uuid

from django.conf import settings

from spaser.www.logs import request_id


REQUEST_ID_HEADER = "X-Request-ID"
# An id given by the reverse proxy is kept if it cannot forge a log line; otherwise a new one is made.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        current = given if ACCEPTED_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = current
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
