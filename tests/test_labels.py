"""`slipped_label`: a header label one OCR slip away, a gap, then its value glued on."""

from __future__ import annotations

from flows.forms.labels import label_alternatives, slipped_label
from flows.forms.spec import FORMS

LABELS = label_alternatives(FORMS[1])


def _read(text: str) -> tuple[str, str] | None:
    hit = slipped_label(text, LABELS)
    return None if hit is None else (hit[0].field, hit[1])  # type: ignore[attr-defined]


def test_a_label_one_slip_off_before_a_gap_is_split_from_its_value() -> None:
    assert _read("项目名标 司法救助资金") == ("project_name", "司法救助资金")
    assert _read("主管部n 某部门 (250560)") == ("department_name", "某部门(250560)")
    assert _read("项目实施单 某医院") == ("implementing_unit", "某医院")  # 位 lost
    openers = [(op, op) for op in FORMS[1].openers]  # as `classify` asks, form by form
    assert slipped_label("项目名标 司法救助资金", openers) == ("项目名称", "司法救助资金")


def test_no_split_without_a_gap_for_two_slips_an_exact_or_a_bare_label() -> None:
    assert _read("实施单北元县学生资助管理中心") is None  # 位 lost or misread: cannot tell
    assert _read("项日名标 司法救助资金") is None  # two slips
    assert _read("项目名称 司法救助资金") is None  # exact: the caller's glued split
    assert _read("项目名标") is None  # no value (a whole-key slip is `match_printed`'s)
    assert _read("实施单 某医院") is None  # three glyphs: too short to be a slip of anything
