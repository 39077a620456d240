"""A project's name OCR read unsure and a slip off the name another of the document's tables
prints sure (dev3 lg_25999: the 2027 table's `现业技能培训`, 0.81, under the page's review line,
beside the 2026 table's `职业技能培训`, 0.94): the same project printed for two years, or its
target and self-evaluation, one read a glyph off. The slipped name matches no project of the
warehouse and the project is lost; read as the sure spelling, with a note.

A name no other table prints (no 自评表, one year) can still be a glyph off the words its own
form prints: dev6 lg_58545 `春老服务补贴` beside indicators `居家养老服务人数`, `居家养老服务成本`;
lg_54274 `特因人员供养经费` beside `特困人员满意度` (`settle_name_by_own_print`).

Apart because it weighs the names of every table of a document once all are read.
"""

from __future__ import annotations

import re
from collections import Counter

from flows.forms.labels import SLIP_GLYPHS, edit_distance
from flows.forms.provenance import read_unsure
from flows.models import ProjectForm
from flows.text import is_han, normalize

# A run of this many glyphs of a name printed again in its form's own lines is a word the form
# spells: four, as the forms' words run (养老服务, 特困人员); three match by chance (服务补).
WORD = 4
# A glyph is taken only when at least this many of the form's lines spell it: one line OCR
# slipped the same way would move a right name (dev7 lg_65755: `小流域综合治理` beside one 三级
# name read `小流城综合治理预算金额`).
SPELLED_BY = 2
# A name OCR read at least this sure is taken as read: the names dev scans read right stood at
# 0.97 and over, the two read a glyph off at 0.89 and 0.92 (a glyph the recogniser doubted).
NAME_SURE = 0.95


def settle_slipped_names(
    forms: list[ProjectForm], ocr_pages: dict[int, float | None], problems: list[str]
) -> None:
    """Each form's project name read below its OCR page's review line (`PageGrid.review_below`)
    that is one glyph off (`labels.edit_distance`, a name of `SLIP_GLYPHS` glyphs or more)
    exactly one other name of the document read at or above its page's line, read as that
    name. A name two sure names are a slip off, or none, stays as read."""
    sure = {
        normalize(v.value): v.value
        for f in forms
        if (v := f.fields.get("project_name")) is not None and not read_unsure(v, ocr_pages)
    }
    for form in forms:
        value = form.fields.get("project_name")
        if value is None or not read_unsure(value, ocr_pages):
            continue
        read = normalize(value.value)
        near = [
            name
            for name in sure
            if len(name) >= SLIP_GLYPHS and name != read and edit_distance(read, name) == 1
        ]
        if len(near) != 1:
            continue
        printed = sure[near[0]]
        form.fields["project_name"] = value.with_value(printed)
        problems.append(
            f"page {value.page}: project name '{value.value}' (row {value.row}, column "
            f"{value.col}) read unsure ({value.confidence:.2f}) and one glyph off the name "
            f"'{printed}' another table of the document prints, read sure: read as '{printed}'"
        )


def settle_name_by_own_print(
    forms: list[ProjectForm], ocr_pages: dict[int, float | None], problems: list[str]
) -> None:
    """Each OCR form's project name read less than `NAME_SURE` that has exactly one glyph no
    word of its form's own print spells (`_own_print`: its 三级 names and goal) while the same
    word with one other glyph there is spelled by that print: read with that glyph, noted.
    The form names its project's matter in its indicators (居家养老服务人数 under
    养老服务补贴); a name glyph OCR slipped spells a word the form never prints. The glyph the
    most lines spell, `SPELLED_BY` or more, is taken (a line may slip the same way:
    `居家券老服务`); a tie, a glyph one line spells, or two such glyphs, stay as read."""
    for form in forms:
        value = form.fields.get("project_name")
        if value is None or value.page not in ocr_pages or value.confidence >= NAME_SURE:
            continue
        name = normalize(value.value)
        printed = _own_print(form)
        if len(name) < WORD or any(name in text for text in printed):
            continue
        slips = {i: _glyphs_the_print_spells(name, i, printed) for i in _unspelled(name, printed)}
        slips = {i: votes for i, votes in slips.items() if votes}
        if len(slips) != 1:
            continue
        ((at, votes),) = slips.items()
        ranked = votes.most_common(2)
        if ranked[0][1] < SPELLED_BY or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            continue
        glyph, read = ranked[0][0], value.value
        settled = _with_glyph(read, name, at, glyph)
        if settled is None:
            continue
        form.fields["project_name"] = value.with_value(settled)
        problems.append(
            f"page {value.page}: project name '{read}' (row {value.row}, column {value.col}) "
            f"read at {value.confidence:.2f}: its '{name[at]}' spells no word its form prints, "
            f"'{glyph}' there spells one its indicators or goal print: read as "
            f"'{form.fields['project_name'].value}'"
        )


def _with_glyph(read: str, name: str, at: int, glyph: str) -> str | None:
    """`read` as printed with the glyph its normal form `name` holds at `at` replaced: the same
    occurrence of that glyph. None where `read` prints that glyph otherwise (a compatibility
    ideograph, `豈` U+F900, that normalising unified): the name is then left as read, never a
    document's read failed on it."""
    nth = name[:at].count(name[at])
    spots = [i for i, ch in enumerate(read) if ch == name[at]]
    if nth >= len(spots):
        return None
    i = spots[nth]
    return read[:i] + glyph + read[i + 1 :]


def _own_print(form: ProjectForm) -> list[str]:
    """The form's own printed words beside its name: its 三级 names and its goal."""
    texts = [ind.name.value for ind in form.indicators]
    goal = form.fields.get("overall_goal")
    texts += [goal.value] if goal is not None else []
    return [normalize(t) for t in texts if t]


def _words_over(name: str, at: int) -> list[tuple[int, int]]:
    """The runs of `WORD` glyphs of `name` holding its glyph `at`."""
    first = max(0, at - WORD + 1)
    return [(a, a + WORD) for a in range(first, min(at, len(name) - WORD) + 1)]


def _unspelled(name: str, printed: list[str]) -> list[int]:
    """The Han glyphs of `name` no run of `WORD` glyphs holding them is printed in `printed`."""
    return [
        i
        for i, ch in enumerate(name)
        if is_han(ch)
        and not any(name[a:b] in text for a, b in _words_over(name, i) for text in printed)
    ]


def _glyphs_the_print_spells(name: str, at: int, printed: list[str]) -> Counter[str]:
    """The Han glyphs other than `name[at]` that, put there, make a run of `WORD` glyphs of the
    name a word `printed` prints, each with the number of printed lines that spell it. Only
    runs the glyph stands inside: at a run's end any glyph follows three printed ones
    (`老服务` + 合, 成, 完 …), so a name's first or last glyph is never taken this way."""
    spelled: set[tuple[str, int]] = set()  # (glyph, line): a line counts once per glyph
    for a, b in _words_over(name, at):
        if not a < at < b - 1:
            continue
        word = re.compile(re.escape(name[a:at]) + "(.)" + re.escape(name[at + 1 : b]))
        for line, text in enumerate(printed):
            spelled |= {(g, line) for g in word.findall(text) if is_han(g) and g != name[at]}
    return Counter(g for g, _ in spelled)
