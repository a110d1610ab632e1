-- prediction_models: one row per model `takedown train` fitted (issue 21); key model_id. Readers
-- use the newest one trained as of <= their T (takedown.prediction.registry).
create table if not exists prediction_models (
    model_id            varchar   not null,  -- unique, sortable by trained_at
    trained_at          timestamp not null,  -- UTC, when `takedown train` ran
    as_of               timestamp not null,  -- UTC, T: only items and events known by then were read
    fit_from            timestamp,           -- the time split: submitted_at of the first fitted item,
    calibration_from    timestamp,           -- of the first calibration item,
    check_from          timestamp,           -- of the first checked item
    check_until         timestamp,           -- and of the last
    decided_items       bigint    not null,  -- items decided (removed, rejected, restored) by as_of
    removed_items       bigint    not null,
    fit_items           bigint,
    calibration_items   bigint,
    check_items         bigint,
    calibration_method  varchar,             -- isotonic | sigmoid; null when no model
    unavailable         varchar,             -- the sentence why there is no model, else null
    scores              json,                -- Brier, log loss, their baselines, ECE (model.score)
    reliability         json,                -- the reliability diagram's bins on the checked items
    model               blob                 -- the pickled prediction.model.FittedModel; null when none
);
