{#-
    indicator_level1(key) / indicator_level2(stem): the canonical 一级 / 二级 category of a
    normalised printed label (level2: its parenthetical note already stripped), by containment of
    the keywords in the one category list, the seed indicator_categories. For 二级 the first match
    by match_order wins: satisfaction first, since '社会公众或服务对象满意度指标' also contains 社会.
    Shared by the 绩效目标表 and the 自评表 so both sides of the join name categories alike.
-#}
{%- macro indicator_level1(key) -%}
(
    select min(categories.level1)
    from {{ ref('indicator_categories') }} as categories
    where contains({{ key }}, categories.level1_keyword)
)
{%- endmacro -%}

{%- macro indicator_level2(stem) -%}
(
    select arg_min(categories.level2, categories.match_order)
    from {{ ref('indicator_categories') }} as categories
    where contains({{ stem }}, categories.level2_keyword)
)
{%- endmacro -%}
