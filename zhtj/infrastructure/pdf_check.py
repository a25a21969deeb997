"""Checks an uploaded application form (NUM-6) with pypdf in a child process that cannot hurt the server.

`python -m zhtj.infrastructure.pdf_check` reads the file from stdin under CPU-time and memory limits
(resource.setrlimit, set before pypdf is even imported), opens it, refuses an encrypted one, counts its
pages and decompresses every page's content, so a truncated file or a stream that inflates to gigabytes
fails here instead of in the server. It prints one word: OK, NOT_PDF, ENCRYPTED, NO_PAGES or UNREADABLE.
`PypdfChecker` (the domain's PdfChecker port) runs it, kills it after a wall-clock limit and reads the word."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys

CPU_SECONDS = 10
MEMORY_BYTES = 512 * 1024 * 1024
WALL_SECONDS = 20.0
AT_ONCE = 2
ANSWERS = ("OK", "NOT_PDF", "ENCRYPTED", "NO_PAGES", "UNREADABLE")


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no files
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # starts no processes


def verdict(content: bytes) -> str:
    """The word for the content; in the child process only (pypdf may use a lot of memory on a bad file)."""
    if not content.lstrip(b"\x00\t\n\f\r ").startswith(b"%PDF-"):  # a ZIP holding a PDF is no PDF
        return "NOT_PDF"
    import io
    import logging

    logging.disable(logging.CRITICAL)  # pypdf warns about damaged files on stderr; the word says it all
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "ENCRYPTED"
        pages = len(reader.pages)
        if pages < 1:
            return "NO_PAGES"
        for page in reader.pages:  # every page present and readable (NUM-6)
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except MemoryError:
        return "UNREADABLE"
    except Exception:
        return "UNREADABLE"
    return "OK"


def main() -> None:
    _limit()
    content = sys.stdin.buffer.read()
    sys.stdout.write(verdict(content))
    sys.stdout.flush()


class PypdfChecker:
    """PdfChecker (domain/shared/ports.py): the child process's word, or UNREADABLE when it was killed by a
    limit, crashed or took longer than the wall-clock limit."""

    def __init__(self, wall_seconds: float = WALL_SECONDS, at_once: int = AT_ONCE):
        self.wall_seconds = wall_seconds
        self._turns = asyncio.Semaphore(at_once)  # many uploads at once wait here instead of forking as many

    async def check(self, content: bytes) -> str:
        async with self._turns:
            return await self._check(content)

    async def _check(self, content: bytes) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-m", "zhtj.infrastructure.pdf_check",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "")},
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(content), timeout=self.wall_seconds)
        except TimeoutError:
            return "UNREADABLE"
        finally:
            if process.returncode is None:  # timed out, or the request was cancelled: the child goes too
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        word = out.decode("ascii", "replace").strip()
        return word if process.returncode == 0 and word in ANSWERS else "UNREADABLE"


if __name__ == "__main__":
    main()
