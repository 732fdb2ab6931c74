//! Extraction stage: event mentions with their actors, places, dates, counts and evidence.

pub mod analysis;
mod clutter;
pub mod document;
mod links;
pub mod mention;
mod roles;

pub use analysis::{Analysis, Span};
pub use document::{DaySource, Document, Publication};
pub use mention::{find_mentions, ActorMention, CountMention, DateValue, Mention, PlaceMention};

/// Lexicons shared by the tests of this crate (the embedded data, loaded once).
#[cfg(test)]
pub(crate) fn test_lexicons() -> &'static rasid_lexicons::Lexicons {
    static LEX: std::sync::OnceLock<rasid_lexicons::Lexicons> = std::sync::OnceLock::new();
    LEX.get_or_init(|| rasid_lexicons::Lexicons::embedded().expect("embedded lexicons"))
}
