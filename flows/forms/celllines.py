"""A merged cell split where its lost rules ran, by the positions of its OCR text lines.

When a scan's rules wear away, OCR hands the reader one `Cell` holding the text of two or more
printed cells. The rows of the same table that kept their rules say where the lost ones ran: a
column rule the row above or below prints inside the merged cell's span, a row rule the cells
beside print across it. A merged cell whose OCR lines stand apart on both sides of such a rule
(no line crossing it) was two printed cells; it is cut there, each part keeping its lines. A
line of a mark or two whose box is a sliver lying on a rule is what is left of that rule, not
text. Two cells' lines side by side with no rule found between them are read column by column,
not interleaved line by line.

Apart because it reads geometry only — no label, no spelling — and every reader that must undo a
merge (header values, funds rows, label columns) asks the same question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from statistics import median

from flows.forms.cellvalues import NUMBER_RE, RULE_STROKES
from flows.lineshapes import (
    MAX_SLIVER_MARKS,
    SEAL_CHAR_WIDTH,
    group_lines,
    is_seal_glyph,
    is_seal_text,
    only_symbols,
    text_height,
)
from flows.models import Cell, CellLine, Table, join_wrapped
from flows.text import is_han

# A line stands on one side of a rule when its box reaches no further than this share of the
# text height across it: OCR boxes are padded a little beyond the ink, a scan is a little skewed.
REACH = 0.3
# A rule's remnant: a line of at most two marks whose box is thinner than this share of the
# text height (a worn rule OCR read as `一`, `_`, `|` or `I`)
SLIVER = 0.3
# ... or a streak along the rule: a box this many times longer per mark than it is thick (a
# printed character's box is about square)
STREAK = 2.5
# The CJK characters a worn rule reads as (straight strokes along it); any other is printed text
ONE_STROKE = frozenset("一丨亅丿乀二")  # 二: a doubled or smeared rule's two edges
# Digits of a curve or a closed bowl: no straight stroke of a rule reads as one, so a box OCR
# stretched along a rule round one of them holds print (`2` in a box 3 text heights long on the
# rule under it, the cell's 年初预算数, dev4 lg_36940_自评 p3); `1`, `4`, `7` may be a stroke
CURVED_DIGITS = frozenset("0235689")
# What OCR reads a stretch of a row rule as when it reads it whole: a run of underscores, as
# many as its length holds (`___` on the lost rule between 本级财政资金 and 上级补助资金, dev3
# lg_25687 p2). No form prints one, so a run of them on a rule is its remnant however long.
RULE_RUN = frozenset("_＿")
# A speck: a line of a digit or capital or two standing under this share of the height of the
# table's printed numbers (of its text when it prints none: digits stand shorter than CJK)
SPECK = 0.5
# Dots OCR reads from a speck or a seal's mark (`•农村人居环境整治`, dev3 lg_20895 p1, a dot
# 0.45 text heights tall above the name; an ellipsis alone on its line over a 三级 name, dev7
# lg_65210 `…指标3：…`): no form prints dots alone as a value. A colon alone is print: a
# label's colon wraps onto a line of its own (`项目名称` over `:`)
DOTS = frozenset("•·●∙・…⋯")
# A printed number long enough that OCR's box for it is its line's, not a speck's
MIN_NUMBER = 3
# ... or, in a table printing none that long, this many numbers one digit shorter, each alone
# in its cell: a column's values (specks do not repeat a height row after row)
MIN_PAIRS = 3
# A text block stands in a row of its own when its centre is this close to the row's middle
# (a share of the row's height): a printed cell centres its text in its row, while the lines
# of one label merged over two rows gather round the rule between them.
CENTRED = 0.12
# Two printed cells' texts stand at least this share of the text height apart across the rule
# between them (each cell's padding): closer lines are one text (wrapped lines, a label printed
# upright one character a line).
MIN_GAP = 0.5
# A mark on the cell's own border: a line of a digit or capital or two whose box comes this close
# to the cell's top or bottom rule (a share of the text height) while the cell's other lines
# stand centred away from it (`CENTRED`): a speck or a rule's mark OCR read on the border (dev4
# lg_39119_自评 p2: a `7` 0.75 text heights tall 4 px over the cell's lower rule under
# `部分完成`; lg_39954_自评 p3: a `1` 5 px under the top rule over `>87% 87%`). A printed
# value's lines stand centred with the cell's padding round them.
BORDER = 0.3
# A border mark this short (a share of the text height) is no printed line even hard by the
# text, only clear of it (dev6 lg_54042 p1: a `W` 0.55 text heights tall 5 px under the top
# rule, 3 px over `保障消费者基本权益`, landed `W保障…`): a printed line stands the full height,
# so one that short beside the text is level with it (a superscript) or a mark over it.
SHORT_MARK = 0.7


@dataclass(frozen=True)
class Cut:
    """A lost rule inside a merged cell: vertical (a column rule at x, between grid columns
    `index` and `index + 1`) or horizontal (a row rule at y, between grid rows)."""

    vertical: bool
    index: int
    at: float


@dataclass(frozen=True)
class Unmerged:
    """What `unmerge` did to one cell: its parts (the cell itself, re-read, when not cut), the
    rule remnants dropped and whether its lines were reordered column by column."""

    cell: Cell
    parts: list[Cell]
    remnants: list[CellLine]
    reordered: bool
    joined: bool = False  # a blank sliver of a column beside it taken in
    seals: tuple[CellLine, ...] = ()  # a seal's text printed over the cell, dropped
    # lines OCR left out of the cell's text as a seal's characters (`Cell.seal_lines`)
    seal_band: tuple[CellLine, ...] = ()
    # the cell's only line, one glyph of a seal's size (`is_seal_glyph`): kept as read, said
    seal_glyph: CellLine | None = None

    def note(self) -> str:
        """One sentence for the reader's problems, so an auditor can check the recovery."""
        said = []
        if len(self.parts) > 1:
            texts = " | ".join(p.text or "(blank)" for p in self.parts)
            said.append(
                f"cut at the rules of the cells beside it (OCR found none inside it): {texts}"
            )
        if self.remnants:
            marks = " ".join(f"'{ln.text}'" for ln in self.remnants)
            said.append(f"{marks} taken for a worn rule's remnant or a speck, not text")
        if self.reordered:
            said.append("its lines read column by column (two cells side by side)")
        if self.seals:
            marks = " ".join(f"'{ln.text}'" for ln in self.seals)
            said.append(f"{marks} taken for a seal's text (a box too big for a printed line)")
        glyphs = [ln for ln in self.seal_band if not only_symbols(ln.text)]
        if glyphs:
            marks = " ".join(f"'{ln.text}'" for ln in glyphs)
            said.append(
                f"{marks} left out as a seal's characters (on the text band of a seal found"
                " on the page, taller than the cell's print or beside it)"
            )
        stars = [ln for ln in self.seal_band if only_symbols(ln.text)]
        if stars:
            marks = " ".join(f"'{ln.text}'" for ln in stars)
            said.append(f"{marks} left out as a seal's star (symbols only, at a seal's centre)")
        if self.seal_glyph is not None:
            ln, (x0, y0, x1, y1) = self.seal_glyph, self.seal_glyph.bbox
            said.append(
                f"'{ln.text}', all it reads, is one glyph {x1 - x0:.0f}×{y1 - y0:.0f} px: a "
                "seal's character's size, no printed one's; what the seal covers is unread, "
                "kept as read"
            )
        if self.joined:
            said.append(
                "the blank sliver of a grid column beside it (a doubled rule) is part of it"
            )
        # a cell left blank (the seal's star its only line) is named by where it stands
        named = self.cell.text or f"(row {self.cell.row}, column {self.cell.col})"
        return f"cell '{named}': " + "; ".join(said)


