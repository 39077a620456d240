"""A self-evaluation's weights and scores read against each other.

The 总分 row's two numbers where an OCR grid lost a rule of that row: the weight glued onto the
总分 label (`总分 100` | `97.92`), or the weight and the score read as one number
(`10099.43` under 分值 and 得分), split where the sum of the weights says, or where the weights
and scores read (floors of the totals, when a weight was not read) allow one cut only.

Apart because it reads the total row against what the form printed above it: the 总分 weight is
the sum of the weights printed (the funds block's and every indicator's), and a score is never
above its weight. A glued number is split only where that check holds; otherwise nothing is
landed and the row is reported, as before. An indicator line printing a weight but no
readable score (or a score above its weight) is reported, never filled in.
"""

from __future__ import annotations

from itertools import product

from flows.forms.cellvalues import COLON_POINT_RE, NUMBER_RE, amount, numbers_in, value_amount
from flows.forms.notes import Note, about, withdraw
from flows.models import IndicatorRow, ProjectForm, SourcedValue


def _printed(
    fields: dict[str, SourcedValue], indicators: list[IndicatorRow], name: str
) -> list[SourcedValue | None]:
    """The funds block's `name` (weight or score: total_weight, total_score) and every
    indicator's, as read (None where not read)."""
    return [fields.get(f"total_{name}")] + [i.extra.get(name) for i in indicators]


def _amounts(values: list[SourcedValue | None]) -> list[float | None]:
    """Each value read as a number; None where it was not read or is not a number."""
    return [value_amount(v) for v in values]


def weights_sum(fields: dict[str, SourcedValue], indicators: list[IndicatorRow]) -> float | None:
    """The sum of the weights a self-evaluation printed (`printed_sum`)."""
    return printed_sum(fields, indicators, "weight")


def printed_sum(
    fields: dict[str, SourcedValue], indicators: list[IndicatorRow], name: str
) -> float | None:
    """The sum of the weights or scores (`name`) a self-evaluation printed: the funds block's
    (total_weight, total_score) and every indicator's. None when one of them was not read as a
    number, or no indicator was read: the sum is then unknown, not smaller."""
    values = _amounts(_printed(fields, indicators, name))
    if not indicators or any(v is None for v in values):
        return None
    return round(sum(v for v in values if v is not None), 6)


def split_weight_and_score(text: str, total: float | None) -> tuple[str, str] | None:
    """(weight, score) of a 总分 cell printing both without a space (`10099.43`): split after the
    printed digits of `total`, the sum of the weights read, when what follows is a number no
    larger than it. None when the check does not hold (or no sum is known)."""
    digits = text.strip()
    if total is None or not NUMBER_RE.fullmatch(digits) or digits.endswith("%"):
        return None
    head = f"{total:g}"
    score = digits[len(head) :]
    if not digits.startswith(head) or not score or score.startswith("."):
        return None
    value = amount(score)
    if value is None or value > total or (len(score) > 1 and score.startswith("0")):
        return None
    return head, score


def _read_sum(values: list[SourcedValue | None]) -> float:
    """The sum of the values read as numbers (the others count 0): a floor of the true sum."""
    return round(sum(n for n in _amounts(values) if n is not None), 6)


def _splits(digits: str) -> list[tuple[str, str]]:
    """Every way to cut `digits` into two printed numbers (neither starting with a 0 unless it
    is 0 or 0.x, neither starting or ending with a point), the second no larger than the first."""
    out = []
    for i in range(1, len(digits)):
        head, tail = digits[:i], digits[i:]
        if any(
            t.startswith(".") or t.endswith(".") or (len(t) > 1 and t[0] == "0" and t[1] != ".")
            for t in (head, tail)
        ):
            continue
        w, sc = amount(head), amount(tail)
        if w is not None and sc is not None and sc <= w:
            out.append((head, tail))
    return out


def split_glued_total(
    text: str, fields: dict[str, SourcedValue], indicators: list[IndicatorRow]
) -> tuple[str, str, str] | None:
    """(weight, score, why) of a 总分 cell printing both as one number (`10099.43`), or None.

    When every weight was read, the weight is their sum (`split_weight_and_score`). When one
    was not (a rule lost in the grid), the weights and the scores read are floors of the total
    weight and score: the cell is split only where exactly one cut gives a weight at least the
    weights read and a score at least the scores read."""
    total = weights_sum(fields, indicators)
    if total is not None:
        split = split_weight_and_score(text, total)
        return None if split is None else (*split, f"{split[0]} being the sum of the weights read")
    digits = text.strip()
    if not NUMBER_RE.fullmatch(digits) or digits.endswith("%"):
        return None
    weights = _read_sum(_printed(fields, indicators, "weight"))
    scores = _read_sum(_printed(fields, indicators, "score"))
    fits = [(w, sc) for w, sc in _splits(digits) if float(w) >= weights and float(sc) >= scores]
    if len(fits) != 1 or scores <= 0:
        return None
    w, sc = fits[0]
    return (
        w,
        sc,
        f"the only cut whose weight is at least the weights read ({weights:g}) and whose "
        f"score is at least the scores read ({scores:g})",
    )


