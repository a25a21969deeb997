"""Makes zhtj/domain/identity/common_passwords.txt (ACC-1, docs/decisions/0018).

Source: the 20,000 most common passwords of Royce Williams' list
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), most common first, lowercased, as
Django ships it (django/contrib/auth/common-passwords.txt.gz, BSD licence). Kept: the ones that ACC-1's other
rules would let through (8 to 64 characters, letters and digits), in their order.

    python scripts/common_passwords.py path/to/common-passwords.txt.gz > zhtj/domain/identity/common_passwords.txt
"""

from __future__ import annotations

import gzip
import re
import sys

HEADER = """\
# ACC-1: passwords refused as too common (docs/decisions/0018), one a line, lowercased, most common first.
# Source: Royce Williams' list of the 20,000 most common passwords
# (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), as shipped by Django
# (django/contrib/auth/common-passwords.txt.gz); kept are those of 8 to 64 characters with letters and digits,
# which ACC-1's other rules would let through. Made by scripts/common_passwords.py.
"""


def main(path: str) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        words = [line.strip() for line in f if line.strip()]
    kept = [w for w in words if 8 <= len(w) <= 64 and re.search(r"[a-z]", w) and re.search(r"\d", w)]
    sys.stdout.write(HEADER + "".join(w + "\n" for w in dict.fromkeys(kept)))


if __name__ == "__main__":
    main(sys.argv[1])
