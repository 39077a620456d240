"""A project's name read unsure a glyph off the name another table of the same document prints
sure (dev3 lg_25999: `现业技能培训` beside `职业技能培训`) is read as that name, with a note."""

from __future__ import annotations

from flows.forms.names import settle_slipped_names
from flows.models import FundsBlock, ProjectForm, SourcedValue

REVIEW = {1: 0.85, 2: 0.85}


def _form(name: str, confidence: float, page: int = 1, row: int = 0) -> ProjectForm:
    value = SourcedValue(name, page, 0, row, 2, confidence=confidence)
    return ProjectForm({"project_name": value}, FundsBlock(), [], page)


def _names(forms: list[ProjectForm]) -> list[str]:
    return [f.fields["project_name"].value for f in forms]


def test_an_unsure_name_a_glyph_off_a_sure_one_is_read_as_it() -> None:
    forms = [_form("职业技能培训", 0.9364), _form("现业技能培训", 0.81, page=2, row=14)]
    problems: list[str] = []
    settle_slipped_names(forms, REVIEW, problems)
    assert _names(forms) == ["职业技能培训", "职业技能培训"]
    assert forms[1].fields["project_name"].page == 2
    assert problems == [
        "page 2: project name '现业技能培训' (row 14, column 2) read unsure (0.81) and one glyph "
        "off the name '职业技能培训' another table of the document prints, read sure: read as "
        "'职业技能培训'"
    ]


def test_sure_names_short_names_two_near_names_and_text_layers_stay_as_read() -> None:
    """Two sure names a glyph apart are two projects; a three-glyph name, a name two sure
    names are a slip off, and a name on a text layer's page (no review line) are kept."""
    cases = [
        ([_form("道路建设一期", 0.95), _form("道路建设二期", 0.9)], REVIEW),
        ([_form("甲乙丙", 0.95), _form("甲乙丁", 0.5)], REVIEW),
        (
            [_form("道路建设一期", 0.95), _form("道路建设二期", 0.95), _form("道路建设三期", 0.5)],
            REVIEW,
        ),
        ([_form("职业技能培训", 1.0), _form("现业技能培训", 0.81, page=2)], {1: 0.85, 2: None}),
    ]
    for forms, review in cases:
        before = _names(forms)
        problems: list[str] = []
        settle_slipped_names(forms, review, problems)
        assert (_names(forms), problems) == (before, [])
