"""A table's year: its "(2024 年度)" line, a form title naming the year, or, where neither
was read, its own one-year 项目期 or the year the document's other tables print. Kept apart from
the reader: every year a project lands under comes from here, each with its provenance and, when
not read for the table itself, a note saying where it came from.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.forms.labels import PERIOD_YEAR_RE, TITLE_YEAR_RE, YEAR_RE
from flows.forms.provenance import Where, on_line
from flows.forms.spec import FormSpec
from flows.models import PageGrid, ProjectForm, SourcedValue, Table
from flows.text import label_key, normalize


def find_year(
    page: PageGrid, table: Table, start: int, end: int, where: Where
) -> SourcedValue | None:
    """The table's year from its "(2024 年度)" line: the nearest such line printed above the
    table, else one in its top rows, else a title line naming the year (2024年…表)."""
    top = table.bbox[1]
    for regex in (YEAR_RE, TITLE_YEAR_RE):
        above, anywhere = None, None
        for line in page.lines:
            m = regex.search(line.text)
            if not m or (regex is TITLE_YEAR_RE and "表" not in line.text):
                continue
            v = on_line(page, line, m[1])
            anywhere = anywhere or v
            if line.bbox[3] <= top + 2 and (above is None or line.bbox[1] >= above.bbox[1]):
                above = v
        # a table below another (a second grid, or an opener row alone at the page's foot)
        # has its own year line above it; a page's only table may print its year anywhere
        shared = len(page.tables) > 1 or any(t.bbox[3] <= top + 2 for t in page.tables)
        found = (above or anywhere) if start > 0 or shared else anywhere
        if regex is YEAR_RE:
            for cell in table.cells:
                m = YEAR_RE.search(cell.text) if start <= cell.row < end else None
                if m:
                    return where.sv(cell, m[1])
        if found is not None:
            return found
    return None


def year_in_title_cell(
    table: Table, start: int, end: int, spec: FormSpec, where: Where, problems: list[str]
) -> SourcedValue | None:
    """The year of a form title printed inside the grid (`附件1:…2029年项目支出预算绩效目标表` in
    its first cell, above the header) when no year line was found: read only from a cell of this
    form's rows above its indicator heading that carries its form description's title mark, so
    another table's title is never taken; noted, naming the page and the cell."""
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        key = label_key(cell.text)
        if not start <= cell.row < end or not any(m in key for m in spec.title_marks):
            continue
        m = TITLE_YEAR_RE.search(cell.text)
        if m:
            problems.append(
                f"page {where.page.page}: no year line (…年度) found; year {m[1]} read from the "
                f"form title printed in the grid's cell (row {cell.row}): '{cell.text}'"
            )
            return where.sv(cell, m[1])
    return None


# An annex line (`附件1：禾里县…局2029年项目支出绩效目标表`): a document's heading, never a note or
# an indicator's text, so the year it names is the form's even where its title was misread
ANNEX_YEAR_RE = re.compile(r"^\s*附\s*件\s*\d*.*?(20[23]\d)\s*年")


def year_in_annex_line(
    page: PageGrid, table: Table, start: int, where: Where, problems: list[str]
) -> SourcedValue | None:
    """The year an annex line above the table names when no year line or title was read: its
    title misread (`…绩效自标装` for 绩效目标表, dev6 lg_54259) took it from `find_year`. The
    nearest such line above the table; on a page whose only table starts with this form, one
    anywhere. Noted, naming the page and the line."""
    top = table.bbox[1]
    shared = start > 0 or len(page.tables) > 1
    best = None
    for line in page.lines:
        m = ANNEX_YEAR_RE.search(normalize(line.text))
        if not m or (shared and line.bbox[3] > top + 2):
            continue
        if best is None or line.bbox[1] >= best[0].bbox[1]:
            best = (line, m[1])
    if best is None:
        return None
    line, year = best
    problems.append(
        f"page {page.page}: no year line (…年度) found; year {year} read from the annex line "
        f"'{line.text}' (its form title not read as one)"
    )
    return on_line(page, line, year)


# A year line as the form prints it (`（2025年度）`), read with what follows its 年 lost or
# misread (`(2025年政法` where a seal's glyphs lie over 度）, `(2030年9)`): it opens with its
# bracket and the year
BRACKET_YEAR_RE = re.compile(r"^\s*[(（]\s*(20[23]\d)\s*年")


def year_in_bracket_line(
    page: PageGrid, table: Table, where: Where, problems: list[str]
) -> SourcedValue | None:
    """The year of the form's year line read with its 度 lost or misread (`BRACKET_YEAR_RE`), when
    no year line, title or annex line gave one: the nearest such line standing above the table
    (no other table between, so it is this table's), noted, naming the page and the line."""
    top = table.bbox[1]
    above = [
        (line, m[1])
        for line in page.lines
        if line.bbox[3] <= top + 2
        and (m := BRACKET_YEAR_RE.search(normalize(line.text)))
        and not any(line.bbox[3] <= t.bbox[1] and t.bbox[3] <= top + 2 for t in page.tables)
    ]
    if not above:
        return None
    line, year = max(above, key=lambda found: found[0].bbox[1])
    problems.append(
        f"page {page.page}: no year line (…年度) found; year {year} read from the line "
        f"'{line.text}' above the table, the year line's bracket and year with its 度 lost or "
        "misread"
    )
    return on_line(page, line, year)


def fill_missing_years(forms: list[ProjectForm], problems: list[str]) -> None:
    """A table without its own year line takes the year its own 项目期/实施期 names when that lies
    within one calendar year (`year_of_period`: read where printed), else the year printed for
    the document's other tables, with that printed year's provenance (page, box, extractor: an
    auditor finds where it is printed, and the landed row names its extractor like every other)
    at confidence 0: it was not read for this table."""
    printed = {p.fields["year"].value: p.fields["year"] for p in forms if "year" in p.fields}
    for p in forms:
        if "year" in p.fields:
            continue
        name = next(
            (p.fields[n].value for n in ("project_name", "department_name") if n in p.fields),
            p.form,
        )
        period = p.fields.get("project_period")
        own = year_of_period(period) if period is not None else None
        if period is not None and own is not None:
            p.fields["year"] = own
            problems.append(
                f"page {period.page}: {name}: no year line (…年度) found; year {own.value} read "
                f"from its project period '{period.value}' (within one calendar year)"
            )
        elif len(printed) == 1:
            (year,) = printed
            p.fields["year"] = replace(printed[year], confidence=0.0)
            problems.append(
                f"page {p.first_page}: {name}: no year line; took {year} from the document's "
                "other tables"
            )
        else:
            problems.append(f"page {p.first_page}: {name}: no year line (…年度) found")


def year_of_period(period: SourcedValue) -> SourcedValue | None:
    """The year a 项目期/实施期 printed within one calendar year names (`2029年`,
    `2029.01-2029.12`), with the period's provenance: the table's own print, where no year line
    was read. A period across years, or none, names no year."""
    m = PERIOD_YEAR_RE.fullmatch(normalize(period.value))
    if m is None or (m[1] is None and m[2] != m[3]):
        return None
    return replace(period, value=m[1] or m[2])
