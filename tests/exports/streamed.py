"""What the exports' tests share: a request to an index's address, and a
streamed export's bytes (asserted streamed, never built whole in memory)."""

from django.test import RequestFactory


def request_for(index, params=None, **extra):
    return RequestFactory().get(index.url, params or {}, **extra)


def body(view, request, index) -> bytes:
    response = view(request, index)
    assert response.status_code == 200
    assert response.streaming  # never built whole in memory
    return b"".join(response.streaming_content)
