"""What each key of report.toml must be: its type and the form of its value.

Part of report.identity, which reads the file; standard library only, like it.
Each check returns None for a good value, or what is wrong with it, to follow
the key's name in report.identity's one-line message.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from urllib.parse import urlsplit


def version(value: str) -> str | None:
    # Semantic-version-like: it becomes part of file names and URLs, so no
    # "/", no spaces.
    if re.fullmatch(r"\d+\.\d+\.\d+([-.+][0-9A-Za-z.]+)?", value):
        return None
    return "is not a version like 1.2.3"


def iso_date(value: str) -> str | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "is not a date like 2026-11-25"


def urn_uuid(value: str) -> str | None:
    prefix = "urn:uuid:"
    if value.startswith(prefix):
        try:
            if str(uuid.UUID(value[len(prefix):])) == value[len(prefix):].lower():
                return None
        except ValueError:
            pass
    return "is not an identifier like urn:uuid:19446227-8f53-4c50-9aab-567233f7bd65"


def https(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.netloc and not re.search(r"\s", value):
        return None
    return "is not an https:// address"


def site(value: str) -> str | None:
    # Page addresses are joined to it (sitemap, canonical links, the language
    # switch): without the final slash the last folder would be dropped.
    parts = urlsplit(value)
    if https(value) is None and parts.path.endswith("/") and not parts.query and not parts.fragment:
        return None
    return "is not an https:// address ending in /"


def slug(value: str) -> str | None:
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        return None
    return "is not a slug (lowercase letters, digits and single hyphens)"


def language(value: str) -> str | None:
    # Sphinx's language codes: "en", "ko", "pt_BR", "zh_CN".
    if re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?", value):
        return None
    return "is not a language code like en or ko"


def text(value: str) -> str | None:
    return "is empty" if not value.strip() else None


#: Every key of the top level: its type and what its value must look like.
FORMS = {
    "title": (str, text),
    "subtitle": (str, text),
    "author": (str, text),
    "publisher": (str, text),
    "slug": (str, slug),
    "version": (str, version),
    "language": (str, language),
    "date_of_information": (str, iso_date),
    "description": (str, text),
    "subjects": (list, None),
    "identifier": (str, urn_uuid),
    "licence": (str, text),
    "licence_url": (str, https),
    "base_url": (str, site),
}
TYPE_NAMES = {str: "a string", list: "a list of strings"}
