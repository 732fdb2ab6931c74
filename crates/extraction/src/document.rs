//! An input document as the pipeline sees it, and its publication day.

use crate::analysis::Span;
use rasid_text::published::{printed_day, url_day};
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

/// A document's publication day and where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub day: Day,
    pub source: DaySource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySource {
    /// Given with the document (`published`).
    Given,
    /// Printed at the top of its text: the byte range of that date in the folded text,
    /// which supports every date reckoned from the day.
    Printed(Span),
    /// The date in its URL's path. A URL is not part of the text: no span supports it.
    Url,
}

impl Document {
    /// The publication day: the day given with the document; else the day printed at the
    /// top of its text (a date line or a dateline); else the date in its URL's path (see
    /// [`rasid_text::published`]). A page's own print is preferred to its URL, which may
    /// keep the day a story was first filed under.
    pub fn publication(&self) -> Option<Publication> {
        let of = |day, source| Publication { day, source };
        if let Some(day) = self.published {
            return Some(of(day, DaySource::Given));
        }
        if let Some((day, start, end)) = printed_day(&self.text) {
            return Some(of(day, DaySource::Printed(Span { start, end })));
        }
        let day = url_day(self.url.as_deref()?)?;
        Some(of(day, DaySource::Url))
    }

    /// This document with `day` as its publication day when it has none, given or its own:
    /// a day for a whole input (`--published`, the day a page was crawled) is a guess that
    /// the document's own print or URL beats.
    pub fn or_published(mut self, day: Option<Day>) -> Document {
        // the document's own day is looked for only when there is a day to give instead
        if day.is_some() && self.publication().is_none() {
            self.published = day;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, url: Option<&str>, published: Option<&str>) -> Document {
        Document {
            id: "d".into(),
            text: text.into(),
            url: url.map(str::to_string),
            outlet: None,
            published: published.and_then(Day::parse_iso),
        }
    }

    fn day(s: &str) -> Day {
        Day::parse_iso(s).unwrap()
    }

    const DATELINE: &str = "حلب - 12 تشرين الأول 2022 - قتل ثلاثة أمس في قصف على حي سكني.";
    const URL: &str = "https://example.com/news/2022/10/14/slug";

    #[test]
    fn the_day_given_comes_first_then_the_text_then_the_url() {
        let given = doc(DATELINE, Some(URL), Some("2022-10-13")).publication();
        assert_eq!(
            given.map(|p| (p.day, p.source)),
            Some((day("2022-10-13"), DaySource::Given))
        );
        let printed = doc(DATELINE, Some(URL), None).publication().unwrap();
        assert_eq!(printed.day, day("2022-10-12"));
        let DaySource::Printed(span) = printed.source else {
            panic!("{printed:?}");
        };
        let folded = rasid_text::fold(DATELINE);
        assert_eq!(&folded.text[span.start..span.end], "12 تشرين الاول 2022");
        let from_url = doc("قتل ثلاثة أمس في قصف على حي سكني.", Some(URL), None).publication();
        assert_eq!(
            from_url.map(|p| (p.day, p.source)),
            Some((day("2022-10-14"), DaySource::Url))
        );
        assert_eq!(doc("قتل ثلاثة أمس.", None, None).publication(), None);
        // a day for a whole input comes last
        let fallback = Day::parse_iso("2022-10-20");
        let own = doc(DATELINE, None, None).or_published(fallback);
        assert_eq!(own.publication().map(|p| p.day), Some(day("2022-10-12")));
        let none = doc("قتل ثلاثة أمس.", None, None).or_published(fallback);
        assert_eq!(
            none.publication().map(|p| (p.day, p.source)),
            Some((day("2022-10-20"), DaySource::Given))
        );
        assert_eq!(
            doc("قتل ثلاثة أمس.", Some("https://example.com/a/b"), None).publication(),
            None
        );
    }
}
