-- rasid store, schema version 4: documents and events get integer keys, which mentions,
-- sources, actor names and event bodies carry instead of the text ids (links and the change
-- log keep the ids: they name events that may be gone).
--
-- Text ids are hashes and file names: their order is nobody's, so the rows of a batch landed
-- all over the indexes of mentions, sources and actor names, and each commit rewrote most of
-- their pages (and the checkpoint wrote them again). Keys are given in order of arrival, so
-- that a batch's rows go to the end of those indexes. The keys are the row ids, declared, so
-- that they stay as they are through VACUUM (the search index already uses the documents'
-- row ids, which are kept).

CREATE TABLE documents_v4 (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    outlet TEXT,
    published TEXT,
    ingested TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL
);
INSERT INTO documents_v4 (key, id, url, outlet, published, ingested, content_hash, text)
SELECT rowid, id, url, outlet, published, ingested, content_hash, text FROM documents
ORDER BY rowid;

CREATE TABLE events_v4 (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    date_start TEXT,
    date_end TEXT,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    country TEXT,
    admin1 TEXT,
    lat REAL,
    lon REAL,
    actor1 TEXT,
    actor2 TEXT,
    fatalities_min INTEGER,
    n_sources INTEGER NOT NULL,
    updated TEXT NOT NULL
);
INSERT INTO events_v4 (key, id, date_start, date_end, event_type, sub_event_type, country,
                       admin1, lat, lon, actor1, actor2, fatalities_min, n_sources, updated)
SELECT rowid, id, date_start, date_end, event_type, sub_event_type, country,
       admin1, lat, lon, actor1, actor2, fatalities_min, n_sources, updated FROM events
ORDER BY rowid;

-- The event as JSON (EVENTS.md), under its event's key.
CREATE TABLE event_bodies_v4 (
    event_key INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO event_bodies_v4 (event_key, body)
SELECT e.key, b.body FROM event_bodies AS b JOIN events_v4 AS e ON e.id = b.id
ORDER BY e.key;

-- One row per event mention found in a document, in the document's order (see version 1).
CREATE TABLE mentions_v4 (
    doc_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    event_key INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    possible_first TEXT NOT NULL,
    possible_last TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (doc_key, seq)
) WITHOUT ROWID;
INSERT INTO mentions_v4 (doc_key, seq, event_key, event_type, sub_event_type, lat, lon,
                         possible_first, possible_last, body)
SELECT d.key, m.seq, e.key, m.event_type, m.sub_event_type, m.lat, m.lon,
       m.possible_first, m.possible_last, m.body
FROM mentions AS m
JOIN documents_v4 AS d ON d.id = m.doc_id
JOIN events_v4 AS e ON e.id = m.event_id
ORDER BY d.key, m.seq;

-- Who reported each event: the document, and the claimant it names (empty: the outlet).
CREATE TABLE sources_v4 (
    event_key INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    claimant TEXT NOT NULL,
    PRIMARY KEY (event_key, doc_id, claimant)
) WITHOUT ROWID;
INSERT INTO sources_v4 (event_key, doc_id, claimant)
SELECT e.key, s.doc_id, s.claimant FROM sources AS s JOIN events_v4 AS e ON e.id = s.event_id;

-- Every name an event's actors go by (see version 2).
CREATE TABLE event_actors_v4 (
    actor TEXT NOT NULL,
    event_key INTEGER NOT NULL,
    PRIMARY KEY (actor, event_key)
) WITHOUT ROWID;
INSERT INTO event_actors_v4 (actor, event_key)
SELECT a.actor, e.key FROM event_actors AS a JOIN events_v4 AS e ON e.id = a.event_id;

DROP TABLE mentions;
DROP TABLE sources;
DROP TABLE event_actors;
DROP TABLE event_bodies;
DROP TABLE events;
DROP TABLE documents;
ALTER TABLE documents_v4 RENAME TO documents;
ALTER TABLE events_v4 RENAME TO events;
ALTER TABLE event_bodies_v4 RENAME TO event_bodies;
ALTER TABLE mentions_v4 RENAME TO mentions;
ALTER TABLE sources_v4 RENAME TO sources;
ALTER TABLE event_actors_v4 RENAME TO event_actors;

CREATE INDEX documents_url ON documents (url);
CREATE INDEX documents_hash ON documents (content_hash);
-- finding the stored mentions a new one could merge with (see version 1), covering the query
CREATE INDEX mentions_days ON mentions
    (event_type, sub_event_type, possible_last, possible_first, lat, lon, event_key);
CREATE INDEX mentions_event ON mentions (event_key);
CREATE INDEX events_date ON events (date_start, id);
CREATE INDEX events_country_date ON events (country, date_start);
CREATE INDEX events_type ON events (event_type, sub_event_type);
-- the last change of an event (what a request for an event no longer stored is told)
CREATE INDEX changes_event ON changes (event_id, seq);
