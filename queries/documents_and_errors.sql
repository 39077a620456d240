-- 每个源文件是否入库：状态、页数、需 OCR 的页数、仓库采用其数据的项目数，以及未入库的原因。
-- Did each source file make it into the warehouse: status, pages, pages needing OCR, projects the
-- warehouse takes from it, and why it failed when it did.
select
    d.source_file,
    d.status,
    d.page_count,
    d.pages_needing_ocr,
    (
        select count(*)
        from dim_project as p
        where p.source_file = d.source_file
    ) as projects,
    (
        select string_agg(e.stage || ': ' || e.error, '; ' order by e.occurred_at)
        from ingest_errors as e
        where e.source_file = d.source_file
    ) as errors
from dim_document as d
order by d.status desc, d.source_file asc
