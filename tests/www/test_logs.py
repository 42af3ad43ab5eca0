"""Every log line is a JSON object carrying the id of the request that wrote it."""

import json
import logging
import sys

from django.http import HttpResponse
from django.test import RequestFactory

from spaser.www.logs import JsonFormatter, RequestIdFilter
from spaser.www.middleware import RequestIdMiddleware


def logging_view(request):
    logging.getLogger("spaser.test").warning("dans la requête")
    return HttpResponse("ok")


def run(middleware, **headers):
    return middleware(RequestFactory().get("/", headers=headers))


def test_a_request_gets_an_id_in_its_response_and_its_log_lines(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    response = run(RequestIdMiddleware(logging_view))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert [record.request_id for record in caplog.records] == [request_id]


def test_the_proxy_s_request_id_is_kept_unless_it_could_forge_a_log_line(caplog):
    middleware = RequestIdMiddleware(logging_view)
    assert run(middleware, x_request_id="proxy-42.a_b")["X-Request-ID"] == "proxy-42.a_b"
    forged = run(middleware, x_request_id='x"}\n{"level": "INFO')["X-Request-ID"]
    assert forged != 'x"}\n{"level": "INFO' and len(forged) == 32


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("spaser", logging.INFO, __file__, 1, "hors requête", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_a_record_is_one_json_line_with_its_exception():
    try:
        raise ValueError("valeur « inattendue »")
    except ValueError:
        record = logging.LogRecord("spaser", logging.ERROR, __file__, 1, "échec %s", ("x",), sys.exc_info())
    record.request_id, record.status_code = "abc", 500
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR" and parsed["logger"] == "spaser"
    assert parsed["message"] == "échec x"
    assert parsed["request_id"] == "abc" and parsed["status"] == 500
    assert "ValueError: valeur « inattendue »" in parsed["exception"]
