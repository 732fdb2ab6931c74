//! An input document as the pipeline sees it.

use rasid_text::Day;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Unique id: the `id` of a JSON Lines record, or the file name of a plain-text file.
    pub id: String,
    /// The original text, as given.
    pub text: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    /// Publication day, when known.
    pub published: Option<Day>,
}