def number_height(table: Table) -> float:
    """The typical height of a printed number of the table (its OCR lines of one number of 3+
    characters: `4.46`, `100%`; without them, of `MIN_PAIRS` or more two-digit numbers alone in
    their cells), 0 when it prints none. A digit stands shorter than a CJK
    character (about two thirds of it), so a lone printed digit is measured against the
    numbers, not against the text height the CJK lines set."""
    heights = [
        ln.bbox[3] - ln.bbox[1]
        for c in table.cells
        for ln in c.lines
        if len(ln.text.strip()) >= MIN_NUMBER and NUMBER_RE.fullmatch(ln.text.strip())
    ]
    if heights:
        return median(heights)
    # none that long (rates printed `86` beside their `%` cells): two-digit numbers in cells
    # of their own, when the table prints enough of them to be its values, not specks (dev10
    # lg_95134 p2: `86`, `92`, `95` 14 px tall beside 35 px CJK boxes under a seal, every
    # target dropped as a speck measured against the text)
    pairs = [
        ln.bbox[3] - ln.bbox[1]
        for c in table.cells
        if len(c.lines) == 1
        for ln in c.lines
        if len(ln.text.strip()) == MIN_NUMBER - 1 and ln.text.strip().isdigit()
    ]
    return median(pairs) if len(pairs) >= MIN_PAIRS else 0.0


def column_edges(table: Table, row: int) -> dict[int, float]:
    """x of the rule after grid column c (c → x) as the cells of grid row `row` print it."""
    found: dict[int, float] = {}
    for cell in table.cells:
        if cell.row <= row <= cell.last_row and cell.last_col + 1 < table.n_cols:
            found[cell.last_col] = cell.bbox[2]
    return found


def row_edges(table: Table, col: int) -> dict[int, float]:
    """y of the rule under grid row r (r → y) as the cells of grid column `col` print it."""
    found: dict[int, float] = {}
    for cell in table.cells:
        if cell.col <= col <= cell.last_col and cell.last_row + 1 < table.n_rows:
            found[cell.last_row] = cell.bbox[3]
    return found


def lost_rules(table: Table, cell: Cell) -> list[Cut]:
    """The rules the neighbours of a merged cell print inside its span: column rules of the
    row just above or below it, row rules of the columns left or right of it — the nearest
    column that prints each. A row rule worn across several columns side by side (三级指标 and
    指标值 both merged over two lines, dev4 lg_39954_自评 p1) is printed only by a column
    further out (分值, 得分); the nearest printing column gives its y."""
    cuts: dict[tuple[bool, int], Cut] = {}
    for r in (cell.row - 1, cell.last_row + 1):
        if cell.colspan > 1 and 0 <= r < table.n_rows:
            for c, x in column_edges(table, r).items():
                if cell.col <= c < cell.last_col:
                    cuts.setdefault((True, c), Cut(True, c, x))
    if cell.rowspan > 1:
        for c in columns_outward(table, cell):
            for r, y in row_edges(table, c).items():
                if cell.row <= r < cell.last_row:
                    cuts.setdefault((False, r), Cut(False, r, y))
    return sorted(cuts.values(), key=lambda k: (k.vertical, k.at))


def columns_outward(table: Table, cell: Cell) -> list[int]:
    """The grid columns beside a cell, nearest first, alternating left and right."""
    left = range(cell.col - 1, -1, -1)
    right = range(cell.last_col + 1, table.n_cols)
    out = []
    for k in range(max(len(left), len(right))):
        out += [side[k] for side in (left, right) if k < len(side)]
    return out


