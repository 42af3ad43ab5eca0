"""/observatoire/ leads to each part of the observatory, and every page's menu leads to it."""

import pytest
from django.urls import reverse

from spaser.observatory.refresh import refresh


def test_the_observatory_home_links_its_three_parts_and_the_menu_links_it(client):
    page = client.get(reverse("observatory:home")).content.decode()

    for name in ("observatory:directory", "observatory:obligation", "observatory:series"):
        assert f'href="{reverse(name)}"' in page
    menu = client.get(reverse("public:home")).content.decode()
    assert f'<a class="fr-nav__link" href="{reverse("observatory:home")}">Observatoire</a>' in menu


@pytest.mark.parametrize("name", ["observatory:directory", "observatory:obligation", "observatory:series"])
def test_each_observatory_page_sits_under_the_observatory_in_the_breadcrumb(client, name):
    page = client.get(reverse(name)).content.decode()

    assert f'<a class="fr-breadcrumb__link" href="{reverse("observatory:home")}">Observatoire</a>' in page


def test_the_home_says_which_data_the_observatory_was_computed_from(client, decp_store):
    assert "L'observatoire n'est pas encore calculé" in client.get(reverse("observatory:home")).content.decode()

    refresh(decp_store)

    page = client.get(reverse("observatory:home")).content.decode()
    assert "Données DECP du " in page and "observatoire calculé le " in page
