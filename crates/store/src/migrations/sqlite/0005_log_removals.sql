-- rasid store, schema version 5: the log's index by event keeps only the changes that take
-- an event out of the store (merged into another, deleted). It answers how an event that is
-- no longer stored left; most changes are events that are new or updated, and indexing them
-- cost every batch an index entry per change that no query reads.
DROP INDEX changes_event;
CREATE INDEX changes_event ON changes (event_id, seq) WHERE kind IN ('merged', 'deleted');
