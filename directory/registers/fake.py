"""An offline registers backend for tests and demonstrations:
`REGISTERS_BACKEND = "directory.registers.fake.FakeRegisters"`.

It answers from the recorded JSON of `recordings/` through the same parsing
as the HTTP backend. Known numbers:

- 775672272 (SIRET 77567227200017 siège, 77567227200025 another
  establishment): an active association, ESS and SIAE, in Sceaux;
- 488123456 (SIRET 48812345600011): a closed SCOP in Mulhouse;
- 219200714 (any SIRET of it): the register never answers (timeout);
- any other number: not found.

The address base knows « 12 rue des Lilas » in Sceaux; anything else is
not found. `FakeRegisters.calls` records each call (tests check that no call
is made when the check is off); `FakeRegisters.fail` maps "company" or
"geocode" to an exception to raise instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import RegisterTimeout
from .parsing import parse_address, parse_company

RECORDINGS = Path(__file__).resolve().parent / "recordings"
SILENT_SIREN = "219200714"


def recording(name: str):
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


class FakeRegisters:
    calls: list[tuple[str, str]] = []
    fail: dict[str, Exception] = {}

    @classmethod
    def reset(cls):
        cls.calls = []
        cls.fail = {}

    def company(self, identifier: str):
        type(self).calls.append(("company", identifier))
        if "company" in self.fail:
            raise self.fail["company"]
        siren = identifier[:9]
        if siren == SILENT_SIREN:
            raise RegisterTimeout("fake timeout", source="entreprises")
        path = RECORDINGS / f"entreprises_{siren}.json"
        payload = recording(path.name) if path.exists() else recording("entreprises_empty.json")
        return parse_company(payload, identifier)

    def geocode(self, query: str, postcode: str = ""):
        type(self).calls.append(("geocode", query))
        if "geocode" in self.fail:
            raise self.fail["geocode"]
        known = "lilas" in query.casefold() and postcode in ("", "92330")
        return parse_address(recording("adresse_sceaux.json" if known else "adresse_empty.json"))
