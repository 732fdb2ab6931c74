-- rasid store, schema version 7: the whole-event bodies, the sources and the event-level
-- links, replaced by version 6's summaries, parts and mention links, go.
DROP TABLE event_bodies;
DROP TABLE sources;
DROP TABLE links;