def _span(line: CellLine, vertical: bool) -> tuple[float, float]:
    return (line.bbox[0], line.bbox[2]) if vertical else (line.bbox[1], line.bbox[3])


def is_remnant(line: CellLine, cell: Cell, cuts: list[Cut], height: float) -> bool:
    """A line of a mark or two whose box is a sliver across a rule (a lost one inside the cell,
    or the cell's own border) — thinner than text, or a streak far longer than its marks
    could print: what OCR read of a worn rule, not printed text. A character of more than one
    stroke (`总分` in a box OCR stretched along the rule under it) is text, never a rule's mark.
    Marks are counted without the spaces OCR put between them (`1 一`: two marks); a run of
    underscores (`RULE_RUN`) is a rule's however many it counts. A curved digit
    (`CURVED_DIGITS`) in a streak's box is print the box ran on along a rule, not its mark."""
    marks = "".join(line.text.split())
    n = len(marks)
    if not n or height <= 0 or (n > MAX_SLIVER_MARKS and not set(marks) <= RULE_RUN):
        return False
    if any(is_han(ch) and ch not in ONE_STROKE for ch in line.text):
        return False
    x0, y0, x1, y1 = line.bbox
    reach = REACH * height
    streak = not CURVED_DIGITS & set(marks)  # a curved digit's box is long with a rule in it
    if y1 - y0 < SLIVER * height or (streak and x1 - x0 > STREAK * n * (y1 - y0)):  # a row rule
        rules = [cell.bbox[1], cell.bbox[3], *(k.at for k in cuts if not k.vertical)]
        return any(y0 - reach <= y <= y1 + reach for y in rules)
    if x1 - x0 < SLIVER * height or (streak and y1 - y0 > STREAK * n * (x1 - x0)):  # a column
        rules = [cell.bbox[0], cell.bbox[2], *(k.at for k in cuts if k.vertical)]
        return any(x0 - reach <= x <= x1 + reach for x in rules)
    return False


def _digits_or_capitals(text: str) -> bool:
    """Marks a speck reads as: digits and capitals stand the full height of print."""
    return all(ch.isdigit() or "A" <= ch <= "Z" for ch in text)


def is_speck(line: CellLine, height: float) -> bool:
    """A line of a digit or capital or two whose box is under half the text height, or of a dot
    or two alone (`DOTS`): a speck of dirt or seal OCR read as a character, never printed text
    (a printed digit or capital stands most of the text height; flat marks such as `-` or `一`
    are left to `is_remnant`)."""
    text = line.text.strip()
    if not text or len(text) > MAX_SLIVER_MARKS or height <= 0:
        return False
    if all(ch in DOTS for ch in text):
        return True  # a dot alone on its line, whatever its height (`DOTS`)
    if not _digits_or_capitals(text):
        return False  # lower-case letters (`m`, `cm`) and flat CJK (`一`, `二`) stand low
    return line.bbox[3] - line.bbox[1] < SPECK * height


def _mark_like(text: str) -> bool:
    """What a mark on a border reads as: a digit or capital or two (`is_speck`'s marks), a
    rule's stroke (`RULE_STROKES`: the strokes a worn rule reads as, one list for every
    reader), or one CJK glyph — a seal's character cut off at the rule (dev6 lg_54040 p2: `平`
    on the top rule over `游客满意度`). Two CJK characters are a word."""
    if _digits_or_capitals(text) or set(text) <= set(RULE_STROKES):
        return True
    return len(text) == 1 and is_han(text)


def is_border_mark(line: CellLine, cell: Cell, others: list[CellLine], height: float) -> bool:
    """A line of a mark (`_mark_like`, of any height) whose box touches the cell's top or
    bottom border (`BORDER`), apart from the cell's other lines (`MIN_GAP`, or only clear of
    them when it is short: `SHORT_MARK`), which stand centred in the cell without it
    (`CENTRED`): a mark on the rule, not print — a printed line stands inside the cell's
    padding, level with the text it belongs to."""
    text = "".join(line.text.split())
    if not text or len(text) > MAX_SLIVER_MARKS or height <= 0 or not others:
        return False
    if not _mark_like(text):
        return False
    top, bottom = cell.bbox[1], cell.bbox[3]
    y0, y1 = line.bbox[1], line.bbox[3]
    if y0 - top > BORDER * height and bottom - y1 > BORDER * height:
        return False
    b0 = min(o.bbox[1] for o in others)
    b1 = max(o.bbox[3] for o in others)
    gap = 0.0 if y1 - y0 < SHORT_MARK * height else MIN_GAP * height
    if not (y1 + gap <= b0 or b1 + gap <= y0):
        return False  # level with (or hard by) the text: part of it
    return abs((b0 + b1) / 2 - (top + bottom) / 2) <= CENTRED * (bottom - top)


# A stray mark beside a cell's print: a line of at most this many characters (a seal's glyph
# read as a digit run, dev9 lg_84375 `190`; two or three glyphs of a cut seal) ...
STRAY_CHARS = 3
# ... read below this confidence (the seal's strokes under the print read unsure: `一` 0.56,
# `190` 0.67 there; a printed line the recogniser knows reads 0.9 and over), or read sure in a
# box wider per character than print ever packs them (`SEAL_CHAR_WIDTH`: dev9 lg_84784 `政`,
# 1.00, 3.2 text heights wide, over `寿堤县网格化服务管理中心`)
STRAY_SURE = 0.9


