{#-
    indicator_level1(key) / indicator_level2(stem): the canonical 一级 / 二级 category of a
    normalised printed label (level2: its parenthetical note already stripped), by containment.
    Shared by the 绩效目标表 and the 自评表 so both sides of the join name categories alike.
-#}
{%- macro indicator_level1(key) -%}
case
    when contains({{ key }}, '产出') then '产出指标'
    when contains({{ key }}, '效益') then '效益指标'
    when contains({{ key }}, '满意') then '满意度指标'
end
{%- endmacro -%}

{%- macro indicator_level2(stem) -%}
case
    -- satisfaction first: '社会公众或服务对象满意度指标' also contains 社会
    when contains({{ stem }}, '满意') then '服务对象满意度指标'
    when contains({{ stem }}, '经济效益') then '经济效益指标'
    when contains({{ stem }}, '社会效益') then '社会效益指标'
    when contains({{ stem }}, '生态效益') then '生态效益指标'
    when contains({{ stem }}, '可持续') then '可持续影响指标'
    when contains({{ stem }}, '数量') then '数量指标'
    when contains({{ stem }}, '质量') then '质量指标'
    when contains({{ stem }}, '时效') then '时效指标'
    when contains({{ stem }}, '成本') then '成本指标'
end
{%- endmacro -%}
