"""Request-parameter hygiene shared by every view (issue 16).

`BoundedIdsMiddleware`: what a URL pattern captures cannot name anything, and
the page answers 404 before the view runs (instead of the database refusing
the query: a 500), when it is an id (`<int:...>`) larger than the smallest
integer column the site stores ids in (PostgreSQL's `integer`, 2**31 - 1;
SQLite raised OverflowError on 20 digits), or text holding a control
character (PostgreSQL refuses NUL bytes: a follow key `a%00b` was a 500).
The hostile-input catalogue (tests/home/test_hostile_urls.py) runs against
every URL pattern.
"""

from django.http import Http404

from home.validation import CONTROL_CHARACTERS

MAX_ID = 2**31 - 1


class BoundedIdsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
                raise Http404("No such id.")
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                raise Http404("No such key.")
        return None


# Browser features no page of the site uses, refused to every page and to
# what it embeds (the map's tiles, an embedded video).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
