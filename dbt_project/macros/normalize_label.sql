{#-
    normalize_label(expr): a label as printed -> a comparable key.
    1. maps full-width ASCII (U+FF01..U+FF5E: （）：，．０-９Ａ-Ｚａ-ｚ ...) to half-width via translate();
    2. removes every whitespace character, including U+3000 (ideographic space), U+00A0 and
       zero-width characters (U+200B..U+200D, U+FEFF).
    Null stays null. Used for project ids, level labels and target parsing.
-#}
{%- macro normalize_label(expr) -%}
regexp_replace(
    translate(
        cast({{ expr }} as varchar),
        {{ fullwidth_ascii_chars() }},
        {{ halfwidth_ascii_chars() }}
    ),
    '[\s\p{Z}\x{200B}-\x{200D}\x{FEFF}]+',
    '',
    'g'
)
{%- endmacro -%}

{#- The 94 full-width ASCII variants U+FF01..U+FF5E, as a SQL string literal. -#}
{%- macro fullwidth_ascii_chars() -%}
'！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
{%- endmacro -%}

{#- Their half-width counterparts U+0021..U+007E, same order, as a SQL string literal. -#}
{%- macro halfwidth_ascii_chars() -%}
'!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
{%- endmacro -%}
