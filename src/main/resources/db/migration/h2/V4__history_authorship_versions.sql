-- History, authorship and named versions (docs/PROTOCOL.md "History, authorship and versions").

-- Per revision: author_id, the public id of its author, null for a client that joined without
-- a secret, whose author is "~" and its client id (as for every revision stored before this
-- version); inserted_json, who wrote the text a restore brought back, as runs
-- [[length,"author"],...], null when its author wrote all it inserted; added and removed, the
-- code units it inserted and deleted, for the history panel (null before this version: the
-- reader counts them from ops_json).
ALTER TABLE concord_revision ADD COLUMN author_id VARCHAR(65);
ALTER TABLE concord_revision ADD COLUMN inserted_json VARCHAR;
ALTER TABLE concord_revision ADD COLUMN added INTEGER;
ALTER TABLE concord_revision ADD COLUMN removed INTEGER;

-- Who wrote the snapshot's text, as runs; null on snapshots stored before this version (the
-- server rebuilds it from the op log).
ALTER TABLE concord_snapshot ADD COLUMN authorship_json VARCHAR;

-- Text and authorship at revisions spread over the history, kept for good: any revision is
-- read from the nearest one before it plus the revisions in between. body as in concord_snapshot.
CREATE TABLE concord_checkpoint (
    doc_id          VARCHAR(64) NOT NULL,
    revision        INTEGER     NOT NULL,
    body            VARCHAR       NOT NULL,
    authorship_json VARCHAR       NOT NULL,
    CONSTRAINT concord_checkpoint_pk PRIMARY KEY (doc_id, revision)
);

-- Everyone who joined a document to edit it: the name they last used, the colour their text
-- is shown in (kept from their first visit), when they first and last joined.
CREATE TABLE concord_author (
    doc_id       VARCHAR(64)  NOT NULL,
    author_id    VARCHAR(65)  NOT NULL,
    name         VARCHAR(100) NOT NULL,
    color        VARCHAR(16)  NOT NULL,
    first_millis BIGINT       NOT NULL,
    last_millis  BIGINT       NOT NULL,
    CONSTRAINT concord_author_pk PRIMARY KEY (doc_id, author_id)
);

-- Named versions: a name for a revision; version_id counts from 1 within each document.
CREATE TABLE concord_version (
    doc_id         VARCHAR(64)  NOT NULL,
    version_id     BIGINT       NOT NULL,
    revision       INTEGER      NOT NULL,
    name           VARCHAR(100) NOT NULL,
    author_id      VARCHAR(65),
    created_millis BIGINT       NOT NULL,
    CONSTRAINT concord_version_pk PRIMARY KEY (doc_id, version_id)
);

-- Settings of the installation that every server sharing the database must agree on, such as
-- the key public author ids are derived with.
CREATE TABLE concord_setting (
    name          VARCHAR(64)  NOT NULL,
    setting_value VARCHAR(200) NOT NULL,
    CONSTRAINT concord_setting_pk PRIMARY KEY (name)
);
