"""Where evidence documents are kept: a private storage, under names nobody can guess.

The storage is `STORAGES["evidence"]` (config/settings.py): a folder outside MEDIA_ROOT by
default, an S3-compatible bucket through django-storages by changing that setting alone.
Nothing serves it directly: its URLs point at the evidence view, which asks
`pledges.selectors.evidence_document_get` who may open a document and streams it from here.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from django.utils.text import get_valid_filename

EVIDENCE_STORAGE = "evidence"
# FileField's default max_length; a stored name is "<token>/<file name>".
NAME_MAX_LENGTH = 100
TOKEN_BYTES = 16  # 128 random bits: a name cannot be guessed, nor enumerated
TOKEN_LENGTH = TOKEN_BYTES * 2
FILE_NAME_MAX_LENGTH = NAME_MAX_LENGTH - TOKEN_LENGTH - 1
EXTENSION_MAX_LENGTH = 10

# Uploads are checked to be PDF, PNG or JPEG (pledges/forms.py); anything else that reaches
# the storage by another door is sent as opaque bytes.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
OPAQUE_CONTENT_TYPE = "application/octet-stream"


class EvidenceStorage(LazyObject):
    """`storages["evidence"]`, looked up when first used and again after a settings change.

    A FileField resolves its storage once, when the model class is built; this proxy lets it
    follow STORAGES (tests override it). Its URLs are the evidence view's, whatever the
    backend: an S3 URL would bypass the check of who may open the document.
    """

    def _setup(self):
        self._wrapped = storages[EVIDENCE_STORAGE]

    def url(self, name: str | None) -> str:
        if not name:
            raise ValueError("This file is not accessible via a URL.")
        return settings.EVIDENCE_URL + filepath_to_uri(name)


evidence_storage = EvidenceStorage()


@receiver(setting_changed)
def _evidence_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        evidence_storage._wrapped = empty


def evidence_storage_get() -> Storage:
    """The evidence storage (FileField's `storage=` callable, so migrations name no backend)."""
    return evidence_storage


def evidence_file_name_clean(filename: str) -> str:
    """The uploaded file's own name, safe on any storage and short enough for the column."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:
        name = "document"
    if len(name) > FILE_NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if not dot or len(extension) >= EXTENSION_MAX_LENGTH:
            stem, extension = name, ""
        suffix = f".{extension}" if extension else ""
        name = stem[: FILE_NAME_MAX_LENGTH - len(suffix)] + suffix
    return name


def evidence_upload_to(instance, filename: str) -> str:
    """A random folder per upload, the original name inside it (kept for the download)."""
    return f"{secrets.token_hex(TOKEN_BYTES)}/{evidence_file_name_clean(filename)}"


def evidence_name_is_valid(name: str) -> bool:
    """Whether `name` could be a stored document's name (checked before any query)."""
    parts = PurePosixPath(name).parts
    return (
        0 < len(name) <= NAME_MAX_LENGTH
        and not name.startswith("/")
        and "\\" not in name
        and "\x00" not in name
        and not any(part in {".", ".."} for part in parts)
    )


def evidence_download_name(name: str) -> str:
    return PurePosixPath(name).name


def evidence_content_type(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), OPAQUE_CONTENT_TYPE)
