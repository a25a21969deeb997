"""Persisted documents (decision 0043): query texts registered by their SHA-256, sent by hash.

The manifest is a JSON object from lowercase hex SHA-256 to the exact document text, the shape GraphQL Code
Generator's client preset writes (`persistedDocuments`) and `zhtj persisted add` makes from .graphql files. A
request names a document the way Apollo's persisted queries do, `extensions.persistedQuery.sha256Hash` (version
1), with or without the text:

- hash without text: the registered text runs; an unknown hash answers PERSISTED_QUERY_NOT_FOUND (Apollo Client
  then sends the text along with the hash).
- hash with text: the text must hash to it (PERSISTED_QUERY_HASH_MISMATCH). Outside persisted-only mode the pair is
  remembered for this process (automatic persisted queries), at most MAX_LEARNED of them.
- ZHTJ_PERSISTED_ONLY: only texts of the manifest run, by hash or in full; anything else answers
  PERSISTED_QUERY_REQUIRED before it is parsed. The text found is then checked once per process by CheckedDocuments
  (documents.py) like any other, so that cache only ever holds the manifest's documents."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from zhtj.domain.shared.errors import AccessDenied

MAX_LEARNED = 1_000
_HASH = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_FOUND_MESSAGE = "未找到该哈希对应的查询，请连同查询文本一起发送"
MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
MISMATCH_MESSAGE = "查询文本与 sha256Hash 不符"
REQUIRED = "PERSISTED_QUERY_REQUIRED"
REQUIRED_MESSAGE = "本服务只接受已登记的查询（persisted documents），请使用前端构建时登记的查询"
BAD = "BAD_REQUEST"
BAD_MESSAGE = "extensions.persistedQuery 须为 {version: 1, sha256Hash: 64 位十六进制}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ManifestError(ValueError):
    """A manifest or document that cannot be registered; the message says which entry and why."""


def read_manifest(path: Path) -> dict[str, str]:
    """The manifest at `path` (an empty one if there is no file); every entry's hash is checked."""
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: not a JSON manifest ({error})") from None
    return checked_entries(loaded, str(path))


def checked_entries(loaded: Any, where: str) -> dict[str, str]:
    if not isinstance(loaded, dict):
        raise ManifestError(f"{where}: a manifest is a JSON object from sha256 to document text")
    for key, text in loaded.items():
        if not isinstance(text, str) or not _HASH.match(str(key)) or sha256(text) != key:
            raise ManifestError(f"{where}: entry {str(key)[:16]}… is not the sha256 of its text")
    return dict(loaded)


def documents_in(path: Path) -> dict[str, str]:
    """What one file registers: a .json manifest's entries, or a .graphql file's whole text as one document."""
    if path.suffix == ".json":
        return read_manifest(path) if path.exists() else _missing(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ManifestError(f"{path}: {error.strerror or error}") from None
    if not text.strip():
        raise ManifestError(f"{path}: empty document")
    return {sha256(text): text}


def _missing(path: Path) -> dict[str, str]:
    raise ManifestError(f"{path}: no such file")


def write_manifest(path: Path, entries: dict[str, str]) -> None:
    """Atomically: a temporary file beside it, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dict(sorted(entries.items())), ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PersistedDocuments:
    """The manifest of a process, and in development the pairs it learned (APQ)."""

    def __init__(self, manifest: dict[str, str], *, only: bool):
        self.manifest = manifest
        self.only = only
        self._learned: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def load(cls, path: Path | None, *, only: bool) -> PersistedDocuments:
        """A persisted-only service without a manifest could answer nothing: that stops the start."""
        manifest = read_manifest(path) if path is not None else {}
        if only and not manifest:
            raise ManifestError(f"ZHTJ_PERSISTED_ONLY is on but the manifest {path} holds no document "
                                "(register them with `zhtj persisted add`)")
        return cls(manifest, only=only)

    def resolve(self, query: str | None, extensions: Any) -> str | None:
        """The text to run, or AccessDenied with the protocol's code."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            if self.only and query is not None and sha256(query) not in self.manifest:
                raise AccessDenied(REQUIRED, REQUIRED_MESSAGE)
            return query
        wanted = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(wanted, str) or not _HASH.match(wanted) or persisted.get("version", 1) != 1:
            raise AccessDenied(BAD, BAD_MESSAGE)
        if query is None:
            found = self.manifest.get(wanted) or self._recall(wanted)
            if found is None:
                raise AccessDenied(NOT_FOUND, NOT_FOUND_MESSAGE)
            return found
        if sha256(query) != wanted:
            raise AccessDenied(MISMATCH, MISMATCH_MESSAGE)
        if wanted not in self.manifest:
            if self.only:
                raise AccessDenied(REQUIRED, REQUIRED_MESSAGE)
            self._learned[wanted] = query
            if len(self._learned) > MAX_LEARNED:
                self._learned.popitem(last=False)
        return query

    def _recall(self, wanted: str) -> str | None:
        if self.only:
            return None
        found = self._learned.get(wanted)
        if found is not None:
            self._learned.move_to_end(wanted)
        return found