def stray_marks(cell: Cell, height: float) -> list[CellLine]:
    """The lines of `cell` that are stray marks beside its print, not part of it: each short
    (`STRAY_CHARS`), read unsure (`STRAY_SURE`), level with none of the cell's other lines,
    while those others stand centred in the cell without it (`CENTRED`) and their longest
    line leaves room in the cell for the mark's characters — a value wraps onto a line of its
    own only when its line is full, so a short line beside a line with room is no wrapped
    piece of it. A seal's glyph, its colour lifted, reads so over a header's value (dev9
    lg_84375: `一` right of `天然林资源保护`, `190` over `嘉恒县国有林场`)."""
    lines = [ln for ln in cell.lines if ln.text.strip()]
    if height <= 0 or len(lines) < 2:
        return []
    out = []
    for ln in lines:
        chars = "".join(ln.text.split())
        spread = (ln.bbox[2] - ln.bbox[0]) / max(len(chars), 1) > SEAL_CHAR_WIDTH * height
        if len(chars) > STRAY_CHARS or (ln.confidence >= STRAY_SURE and not spread):
            continue
        others = [o for o in lines if o is not ln]
        if any(len(group_lines([ln, o], ROW_SHARE)) == 1 for o in others):
            continue
        top, bottom = cell.bbox[1], cell.bbox[3]
        b0 = min(o.bbox[1] for o in others)
        b1 = max(o.bbox[3] for o in others)
        if abs((b0 + b1) / 2 - (top + bottom) / 2) > CENTRED * (bottom - top):
            continue
        widest = max(o.bbox[2] - o.bbox[0] for o in others)
        room = cell.bbox[2] - cell.bbox[0] - 2 * height  # the cell's padding either side
        if widest + len(chars) * height <= room:
            out.append(ln)
    return out


def is_glyph_fragment(line: CellLine, height: float) -> bool:
    """A line of one or two CJK characters whose box stands under `SPECK` of the text height:
    part of a glyph a rule or the cell's edge cut off — a red seal's character whose lift left
    it as dark as print, read across the rule under it (dev lg_7259: `政` under a project name,
    0.46 text heights; printed single characters measured 0.64 and more). A printed CJK
    character stands the full height of its line; flat ones (`一`, `二`) are left to
    `is_remnant`."""
    text = line.text.strip()
    if not text or len(text) > MAX_SLIVER_MARKS or height <= 0:
        return False
    if not all(is_han(ch) and ch not in ONE_STROKE for ch in text):
        return False
    return line.bbox[3] - line.bbox[1] < SPECK * height


def line_runs(lines: list[CellLine], reach: float) -> list[list[CellLine]]:
    """Lines gathered into runs side by side: a run ends where the next line starts past the
    right end of all of it."""
    out: list[list[CellLine]] = []
    end = float("-inf")
    for ln in sorted(lines, key=lambda ln: ln.bbox[0]):
        if out and ln.bbox[0] < end - reach:
            out[-1].append(ln)
            end = max(end, ln.bbox[2])
        else:
            out.append([ln])
            end = ln.bbox[2]
    return out


def _segment(
    lines: list[CellLine],
    lo: float,
    hi: float,
    cuts: list[Cut],
    height: float,
    centred: bool,
) -> list[Cut]:
    """The most lost rules (of `cuts`, all of one direction) that part the span lo..hi into
    printed cells: each part holds lines, none reaching across its rules, and — across row
    rules (`centred`) — its lines stand centred in it (`CENTRED`), as a printed cell centres
    its text, where the lines of one label merged over two rows gather round the rule between
    them. Ties go to the parts best centred. No cut when one part is all there is."""
    if not cuts or len(lines) < 2:
        return []
    vertical = cuts[0].vertical
    reach = REACH * height
    spans = [_span(ln, vertical) for ln in lines]
    cuts = sorted(
        (k for k in cuts if _gap_at(spans, k.at) >= MIN_GAP * height or _wrapped_apart(spans, k)),
        key=lambda k: k.at,
    )
    if not cuts:
        return []
    at = [lo, *(k.at for k in cuts), hi]

    def cost(i: int, j: int) -> float | None:
        """How far part at[i]..at[j] is from a printed cell (None: it is none)."""
        inside = [(a, b) for a, b in spans if at[i] <= (a + b) / 2 < at[j]]
        if not inside or any(a < at[i] - reach or b > at[j] + reach for a, b in inside):
            return None
        off = abs((min(a for a, _ in inside) + max(b for _, b in inside)) / 2 - (at[i] + at[j]) / 2)
        # a box taller than a text line (a speck or a worn rule's ink taken into it) moves its
        # middle by up to half the excess
        slack = max(0.0, max(b - a for a, b in inside) - height) / 2
        if centred and off > CENTRED * (at[j] - at[i]) + slack:
            return None
        return off / (at[j] - at[i])

    # best[j]: (parts, -total cost, previous index) of the best parting of lo..at[j]
    best: list[tuple[int, float, int] | None] = [(0, 0.0, -1)] + [None] * (len(at) - 1)
    for j in range(1, len(at)):
        for i in range(j):
            prev = best[i]
            c = cost(i, j) if prev is not None else None
            if prev is None or c is None:
                continue
            cand = (prev[0] + 1, prev[1] - c, i)
            if best[j] is None or cand[:2] > best[j][:2]:  # type: ignore[index]
                best[j] = cand
    end = best[-1]
    if end is None or end[0] < 2:
        return []
    chosen = []
    j = end[2]
    while j > 0:
        chosen.append(cuts[j - 1])
        j = best[j][2]  # type: ignore[index]
    return sorted(chosen, key=lambda k: k.at)