def score_problem(weight: SourcedValue | None, score: SourcedValue | None) -> str | None:
    """What is wrong with an indicator line's 分值 and 得分, when something is: a weight printed
    with a score cell blank or not a number (or the reverse), or a score above its weight. The
    values stay as read; this only says so."""
    if weight is None or score is None:  # the grid prints no such column
        return None
    printed_weight = weight.value.strip()
    text = score.value.strip()
    if len(printed_weight.split()) > 1 or len(text.split()) > 1:
        return None  # several values in one cell: reported where they are shared out
    w = amount(printed_weight)
    s = amount(text)
    if w is None:
        if s is None:  # neither value read: nothing to set against the other
            return None
        shown = (
            f"'{printed_weight}' is not a number" if printed_weight else "is blank or unreadable"
        )
        return f"its score {text} is printed but its weight {shown}"
    if s is None:
        shown = f"'{text}' is not a number" if text else "is blank or unreadable"
        return f"its weight {printed_weight} is printed but its score {shown}"
    if s > w:
        return f"its score {text} is above its weight {printed_weight}"
    return None


def score_note(text: str, weight: SourcedValue | None, score: SourcedValue | None) -> Note:
    """`score_problem`'s note on a line, keyed by where its weight and score were read: a later
    reading of either (`settle_marks_by_totals`) withdraws it by that key."""
    return about(text, _score_key(weight, score))


def _score_key(weight: SourcedValue | None, score: SourcedValue | None) -> tuple:
    return (
        "weight_score",
        *((v.page, v.table_index, v.row, v.col, v.bbox) if v else None for v in (weight, score)),
    )


# Marks a speck or a worn rule leaves at a number's edge (`.10`, `6,`, `|5`): never part of a
# weight or a score, which print digits only
EDGE_MARKS = ".,·'`|"
# The 总分 prints the sum of the scores as printed (each to two decimals)
SUM_TOLERANCE = 0.011


def settle_marks_by_totals(form: ProjectForm, problems: list[str]) -> None:
    """A self-evaluation's weights or scores that are no number as read because of a mark at
    their edge (`.10`): read without it when that makes every weight (or score) a number whose
    sum, with the funds block's, is the 总分 row's, and no score is then above its weight. So is
    a score read above its own weight, which no form prints (`41` under the weight 4: a speck or
    a worn rule read as a digit beside the 4): read without its first or last character when
    exactly one such reading of the scores makes their sum the 总分's, each score then at most
    its weight (`_over_weight_readings`). So is a cell that read several numbers apart (dev2
    lg_15133 `2 5` under 分值: a seal's stroke on its glyph circle read as a 2 over the printed
    5): read as the one of them by which the column adds up. The form's own check decides, and
    each reading is reported; any other value stays as read."""
    for name, total_field in (("weight", "overall_weight"), ("score", "overall_score")):
        total_value = form.fields.get(total_field)
        if total_value is not None and amount(total_value.value) is None:
            total_value = _total_with_a_point(form, name, total_field, total_value, problems)
        total = value_amount(total_value)
        if total is None:
            continue
        printed = _printed(form.fields, form.indicators, name)
        options: dict[int, list[str]] = {}
        for k, v in enumerate(printed):
            text = v.value.strip() if v is not None else ""
            rest = text.strip(EDGE_MARKS).strip()
            if amount(text) is None and rest != text and amount(rest) is not None:
                options[k] = [rest]
            elif name == "score" and _above_weight(form, k, text):
                options[k] = _over_weight_readings(form, k, text)
            elif len(numbers := _numbers_apart(text)) > 1:
                options[k] = [
                    n for n in numbers if name == "weight" or not _above_weight(form, k, n)
                ]
        if not options or any(not o for o in options.values()):
            continue
        fits = []
        for combo in product(*options.values()):
            cut = dict(zip(options, combo, strict=True))
            values = [
                amount(cut.get(k, v.value if v is not None else "")) for k, v in enumerate(printed)
            ]
            if any(x is None for x in values):
                continue
            if abs(sum(x for x in values if x is not None) - total) > SUM_TOLERANCE:
                continue
            if name == "score" and any(_above_weight(form, k, cut[k]) for k in cut):
                continue
            fits.append(cut)
        if len(fits) != 1:
            continue
        for k, rest in fits[0].items():
            v = printed[k]
            assert v is not None
            if k == 0:
                form.fields[f"total_{name}"] = v.with_value(rest)
            else:
                line = form.indicators[k - 1]
                answered = _score_key(line.extra.get("weight"), line.extra.get("score"))
                line.extra[name] = v.with_value(rest)
                withdraw(problems, answered)  # score_problem's note on the line
            if amount(v.value) is not None:
                why = (
                    "a score above its weight cannot be printed; a character at its edge taken "
                    "for a speck"
                )
            elif len(_numbers_apart(v.value)) > 1:
                why = "the cell's other numbers taken for a seal's or a speck's marks"
            else:
                why = "a mark at its edge taken for a speck"
            problems.append(
                f"page {v.page}: {form_name(form)}: the {name} '{v.value}' read as {rest}: {why}, "
                f"the reading by which the {name}s add up to the 总分's {total_value.value}"  # type: ignore[union-attr]
            )


