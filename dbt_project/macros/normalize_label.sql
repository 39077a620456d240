{#-
    normalize_label(expr): a label as printed -> a comparable key, the SQL twin of
    flows.text.normalize (tests/test_text.py checks both agree on a list of samples).
    1. folds every character NFKC maps to one other character in the blocks a printed table uses
       (full-width ASCII, Kangxi and CJK radicals, compatibility ideographs, vertical forms), and
       【】〔〕〖〗 to (), via translate() with the generated table of nfkc_chars.sql;
    2. removes every whitespace character, including U+3000 (ideographic space), U+00A0 and
       zero-width characters (U+200B..U+200D, U+FEFF).
    Null stays null. Used for project ids, level labels and target parsing.
-#}
{%- macro normalize_label(expr) -%}
regexp_replace(
    translate(
        cast({{ expr }} as varchar),
        {{ nfkc_from_chars() }},
        {{ nfkc_to_chars() }}
    ),
    '[\s\p{Z}\x{200B}-\x{200D}\x{FEFF}]+',
    '',
    'g'
)
{%- endmacro -%}
