-- escalation_log: one row per (escalation_id, loaded version): what the call recorded about an
-- escalation, each time a filled workbook said something new about it. A row equal to the
-- escalation's latest version adds nothing (loading the same workbook twice changes nothing); a
-- changed one is a new version, never an overwrite. Key (escalation_id, loaded_at).
create table if not exists escalation_log (
    escalation_id      varchar   not null,
    call_month         varchar   not null,  -- YYYY-MM: the call whose workbook said it
    platform_response  varchar,             -- untrusted: what the platform answered
    agreed_action      varchar,             -- untrusted: what the call agreed to do
    follow_up_date     date,
    state              varchar   not null,  -- open | in_progress | resolved | dropped (blank was open)
    loaded_at          timestamp not null,  -- UTC: when this version was loaded
    batch_id           varchar   not null,
    line               bigint    not null   -- the row in its sheet (Excel's row number)
);
