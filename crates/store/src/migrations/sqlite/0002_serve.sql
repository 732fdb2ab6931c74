-- rasid store, schema version 2: what `rasid serve` reads.

-- The canonical names of the two actors, for counts by actor.
ALTER TABLE events ADD COLUMN actor1 TEXT;
ALTER TABLE events ADD COLUMN actor2 TEXT;
UPDATE events SET actor1 = json_extract(body, '$.actor1.name'),
                  actor2 = json_extract(body, '$.actor2.name');

-- Newest first with a stable order among events of one day, read straight off the index.
DROP INDEX events_date;
CREATE INDEX events_date ON events (date_start, id);

-- Every name an event's actors go by (lower case: actor, coalitions), so that the actor
-- filter reads an index instead of every event.
CREATE TABLE event_actors (
    actor TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (actor, event_id)
);

-- Full-text search over the documents' folded text (rasid_text::fold: no diacritics, one
-- alef, ...): trigrams find any substring of three characters or more, so a word is found
-- with its clitics (بالموصل for الموصل). Row ids are the documents' row ids; the folded
-- text itself is not stored. Filled by the store (the fold is Rust code).
CREATE VIRTUAL TABLE documents_fts USING fts5 (folded, content = '', contentless_delete = 1, tokenize = 'trigram');

-- replaced by event_actors
ALTER TABLE events DROP COLUMN actor_names;
