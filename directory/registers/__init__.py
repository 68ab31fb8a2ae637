"""Fiche data checked against the official registers (issue 15, docs/registers.md).

Two public services, both read-only and called only when an editor asks for
a check in the admin (never at request time of a public page):

- the company register (« API Recherche d'entreprises »): name, siège or
  establishment address, legal form, ESS and SIAE flags, closure;
- the national address base (« API Adresse »): a normalised address and its
  coordinates.

`get_registers()` gives the configured backend, or None when the check is
switched off (`REGISTERS_ENABLED`, off by default: these machines reach no
outside service). The backend is a dotted path (`REGISTERS_BACKEND`): the
HTTP one in production, `directory.registers.fake.FakeRegisters` in tests.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .errors import (
    InvalidIdentifier,
    RegisterBadAnswer,
    RegisterError,
    RegisterNotFound,
    RegisterTimeout,
    RegisterUnreachable,
)
from .records import AddressRecord, CompanyRecord

__all__ = [
    "AddressRecord",
    "CompanyRecord",
    "InvalidIdentifier",
    "RegisterBadAnswer",
    "RegisterError",
    "RegisterNotFound",
    "RegisterTimeout",
    "RegisterUnreachable",
    "get_registers",
    "is_enabled",
]

DEFAULT_BACKEND = "directory.registers.http.HttpRegisters"


def is_enabled() -> bool:
    return bool(getattr(settings, "REGISTERS_ENABLED", False))


def get_registers():
    """The configured registers backend, or None when the check is off."""
    if not is_enabled():
        return None
    backend = getattr(settings, "REGISTERS_BACKEND", "") or DEFAULT_BACKEND
    return import_string(backend)()