def _one_row_printed(
    lines: list[CellLine], lo: float, hi: float, cuts: list[Cut], height: float
) -> list[Cut]:
    """The lost row rules around the one row of a merged cell its lines stand in, when they all
    stand centred in that row (`CENTRED`) and not over the merged cell's middle: a printed cell
    and blank ones below or above it whose rules were lost (`元/年` of the second line read
    for both lines). A text centred over the merged cell (a label merged down by design) is
    one cell. No cut otherwise."""
    if not cuts or not lines or height <= 0:
        return []
    top, bottom = min(ln.bbox[1] for ln in lines), max(ln.bbox[3] for ln in lines)
    middle = (top + bottom) / 2
    if abs(middle - (lo + hi) / 2) <= CENTRED * (hi - lo):
        return []
    reach = REACH * height
    cuts = sorted(cuts, key=lambda k: k.at)
    at = [lo, *(k.at for k in cuts), hi]
    for i in range(len(at) - 1):
        a, b = at[i], at[i + 1]
        if (
            a - reach <= top
            and bottom <= b + reach
            and abs(middle - (a + b) / 2) <= CENTRED * (b - a)
        ):
            return [k for j, k in enumerate(cuts) if j in (i - 1, i)]
    return []


def _wrapped_apart(spans: list[tuple[float, float]], cut: Cut) -> bool:
    """Whether a lost column rule parts two columns of wrapped lines packed up to it (a narrow
    二级指标 cell's `服务对象 / 满意度指 / 标(必填)` beside its 三级指标's `服务对象满意 / 度`, 2 px
    apart: no room for MIN_GAP, yet no line crosses the rule): at least two lines on each side,
    each ending (starting) on its side of the rule."""
    if not cut.vertical:
        return False
    before = [(a, b) for a, b in spans if (a + b) / 2 < cut.at]
    after = [(a, b) for a, b in spans if (a + b) / 2 >= cut.at]
    return (
        len(before) >= 2
        and len(after) >= 2
        and all(b <= cut.at for _, b in before)
        and all(a >= cut.at for a, _ in after)
    )


def _gap_at(spans: list[tuple[float, float]], at: float) -> float:
    """The room between the lines standing before a rule at `at` and those after it."""
    before = [b for a, b in spans if (a + b) / 2 < at]
    after = [a for a, b in spans if (a + b) / 2 >= at]
    return min(after) - max(before) if before and after else 0.0


# OCR lines of one printed row overlap each other by at least this share of the smaller's
# height (a label and its value: nearly all of it, on a page skewed 1.7°); OCR pads each line's
# box, so the wrapped lines of one cell overlap by up to about a third (dev5 lg_47409 p2:
# `项目` over `资金`, 14 of 50 px) — more than a glyph's share (`GLYPH_SHARE`).
ROW_SHARE = 0.5

# Whether a merged cell cut into these parts must stay whole all the same: the reader knows what
# a column prints (a label column's cell merged down over rows is one label), geometry does not.
KeepWhole = Callable[[Cell, list[Cell]], bool]


def read_cell(
    table: Table,
    cell: Cell,
    height: float,
    keep_whole: KeepWhole | None = None,
    numbers: float = 0.0,
) -> Unmerged | None:
    """The printed cells a merged cell stood for, by where its OCR lines stand: cut first at
    the lost column rules, then each column of it at its lost row rules, unless `keep_whole`
    says the parts are not cells of their own; None when there is nothing to undo (one printed
    cell, its lines in order, no rule remnant). Specks are measured against the height of the
    table's printed numbers (`numbers`, `number_height`) when it is known and shorter than
    the text."""
    if height <= 0:  # no line of text to measure the page by
        return None
    cuts = lost_rules(table, cell)
    digits = min(height, numbers) if numbers > 0 else height
    seals = tuple(ln for ln in cell.lines if is_seal_text(ln, height))
    remnants = [
        ln
        for ln in cell.lines
        if ln not in seals
        and (
            is_remnant(ln, cell, cuts, height)
            or is_speck(ln, digits)
            or is_glyph_fragment(ln, height)
        )
    ]
    lines = [ln for ln in cell.lines if ln.text.strip() and ln not in remnants and ln not in seals]
    marks = [
        ln for ln in lines if is_border_mark(ln, cell, [o for o in lines if o is not ln], height)
    ]
    remnants += marks
    lines = [ln for ln in lines if ln not in marks]
    for i, ln in enumerate(lines):
        split = edge_remnant(ln, [k.at for k in cuts if k.vertical], height)
        if split is not None:
            lines[i] = split[0]
            remnants.append(split[1])
    across = [k for k in cuts if k.vertical]
    across = _segment(lines, cell.bbox[0], cell.bbox[2], across, height, centred=False)
    down = [k for k in cuts if not k.vertical]
    parts: list[Cell] = []
    for c0, c1, x0, x1 in _bands(cell.col, cell.last_col, cell.bbox[0], cell.bbox[2], across):
        band = replace(cell, col=c0, colspan=c1 - c0 + 1, bbox=(x0, cell.bbox[1], x1, cell.bbox[3]))
        inside = [ln for ln in lines if x0 <= (ln.bbox[0] + ln.bbox[2]) / 2 < x1]
        if across:  # one column of a cell cut across: its printed rows top to bottom, each
            # left to right — not by top edge: on a skewed scan a value's box stands taller
            # than its label's beside it, its top above the label's
            inside = [ln for row in group_lines(inside, ROW_SHARE) for ln in row]
        rows = _segment(inside, cell.bbox[1], cell.bbox[3], down, height, centred=True)
        rows = rows or _one_row_printed(inside, cell.bbox[1], cell.bbox[3], down, height)
        band_parts = _split_rows(band, inside, rows)
        if across and len(band_parts) > 1 and keep_whole is not None:
            # a cell cut across into columns: each column's part is judged on its own (a
            # label column's part merged down by design, the columns beside it cut by rows)
            band_parts = [_part(band, inside)] if keep_whole(band, band_parts) else band_parts
        parts += band_parts
    if not across and len(parts) > 1 and keep_whole is not None and keep_whole(cell, parts):
        parts = [_part(cell, lines)]
    reordered = False
    if len(parts) == 1 and len(lines) > 1:
        columns = _side_by_side(lines, height)
        reordered = columns is not None
        if columns is not None:
            text = " ".join(join_wrapped([t.text for t in col]) for col in columns)
            parts = [replace(_part(cell, lines), text=text, readings=())]
    band = cell.seal_lines
    glyph = lines[0] if len(lines) == 1 and is_seal_glyph(lines[0], height) else None
    if len(parts) == 1 and not remnants and not reordered and not seals:
        # nothing to undo: the cell stays as read, said once if OCR left a seal's lines out
        # or read only a seal's glyph
        if not band and glyph is None:
            return None
        kept = replace(cell, seal_lines=())
        return Unmerged(cell, [kept], [], False, seal_band=band, seal_glyph=glyph)
    # a cell cut into parts: which part a seal-high line's print re-read belongs to is unknown
    under = cell.under_seal if len(parts) == 1 else ()
    parts = [replace(p, seal_lines=(), under_seal=under) for p in parts]
    return Unmerged(cell, parts, remnants, reordered, seals=seals, seal_band=band, seal_glyph=glyph)


