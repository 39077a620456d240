"""Matching printed text against the form descriptions: labels, column headings, openers, funds
units and the year line, read by key (`flows.text.label_key`) and tolerant of one OCR edit.

Apart because every other reader (columns, header, funds, rows, document) asks the same
question — which described label does this printed text start with — and must answer it alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TypeVar

from flows.forms.spec import (
    FORMS,
    FUNDS_UNITS,
    LEVEL_LABEL_ENDING,
    Column,
    FormSpec,
    Label,
    category_keywords,
    category_labels,
    category_rows,
    level1_by_level2_keyword,
)
from flows.models import Cell
from flows.text import HAN, SUB_LINE_PREFIX, is_han, label_key, normalize

YEAR_RE = re.compile(r"(20[23]\d)\s*年\s*度")
TITLE_YEAR_RE = re.compile(r"(20[23]\d)\s*年")


def title_line(text: str) -> bool:
    """A form's title or its year line (`项目支出绩效目标申报表(2021 年度)`, `(2021年度)`): what
    prints above a form, never a label, value or indicator of one."""
    key = label_key(text)
    return bool(YEAR_RE.search(text)) or any(m in key for f in FORMS for m in f.title_marks)


# A 项目期/实施期 within one calendar year (`2029年`, `2029.01-2029.12`), on normalised text: a
# period across years (`2029.07-2030.06`) or without a year (`1年`, `长期`) names none
PERIOD_YEAR_RE = re.compile(
    r"(20[23]\d)年度?|(20[23]\d)[.年/]\d{1,2}月?[-—~至到]+(20[23]\d)[.年/]\d{1,2}月?"
)
CODE_IN_BRACKETS_RE = re.compile(r"^(?P<name>.*?)[(\[]\s*(?P<code>\d{3,})\s*[)\]]?$")
# A name, then its code; a closing bracket after the code is one whose opening bracket was lost
# (as CODE_IN_BRACKETS_RE takes a lost closing one): a faded scan's thin `（` at the end of a
# wrapped line is lighter than the ink threshold (dev seed 9186: `XX局189186)`)
NAME_THEN_CODE_RE = re.compile(r"^(?P<name>\D+?)[-—_/]?(?P<code>\d{3,})\s*[)\]]?$")
UNIT_RE = re.compile(r"^\((?P<unit>[^()]*)\)")


def _alternatives(words: Iterable[str]) -> str:
    """`words` as regex alternatives, longest first (万元 is tried before 元)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# The funds units of the descriptions (`FUNDS_UNITS`) as one regex group: `(万元|元)`
UNITS = f"({_alternatives(FUNDS_UNITS)})"
# What a unit annotation left open may print of a unit: any beginning of one (`万` of 万元)
UNIT_BEGUN = f"(?:{_alternatives(u[:n] for u in FUNDS_UNITS for n in range(1, len(u) + 1))})"
CATEGORY_KEYWORDS = category_keywords()
CATEGORY_LABELS = category_labels()
# What a category label printed on its own starts with: its keyword (产出, 数量 …) or, for a
# label that does not start with its keyword (服务对象满意度指标: 满意), the whole label
LABEL_STARTS = tuple(
    sorted(
        {*CATEGORY_KEYWORDS, *CATEGORY_LABELS["level1"], *CATEGORY_LABELS["level2"]},
        key=len,
        reverse=True,
    )
)

Head = TypeVar("Head")


LEVEL1_OF_LEVEL2 = level1_by_level2_keyword()


LEVEL1_KEYWORDS = tuple(sorted({r["level1_keyword"] for r in category_rows()}))
# Each 一级 label's keyword (产出指标 → 产出), as the warehouse reads a printed 一级 label.
LEVEL1_KEYWORD = {r["level1"]: r["level1_keyword"] for r in category_rows()}


def starts_category_label(text: str) -> bool:
    """Whether printed text starts a category label of its own (`LABEL_STARTS`), not the rest
    of one: the keyword alone missed 服务对象满意度指标, so a 二级 cell an OCR grid merged over
    时效指标 | 社会效益指标 | 服务对象满意度指标 was kept whole (dev3 lg_20656 p2)."""
    return normalize(text).startswith(LABEL_STARTS)


