"""Re-anchoring a quote of one edition in the next: found exactly, found in a sentence that changed a
little (difflib's ratio of the quote's sentence against the new sentences), or gone; and the word-level
difference between the old quote and the new one."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from minekg.build import evidence
from minekg.build.coverage import Sentence
from minekg.curation.editions import Token, tokens

# How alike two sentences must be to be one sentence edited: a figure and a date changed in a sentence of
# twenty words keeps it near 0.9; a different sentence on the same subject rarely passes 0.6.
SIMILAR = 0.75


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    exact: bool


@dataclass(frozen=True)
class WordChange:
    old: str
    new: str
    old_span: tuple[int, int]  # offsets in the old quote
    new_span: tuple[int, int]  # offsets in the new quote

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new}


def _ratio(a: str, b: str) -> float:
    m = SequenceMatcher(None, a, b, autojunk=False)
    return m.ratio() if m.real_quick_ratio() >= SIMILAR and m.quick_ratio() >= SIMILAR else 0.0


def counterpart(needle: str, sentences: list[Sentence], text: str) -> tuple[Sentence, float] | None:
    """The sentence of `text` (or run of up to three) most like `needle`, if alike enough."""
    best: tuple[Sentence, float] | None = None
    for width in (1, 2, 3):
        for i in range(len(sentences) - width + 1):
            first, last = sentences[i], sentences[i + width - 1]
            run = Sentence(first.start, last.end, text[first.start : last.end])
            r = _ratio(needle, run.text)
            if r >= SIMILAR and (best is None or r > best[1]):
                best = (run, r)
    return best


def _context(text: str, start: int, end: int, sentences: list[Sentence]) -> tuple[int, int]:
    """The span of the sentences a quote overlaps (the quote itself where none does)."""
    over = [s for s in sentences if s.start < end and start < s.end]
    return (over[0].start, over[-1].end) if over else (start, end)


def _map(ops: list, i: int, at_end: bool) -> tuple[int, bool]:
    """The new token index an old token index falls on, and whether it is the same token."""
    for tag, i1, i2, j1, j2 in ops:
        if i1 <= i < i2:
            if tag == "equal":
                return j1 + (i - i1), True
            return (max(j1, j2 - 1) if at_end else j1), False
    return (ops[-1][4] - 1 if at_end else ops[-1][3]), False


def _align(old_ctx: str, new_ctx: str, qs: int, qe: int) -> tuple[int, int] | None:
    """The span of new_ctx that corresponds to old_ctx[qs:qe], by aligning their word tokens."""
    a, b = tokens(old_ctx), tokens(new_ctx)
    inside = [i for i, t in enumerate(a) if t.start < qe and qs < t.end]
    if not inside or not b:
        return None
    ops = SequenceMatcher(None, [t.text for t in a], [t.text for t in b], autojunk=False).get_opcodes()
    ja, same_a = _map(ops, inside[0], False)
    jb, same_b = _map(ops, inside[-1], True)
    if jb < ja:
        return None
    # an unchanged first or last token keeps the quote's exact cut inside it
    start = b[ja].start + (qs - a[inside[0]].start if same_a and qs > a[inside[0]].start else 0)
    end = b[jb].end - (a[inside[-1]].end - qe if same_b and qe < a[inside[-1]].end else 0)
    return start, end


def anchor(old_text: str, new_text: str, quote: str, prefix: str | None, suffix: str | None,
           old_sentences: list[Sentence], new_sentences: list[Sentence]) -> Anchor | None:
    """Where an old quote stands in the new text, or None when it is gone."""
    hits = evidence.locate(new_text, quote, prefix, suffix) or evidence.occurrences(new_text, quote)
    if hits:
        return Anchor(hits[0], hits[0] + len(quote), quote, True)
    old_hits = evidence.locate(old_text, quote, prefix, suffix)
    if not old_hits:
        return None
    qs = old_hits[0]
    cs, ce = _context(old_text, qs, qs + len(quote), old_sentences)
    match = counterpart(old_text[cs:ce], new_sentences, new_text)
    if match is None:
        return None
    run = match[0]
    span = _align(old_text[cs:ce], new_text[run.start : run.end], qs - cs, qs - cs + len(quote))
    if span is None:
        return None
    start, end = run.start + span[0], run.start + span[1]
    return Anchor(start, end, new_text[start:end], False)


def word_changes(old: str, new: str) -> list[WordChange]:
    """What differs between two quotes, word by word (a figure, a date, a status word)."""
    a, b = tokens(old), tokens(new)
    out = []
    ops = SequenceMatcher(None, [t.text for t in a], [t.text for t in b], autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        os_, ns_ = _span(a, i1, i2, len(old)), _span(b, j1, j2, len(new))
        out.append(WordChange(old[os_[0] : os_[1]], new[ns_[0] : ns_[1]], os_, ns_))
    return out


def _span(toks: list[Token], i: int, j: int, length: int) -> tuple[int, int]:
    if i < j:
        return toks[i].start, toks[j - 1].end
    at = toks[i].start if i < len(toks) else length  # an insertion or deletion point
    return at, at
