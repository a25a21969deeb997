"""The name/ID check (实名校验, MEM-13) behind the domain's NameIdVerifier port.

The real check is an outside government service (the source system asks the public security identity
service); it needs a contract, credentials and a network route that an installation gets on its own. This
module is where its adapter plugs in: a class with `async def check(name, id_number) -> bool | None` that
answers True (the pair belongs together), False (it does not), or None whenever the service cannot answer
(down, too slow, over its quota). It must answer within a few seconds and never raise for an outside failure:
the domain asks again later (72 h of retries) and nothing waits on the answer. Pass it to
`create_app(..., verifier=...)`; `default_verifier()` is what `zhtj serve` and `zhtj verify-pending` use.

Until one is configured, LocalVerifier is `configured = False`: every person stays 未校验 (requestVerification
says the service is not connected, the retry rounds do nothing), and admins pass people offline (线下通过)
with a note and a photo. A real adapter sets `configured = True`."""

from __future__ import annotations

from zhtj.domain.shared.ports import NameIdVerifier
from zhtj.settings import Settings


class LocalVerifier:
    """No outside service: never an answer, and it says so."""

    configured = False

    async def check(self, name: str, id_number: str) -> bool | None:
        return None


def default_verifier(settings: Settings | None = None) -> NameIdVerifier:
    """The verifier of this installation: replace LocalVerifier here once a real service is contracted."""
    return LocalVerifier()