def fill_blank_by_totals(form: ProjectForm, problems: list[str]) -> None:
    """The one weight (or score) of a self-evaluation's lines read blank, every other read as a
    number: the 总分 row's weight (score) less the sum of the others, the funds block's with
    them. A print under a seal's glyphs that OCR read as nothing (dev2 lg_14317, lg_15746: a
    score cell beside a found seal came back empty) is what the form's own sum prints. Taken
    only when the other column's values all read and add up to their 总分 (so no line was lost
    or misread in the grid's rows), and the value fits the line: a weight above 0 and at least
    its score, a score from 0 to its weight. Reported with the page and line; `score_problem`'s
    note on the line withdrawn. Two blanks, or any value not a number, and nothing is filled."""
    for name, other in (("weight", "score"), ("score", "weight")):
        totals = [form.fields.get(f"overall_{n}") for n in (name, other)]
        total = _amounts(totals)
        if total[0] is None or total[1] is None:
            continue
        other_sum = printed_sum(form.fields, form.indicators, other)
        if other_sum is None or abs(other_sum - total[1]) > SUM_TOLERANCE:
            continue
        printed = _printed(form.fields, form.indicators, name)
        blank = [k for k, v in enumerate(printed) if v is not None and not v.value.strip()]
        values = _amounts(printed)
        if len(blank) != 1 or blank[0] == 0:
            continue
        k = blank[0]
        if any(x is None for i, x in enumerate(values) if i != k):
            continue
        value = round(total[0] - sum(x for x in values if x is not None), 2)
        line = form.indicators[k - 1]
        beside = amount(line.extra[other].value) if line.extra.get(other) else None
        if beside is None or not _fits_line(name, value, beside):
            continue
        read = printed[k]
        assert read is not None
        answered = _score_key(line.extra.get("weight"), line.extra.get("score"))
        line.extra[name] = read.with_value(f"{value:g}")
        withdraw(problems, answered)
        problems.append(
            f"page {read.page}: {form_name(form)}: {line.name.value}: its {name} read blank, "
            f"filled in as {value:g}: the 总分's {totals[0].value} less the other {name}s "  # type: ignore[union-attr]
            f"printed (the {other}s add up to the 总分's {totals[1].value})"  # type: ignore[union-attr]
        )


def _fits_line(name: str, value: float, beside: float) -> bool:
    """Whether `value` can be printed as a line's `name` (weight or score) beside `beside`, its
    score or weight: a weight above 0 and at least its score, a score from 0 to its weight."""
    if name == "weight":
        return value > 0 and value >= beside
    return 0 <= value <= beside


# At most this many lines of one form read with their weight and score run together: each has a
# few cuts, and every combination of them is set against the 总分
MAX_GLUED_LINES = 4


