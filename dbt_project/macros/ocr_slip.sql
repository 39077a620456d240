{#-
    ocr_slip(key, reference): true when the normalised text `key` is an OCR slip of the normalised
    text `reference`: a glyph substituted, lost or added per 4 glyphs of the reference (at least
    one), not none. The slips the form reader forgives a printed label (flows/forms/labels.py:
    nearest_labels, SLIP_GLYPHS = 4), so the warehouse forgives a name no more than the reader
    forgives a heading. Used for department names (int_department_spellings: 平罗县委政泫委 is
    平罗县委政法委; 贺兰县委政法委, two glyphs of seven, is another county's department) and for
    indicator names (int_self_eval_target_matches: 合规宰 is 合规率); each caller adds the evidence
    beyond the slip that the two are one.
-#}
{%- macro ocr_slip(key, reference) -%}
levenshtein({{ key }}, {{ reference }}) between 1 and greatest(1, length({{ reference }}) // 4)
{%- endmacro -%}
