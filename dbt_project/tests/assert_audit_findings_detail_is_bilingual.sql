-- 每条审计发现的说明须为“中文 / English”：斜杠前有汉字，斜杠后有英文。
-- Every audit finding's detail reads "中文 / English": Chinese before the slash, English after it.

with

findings as (

    select * from {{ ref('audit_findings') }}

),

not_bilingual as (

    select
        finding_id,
        rule,
        detail

    from findings

    where
        not contains(detail, ' / ')
        or not regexp_matches(split_part(detail, ' / ', 1), '\p{Han}')
        or not regexp_matches(substr(detail, strpos(detail, ' / ') + 3), '[A-Za-z]{3,}')

)

select * from not_bilingual
