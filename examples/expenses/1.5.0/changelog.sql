--liquibase formatted sql

-- Destructive: dropping a column loses its values; the rollback can only recreate it empty.
-- Rollguard copies the column aside before applying and puts the values back after a rollback.
--changeset alice:expenses-1.5.0-drop-created-at
alter table expense drop column created_at;
--rollback alter table expense add column created_at timestamp with time zone not null default now();
