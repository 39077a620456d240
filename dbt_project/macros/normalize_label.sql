{#-
    normalize_label(expr): a label as printed -> a comparable key, the SQL twin of
    flows.text.normalize (tests/test_text.py checks both agree on a list of samples).
    1. folds every character NFKC maps to one other character in the blocks a printed table uses
       (full-width ASCII, Kangxi and CJK radicals, compatibility ideographs, vertical forms), and
       【】〔〕〖〗 to (), via translate() with the generated table of nfkc_chars.sql;
    2. removes every whitespace character, including U+3000 (ideographic space), U+00A0 and
       zero-width characters (U+200B..U+200D, U+FEFF).
    Null stays null. Used for project ids, level labels and target parsing.

    DuckDB's translate() reads its whole character table for every value (~1,050 characters:
    ~0.3-0.9 ms a value, the largest cost of a full build), so the table is split: a value that
    holds none of its characters is not translated; one whose only table characters are
    full-width ASCII (（），：％…, the common case) is translated with those 94 alone; only a
    value holding another table character (a radical, a compatibility ideograph…) reads the whole
    table. Each test is one regular-expression match, compiled once per query. The result is
    the whole table's translate() either way.
-#}
{%- macro normalize_label(expr) -%}
{#- nfkc_chars.sql's table split into its full-width ASCII part (U+FF01..U+FF5E: fw_from → fw_to)
    and every other character it folds (`other`, for a character class: none is ASCII, so none
    needs escaping there) -#}
{%- set from_chars = (nfkc_from_chars() | trim)[1:-1] | replace("''", "'") -%}
{%- set to_chars = (nfkc_to_chars() | trim)[1:-1] | replace("''", "'") -%}
{%- set table = namespace(fw_from='', fw_to='', other='') -%}
{%- for ch in from_chars -%}
    {%- if ch >= '！' and ch <= '～' -%}
        {%- set table.fw_from = table.fw_from ~ ch -%}
        {%- set table.fw_to = table.fw_to ~ (to_chars[loop.index0] | replace("'", "''")) -%}
    {%- else -%}
        {%- set table.other = table.other ~ ch -%}
    {%- endif -%}
{%- endfor -%}
regexp_replace(
    case
        when regexp_matches(cast({{ expr }} as varchar), '[{{ table.other }}]')
            then translate(cast({{ expr }} as varchar), {{ nfkc_from_chars() }}, {{ nfkc_to_chars() }})
        when regexp_matches(cast({{ expr }} as varchar), '[{{ table.fw_from }}]')
            then translate(cast({{ expr }} as varchar), '{{ table.fw_from }}', '{{ table.fw_to }}')
        else cast({{ expr }} as varchar)
    end,
    '[\s\p{Z}\x{200B}-\x{200D}\x{FEFF}]+',
    '',
    'g'
)
{%- endmacro -%}
