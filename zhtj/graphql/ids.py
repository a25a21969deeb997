"""Relay global ids in inputs: `Organization:42` base64-encoded; anything else reads as no id."""

from __future__ import annotations

from strawberry import relay


def decode_id(raw: str | None, type_name: str) -> int | None:
    """The primary key behind a global id of the given type, or None (then the use case answers NOT_FOUND)."""
    if not raw:
        return None
    try:
        gid = relay.GlobalID.from_id(raw)
    except Exception:
        return None
    return int(gid.node_id) if gid.type_name == type_name and gid.node_id.isdigit() else None


def encode_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))