def names_level1(text: str) -> bool:
    """Whether a printed 一级 label names an indicator category (its keyword: 产出, 效益 …), as
    the warehouse will read it (dbt macro indicator_level1)."""
    key = normalize(text)
    return any(word in key for word in LEVEL1_KEYWORDS)


def level1_fragment(text: str) -> bool:
    """Whether a cell prints only a run of glyphs of a 一级 label of the indicator categories,
    no category keyword: what a label typeset vertically (one glyph a line) leaves on the page
    after a break that cut it (`指标`, `标` of 产出指标)."""
    key = normalize(text)
    return not any(word in key for word in CATEGORY_KEYWORDS) and part_of_level1(key)


def part_of_level1(text: str) -> bool:
    """Whether a text is a run of glyphs of a 一级 label of the indicator categories (the whole
    label or a piece of it)."""
    key = normalize(text)
    return bool(key) and any(key in normalize(label) for label in CATEGORY_LABELS["level1"])


def begins_level1(text: str) -> bool:
    """Whether a cell's text is the beginning of a 一级 label (`产` of 产出指标): a vertical
    label cut there starts on this page."""
    key = normalize(text)
    return bool(key) and any(
        normalize(label).startswith(key) for label in CATEGORY_LABELS["level1"]
    )


def level1_of(level2: str) -> str | None:
    """The 一级 label a printed 二级 label belongs to (`质量指标（必填）` → 产出指标), by the
    category keyword it prints first (`服务对象满意度指标` → 满意度指标: the keyword need not
    start it), the longest at one place; None when it prints none."""
    key = normalize(level2)
    found = [(key.find(word), -len(word), word) for word in LEVEL1_OF_LEVEL2 if word in key]
    return LEVEL1_OF_LEVEL2[min(found)[2]] if found else None


# ---------------------------------------------------------------- matching printed text


def match_printed(
    key: str, alternatives: Iterable[tuple[str, object]]
) -> tuple[object, str] | None:
    """(item, remainder) for the longest alternative `key` starts with; failing that, the one
    item a whole key of 4+ characters is one edit away from (OCR's 一級指标, 财政披款)."""
    alternatives = list(alternatives)
    best: tuple[str, object] | None = None
    for alt, item in alternatives:
        if key.startswith(alt) and (best is None or len(alt) > len(best[0])):
            best = (alt, item)
    if best is not None:
        return best[1], key[len(best[0]) :]
    if len(key) < 4:
        return None
    near = {
        id(item): item
        for alt, item in alternatives
        # the length test first: most alternatives are too long or short to be one edit away
        if len(alt) >= 4
        and abs(len(alt) - len(key)) <= 1
        and one_edit_apart(key, alt)
        and not _amount_glued(key, alt)
    }
    return (next(iter(near.values())), "") if len(near) == 1 else None


# The digits a worn rule's stroke is never read as: one of them at a label's edge is print
GLUED_DIGITS = frozenset("023456789")


def _amount_glued(key: str, alt: str) -> bool:
    """Whether `key` is the label `alt` with a digit no rule's stroke reads as glued on at an
    edge (`8财政拨款`, dev3 lg_26341 p1: the total's amount and the next label in one cell, the
    rule between them lost): a value beside its label, not an OCR slip inside it."""
    return len(key) == len(alt) + 1 and (
        (key[1:] == alt and key[0] in GLUED_DIGITS) or (key[:-1] == alt and key[-1] in GLUED_DIGITS)
    )


# One or two marks before a label: no CJK glyph, bracket or `GLUED_DIGITS` digit (`after_a_mark`)
_MARKS_BEFORE_RE = re.compile(f"^[^{HAN}({''.join(sorted(GLUED_DIGITS))}]{{1,2}}")


