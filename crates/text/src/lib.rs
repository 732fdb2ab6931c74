//! Text stage of rasid: folding with an offset map, words and clitics, sentences,
//! numbers (digits and words), dates (absolute and relative) and the publication day a
//! document carries in its text or URL, all pure functions.

pub mod dates;
pub mod day;
pub mod fold;
pub mod hash;
pub mod numbers;
pub mod published;
pub mod search;
pub mod sketch;
pub mod tokens;

pub use day::Day;
pub use fold::{fold, fold_str, Folded};