def edge_remnant(
    line: CellLine, rules: list[float], height: float
) -> tuple[CellLine, CellLine] | None:
    """(the line without it, the mark) when the first or last word of a line is a mark or two
    (no CJK) and the line's box starts (ends) on a lost column rule (`rules`, x): a cell pads
    its text off its rules, so no printed word starts there — OCR read the worn rule as a
    character and ran it into the text beside it (`1 10`)."""
    words = line.text.split()
    if len(words) < 2 or height <= 0:
        return None
    reach = REACH * height
    tokens = line_words(line, height)
    x0, y0, x1, y1 = line.bbox
    for first, word, edge in ((True, words[0], x0), (False, words[-1], x1)):
        if len(word) > MAX_SLIVER_MARKS or any(ord(ch) > 0x2E7F for ch in word):
            continue
        if any(abs(edge - x) <= reach for x in rules):
            rest = words[1:] if first else words[:-1]
            box = (tokens[1].bbox[0], y0, x1, y1) if first else (x0, y0, tokens[-2].bbox[2], y1)
            return CellLine(" ".join(rest), box, line.confidence), tokens[0 if first else -1]
    return None


def line_words(line: CellLine, height: float) -> list[CellLine]:
    """The words of an OCR line (runs between its spaces), each placed in the line's box by the
    widths its characters print at the table's text height (CJK about square, others about
    half as wide), the room left over shared out among the gaps."""
    words = line.text.split()
    if len(words) < 2:
        return [line]
    widths = [sum(height if ord(ch) > 0x2E7F else 0.55 * height for ch in w) for w in words]
    x0, y0, x1, y1 = line.bbox
    gap = max(0.0, (x1 - x0 - sum(widths)) / (len(words) - 1))
    out, x = [], x0
    for word, w in zip(words, widths, strict=True):
        out.append(CellLine(word, (x, y0, min(x + w, x1), y1), line.confidence))
        x += w + gap
    return out


def _side_by_side(lines: list[CellLine], height: float) -> list[list[CellLine]] | None:
    """The columns of text of two or more cells printed side by side in one cell (no rule
    found between them), each column top to bottom, when the lines interleave them: whole
    lines standing apart, or words of at least two lines standing in two columns (a label
    wrapped beside its value: `年度资金总 569.5 其中：财政` over `额 拨款`). None when the
    cell reads in line order already, or is one text (a wrapped line under the first word of
    a line with a gap is not a column of its own)."""
    reach = REACH * height
    units = lines
    runs = line_runs(units, reach)
    if len(runs) < 2:
        of_line = {}
        units = []
        for i, ln in enumerate(lines):
            for t in line_words(ln, height):
                of_line[id(t)] = i
                units.append(t)
        runs = line_runs(units, reach)
        spanning = [len({k for k, run in enumerate(runs) for t in run if of_line[id(t)] == i})
                    for i in range(len(lines))]  # fmt: skip
        if len(runs) < 2 or sum(n >= 2 for n in spanning) < 2:
            return None
    columns = [sorted(run, key=lambda t: (t.bbox[1], t.bbox[0])) for run in runs]
    if [t for col in columns for t in col] == units or _rows_of_a_block(lines, columns):
        return None
    return columns


# A cell whose lines stand in this many columns and as many printed rows shared by two columns
# or more is a block of a form's rows (a header with its funds matrix) merged whole, no two cells
MIN_BLOCK = 3


def _rows_of_a_block(lines: list[CellLine], columns: list[list[CellLine]]) -> bool:
    """Whether a cell's lines are a block of the form's rows whose rules were all lost (dev7
    lg_66391_自评 p1: the header and the funds matrix in one cell under a seal), not cells side
    by side: three columns at least, and three printed rows at least in which lines of two
    columns or more stand side by side. Read column by column, each column would run the
    rows' labels and values together (`项目名称主管部门项目资金`); OCR's line order keeps rows."""
    if len(columns) < MIN_BLOCK:
        return False
    column_of = {id(t): k for k, col in enumerate(columns) for t in col}
    shared = [
        row
        for row in group_lines(lines, ROW_SHARE)
        if len({column_of.get(id(t)) for t in row} - {None}) >= 2
    ]
    return len(shared) >= MIN_BLOCK