def after_a_mark(key: str, labels: list) -> tuple[object, str] | None:
    """A label printed after a mark or two no label starts with (`!实施单位…`, `T实施期：…`):
    the remnant of a worn rule OCR read as punctuation or a Latin letter (or the `1` a stroke
    reads as). Only an exact spelling counts, never one OCR slip away; a digit of
    `GLUED_DIGITS` is an amount glued on (`8财政拨款`), no mark."""
    bare = _MARKS_BEFORE_RE.sub("", key)
    if bare == key or not any(bare.startswith(alt) for alt, _ in labels):
        return None
    return match_printed(bare, labels)


# The slips OCR may leave in a category label for it still to be read as that label: one per
# this many glyphs of the label (a four-glyph 质量指标 one, the nine of 服务对象满意度指标 two:
# `服务对家意度指标`, a glyph misread and a faint one lost, is still no other label).
# Measured on two labels only, both dev scans: `质备指标` (one slip in four glyphs) and
# lg_2035 p4 `服务对家意度指标(必)` (two in nine); no dev label was further from its category.
# It bounds how far a reading may be from the vocabulary at all; which label it is stays
# decided by the nearest one alone (`nearest_labels`), and the vocabulary's own labels are
# at least one apart (数量指标 | 质量指标) and mostly two (成本指标 | 时效指标, 生态效益指标 |
# 社会效益指标), so one slip in four never makes a reading nearest to a label it is not.
# Not placed by the recogniser's per-glyph confidence: its CTC probabilities exist when a line
# is decoded (`ocr.engines.ShortReadingsDecoder`) but a cell keeps them only as ranked readings
# of crops of at most `OcrOptions.rec_readings_chars` (3) glyphs; a label of four to nine
# glyphs carries one confidence for its whole line, so the glyph that slipped is unknown here.
SLIP_GLYPHS = 4


def slipped_label(text: str, labels: list) -> tuple[object, str] | None:
    """(label, glued value key) for a printed text whose first word, before a gap, is a label
    one OCR slip away and the rest its value (dev4 lg_38820_自评 p2 `项目名标 司法救助资金`, 称
    misread, no rule between label and value): the exact spelling's glued split
    (`match_printed`) taken to a slipped one. The gap says where the label ends: without it a
    lost glyph and a misread one look alike (dev5 lg_41178 `实施单北元县…`: 位 lost, 北 the
    value's own). Exact spellings are the caller's (`match_printed` on the whole text); it
    notes a slipped one."""
    head, _, rest = text.strip().partition(" ")
    head_key, rest_key = label_key(head), label_key(rest)
    if not rest_key or any(head_key.startswith(alt) for alt, _ in labels):
        return None
    hit = match_printed(head_key, labels)
    return (hit[0], rest_key) if hit is not None and not hit[1] else None


def edit_distance(a: str, b: str) -> int:
    """The glyphs substituted, lost or added between a and b (Levenshtein)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def one_edit_apart(a: str, b: str) -> bool:
    """`edit_distance(a, b) == 1`, without the distance's table: one glyph substituted (same
    length), or lost or added (one longer). Why: `match_printed` asks it of every label of the
    forms' vocabulary for every unmatched key, and the table (len(a) × len(b) steps each) was
    a tenth of the form reader's CPU on a dev night of scans (tail34)."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    pairs = enumerate(zip(short, long[:-1], strict=True))
    cut = next((i for i, (x, y) in pairs if x != y), len(short))
    return short[cut:] == long[cut + 1 :]


