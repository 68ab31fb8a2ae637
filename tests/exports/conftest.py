"""What the export tests share: the site's CSV exports found by walking the
routes of every live index page, their published schemas, and validation of
a file against a schema with the `frictionless` library."""

import io
import json
from dataclasses import dataclass

import pytest
from django.utils import translation
from frictionless import Dialect, Resource, Schema, formats
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from home.exports import CSV_EXPORTS, CsvExport
from home.models.index import IndexPage

SCHEMA_SUFFIX = "schema/"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@dataclass
class Served:
    """A CSV export as a visitor finds it: the file and its schema."""

    page: Page
    route: str
    url: str
    content: bytes
    schema_url: str
    schema_response: object

    @property
    def descriptor(self) -> dict:
        return json.loads(body(self.schema_response))

    @property
    def export(self) -> CsvExport:
        """The declared export whose schema is the one served."""
        with translation.override(self.page.locale.language_code):
            (match,) = [e for e in CSV_EXPORTS.values() if e.descriptor() == self.descriptor]
        return match

    @property
    def header(self) -> list[str]:
        first = self.content.decode("utf-8-sig").split("\r\n", 1)[0]
        return first.split(self.export.delimiter)


def index_pages():
    """Every live page that lists others through routes (the index pages and
    the networks' pages; both languages), as its own class."""
    return [
        page
        for page in Page.objects.live().specific()
        if isinstance(page, RoutablePageMixin)
        and (isinstance(page, IndexPage) or page.subpage_types)
    ]


def simple_routes(page):
    """(name, path) of the page's routes without arguments."""
    routes = []
    for pattern in page.get_subpage_urls():
        path = str(pattern.pattern)
        if "<" not in path and "(" not in path:
            routes.append((pattern.name, path.lstrip("^").rstrip("$")))
    return routes


def served_csv_exports(client) -> list[Served]:
    """Every route of an index page answering a CSV file, with what answers
    beside it at `…/schema/`."""
    found = []
    for page in index_pages():
        base = page.url
        for name, path in simple_routes(page):
            url = base + path
            response = client.get(url)
            if response.status_code != 200:
                continue
            if not response["Content-Type"].startswith("text/csv"):
                continue
            schema_url = url + SCHEMA_SUFFIX
            found.append(
                Served(page, name, url, body(response), schema_url, client.get(schema_url))
            )
    return found


def validate(content: bytes, descriptor: dict, delimiter: str):
    """The frictionless report of a CSV file against a Table Schema."""
    resource = Resource(
        io.BytesIO(content).read(),
        format="csv",
        encoding="utf-8-sig",
        schema=Schema.from_descriptor(descriptor),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=delimiter)]),
    )
    return resource.validate()


def errors(report) -> list[tuple]:
    """(type, field, note, row) of every error of a report."""
    return [
        (
            error.type,
            getattr(error, "field_name", None),
            error.note,
            getattr(error, "row_number", None),
        )
        for task in report.tasks
        for error in task.errors
    ] + [(error.type, None, error.note, None) for error in report.errors]


@pytest.fixture
def served(client, db):
    return lambda: served_csv_exports(client)
