-- rasid store, schema version 2: what `rasid serve` reads.

-- The canonical names of the two actors, for counts by actor.
ALTER TABLE events ADD COLUMN actor1 TEXT;
ALTER TABLE events ADD COLUMN actor2 TEXT;
UPDATE events SET actor1 = json_extract(body, '$.actor1.name'),
                  actor2 = json_extract(body, '$.actor2.name');

-- Newest first with a stable order among events of one day, read straight off the index.
DROP INDEX events_date;
CREATE INDEX events_date ON events (date_start, id);
-- A latitude band holds most events of a region: the planner did better without it.
DROP INDEX events_lat;

-- The longest date range of any event (days), kept by the store: a `from` day then also
-- bounds date_start, which the index orders.
INSERT INTO meta (key, value)
SELECT 'max_date_span_days',
       CAST(COALESCE(MAX(julianday(date_end) - julianday(date_start)), 0) AS INTEGER)
FROM events;

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

-- The events' JSON apart from the columns filters and sorts read, so that a query that
-- scans or sorts many events reads narrow rows and fetches only the bodies it returns.
CREATE TABLE event_bodies (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO event_bodies (id, body) SELECT id, body FROM events;
ALTER TABLE events DROP COLUMN body;
