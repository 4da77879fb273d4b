"""One merged article as it crosses layers: from the merge to the command, from a merged file to agreement.

The merged file's line (``docs/agreement.md``) is the JSON edge; inside the program
the record is this object, so a reader sees its parts by name. The ``merge`` block
and the items keep the file's shape (they are written back and compared as they
are); what readers ask of them has a property here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_KEYS = ("id", "text", "meta", "schema", "merge", "versions", "items")


@dataclass
class MergedRecord:
    id: str
    text: str
    merge: dict[str, Any]
    versions: dict[str, dict[str, Any]]
    items: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    schema: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys a later format added, kept as they are

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MergedRecord:
        """From a merged line (already checked by the reader that it is one)."""
        return cls(
            id=d["id"],
            text=d["text"],
            merge=d["merge"],
            versions=d["versions"],
            items=d.get("items") or [],
            meta=d.get("meta") or {},
            schema=d.get("schema"),
            extra={k: v for k, v in d.items() if k not in _KEYS},
        )

    def to_dict(self) -> dict[str, Any]:
        """The merged line's shape, keys in the file's order."""
        return {
            "id": self.id,
            "text": self.text,
            "meta": self.meta,
            "schema": self.schema,
            "merge": self.merge,
            "versions": self.versions,
            "items": self.items,
            **self.extra,
        }

    @property
    def status(self) -> str:
        """``merged``, or ``text_differs`` when the annotators' texts differ (nothing was merged)."""
        return str(self.merge.get("status"))

    @property
    def annotators(self) -> list[str]:
        """Everyone taking part in the merge, present or not."""
        return list(self.merge.get("annotators") or [])

    @property
    def present(self) -> list[str]:
        return list(self.merge.get("present") or [])

    @property
    def missing(self) -> list[str]:
        return list(self.merge.get("missing") or [])

    @property
    def texts(self) -> list[dict[str, Any]]:
        """With ``text_differs``: each distinct text's hash, length and who has it."""
        return list(self.merge.get("texts") or [])

    @property
    def title(self) -> Any:
        """The article's title as the record has it (reports print it as it is, even when not a string)."""
        return self.meta.get("title", "")

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        """The items the policy did not accept, left to the adjudicator."""
        return [it for it in self.items if not it["agreed"]]

    def full_versions(self) -> dict[str, dict[str, Any]]:
        """Each annotator's record with the text put back (a merged file keeps it once)."""
        if self.status == "text_differs":
            return self.versions
        return {a: {**v, "text": self.text} for a, v in self.versions.items()}