def split_glued_lines(form: ProjectForm, problems: list[str]) -> None:
    """Indicator lines whose 分值 and 得分 OCR read as one number (`3010` for 30 | 10: the rule
    between the two columns lost or faint, one cell read both, the other blank; or the score cell
    read the line's weight before its score): split where the weights and the scores, with the
    funds block's, then add up to the 总分 row's weight and score, when exactly one way of cutting
    the glued lines does (`_glued_cuts`: each score at most its weight). The form's own sums
    decide, as `split_glued_total` does for the 总分; each split is reported, the line's
    `score_problem` note withdrawn. Any other line, and every line when the sums leave a choice,
    stays as read."""
    totals = [form.fields.get(f) for f in ("overall_weight", "overall_score")]
    total = _amounts(totals)
    if total[0] is None or total[1] is None:
        return
    glued: dict[int, list[tuple[str, str]]] = {}
    for k, line in enumerate(form.indicators):
        cuts = _glued_cuts(line.extra.get("weight"), line.extra.get("score"))
        if cuts:
            glued[k] = cuts
    if not glued or len(glued) > MAX_GLUED_LINES:
        return
    rest = []
    for name in ("weight", "score"):
        values = _amounts(_printed(form.fields, form.indicators, name))
        others = [x for k, x in enumerate(values) if k - 1 not in glued]
        if any(x is None for x in others):
            return
        rest.append(sum(x for x in others if x is not None))
    fits = [
        combo
        for combo in product(*glued.values())
        if abs(rest[0] + sum(float(w) for w, _ in combo) - total[0]) <= SUM_TOLERANCE
        and abs(rest[1] + sum(float(s) for _, s in combo) - total[1]) <= SUM_TOLERANCE
    ]
    if len(fits) != 1:
        return
    for k, (w, s) in zip(glued, fits[0], strict=True):
        line = form.indicators[k]
        weight, score = line.extra["weight"], line.extra["score"]
        read = score if score.value.strip() else weight
        line.extra["weight"], line.extra["score"] = weight.with_value(w), score.with_value(s)
        withdraw(problems, _score_key(weight, score))
        problems.append(
            f"page {read.page}: {form_name(form)}: {line.name.value}: the "
            f"{'score' if read is score else 'weight'} cell's '{read.value}' read as weight {w} "
            f"and score {s}: 分值 and 得分 run together (the rule between them lost), the only cut "
            f"by which the weights and the scores add up to the 总分's "
            f"{totals[0].value} and {totals[1].value}"  # type: ignore[union-attr]
        )


def _glued_cuts(weight: SourcedValue | None, score: SourcedValue | None) -> list[tuple[str, str]]:
    """The (weight, score) a line's 分值 and 得分 may have printed when one of its cells read them
    run together: the cuts (`_splits`) of a number in one cell, the other blank, or of a score
    cell that starts with the line's weight as read and is above it. None for any other line."""
    if weight is None or score is None:  # the grid prints no such column
        return []
    w, s = weight.value.strip(), score.value.strip()
    if bool(w) == bool(s):  # both blank, or both read: glued only when the score is above
        w_value, s_value = amount(w), amount(s)
        if w_value is None or s_value is None or s_value <= w_value:
            return []
        return [cut for cut in _splits(s) if cut[0] == w]
    digits = w or s
    if amount(digits) is None or "," in digits:
        return []
    return _splits(digits)


def _total_with_a_point(
    form: ProjectForm, name: str, total_field: str, total: SourcedValue, problems: list[str]
) -> SourcedValue:
    """The 总分's weight or score read with a colon for its point (`94:07`), read as 94.07 when
    that is the sum of the weights or scores printed (`printed_sum`: every one read as a number),
    reported; otherwise as read."""
    m = COLON_POINT_RE.fullmatch(total.value.strip())
    read = printed_sum(form.fields, form.indicators, name)
    if m is None or read is None:
        return total
    reading = f"{m[1]}.{m[2]}"
    if abs(float(reading) - read) > SUM_TOLERANCE:
        return total
    form.fields[total_field] = total.with_value(reading)
    problems.append(
        f"page {total.page}: {form_name(form)}: the 总分's {name} '{total.value}' read as "
        f"{reading}: a point read as a colon, the reading the {name}s printed add up to ({read:g})"
    )
    return form.fields[total_field]


def _numbers_apart(text: str) -> list[str]:
    """The numbers a weight or score cell read apart (`2 5`: a seal's stroke read as a digit
    beside the printed 5), each once; [] when the cell reads anything else."""
    tokens = numbers_in(text) or []
    return list(dict.fromkeys(tokens)) if all(amount(t) is not None for t in tokens) else []


def _over_weight_readings(form: ProjectForm, k: int, score: str) -> list[str]:
    """The readings of a score read above its weight (line k, 0: the funds block) without its
    first or last character, each a number at most that weight: a digit OCR read from a speck
    or a worn rule beside the printed score (`41` under 4: `4`, `1`)."""
    text = score.strip()
    out = []
    for rest in (text[1:].strip(), text[:-1].strip()):
        printable = rest and rest[0] != "." and rest[-1] != "." and not rest.startswith("00")
        if printable and rest not in out and amount(rest) is not None:
            out += [] if _above_weight(form, k, rest) else [rest]
    return out


def _above_weight(form: ProjectForm, k: int, score: str) -> bool:
    """Whether score `score` of line k (0: the funds block) is above that line's weight."""
    weight = (
        form.fields.get("total_weight") if k == 0 else form.indicators[k - 1].extra.get("weight")
    )
    w = value_amount(weight)
    s = amount(score)
    return w is not None and s is not None and s > w


def form_name(form: ProjectForm) -> str:
    """What a read form's notes call it: its project name, else its form."""
    v = form.fields.get("project_name")
    return v.value if v is not None and v.value.strip() else form.form
