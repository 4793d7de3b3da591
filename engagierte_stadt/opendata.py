"""Open data: the portal's public content as JSON and CSV, documented and catalogued.

A shared building block: it imports no app. An app offers a data set by subclassing
`Dataset` in its module `<app>/opendata.py` and decorating it with `@register`; the modules
are found with `autodiscover_modules`, as the admin finds `admin.py`. A data set names its
fields once (`FIELDS`: name, type, meaning): the exports, the "Offene Daten" page and the
DCAT-AP.de catalogue all read that one list, so what the page documents is what the files
contain (a test holds them together).

Never personal data: a data set starts from the public rows (the same `published()` the
pages use) and copies named fields, never a whole row; a contact person appears only with
the parts staff chose to show on the page (`public_contact`). Sign-ups, registrations,
wishes and applications are in no data set.

Large sets are split into pages of `PAGE_SIZE` rows (`?seite=2`): a page costs a constant
number of queries (the count, the rows, one per prefetched relation), however many rows
there are. JSON follows the list shape of OParl 1.1 (`data`, `pagination`, `links`); CSV
(UTF-8, comma, header row) gives the same fields, lists joined with " | ", text that a
spreadsheet would run as a formula behind an apostrophe, and the links to the other pages in
a `Link` header.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from engagierte_stadt.submissions.services import csv_safe

PAGE_SIZE = 500
LIST_SEPARATOR = " | "

# Field types as the page names them.
TEXT, INTEGER, BOOLEAN, DATE, DATETIME, URL, LIST = (
    "text",
    "integer",
    "boolean",
    "date",
    "datetime",
    "url",
    "list",
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str  # lazily translated


class Dataset:
    """One data set: its address word, title, fields and rows (see the module docstring)."""

    slug: ClassVar[str]  # /offene-daten/<slug>.json
    title: ClassVar[str]
    description: ClassVar[str]
    FIELDS: ClassVar[list[Field]]
    ORDER: ClassVar[int] = 100
    # An OParl object type the rows follow ("Meeting", "AgendaItem"), or "".
    OPARL_TYPE: ClassVar[str] = ""

    def queryset(self):
        """The public rows, ordered by primary key, with what `row()` reads joined."""
        raise NotImplementedError

    def row(self, obj, absolute: Callable[[str], str]) -> dict:
        """One row as {field name: value}, with exactly the names of `FIELDS`."""
        raise NotImplementedError

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.FIELDS]

    def page(self, number, absolute: Callable[[str], str], page_size: int | None = None):
        """`(page_obj, rows)` of one page; a number out of range gives the last page."""
        paginator = Paginator(self.queryset(), page_size or PAGE_SIZE)
        page_obj = paginator.get_page(number)
        return page_obj, [self.row(obj, absolute) for obj in page_obj.object_list]


_registry: dict[str, Dataset] = {}


def register(cls: type[Dataset]) -> type[Dataset]:
    _registry[cls.slug] = cls()
    return cls


def datasets() -> list[Dataset]:
    """Every registered data set, in the order of the page."""
    autodiscover_modules("opendata")
    return sorted(_registry.values(), key=lambda dataset: (dataset.ORDER, dataset.slug))


def get_dataset(slug: str) -> Dataset | None:
    autodiscover_modules("opendata")
    return _registry.get(slug)


def iso(value) -> str | None:
    """Dates and times as ISO 8601 (times in local time with offset), else None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_value(value) -> str:
    """A CSV cell: lists joined, booleans as true/false, and text that a spreadsheet would
    run as a formula ("=…", "+…", "-…", "@…") kept as text (`csv_safe`, as every export)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return csv_safe(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, int):
        return str(value)
    return csv_safe(value)


def to_csv(field_names: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(field_names)
    for row in rows:
        writer.writerow([csv_value(row[name]) for name in field_names])
    return out.getvalue()


def pagination(page_obj, page_url: Callable[[int], str]) -> tuple[dict, dict]:
    """OParl's `pagination` and `links` objects of a page."""
    paginator = page_obj.paginator
    info = {
        "totalElements": paginator.count,
        "elementsPerPage": paginator.per_page,
        "currentPage": page_obj.number,
        "totalPages": paginator.num_pages,
    }
    links = {"first": page_url(1), "last": page_url(paginator.num_pages)}
    if page_obj.has_previous():
        links["prev"] = page_url(page_obj.previous_page_number())
    if page_obj.has_next():
        links["next"] = page_url(page_obj.next_page_number())
    return info, links


def catalogue(
    *,
    site,
    licence,
    absolute: Callable[[str], str],
    page_url: str,
    catalogue_url: str,
    export_url: Callable[[str, str], str],
) -> dict:
    """The data sets as a DCAT-AP.de catalogue (JSON-LD), for the city's open-data portal.

    `licence` is a `DataLicence` of the site settings; `export_url(slug, fmt)` the address of
    a data set's file.
    """
    publisher = {
        "@type": "foaf:Organization",
        "foaf:name": getattr(site, "contact_organisation", "") or site.portal_name,
    }
    contact = {"@type": "vcard:Organization", "vcard:fn": site.portal_name}
    if getattr(site, "contact_email", ""):
        contact["vcard:hasEmail"] = f"mailto:{site.contact_email}"
    city = getattr(site, "city_name", "")
    attribution = f"{site.portal_name}"
    entries = []
    for dataset in datasets():
        distributions = []
        for fmt, media_type, label in (
            ("json", "application/json", "JSON"),
            ("csv", "text/csv", "CSV"),
        ):
            url = export_url(dataset.slug, fmt)
            distributions.append(
                {
                    "@id": url,
                    "@type": "dcat:Distribution",
                    "dct:title": f"{dataset.title} ({label})",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dcat:mediaType": media_type,
                    "dct:format": {
                        "@id": "http://publications.europa.eu/resource/authority/file-type/" + label
                    },
                    "dct:license": {"@id": licence.uri},
                    "dcatde:licenseAttributionByText": attribution,
                }
            )
        entries.append(
            {
                "@id": absolute(f"{page_url}#{dataset.slug}"),
                "@type": "dcat:Dataset",
                "dct:identifier": absolute(f"{page_url}#{dataset.slug}"),
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:publisher": publisher,
                "dcat:contactPoint": contact,
                "dct:language": {
                    "@id": "http://publications.europa.eu/resource/authority/language/DEU"
                },
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"
                },
                "dct:spatial": {"@type": "dct:Location", "skos:prefLabel": city},
                "dcat:landingPage": {"@id": absolute(f"{page_url}#{dataset.slug}")},
                "dcatde:politicalGeocodingLevelURI": {
                    "@id": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
                },
                "dcat:distribution": distributions,
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
        },
        "@id": catalogue_url,
        "@type": "dcat:Catalog",
        "dct:title": f"{site.portal_name}: Offene Daten",
        "dct:description": (
            f"Projekte, Mitmach-Angebote, Stadtteilkonferenzen und Partner des Portals "
            f"{site.portal_name}."
        ),
        "dct:publisher": publisher,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "dct:license": {"@id": licence.uri},
        "foaf:homepage": {"@id": absolute(page_url)},
        "dcat:dataset": entries,
    }
