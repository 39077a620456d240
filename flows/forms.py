"""The form parser: cell grids of a document → one `ProjectForm` per 绩效目标表.

A table that starts with a header block (项目名称 …) opens a project; a table without one continues
the open project's indicator grid on the next page (the header is not repeated). Merged 一级/二级
labels are filled down their rows; at a page break a merged cell's text may be split in two
("产出指" | "标") or left blank on the new page, and `stitch_continuations` puts it back together.
Every value keeps the page and cell it was printed in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flows.models import (
    Cell,
    FundsBlock,
    IndicatorRow,
    PageGrid,
    ProjectForm,
    SourcedValue,
    Table,
)

# Header labels → field names; longer labels first so 主管部门及代码 wins over 主管部门.
FIELD_LABELS: list[tuple[str, str]] = [
    ("主管部门及代码", "department_code"),
    ("部门代码", "department_code"),
    ("单位代码", "department_code"),
    ("主管部门", "department_name"),
    ("项目名称", "project_name"),
    ("实施单位", "implementing_unit"),
    ("项目属性", "project_attribute"),
    ("项目期", "project_period"),
    ("实施期", "project_period"),
    ("年度资金总额", "total_funds"),
    ("年度本级预算金额", "total_funds"),
    ("资金总额", "total_funds"),
    ("财政拨款", "fiscal_funds"),
    ("其他资金", "other_funds"),
    ("年度总体目标", "overall_goal"),
    ("总体目标", "overall_goal"),
]
FUNDS_FIELDS = ("total_funds", "fiscal_funds", "other_funds")
YEAR_RE = re.compile(r"(20\d{2})\s*年\s*度")
CODE_IN_BRACKETS_RE = re.compile(r"^(?P<name>.*?)[(（\[【]\s*(?P<code>\d{3,})\s*[)）\]】]\s*$")
TARGET_HEADINGS = ("指标值", "目标值")


class FormError(ValueError):
    """A table that looks like a 绩效目标表 but cannot be read as one."""


def normalize(text: str) -> str:
    """Compare labels without the printer's noise: NFKC (full-width → half-width), no whitespace,
    no colons. Used for matching only; values keep their printed text."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s:]", "", text)


def match_label(text: str) -> tuple[str, str] | None:
    """(field, glued value) when `text` is a header label, possibly with its value glued on."""
    norm = normalize(text)
    norm = norm.removeprefix("其中")
    for label, name in FIELD_LABELS:
        if norm.startswith(label):
            rest = norm[len(label) :]
            if rest.startswith("(万元)"):
                rest = rest[len("(万元)") :]
            return name, rest
    return None


def _value(cell: Cell, page: int, table_index: int, extractor: str, text: str | None = None):
    return SourcedValue(
        value=cell.text if text is None else text,
        page=page,
        table_index=table_index,
        row=cell.row,
        col=cell.col,
        bbox=cell.bbox,
        confidence=cell.confidence,
        extractor=extractor,
    )


@dataclass
class IndicatorColumns:
    """Which grid columns hold 一级指标, 二级指标, 三级指标 and 指标值 in this project's tables."""

    level1: int
    level2: int
    name: int
    target: int
    n_cols: int


def find_indicator_heading(table: Table) -> tuple[int, IndicatorColumns] | None:
    """The row printing 一级指标 … 三级指标 … 指标值, and the columns it names."""
    for r in range(table.n_rows):
        cols: dict[str, int] = {}
        for cell in table.row_cells(r):
            norm = normalize(cell.text)
            if norm == "一级指标":
                cols["level1"] = cell.col
            elif norm == "二级指标":
                cols["level2"] = cell.col
            elif norm == "三级指标":
                cols["name"] = cell.col
            elif norm.startswith(TARGET_HEADINGS):
                cols["target"] = cell.col
        if len(cols) == 4:
            return r, IndicatorColumns(n_cols=table.n_cols, **cols)
    return None


def is_unfinished_label(text: str) -> bool:
    """A merged label cut by a page break: open bracket, or not yet ending in 指标."""
    norm = normalize(text)
    if norm.count("(") > norm.count(")"):
        return True
    return bool(norm) and not norm.endswith(("指标", ")"))


