-- rasid store, schema version 7: the sources and the event-level links, replaced by version
-- 6's document parts and mention links, go. The whole-event bodies stay, as what the reads
-- serve for events of up to 64 documents (rasid_store::sqlite::BODY_DOCUMENTS); larger events
-- are put together from their parts when read.
DROP TABLE sources;
DROP TABLE links;
