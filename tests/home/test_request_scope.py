"""The core's per-request state (home/request_scope.py): what one request
sets never reaches the next one, nor code run outside a request."""

import pytest
from django.core.signals import request_finished, request_started

from home.request_scope import RequestLocal

# Django closes old database connections when a request starts.
pytestmark = pytest.mark.django_db


def test_a_request_starts_and_ends_with_the_defaults():
    state = RequestLocal("test-scope", degraded=False)
    assert state.active is False and state.degraded is False
    request_started.send(sender=None)
    assert state.active is True
    state.degraded = True
    request_finished.send(sender=None)
    assert state.active is False and state.degraded is False
    request_started.send(sender=None)
    assert state.degraded is False
    request_finished.send(sender=None)


def test_only_declared_attributes_exist():
    state = RequestLocal("test-scope-2", versions=None)
    assert state.versions is None
    try:
        state.unknown  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("an undeclared attribute must not read as a default")
