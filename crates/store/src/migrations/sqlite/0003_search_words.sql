-- rasid store, schema version 3: the search index keeps words instead of trigrams.

-- Each document's words and their forms without clitics (rasid_text::search::index_terms),
-- without positions: a query asks for documents holding all its words, and the store reads
-- those documents to see where the words stand (rasid_text::search::Query::find). About a tenth
-- of the trigram index's size and far less to write per document. Row ids are the
-- documents' row ids; the terms themselves are not stored. Filled by the store. The terms
-- are words separated by spaces, so FTS5's plain `ascii` tokenizer (which takes every
-- non-ASCII character as part of a word) reads them as they are, without Unicode tables.
DROP TABLE documents_fts;
CREATE VIRTUAL TABLE documents_fts USING fts5 (terms, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');
