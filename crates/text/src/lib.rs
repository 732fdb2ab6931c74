//! Text stage of rasid: folding with an offset map, words and clitics, sentences,
//! numbers (digits and words) and dates (absolute and relative), all pure functions.

pub mod dates;
pub mod day;
pub mod fold;
pub mod hash;
pub mod numbers;
pub mod search;
pub mod sketch;
pub mod tokens;

pub use day::Day;
pub use fold::{fold, fold_str, Folded};
