"""What changed between two versions of the pledge text, clause by clause, word by word.

Clauses are matched by their key (their identity across versions), never by number, so a
clause moved to another place is "moved", not "removed and added". Within a clause the
formal and the child-friendly texts are compared word by word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_TOKEN = re.compile(r"\s+|[^\s]+")


class ClauseChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    REWORDED = "reworded"
    UNCHANGED = "unchanged"


CHANGE_LABELS = {
    ClauseChange.ADDED: _("Added"),
    ClauseChange.REMOVED: pgettext_lazy("clause change", "Removed"),
    ClauseChange.MOVED: _("Moved"),
    ClauseChange.REWORDED: _("Reworded"),
    ClauseChange.UNCHANGED: _("Unchanged"),
}


@dataclass(frozen=True)
class Segment:
    """A run of text: kept ("equal"), inserted ("insert") or deleted ("delete")."""

    op: str
    text: str


@dataclass
class ClauseDiff:
    key: str
    old_number: int | None
    new_number: int | None
    changes: list[ClauseChange]
    formal: list[Segment] = field(default_factory=list)
    child: list[Segment] = field(default_factory=list)
    change_note: str = ""

    @property
    def labels(self) -> list[str]:
        return [str(CHANGE_LABELS[c]) for c in self.changes]

    @property
    def is_changed(self) -> bool:
        return self.changes != [ClauseChange.UNCHANGED]


def words_diff(old: str, new: str) -> list[Segment]:
    """Word-level segments turning `old` into `new`; whitespace travels with its words."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return _merge(segments)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and merged[-1].op == seg.op:
            merged[-1] = Segment(seg.op, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


def _moved_keys(old_order: list[str], new_order: list[str]) -> set[str]:
    """Keys in both versions whose relative order changed: those outside the longest run
    of clauses that kept their order (so moving one clause marks that clause only)."""
    common = set(old_order) & set(new_order)
    a = [k for k in old_order if k in common]
    b = [k for k in new_order if k in common]
    # Longest common subsequence of two permutations of the same keys (n is small).
    n = len(a)
    lengths = [[0] * (n + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            lengths[i][j] = (
                lengths[i + 1][j + 1] + 1
                if a[i] == b[j]
                else max(lengths[i + 1][j], lengths[i][j + 1])
            )
    kept: set[str] = set()
    i = j = 0
    while i < n and j < n:
        if a[i] == b[j]:
            kept.add(a[i])
            i += 1
            j += 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return common - kept


def pledge_text_diff(old_clauses, new_clauses) -> list[ClauseDiff]:
    """The clauses of the new version in order, each with what changed since the old one;
    clauses removed are placed after the clause that preceded them in the old version.

    Takes any sequences of objects with key, number, formal_text, child_text (and
    optionally change_note), in their version's order.
    """
    old = {c.key: c for c in old_clauses}
    new = {c.key: c for c in new_clauses}
    old_order, new_order = list(old), list(new)
    moved = _moved_keys(old_order, new_order)
    result: list[ClauseDiff] = []
    for key in new_order:
        clause = new[key]
        before = old.get(key)
        if before is None:
            result.append(
                ClauseDiff(
                    key=key,
                    old_number=None,
                    new_number=clause.number,
                    changes=[ClauseChange.ADDED],
                    formal=[Segment("insert", clause.formal_text)],
                    child=[Segment("insert", clause.child_text)],
                    change_note=getattr(clause, "change_note", ""),
                )
            )
            continue
        changes = []
        if key in moved:
            changes.append(ClauseChange.MOVED)
        reworded = (before.formal_text, before.child_text) != (
            clause.formal_text,
            clause.child_text,
        )
        if reworded:
            changes.append(ClauseChange.REWORDED)
        result.append(
            ClauseDiff(
                key=key,
                old_number=before.number,
                new_number=clause.number,
                changes=changes or [ClauseChange.UNCHANGED],
                formal=words_diff(before.formal_text, clause.formal_text),
                child=words_diff(before.child_text, clause.child_text),
                change_note=getattr(clause, "change_note", "") if changes else "",
            )
        )
    # Removed clauses: after the diff entry of the clause that preceded them in the old text.
    for index, key in enumerate(old_order):
        if key in new:
            continue
        clause = old[key]
        removed = ClauseDiff(
            key=key,
            old_number=clause.number,
            new_number=None,
            changes=[ClauseChange.REMOVED],
            formal=[Segment("delete", clause.formal_text)],
            child=[Segment("delete", clause.child_text)],
        )
        previous = next(
            (old_order[i] for i in range(index - 1, -1, -1) if old_order[i] in new), None
        )
        position = 0
        if previous is not None:
            position = next(i for i, d in enumerate(result) if d.key == previous) + 1
        while position < len(result) and ClauseChange.REMOVED in result[position].changes:
            position += 1
        result.insert(position, removed)
    return result