@dataclass
class _OpenProject:
    """A project being read: its header, its indicators so far, and how its grid is laid out."""

    fields: dict[str, SourcedValue]
    columns: IndicatorColumns
    first_page: int
    indicators: list[IndicatorRow] = field(default_factory=list)

    def relabel(self, attr: str, old: SourcedValue, new: SourcedValue) -> None:
        """Give every indicator that carried the cut label `old` the stitched label `new`."""
        for ind in self.indicators:
            if getattr(ind, attr) is old:
                setattr(ind, attr, new)


def read_header(
    table: Table, upto_row: int, page: PageGrid, table_index: int, extractor: str
) -> dict[str, SourcedValue]:
    """Header fields above the indicator heading: each label's value is the cell to its right,
    or the text glued onto the label itself when an extractor merged the two."""
    fields: dict[str, SourcedValue] = {}
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if cell.row >= upto_row:
            continue
        matched = match_label(cell.text)
        if not matched:
            continue
        name, glued = matched
        if name in fields:
            continue
        right = table.at(cell.row, cell.last_col + 1) if cell.last_col + 1 < table.n_cols else None
        if glued and (right is None or not right.text.strip() or match_label(right.text)):
            fields[name] = _value(cell, page.page, table_index, extractor, text=glued)
        elif right is not None and not match_label(right.text):
            fields[name] = _value(right, page.page, table_index, extractor)
    dept = fields.get("department_name")
    if "department_code" not in fields and dept is not None:
        m = CODE_IN_BRACKETS_RE.match(dept.value)
        if m:
            fields["department_code"] = SourcedValue(**{**dept.__dict__, "value": m["code"]})
            fields["department_name"] = SourcedValue(**{**dept.__dict__, "value": m["name"]})
    return fields


def find_year(page: PageGrid, table: Table, upto_row: int) -> SourcedValue | None:
    """The table's year from its "(2024 年度)" line: printed above the table or in its top rows."""
    for line in page.lines:
        m = YEAR_RE.search(line.text)
        if m:
            return SourcedValue(
                value=m[1],
                page=page.page,
                bbox=line.bbox,
                confidence=line.confidence,
                extractor=page.extractor or "",
            )
    for cell in table.cells:
        m = YEAR_RE.search(cell.text) if cell.row < upto_row else None
        if m:
            return _value(cell, page.page, page.tables.index(table), page.extractor or "", m[1])
    return None


def indicator_rows(
    table: Table, start_row: int, cols: IndicatorColumns
) -> Iterable[tuple[Cell | None, Cell | None, Cell | None, Cell | None]]:
    """(一级, 二级, 三级, 指标值) cells per indicator line below `start_row`, merged cells repeated
    down the rows they cover; rows with neither a name nor a target are skipped."""
    seen: set[tuple[int, int]] = set()
    for r in range(start_row, table.n_rows):
        name, target = table.at(r, cols.name), table.at(r, cols.target)
        key = (id(name), id(target))
        if key in seen:
            continue
        seen.add(key)
        if not ((name and name.text) or (target and target.text)):
            continue
        yield table.at(r, cols.level1), table.at(r, cols.level2), name, target


