"""A project name OCR doubted with one glyph that spells no word its own form prints, while
another glyph there spells one its indicators or goal print, is read with that glyph, noted
(`names.settle_name_by_own_print`; dev6 lg_54274 `特因人员供养经费` beside `特困人员满意度`)."""

from __future__ import annotations

from flows.forms.names import settle_name_by_own_print
from flows.models import FundsBlock, IndicatorRow, ProjectForm, SourcedValue

REVIEW = {1: 0.85}


def _form(name: str, confidence: float, indicators: list[str], goal: str = "") -> ProjectForm:
    def sv(text: str) -> SourcedValue:
        return SourcedValue(text, 1, 0, 9, 3, confidence=0.99)

    lines = [IndicatorRow(sv("产出指标"), sv("数量指标"), sv(n), sv("1")) for n in indicators]
    fields = {"project_name": SourcedValue(name, 1, 0, 0, 2, confidence=confidence)}
    if goal:
        fields["overall_goal"] = sv(goal)
    return ProjectForm(fields, FundsBlock(), lines, 1)


def _settle(form: ProjectForm, review: dict[int, float | None] = REVIEW) -> tuple[str, list[str]]:
    problems: list[str] = []
    settle_name_by_own_print([form], review, problems)
    return form.fields["project_name"].value, problems


INDICATORS = ["供养人数数量", "提升集中供养服务水平", "特困人员满意度", "保障特困人员基本权益"]


def test_a_doubted_name_glyph_its_form_spells_otherwise_is_read_as_printed_there() -> None:
    name, problems = _settle(_form("特因人员供养经费", 0.9158, INDICATORS))
    assert name == "特困人员供养经费"
    assert problems == [
        "page 1: project name '特因人员供养经费' (row 0, column 2) read at 0.92: its '因' "
        "spells no word its form prints, '困' there spells one its indicators or goal print: "
        "read as '特困人员供养经费'"
    ]
    # the goal is the form's print as much as its indicators
    form = _form("居家券老服务补贴", 0.89, ["居家养老服务人数"], goal="完成居家养老服务")
    assert _settle(form)[0] == "居家养老服务补贴"
    # one line spelling it is not enough: it may be that line OCR slipped (dev7 lg_65755)
    form = _form("小流域综合治理", 0.947, ["指标6:小流城综合治理预算金额", "治理面积"])
    assert _settle(form) == ("小流域综合治理", [])


def test_a_name_read_sure_a_tie_or_two_slips_stay_as_read() -> None:
    # read sure: taken as read, whatever its form prints
    assert _settle(_form("特因人员供养经费", 0.97, INDICATORS)) == ("特因人员供养经费", [])
    # lines spelling two glyphs there as often: no one is taken
    tie = _form("居家春老服务补贴", 0.89, ["居家养老服务成本", "居家券老服务时限"])
    assert _settle(tie) == ("居家春老服务补贴", [])
    # two glyphs of the name each spelled otherwise: not one slip
    two = _form("特因人员供养径费", 0.9, [*INDICATORS, "供养经费执行率"])
    assert _settle(two) == ("特因人员供养径费", [])
    # a glyph spelled only at a run's open end (`供养经` + any glyph) is no evidence: a name's
    # first or last glyph stays (dev6 lg_58545 `春老服务补贴` so stays, `X老服务` being any)
    assert _settle(_form("特困人员供养经带", 0.9, ["供养经验交流"]))[0] == "特困人员供养经带"
    assert _settle(_form("春老服务补贴", 0.89, ["居家养老服务成本"]))[0] == "春老服务补贴"
    # a text layer's page (no review line) prints what it prints
    assert _settle(_form("特因人员供养经费", 0.9, INDICATORS), {})[0] == "特因人员供养经费"
    # the doubted glyph printed as a compatibility ideograph (U+F901 for 更, unified by the
    # normaliser): no occurrence to replace in the name as read, which stays; nothing fails
    spelled = ["养老服新人数", "养老服新成本"]
    assert _settle(_form("居家养老更新补贴", 0.89, spelled))[0] == "居家养老服新补贴"
    compat = _form("居家养老\uf901新补贴", 0.89, spelled)
    assert _settle(compat) == ("居家养老\uf901新补贴", [])
