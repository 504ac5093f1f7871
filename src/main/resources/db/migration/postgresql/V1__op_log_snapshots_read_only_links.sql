-- Concord's tables on PostgreSQL, as JPA made them before Concord versioned its schema (so that a
-- database of those releases is baselined at version 1 and upgrades from there).

-- The op log: one row per revision, written once and never changed. The key is the revision
-- number itself, so a second writer of the same revision fails instead of forking history.
CREATE TABLE concord_revision (
    doc_id         VARCHAR(64) NOT NULL,
    revision       INTEGER     NOT NULL,
    client_id      VARCHAR(64) NOT NULL,
    seq            BIGINT      NOT NULL,
    ops_json       TEXT        NOT NULL,
    created_millis BIGINT      NOT NULL,
    CONSTRAINT concord_revision_pk PRIMARY KEY (doc_id, revision)
);
CREATE INDEX concord_revision_client_seq ON concord_revision (doc_id, client_id, seq);

-- One snapshot per document, overwritten in place by newer ones.
CREATE TABLE concord_snapshot (
    doc_id   VARCHAR(64) NOT NULL,
    revision INTEGER     NOT NULL,
    body     TEXT        NOT NULL,
    CONSTRAINT concord_snapshot_pk PRIMARY KEY (doc_id)
);

-- Read-only capabilities: one per document, made on first request.
CREATE TABLE concord_read_only (
    read_only_id VARCHAR(64) NOT NULL,
    doc_id       VARCHAR(64) NOT NULL,
    CONSTRAINT concord_read_only_pk PRIMARY KEY (read_only_id),
    CONSTRAINT concord_read_only_doc UNIQUE (doc_id)
);