def _part(cell: Cell, lines: list[CellLine], **grid: object) -> Cell:
    """`cell` (or a part of it, `grid`: row, spans, bbox) printing `lines`."""
    conf = min((ln.confidence for ln in lines), default=cell.confidence)
    text = join_wrapped([ln.text for ln in lines])
    same = text == cell.text
    return replace(
        cell,
        text=text,
        confidence=min(conf, cell.confidence),
        readings=cell.readings if same else (),
        lines=tuple(lines),
        **grid,  # type: ignore[arg-type]
    )


def _split_rows(band: Cell, lines: list[CellLine], cuts: list[Cut]) -> list[Cell]:
    """The parts of a column band of a cell between its row cuts, each with its lines."""
    if not cuts:
        return [_part(band, lines)]
    parts = []
    for r0, r1, y0, y1 in _bands(band.row, band.last_row, band.bbox[1], band.bbox[3], cuts):
        inside = [ln for ln in lines if y0 <= (ln.bbox[1] + ln.bbox[3]) / 2 < y1]
        box = (band.bbox[0], y0, band.bbox[2], y1)
        parts.append(_part(band, inside, row=r0, rowspan=r1 - r0 + 1, bbox=box))
    return parts


def _bands(
    first: int, last: int, lo: float, hi: float, cuts: list[Cut]
) -> list[tuple[int, int, float, float]]:
    """(first index, last index, low, high) of the stretches of a span between its cuts."""
    out = []
    start, at = first, lo
    for k in cuts:
        out.append((start, k.index, at, k.at))
        start, at = k.index + 1, k.at
    out.append((start, last, at, hi))
    return out


def unmerge(
    table: Table, rows: range, keep_whole: KeepWhole | None = None, reaching_in: bool = False
) -> tuple[Table, list[Unmerged]]:
    """The table with every OCR cell starting in `rows` read by where its lines stand (cut at
    lost rules unless `keep_whole` objects, rule remnants dropped, side-by-side lines read
    column by column), and what was done to each, to report; with `reaching_in`, also each
    cell starting above `rows` that runs on down into them (a heading cell whose rule under it
    was lost, printing the first line's value: `实际完成值` over `3处`). Cells without OCR
    lines (text layers) are left as they are: their rules are printed, not lost."""
    height = text_height(table)
    numbers = number_height(table)
    cells: list[Cell] = []
    done: list[Unmerged] = []
    for cell in table.cells:
        inside = rows.start <= cell.row < rows.stop
        reaches = reaching_in and cell.row < rows.start <= cell.last_row
        read = (
            read_cell(table, cell, height, keep_whole, numbers)
            # a cell whose only line OCR left out as the seal's (its star) is read to say so
            if (cell.lines or cell.seal_lines) and (inside or reaches)
            else None
        )
        if read is None:
            cells.append(cell)
        else:
            cells.extend(read.parts)
            done.append(read)
    cells, joined = _join_slivers(table, cells, rows, height)
    done += joined
    if not done:
        return table, []
    return replace(table, cells=cells), done


# A grid column narrower than this share of the text height can print nothing: a blank cell so
# narrow is the room between a doubled or stray rule and the cell's own.
SLIVER_COLUMN = 0.6


def _join_slivers(
    table: Table, cells: list[Cell], rows: range, height: float
) -> tuple[list[Cell], list[Unmerged]]:
    """Each blank cell too narrow to print text taken into the cell of its row beside it that
    prints text, across the rule no row of the band (or its heading) prints between two cells
    wide enough to print text (a stray rule's, not a column's), so a column read by its grid
    position finds the text printed there."""
    if height <= 0:
        return cells, []

    def narrow(c: Cell) -> bool:
        return c.bbox[2] - c.bbox[0] < SLIVER_COLUMN * height

    # the column rules a row of this band (or its heading above) prints between two cells
    # wide enough to print text
    band = [c for c in table.cells if rows.start - 1 <= c.row < rows.stop and not narrow(c)]
    ends = {(c.row, c.last_col) for c in band}
    shown = {(c.col - 1) for c in band if (c.row, c.col - 1) in ends}
    out = list(cells)
    done: list[Unmerged] = []
    for sliver in cells:
        if sliver.text.strip() or not narrow(sliver) or not rows.start <= sliver.row < rows.stop:
            continue
        sides = []
        for edge, left in ((sliver.col - 1, True), (sliver.last_col, False)):
            hosts = [
                c
                for c in out
                if (c.last_col == edge if left else c.col == edge + 1)
                and sliver.row <= c.row
                and c.last_row <= sliver.last_row
            ]
            covered = sum(c.rowspan for c in hosts) == sliver.rowspan
            if edge not in shown and covered and any(c.text.strip() for c in hosts):
                sides.append(hosts)
        if len(sides) != 1 or sliver not in out:
            continue
        for host in sides[0]:
            joined = replace(
                host,
                col=min(host.col, sliver.col),
                colspan=host.colspan + sliver.colspan,
                bbox=(
                    min(host.bbox[0], sliver.bbox[0]),
                    host.bbox[1],
                    max(host.bbox[2], sliver.bbox[2]),
                    host.bbox[3],
                ),
            )
            out = [joined if c is host else c for c in out]
            done.append(Unmerged(host, [joined], [], False, joined=True))
        out = [c for c in out if c is not sliver]
    return out, done


# A label's lines stand high in their cell when their middle is at least this share of the text
# height above the cell's: room for a wrapped line under them that OCR did not read.
HIGH = 0.35
MIN_LABEL_START = 4


