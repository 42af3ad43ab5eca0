"""The links of a page's breadcrumb between « Accueil » and the page itself (layouts/base.html ends it with the
page's title): `breadcrumb_data` in the context."""

from django.urls import reverse


def trail(*links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links]}


def observatory_page(*links: tuple[str, str]) -> dict:
    """A page of the observatory, under « Observatoire »."""
    return trail((reverse("observatory:home"), "Observatoire"), *links)


def space(*links: tuple[str, str]) -> dict:
    """A page of the organisations' space, under « Mon espace »."""
    return trail((reverse("organisations:home"), "Mon espace"), *links)


def scheme_page(scheme, public: bool = False, *links: tuple[str, str]) -> dict:
    """A page of a scheme: under the published list when public, under its organisation in the space otherwise."""
    if public:
        return trail((reverse("public:schemes"), "SPASER publiés"), (scheme.public_url(), scheme.title), *links)
    organisation = (reverse("organisations:detail", args=[scheme.organisation_id]), str(scheme.organisation))
    return space(organisation, (scheme.get_absolute_url(), scheme.title), *links)
