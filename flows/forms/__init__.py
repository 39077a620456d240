"""Reading the printed forms: descriptions kept as data (`spec`) and one reader applying them.

`read_document(pages)` turns a document's page grids into one `ProjectForm` per printed table
(绩效目标表, 绩效自评表, 部门整体绩效目标表) plus the problems met, one sentence each.
"""

from flows.forms.document import read_forms
from flows.forms.labels import is_unfinished_label, match_label
from flows.forms.reader import parse_document, read_document
from flows.forms.spec import FORMS, FormSpec

__all__ = [
    "FORMS",
    "FormSpec",
    "is_unfinished_label",
    "match_label",
    "parse_document",
    "read_document",
    "read_forms",
]