def nearest_labels(key: str, vocabulary: Iterable[str]) -> list[str]:
    """The entries of `vocabulary` nearest to `key` (a normalised label) within the slips OCR
    may leave (`SLIP_GLYPHS`), in the vocabulary's order: one for `质备指标` (质量指标), two
    for `X量指标` (数量指标, 质量指标: the caller cannot tell). None when `key` spells an entry
    exactly: an exact label is no slip of another."""
    scored = [(edit_distance(key, word), word) for word in vocabulary]
    if any(d == 0 for d, _ in scored):
        return []
    fits = [(d, word) for d, word in scored if d <= max(1, len(word) // SLIP_GLYPHS)]
    best = min((d for d, _ in fits), default=None)
    return [word for d, word in fits if d == best]


def label_alternatives(spec: FormSpec) -> list[tuple[str, Label]]:
    return [(alt, lb) for lb in spec.labels for alt in lb.alternatives]


def column_alternatives(columns: Iterable[Column]) -> list[tuple[str, Column]]:
    return [(alt, c) for c in columns for alt in c.headings]


ALL_COLUMNS = column_alternatives(c for spec in FORMS for c in spec.columns)
ALL_OPENERS = [(alt, spec) for spec in FORMS for alt in spec.openers]


def match_label(text: str, spec: FormSpec = FORMS[1]) -> tuple[str, str] | None:
    """(field, glued value) when `text` is a header label of `spec`, possibly with its value glued
    on; an annotation in brackets after the label (（万元）, （单位）) is not part of the value."""
    hit = match_printed(label_key(text), label_alternatives(spec))
    if hit is None:
        return None
    lb, rest = hit
    assert isinstance(lb, Label)
    return lb.field, UNIT_RE.sub("", rest, count=1)


def unit_of(text: str, rest: str = "") -> str | None:
    """The funds unit a label prints in brackets: 项目资金（万元） → 万元, also when OCR lost the
    closing bracket (资金情况（元) or both (`rest`, what follows a group label: 项目资金元)."""
    m = re.search(rf"\({UNITS}(?:\)|$)", label_key(text)) or re.fullmatch(rf"\(?{UNITS}\)?", rest)
    return m[1] if m and m[1] in FUNDS_UNITS else None


UNIT_TAIL_RE = re.compile(rf"\(?{UNITS}\)?$")
# 项目资金（万 | 元）: the annotation wrapped or cut, its bracket left open on what it printed
OPEN_UNIT_RE = re.compile(rf"\((?P<begun>{UNIT_BEGUN})?$")


def unit_label(key: str, spec: FormSpec) -> tuple[str, str] | None:
    """(label spelling, unit) for a cell OCR damaged that still prints a funds unit after what is
    left of
    a label that prints one (`项目资元)` for 项目资金（元）, `资金(元` for 资金情况（元）): the part
    before the unit must be like one of the label's spellings (a piece of it, or most of it).
    Why: the unit decides whether amounts are 元 or 万元, a factor of 10 000."""
    m = UNIT_TAIL_RE.search(key)
    if m is None or m[1] not in FUNDS_UNITS:
        return None
    stem = key[: m.start()].rstrip("(")
    if len(stem) < 2 or not re.fullmatch(f"[{HAN}]+", stem):
        return None
    spellings = [alt for lb in spec.labels if lb.group for alt in lb.alternatives]
    alike = [
        (SequenceMatcher(None, stem, alt).ratio(), alt.startswith(stem), stem in alt, alt)
        for alt in spellings
    ]
    best = max(alike, key=lambda a: a[:3], default=None)  # ties: the description's order
    if best is None or not (best[2] or best[0] >= 0.6):
        return None
    return best[3], m[1]


def printed_after(text: str, n: int) -> str:
    """The printed text after the first `n` characters of its label key (raw, spaces kept)."""
    for i in range(len(text) + 1):
        if len(label_key(text[:i])) >= n:
            return UNIT_RE.sub("", text[i:].strip(), count=1).strip()
    return ""


def is_label(cell: Cell, spec: FormSpec) -> bool:
    return match_printed(label_key(cell.text), label_alternatives(spec)) is not None


def is_unfinished_label(text: str) -> bool:
    """A merged label cut by a page break: open bracket, or not yet ending in 指标
    (`LEVEL_LABEL_ENDING`) or a closing bracket (数量指标（必填）)."""
    norm = normalize(text)
    if norm.count("(") > norm.count(")"):
        return True
    return bool(norm) and not norm.endswith((LEVEL_LABEL_ENDING, ")"))


def continues_label(text: str) -> bool:
    """The rest of a merged label a page break cut after a finished word: a bracketed note
    (`(必填)` under `社会效益指标`) — no 一级/二级 label starts with a bracket. Read alone it
    normalises to no label at all, and the line's level was lost."""
    return normalize(text).startswith("(")


def cell_text(cell: Cell | None) -> str:
    return cell.text.strip() if cell is not None else ""


def same_text(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


# ---------------------------------------------------------------- labels printed inside a text


@dataclass(frozen=True)
class PrintedLabel:
    """A spelling found inside a printed text: where it starts (at its 其中 when a sub-line's
    prefix stands before it) and ends (after its colon, if one follows), and what it names."""

    start: int
    end: int
    item: object
    colon: bool


_COLON = r"\s*[:：;；]"


def labels_printed_in(
    text: str,
    spellings: Iterable[tuple[str, object]],
    min_len: int,
    spaced: bool = False,
    keep: Callable[[str, PrintedLabel], bool] | None = None,
) -> list[PrintedLabel]:
    """Every spelling of at least `min_len` characters printed in `text` (a label key, or the
    printed text with `spaced`: spaces between its characters allowed), in print order,
    longest spelling first where two overlap; `keep` rejects a find before it can hide a
    shorter one. A label printed after 其中 starts at the 其中: the prefix belongs to the label
    of a sub-line, not to the value before it. The one finder of the header reader (labels
    inside a value cell) and the inline reader (a cell printing several labels)."""
    found: list[PrintedLabel] = []
    sep = r"\s*" if spaced else ""
    for alt, item in sorted(spellings, key=lambda a: -len(a[0])):
        if len(alt) < min_len:
            continue
        spelled = sep.join(map(re.escape, alt))
        prefix = rf"(?:{re.escape(SUB_LINE_PREFIX)}(?:{_COLON})?{sep})?"
        for m in re.finditer(rf"{prefix}{spelled}(?P<colon>{_COLON})?", text):
            hit = PrintedLabel(m.start(), m.end(), item, m["colon"] is not None)
            if keep is not None and not keep(text, hit):
                continue
            if not any(f.start < hit.end and hit.start < f.end for f in found):
                found.append(hit)
    return sorted(found, key=lambda f: f.start)


def cjk_characters(text: str) -> Counter[str]:
    """The CJK characters a printed text holds (marks, digits and spaces aside), counted: what
    is left to compare when OCR read several wrapped heads across one another."""
    return Counter(ch for ch in label_key(text) if is_han(ch))


@lru_cache(maxsize=4096)
def _counted(text: str) -> tuple[tuple[str, int], ...]:
    """Each character of `text` with its count (a head's spelling: asked again and again)."""
    return tuple(Counter(text).items())


def spells_within(text: str, chars: Counter[str]) -> bool:
    """Whether `chars` holds every character of `text` as often as `text` prints it:
    `not Counter(text) - chars`, without building two Counters for every spelling of every head
    a heading cell is compared with (a fifth of the form reader's CPU on a dev night, tail34)."""
    return all(chars[ch] >= n for ch, n in _counted(text))


def the_run_spelt(
    chars: Counter[str],
    runs: Iterable[Sequence[Head]],
    spellings: Callable[[Head], Sequence[str]],
) -> Sequence[Head] | None:
    """The one run of heads whose characters, for one spelling of each, are exactly `chars`
    (heads printed side by side, wrapped, whose lines OCR read across in one cell); None when
    no run fits or several do (the grid's heads and the funds matrix's heads ask alike)."""
    hits = [run for run in runs if _spelt_by(chars, [spellings(h) for h in run])]
    return hits[0] if len(hits) == 1 else None


def _spelt_by(chars: Counter[str], options: list[Sequence[str]]) -> bool:
    """Whether one spelling of each head (`options`, in order) uses exactly `chars`: each
    spelling taken out of what is left in turn, a branch dropped as soon as a spelling does not
    fit in it or the spellings still to take cannot add up to the characters left (every
    combination of spellings was tried before: a cell of 300 characters spanning 16 grid
    columns held the night's reader for minutes)."""
    left = sum(chars.values())
    if not options:
        return left == 0
    if (
        not sum(min(map(len, o), default=0) for o in options)
        <= left
        <= sum(max(map(len, o), default=0) for o in options)
    ):
        return False  # the spellings are too short or too long for the characters left
    return any(
        spells_within(s, chars) and _spelt_by(chars - Counter(s), options[1:]) for s in options[0]
    )