def stitch_continuations(
    project: _OpenProject,
    table: Table,
    start_row: int,
    page: PageGrid,
    table_index: int,
) -> None:
    """Append a table's indicator lines to `project`, joining what a page break cut apart.

    On a continuation page the first line's merged labels may be blank (inherit the previous
    label), repeated (same label), or the rest of a label the break cut ("标" after "产出指"); its
    三级指标 or 指标值 may also be the rest of the previous line's cell (blank labels and a blank
    other half)."""
    extractor = page.extractor or ""

    def sv(cell: Cell | None) -> SourcedValue:
        if cell is None:
            return SourcedValue(value="", page=page.page, extractor=extractor)
        return _value(cell, page.page, table_index, extractor)

    labels: dict[int, SourcedValue] = {}  # id(merged label cell) → the label it stands for
    after_break = bool(project.indicators)
    for level1, level2, name, target in indicator_rows(table, start_row, project.columns):
        nm, tg = sv(name), sv(target)
        prev = project.indicators[-1] if project.indicators else None
        if prev is not None and after_break:
            after_break = False
            blank_labels = not _text(level1) and not _text(level2)
            if blank_labels and nm.value and not tg.value:
                prev.name = prev.name.joined(nm)
                continue
            if blank_labels and tg.value and not nm.value:
                prev.target = prev.target.joined(tg)
                continue
            for attr, cell in (("level1", level1), ("level2", level2)):
                before: SourcedValue = getattr(prev, attr)
                cut = is_unfinished_label(before.value)
                if cell is not None and _text(cell) and cut and not _same(cell.text, before.value):
                    stitched = before.joined(sv(cell))
                    project.relabel(attr, before, stitched)
                    labels[id(cell)] = stitched
        l1 = _label(level1, prev.level1 if prev else None, labels, sv)
        l2 = _label(level2, prev.level2 if prev else None, labels, sv)
        project.indicators.append(IndicatorRow(level1=l1, level2=l2, name=nm, target=tg))


def _text(cell: Cell | None) -> str:
    return cell.text.strip() if cell is not None else ""


def _same(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def _label(
    cell: Cell | None,
    prev: SourcedValue | None,
    labels: dict[int, SourcedValue],
    sv: Callable[[Cell | None], SourcedValue],
) -> SourcedValue:
    """The 一级/二级 label of a line: a blank merged cell fills down the previous line's label, a
    repeated label is the same label, and every line under one merged cell shares one label."""
    if not _text(cell):
        return prev if prev is not None else sv(None)
    assert cell is not None
    if id(cell) not in labels:
        same = prev is not None and _same(cell.text, prev.value)
        labels[id(cell)] = prev if same and prev is not None else sv(cell)
    return labels[id(cell)]


def parse_document(pages: list[PageGrid]) -> tuple[list[ProjectForm], list[str]]:
    """All projects in a document, in print order, and the problems met (one sentence each)."""
    projects: list[ProjectForm] = []
    problems: list[str] = []
    open_project: _OpenProject | None = None
    for page in pages:
        for ti, table in enumerate(page.tables):
            heading = find_indicator_heading(table)
            extractor = page.extractor or ""
            if heading is not None:
                head_row, cols = heading
                fields = read_header(table, head_row, page, ti, extractor)
                if "project_name" not in fields:
                    problems.append(
                        f"page {page.page}: an indicator grid without 项目名称; skipped"
                    )
                    continue
                if open_project is not None:
                    projects.append(_close(open_project))
                year = find_year(page, table, head_row)
                if year is not None:
                    fields["year"] = year
                open_project = _OpenProject(fields=fields, columns=cols, first_page=page.page)
                stitch_continuations(open_project, table, head_row + 1, page, ti)
            elif open_project is not None and table.n_cols == open_project.columns.n_cols:
                stitch_continuations(open_project, table, 0, page, ti)
            else:
                problems.append(
                    f"page {page.page}: a table that is not part of a 绩效目标表 "
                    f"({table.n_rows}×{table.n_cols}); skipped"
                )
    if open_project is not None:
        projects.append(_close(open_project))
    _fill_missing_years(projects, problems)
    return projects, problems


def _close(project: _OpenProject) -> ProjectForm:
    fields = dict(project.fields)
    funds = FundsBlock(
        total=fields.pop("total_funds", None),
        fiscal=fields.pop("fiscal_funds", None),
        other=fields.pop("other_funds", None),
    )
    return ProjectForm(
        fields=fields, funds=funds, indicators=project.indicators, first_page=project.first_page
    )


def _fill_missing_years(projects: list[ProjectForm], problems: list[str]) -> None:
    """A table without its own year line takes the year printed for the document's other tables."""
    years = {p.fields["year"].value for p in projects if "year" in p.fields}
    for p in projects:
        if "year" in p.fields:
            continue
        name = p.fields["project_name"].value
        if len(years) == 1:
            (year,) = years
            p.fields["year"] = SourcedValue(value=year, page=p.first_page, confidence=0.0)
            problems.append(f"{name}: no year line; took {year} from the document's other tables")
        else:
            problems.append(f"{name}: no year line (…年度) found")
