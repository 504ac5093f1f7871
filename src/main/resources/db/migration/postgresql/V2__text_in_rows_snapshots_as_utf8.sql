-- Two changes to the tables as JPA made them:
-- 1. Concord on WildFly let Hibernate make them, which on PostgreSQL maps long text to large
--    objects: the columns hold oids, and every replaced snapshot left its large object behind.
--    Their contents move into the rows and the large objects are freed.
-- 2. A snapshot is the document's text, and a document may hold U+0000, which a PostgreSQL
--    text value cannot: snapshots are kept as their UTF-8 bytes. (The op log holds JSON, in
--    which U+0000 is written as an escape, so it stays text.)
DO $$
DECLARE
    ops_type  TEXT;
    body_type TEXT;
BEGIN
    SELECT data_type INTO ops_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'concord_revision' AND column_name = 'ops_json';
    SELECT data_type INTO body_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'concord_snapshot' AND column_name = 'body';

    IF ops_type = 'oid' THEN
        ALTER TABLE concord_revision RENAME COLUMN ops_json TO ops_json_oid;
        ALTER TABLE concord_revision ADD COLUMN ops_json TEXT;
        UPDATE concord_revision SET ops_json = convert_from(lo_get(ops_json_oid), 'UTF8');
        PERFORM lo_unlink(ops_json_oid) FROM concord_revision WHERE ops_json_oid IS NOT NULL;
        ALTER TABLE concord_revision DROP COLUMN ops_json_oid;
        ALTER TABLE concord_revision ALTER COLUMN ops_json SET NOT NULL;
    END IF;

    IF body_type = 'oid' THEN
        ALTER TABLE concord_snapshot RENAME COLUMN body TO body_oid;
        ALTER TABLE concord_snapshot ADD COLUMN body BYTEA;
        UPDATE concord_snapshot SET body = lo_get(body_oid);
        PERFORM lo_unlink(body_oid) FROM concord_snapshot WHERE body_oid IS NOT NULL;
        ALTER TABLE concord_snapshot DROP COLUMN body_oid;
        ALTER TABLE concord_snapshot ALTER COLUMN body SET NOT NULL;
    ELSIF body_type = 'text' THEN
        ALTER TABLE concord_snapshot ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
    END IF;
END
$$;
