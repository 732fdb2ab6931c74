-- rasid store, schema version 6: an event is kept as a summary of its mentions and one part
-- per reporting document, and its mentions' distinct match keys, so that a report joins an
-- event of any size by reading and writing a bounded number of rows (the event as a whole
-- JSON body had to be read, merged again from all its mentions and written back).

-- Each mention's act within its document (rasid_merge::document_clusters, filled by the
-- backfill); what finding merge candidates read moves to match_keys.
CREATE TABLE mentions_v6 (
    doc_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    event_key INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (doc_key, seq)
) WITHOUT ROWID;
INSERT INTO mentions_v6 (doc_key, seq, event_key, cluster, body)
SELECT doc_key, seq, event_key, 0, body FROM mentions ORDER BY doc_key, seq;
DROP TABLE mentions;
ALTER TABLE mentions_v6 RENAME TO mentions;
CREATE INDEX mentions_event ON mentions (event_key);

-- "رداً على": the mention at `seq` answers the one at `target` of the same document. An
-- event's responds_to are the events of the targets of its mentions, read when it is.
CREATE TABLE mention_links (
    doc_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    target INTEGER NOT NULL,
    PRIMARY KEY (doc_key, seq, target)
) WITHOUT ROWID;
CREATE INDEX mention_links_target ON mention_links (doc_key, target);

-- The distinct match keys (rasid_merge::MatchKey, JSON) of each event's mentions.
CREATE TABLE match_keys (
    id INTEGER PRIMARY KEY,
    event_key INTEGER NOT NULL,
    signature INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    key TEXT NOT NULL,
    UNIQUE (event_key, signature)
);

-- Where and when each match key's act may lie, as a box (an R*Tree, by the keys' ids): a new
-- mention's keys are looked up by place and days at once, so that the search reads the keys
-- near it whatever the order documents come in (an index by days alone read every later key
-- when an archive came out of order). A point in latitude and longitude; days since
-- 1970-01-01, from -10,000,000 to 10,000,000 when any day.
CREATE VIRTUAL TABLE match_keys_where USING rtree (
    id, min_lat, max_lat, min_lon, max_lon, first_day, last_day
);

-- The event's summary (rasid_merge::Summary, JSON).
CREATE TABLE event_summaries (
    event_key INTEGER PRIMARY KEY,
    summary TEXT NOT NULL
);

-- What each reporting document gives the event (rasid_merge::DocPart, JSON): its
-- claimants and evidence spans. An event's documents are its parts, in id order.
CREATE TABLE event_docs (
    event_key INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    part TEXT NOT NULL,
    PRIMARY KEY (event_key, doc_id)
) WITHOUT ROWID;

-- An event's actor names are rewritten each time a report joins it: found by the event,
-- not by reading every name.
CREATE INDEX event_actors_event ON event_actors (event_key);

-- Each document's MinHash sketch (rasid_text::sketch: 32 little-endian u32) and its bands:
-- documents sharing a band are candidate copies of one text (syndicated reports), whose
-- mentions are one act wherever they could be within one document. Filled by the store.
ALTER TABLE documents ADD COLUMN sketch BLOB;
CREATE TABLE document_bands (
    band INTEGER NOT NULL,
    doc_key INTEGER NOT NULL,
    PRIMARY KEY (band, doc_key)
) WITHOUT ROWID;
CREATE INDEX document_bands_doc ON document_bands (doc_key);
