-- rasid store, schema version 1. Portable SQL (SQLite and PostgreSQL): TEXT, INTEGER,
-- REAL and DOUBLE-free types, no engine-specific functions. Days are ISO strings
-- (YYYY-MM-DD) and timestamps RFC 3339 UTC strings of fixed width, so that string order is
-- time order.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    url TEXT,
    outlet TEXT,
    published TEXT,
    ingested TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX documents_url ON documents (url);
CREATE INDEX documents_hash ON documents (content_hash);

-- One row per event mention found in a document: the resolved mention (JSON, with its
-- evidence spans in the document's character offsets) and the event it is part of.
CREATE TABLE mentions (
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    -- the days the act may lie on (rasid_merge::possible_days); any day: 0000-01-01 to
    -- 9999-12-31, so that one range condition finds every mention a new one may merge with
    possible_first TEXT NOT NULL,
    possible_last TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
-- finding the stored mentions a new one could merge with: by type, then by days (recent
-- days are few), covering the query
CREATE INDEX mentions_days ON mentions
    (event_type, sub_event_type, possible_last, possible_first, lat, lon, event_id);
CREATE INDEX mentions_event ON mentions (event_id, doc_id);

-- The merged events (body: the event as JSON, EVENTS.md) with the columns filters use.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date_start TEXT,
    date_end TEXT,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    country TEXT,
    admin1 TEXT,
    lat REAL,
    lon REAL,
    -- lower-cased canonical names of both actors and their coalitions, each between '|'
    actor_names TEXT NOT NULL,
    fatalities_min INTEGER,
    n_sources INTEGER NOT NULL,
    updated TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX events_date ON events (date_start);
CREATE INDEX events_country_date ON events (country, date_start);
CREATE INDEX events_type ON events (event_type, sub_event_type);
CREATE INDEX events_lat ON events (lat);

-- Who reported each event: the document, and the claimant it names (empty: the outlet).
CREATE TABLE sources (
    event_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    claimant TEXT NOT NULL,
    PRIMARY KEY (event_id, doc_id, claimant)
);

-- responds_to links: event_id answers responds_to.
CREATE TABLE links (
    event_id TEXT NOT NULL,
    responds_to TEXT NOT NULL,
    PRIMARY KEY (event_id, responds_to)
);
CREATE INDEX links_target ON links (responds_to);

-- Append-only change log: new, updated, merged (into another id), deleted.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    event_id TEXT NOT NULL,
    into_id TEXT
);
CREATE INDEX changes_at ON changes (at);
