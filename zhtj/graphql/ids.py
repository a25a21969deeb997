"""Relay global ids in inputs: `Organization:42` base64-encoded; anything else reads as no id."""

from __future__ import annotations

import re

from strawberry import relay

MAX_PK = 2**63 - 1  # the database's BIGINT: a larger number names nothing
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_pk(node_id: str) -> int | None:
    """The primary key written in a global id's node part: ASCII digits within 1..2^63-1, otherwise None."""
    if not _DIGITS.fullmatch(node_id):
        return None
    pk = int(node_id)
    return pk if 1 <= pk <= MAX_PK else None


def decode_id(raw: str | None, type_name: str) -> int | None:
    """The primary key behind a global id of the given type, or None (then the use case answers NOT_FOUND)."""
    if not raw:
        return None
    try:
        gid = relay.GlobalID.from_id(raw)
    except Exception:
        return None
    return parse_pk(gid.node_id) if gid.type_name == type_name else None


def encode_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))
