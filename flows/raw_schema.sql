-- The landing contract: what the extractors write and dbt reads (schema `raw`).
-- Every table is keyed by the document's content hash, so re-landing a document replaces its rows.
-- Bounding boxes are in the page's own coordinate system (raw.pages.bbox_unit): PDF points for
-- text-layer pages, pixels for OCRed images; origin top-left, y grows downwards.
create schema if not exists raw;

create table if not exists raw.documents (
    document_sha256 varchar primary key,  -- sha256 of the file's bytes: the document's identity
    source_file varchar not null,         -- path relative to the raw folder, as found
    file_size bigint not null,
    page_count integer,                   -- null when the file could not be opened
    status varchar not null,              -- ingested | failed | quarantined
    landed_at timestamp not null,
    extraction_version varchar not null   -- flows.EXTRACTION_VERSION that produced the rows
);

-- Which file names carry which document: a renamed copy maps to the same hash (ingested once);
-- a file that disappears from the raw folder keeps its rows and is marked not present.
create table if not exists raw.document_files (
    source_file varchar primary key,
    document_sha256 varchar,              -- null when the file could not be read at all
    is_present boolean not null,
    first_seen_at timestamp not null,
    last_seen_at timestamp not null,
    -- the file's size, modification time and inode when it was last hashed: a file whose three
    -- are unchanged is taken as unchanged without reading it (perfbudget run --full-check
    -- hashes every file regardless)
    file_size bigint,
    file_mtime_ns bigint,
    file_inode bigint
);

-- One row per ingestion run, for the operator's morning check.
create table if not exists raw.runs (
    run_id varchar primary key,
    started_at timestamp not null,
    ended_at timestamp not null,
    documents_new integer not null,
    documents_changed integer not null,
    documents_unchanged integer not null,
    documents_removed integer not null,
    documents_failed integer not null,
    pages_extracted integer not null,
    pages_ocred integer not null,
    low_confidence_cells integer not null,
    duration_seconds double not null,
    -- where the time went: the inventory of the raw folder, page extraction (OCR included),
    -- landing rows, the dbt build, and publishing (the working copy made at the start; the
    -- final rename is instant)
    inventory_seconds double,
    extraction_seconds double,
    landing_seconds double,
    dbt_seconds double,
    publish_seconds double
);

create table if not exists raw.pages (
    document_sha256 varchar not null,
    page integer not null,                -- 1-based page of the source file
    width double,
    height double,
    bbox_unit varchar not null,           -- pt | px
    has_text_layer boolean not null,
    status varchar not null,              -- extracted | needs_ocr | no_table | blank
    extractor varchar,                    -- camelot | rapidocr | paddleocr | null
    n_tables integer not null,
    primary key (document_sha256, page)
);

create table if not exists raw.cells (
    document_sha256 varchar not null,
    page integer not null,
    table_index integer not null,         -- 0-based table on the page
    row integer not null,                 -- 0-based grid row of the cell's top-left
    col integer not null,
    rowspan integer not null,
    colspan integer not null,
    text varchar not null,                -- printed text, wrapped lines joined
    x0 double, y0 double, x1 double, y1 double,
    confidence double not null,           -- 1.0 for a text layer; min over OCR lines otherwise
    extractor varchar not null
);

create table if not exists raw.extracted_values (
    document_sha256 varchar not null,
    source_file varchar not null,
    project_seq integer not null,         -- 1-based order of the form's table in the document
    form varchar not null,                -- which form the table is, from its headings:
                                          -- project_target (项目支出绩效目标表) |
                                          -- project_self_eval (项目支出绩效自评表) |
                                          -- department_target (部门整体绩效目标表)
    record_type varchar not null,         -- field | indicator
    indicator_seq integer,                -- 1-based order of the indicator in its table; null for fields
    field varchar not null,               -- the field names each form lands are listed, per form,
                                          -- in the form descriptions (flows/forms)
    value varchar not null,               -- as printed ('' when the cell is blank)
    page integer not null,
    table_index integer,
    row integer,
    col integer,
    x0 double, y0 double, x1 double, y1 double,
    confidence double not null,
    extractor varchar not null
);

create table if not exists raw.ingest_errors (
    source_file varchar not null,
    document_sha256 varchar,              -- null when the file could not even be read
    stage varchar not null,               -- read | open | extract | parse | land
    error varchar not null,               -- a sentence a person understands
    occurred_at timestamp not null
);