def wrapped_rest_lost(
    cell: Cell, key: str, spellings: list[tuple[str, object]], height: float
) -> object | None:
    """The one label whose spelling a cell's key begins (at least 4 characters and half of the
    spelling: `年度资金` of 年度资金总额) when the cell's lines stand high in it, leaving room for
    the wrapped rest OCR lost; None otherwise (a whole label, a value, a centred text)."""
    if not cell.lines or height <= 0 or len(key) < MIN_LABEL_START:
        return None
    top = min(ln.bbox[1] for ln in cell.lines)
    bottom = max(ln.bbox[3] for ln in cell.lines)
    if (cell.bbox[1] + cell.bbox[3]) / 2 - (top + bottom) / 2 < HIGH * height:
        return None
    items = {
        id(item): item
        for alt, item in spellings
        if alt.startswith(key) and len(alt) > len(key) and 2 * len(key) >= len(alt)
    }
    return next(iter(items.values())) if len(items) == 1 else None


def columns_shown_below(table: Table, cell: Cell) -> list[Cell]:
    """`cell` (a cell of the row under a grid's heading) parted at the column rules that most
    of the rows below it print inside its span (c → x as `column_edges` reads them), each part
    standing for the grid columns between two such rules; `[cell]` when none is.

    Why: a rule worn through on the row under the heading is often worn on the heading's foot
    too (dev lg_3704 p2: 得分 | 偏差原因分析及改进措施, and the first line's `9` under both), so
    the heading's words must be parted by the columns the grid prints further down. A rule
    counts when more rows below print it than print a cell across it, and at least two do:
    one row's stray cut is no column, and a column merged by design (a wide reason cell) is
    printed across on most rows."""
    if cell.colspan < 2:
        return [cell]
    below = range(cell.last_row + 1, table.n_rows)
    edges = {r: column_edges(table, r) for r in below}  # once a row, not once a rule and row
    cuts: list[tuple[int, float]] = []
    for k in range(cell.col, cell.last_col):
        shown: list[float] = []
        across = 0
        for r in below:
            edge = edges[r].get(k)
            if edge is not None:
                shown.append(edge)
            elif any(c.row <= r <= c.last_row and c.col <= k < c.last_col for c in table.cells):
                across += 1
        if len(shown) >= 2 and len(shown) > across:
            cuts.append((k, median(shown)))
    if not cuts:
        return [cell]
    parts = []
    first, x0 = cell.col, cell.bbox[0]
    for k, x in [*cuts, (cell.last_col, cell.bbox[2])]:
        box = (x0, cell.bbox[1], x, cell.bbox[3])
        parts.append(replace(cell, col=first, colspan=k - first + 1, bbox=box))
        first, x0 = k + 1, x
    return parts


def foot_band_cut(table: Table, cell: Cell) -> tuple[Table, list[Cell]] | None:
    """The table with the foot of a merged cell cut off as a row of its own, parted by the cells
    of the row below it, and those parts; None when the cell has no such foot.

    The foot is the band of the cell's lowest OCR lines that stand side by side (each reaching
    down past the top of the band so far: the wrapped lines of one row of cells overlap a line
    centred beside them) with lines above them. Its lines go to the cells starting on the row
    below that they stand over, each parted at the column rules the rows further down print
    inside it (`columns_shown_below`); a line standing over two of them (OCR found no rule between
    them) joins them into one part. Every line of the band must stand over one; the cut runs
    midway between the band and the lines above it (the lost rule)."""
    below = cell.last_row + 1
    if cell.rowspan < 2 or below >= table.n_rows or len(cell.lines) < 2:
        return None
    height = text_height(table)
    reach = REACH * height
    under = [
        part
        for c in table.row_cells(below)
        if c.bbox[0] >= cell.bbox[0] - reach and c.bbox[2] <= cell.bbox[2] + reach
        for part in columns_shown_below(table, c)
    ]
    if len(under) < 2:
        return None
    lines = sorted(cell.lines, key=lambda ln: ln.bbox[3], reverse=True)
    band, top = [lines[0]], lines[0].bbox[1]
    for ln in lines[1:]:
        if ln.bbox[3] <= top:
            break
        band.append(ln)
        top = min(top, ln.bbox[1])
    rest = [ln for ln in cell.lines if ln not in band]
    if not rest:
        return None

    def over(ln: CellLine) -> list[int]:
        return [
            i
            for i, c in enumerate(under)
            if min(ln.bbox[2], c.bbox[2]) - max(ln.bbox[0], c.bbox[0]) > reach
        ]

    group = list(range(len(under)))  # under[i] belongs to the part group[i] starts
    first_over: dict[int, int] = {}  # id(line) → the first cell below it stands over
    for ln in band:
        hit = over(ln)
        if not hit:
            return None
        first_over[id(ln)] = hit[0]
        for i in range(hit[0] + 1, hit[-1] + 1):
            group[i] = group[hit[0]]
    for i in range(1, len(group)):  # a part of neighbours: each takes its first one's start
        group[i] = group[group[i]]
    cut = (max(ln.bbox[3] for ln in rest) + top) / 2
    parts = []
    for start in sorted(set(group)):
        members = [under[i] for i in range(len(under)) if group[i] == start]
        mine = [ln for ln in band if group[first_over[id(ln)]] == start]
        mine.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
        first, last = members[0], members[-1]
        box = (first.bbox[0], cut, last.bbox[2], cell.bbox[3])
        parts.append(
            _part(
                cell,
                mine,
                row=cell.last_row,
                rowspan=1,
                col=first.col,
                colspan=last.last_col - first.col + 1,
                bbox=box,
            )
        )
    upper = _part(cell, rest, rowspan=cell.rowspan - 1, bbox=(*cell.bbox[:3], cut))
    cells = [c for c in table.cells if c is not cell] + [upper, *parts]
    return replace(table, cells=cells), parts
