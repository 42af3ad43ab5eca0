"""The template filters write figures and dates through spaser.formatting, dates in the page's time zone."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import timezone


def render(source: str, **context) -> str:
    return Template("{% load spaser_tags %}" + source).render(Context(context))


def test_day_and_moment_filters_write_dates_in_words():
    entered = datetime(2026, 12, 6, 16, 38, tzinfo=UTC)

    assert render("{{ d|day }} / {{ t|moment }}", d=date(2026, 3, 1), t=entered) == (
        "1er mars 2026 / 6 décembre 2026 à 17 h 38"
    )
    with timezone.override("America/Cayenne"):  # UTC-3: a page shown in another zone reads its own time
        assert render("{{ t|moment }}", t=entered) == "6 décembre 2026 à 13 h 38"
    assert render("{{ missing|day }} {{ missing|moment }}") == "— —"


def test_inline_code_marks_the_code_spans_of_openapi_text_and_escapes_the_rest():
    rendered = render("{{ text|inline_code }}", text='Erreurs : `{"erreur": "…"}` <b>ici</b>')

    assert rendered == "Erreurs : <code>{&quot;erreur&quot;: &quot;…&quot;}</code> &lt;b&gt;ici&lt;/b&gt;"


def test_count_filter_agrees_its_noun_with_the_number_shown():
    assert render('{{ 1|count:"objectif" }} / {{ 0|count:"objectif" }} / {{ 12|count:"objectif" }}') == (
        "1\u00a0objectif / 0\u00a0objectif / 12\u00a0objectifs"
    )
