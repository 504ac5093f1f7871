-- The op log loses its index on (document, client, seq). It cost every commit a second tree to
-- write, for a look-up that is rare: a client resending an operation older than its last one
-- and older than the revisions a live document keeps in memory. That look-up now reads the
-- document's rows by the primary key, newest first.
DROP INDEX IF EXISTS concord_revision_client_seq;
