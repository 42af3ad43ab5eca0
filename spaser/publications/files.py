"""A published publication as its files read it: rows of PUBLICATION_CSV, and the JSON of the download and the
API (the same field names)."""

from datetime import UTC, date, datetime

from spaser.publications.models import Publication
from spaser.tables import NO, PUBLICATION_CSV, YES


def rows(publication: Publication) -> list[dict]:
    """One row per year, category and measure, the columns of PUBLICATION_CSV; numbers as frozen (not rounded)."""
    decp_date = publication.data_version.get("decp_date")
    common = {
        "siren": publication.siren,
        "buyer_name": publication.buyer_name,
        "first_year": publication.first_year,
        "last_year": publication.last_year,
        "published_at": publication.published_at.date(),
        "catalogue_version": publication.catalogue_version,
        "decp_date": date.fromisoformat(decp_date) if decp_date else None,
    }
    return [
        {name: common[name] if name in common else _cell(figure, name) for name in PUBLICATION_CSV.names}
        for figure in publication.figures
    ]


def _cell(figure: dict, name: str):
    if name == "reached":
        return None if figure["reached"] is None else YES if figure["reached"] else NO
    return figure[name]


def csv_rows(publications: list[Publication]) -> list[list]:
    return [list(row.values()) for publication in publications for row in rows(publication)]


def as_json(publication: Publication) -> dict:
    """The publication with its versions, its figures (the CSV's columns) and the buyer's manual indicators."""
    return {
        "siren": publication.siren,
        "buyer_name": publication.buyer_name,
        "first_year": publication.first_year,
        "last_year": publication.last_year,
        "status": publication.status,
        "published_at": _instant(publication.published_at),
        "catalogue_version": publication.catalogue_version,
        "data_version": publication.data_version,
        "figures": [
            row | {"published_at": row["published_at"].isoformat(), "decp_date": _iso(row["decp_date"])}
            for row in rows(publication)
        ],
        "manual_values": publication.manual_values,
    }


def _instant(moment: datetime) -> str:
    """In UTC, to the millisecond, as the API writes its instants."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
