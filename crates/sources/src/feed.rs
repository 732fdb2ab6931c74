//! RSS 2.0 (and RSS 1.0) and Atom feeds, read with `quick-xml` from decoded text.
//!
//! Per item (`<item>`) or entry (`<entry>`): the title, the body from `content:encoded`
//! (else `description`) in RSS or `content` (else `summary`) in Atom, with HTML markup
//! stripped; the link (RSS `<link>`, Atom `<link href>` with no `rel` or `rel="alternate"`);
//! the guid / id; the day from `pubDate`, `published`, `dc:date`, else `updated`. The feed's
//! title is the channel's (RSS) or the feed's (Atom) `<title>`.
//!
//! Only direct children of an item count (an Atom `<source><title>` is not the entry's
//! title). Elements of other namespaces (`media:title`) are ignored, except `content:encoded`
//! and `dc:date`. Entities other than the five of XML are passed on to the HTML stage, which
//! knows them all (`&nbsp;` is common in feeds). Malformed XML stops reading: the items read
//! before it are kept and the error says where it is.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rasid_text::Day;

use crate::date::parse_published;
use crate::html::{collapse_whitespace, fragment_text};

/// A feed and its items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feed {
    pub title: Option<String>,
    pub items: Vec<FeedItem>,
}

/// One RSS item or Atom entry, markup stripped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedItem {
    pub title: Option<String>,
    /// The body: content, else description / summary, one block per line.
    pub body: String,
    pub link: Option<String>,
    pub guid: Option<String>,
    pub published: Option<Day>,
}

impl FeedItem {
    /// The document text: the title on the first line, then the body (without repeating the
    /// title when the body starts with it).
    pub fn text(&self) -> String {
        match &self.title {
            None => self.body.clone(),
            Some(t) if self.body.is_empty() => t.clone(),
            Some(t) if self.body.starts_with(t.as_str()) => self.body.clone(),
            Some(t) => format!("{t}\n{}", self.body),
        }
    }
}

/// Why a feed could not be read (completely).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedError {
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Description,
    Content,
    Date,
    Updated,
    Guid,
    FeedTitle,
}

#[derive(Default)]
struct RawItem {
    title: Option<String>,
    link: Option<String>,
    description: Option<String>,
    content: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    guid: Option<String>,
}

impl RawItem {
    fn slot(&mut self, field: Field) -> Option<&mut Option<String>> {
        Some(match field {
            Field::Title => &mut self.title,
            Field::Link => &mut self.link,
            Field::Description => &mut self.description,
            Field::Content => &mut self.content,
            Field::Date => &mut self.date,
            Field::Updated => &mut self.updated,
            Field::Guid => &mut self.guid,
            Field::FeedTitle => return None,
        })
    }

    fn finish(self) -> FeedItem {
        let title = self
            .title
            .map(|t| collapse_whitespace(&fragment_text(&t)))
            .filter(|t| !t.is_empty());
        let body = self
            .content
            .as_deref()
            .map(fragment_text)
            .filter(|b| !b.trim().is_empty())
            .or_else(|| self.description.as_deref().map(fragment_text))
            .unwrap_or_default();
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let published = self
            .date
            .as_deref()
            .and_then(parse_published)
            .or_else(|| self.updated.as_deref().and_then(parse_published));
        FeedItem {
            title,
            body,
            link: clean(self.link),
            guid: clean(self.guid),
            published,
        }
    }
}

/// Largest number of nested elements followed.
const MAX_DEPTH: usize = 256;

/// Reads a feed. On malformed XML the items before the error are returned with the error.
pub fn parse_feed(xml: &str) -> (Feed, Option<FeedError>) {
    let mut feed = Feed::default();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut root_seen = false;
    let mut item: Option<(RawItem, usize)> = None;
    // the field being read: which, at what depth, and its text so far
    let mut capture: Option<(Field, usize, String)> = None;
    let error = |reader: &Reader<&[u8]>, message: String| FeedError {
        message: format!(
            "malformed XML at byte {}: {message}",
            reader.error_position()
        ),
    };
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let e = error(&reader, e.to_string());
                return (feed, Some(e));
            }
        };
        match event {
            Event::Start(start) if !root_seen => {
                root_seen = true;
                match root_name(&start) {
                    Ok(name) => stack.push(name),
                    Err(e) => return (feed, Some(e)),
                }
            }
            Event::Empty(start) if !root_seen => {
                root_seen = true;
                if let Err(e) = root_name(&start) {
                    return (feed, Some(e));
                }
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    let e = error(&reader, "elements nested too deeply".into());
                    return (feed, Some(e));
                }
                let name = local(&start);
                let prefix = prefix(&start);
                let depth = stack.len() + 1;
                if capture.is_none() {
                    if item.is_none() && matches!(name.as_str(), "item" | "entry") {
                        item = Some((RawItem::default(), depth));
                    } else if let Some((raw, item_depth)) = &mut item {
                        if depth == *item_depth + 1 {
                            if let Some(field) = item_field(&name, prefix.as_deref()) {
                                if name == "link" && is_atom_link(&start) {
                                    if let Some(href) = attr(&start, "href") {
                                        raw.link.get_or_insert(href);
                                    }
                                }
                                let xhtml = field == Field::Content
                                    && attr(&start, "type").as_deref() == Some("xhtml");
                                if xhtml {
                                    let end = start.to_end().into_owned();
                                    match reader.read_to_end(end.name()) {
                                        Ok(span) => {
                                            let inner = xml
                                                .get(span.start as usize..span.end as usize)
                                                .unwrap_or("");
                                            raw.content.get_or_insert(inner.to_string());
                                        }
                                        Err(e) => {
                                            let e = error(&reader, e.to_string());
                                            return (feed, Some(e));
                                        }
                                    }
                                    continue;
                                }
                                capture = Some((field, depth, String::new()));
                            }
                        }
                    } else if name == "title"
                        && prefix.is_none()
                        && feed.title.is_none()
                        && is_feed_title_path(&stack)
                    {
                        capture = Some((Field::FeedTitle, depth, String::new()));
                    }
                }
                stack.push(name);
            }
            Event::Empty(start) => {
                if let Some((raw, item_depth)) = &mut item {
                    if capture.is_none()
                        && stack.len() == *item_depth
                        && local(&start) == "link"
                        && is_atom_link(&start)
                    {
                        if let Some(href) = attr(&start, "href") {
                            raw.link.get_or_insert(href);
                        }
                    }
                }
            }
            Event::End(_) => {
                let depth = stack.len();
                stack.pop();
                if let Some((_, at, _)) = &capture {
                    if *at == depth {
                        let (field, _, text) = capture.take().expect("checked");
                        if field == Field::FeedTitle {
                            let title = collapse_whitespace(&fragment_text(&text));
                            feed.title = Some(title).filter(|t| !t.is_empty());
                        } else if let Some((raw, _)) = &mut item {
                            if let Some(slot) = raw.slot(field) {
                                if slot.is_none() && !text.trim().is_empty() {
                                    *slot = Some(text);
                                }
                            }
                        }
                    }
                }
                if item.as_ref().is_some_and(|(_, at)| *at == depth) {
                    let (raw, _) = item.take().expect("checked");
                    feed.items.push(raw.finish());
                }
            }
            Event::Text(text) => {
                if let Some((_, _, buf)) = &mut capture {
                    buf.push_str(&text);
                }
            }
            Event::CData(data) => {
                if let Some((_, _, buf)) = &mut capture {
                    buf.push_str(&data);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, _, buf)) = &mut capture {
                    if reference.is_char_ref() {
                        match reference.resolve_char_ref() {
                            Ok(Some(c)) => buf.push(c),
                            _ => buf.push('\u{FFFD}'),
                        }
                    } else {
                        let name: &str = &reference;
                        match name {
                            "lt" => buf.push('<'),
                            "gt" => buf.push('>'),
                            "amp" => buf.push('&'),
                            "quot" => buf.push('"'),
                            "apos" => buf.push('\''),
                            // left for the HTML stage, which knows every named entity
                            other => {
                                buf.push('&');
                                buf.push_str(other);
                                buf.push(';');
                            }
                        }
                    }
                }
            }
            Event::Eof => {
                if !root_seen {
                    let message = "no XML elements: not an RSS or Atom feed".to_string();
                    return (feed, Some(FeedError { message }));
                }
                if let Some(open) = stack.last() {
                    let message = format!("unexpected end of the XML (<{open}> not closed)");
                    return (feed, Some(FeedError { message }));
                }
                return (feed, None);
            }
            _ => {}
        }
    }
}

/// The root element's local name, when it is a feed's.
fn root_name(start: &BytesStart<'_>) -> Result<String, FeedError> {
    let name = local(start);
    if matches!(name.as_str(), "rss" | "feed" | "rdf") {
        Ok(name)
    } else {
        Err(FeedError {
            message: format!(
                "not an RSS or Atom feed (the root element is <{}>)",
                String::from_utf8_lossy(start.name().as_ref().as_bytes())
            ),
        })
    }
}

/// The lower-case local name of an element.
fn local(start: &BytesStart<'_>) -> String {
    let name = start.local_name();
    String::from_utf8_lossy(name.as_ref().as_bytes()).to_ascii_lowercase()
}

fn prefix(start: &BytesStart<'_>) -> Option<String> {
    start
        .name()
        .prefix()
        .map(|p| String::from_utf8_lossy(p.as_ref().as_bytes()).to_ascii_lowercase())
}

fn attr(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref().as_bytes() == name.as_bytes())
        .and_then(|a| {
            quick_xml::escape::unescape(&a.value)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

/// An Atom-style `<link href>` that points at the item's page.
fn is_atom_link(start: &BytesStart<'_>) -> bool {
    attr(start, "href").is_some()
        && attr(start, "rel").is_none_or(|rel| rel.eq_ignore_ascii_case("alternate"))
}

/// Which item field an element holds (`None` for the rest).
fn item_field(name: &str, prefix: Option<&str>) -> Option<Field> {
    let plain = prefix.is_none() || prefix == Some("atom");
    Some(match (name, prefix) {
        ("encoded", Some("content")) => Field::Content,
        ("date", Some("dc")) => Field::Date,
        (_, _) if !plain => return None,
        ("title", _) => Field::Title,
        ("link", _) => Field::Link,
        ("description" | "summary", _) => Field::Description,
        ("content", _) => Field::Content,
        ("pubdate" | "published" | "issued", _) => Field::Date,
        ("updated" | "modified", _) => Field::Updated,
        ("guid" | "id", _) => Field::Guid,
        _ => return None,
    })
}

/// `rss/channel/title`, `rdf:RDF/channel/title` or `feed/title` (the stack holds the open
/// elements before the title).
fn is_feed_title_path(stack: &[String]) -> bool {
    match stack {
        [root] => root == "feed",
        [root, channel] => matches!(root.as_str(), "rss" | "rdf") && channel == "channel",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>وكالة الأنباء المتخيلة</title>
  <link>https://agency.example/</link>
  <item>
    <title>قصف مدفعي يطال أطراف بلدة الزيارة</title>
    <link>https://agency.example/news/1</link>
    <guid isPermaLink="false">a-1</guid>
    <media:title>صورة</media:title>
    <pubDate>Tue, 14 May 2024 09:15:00 +0300</pubDate>
    <description>&lt;p&gt;سقطت قذائف عدة على&amp;nbsp;الأطراف الشرقية للبلدة&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>سقطت قذائف عدة على الأطراف الشرقية للبلدة صباح اليوم، ما أدى إلى إصابة ثلاثة مدنيين.</p><p>اقرأ أيضا: <a href="/x">خبر عن غارة سابقة</a></p>]]></content:encoded>
  </item>
  <item>
    <title>Weather &amp; sea</title>
    <description>Calm seas today.</description>
  </item>
</channel>
</rss>"#;

    #[test]
    fn rss_items() {
        let (feed, err) = parse_feed(RSS);
        assert_eq!(err, None);
        assert_eq!(feed.title.as_deref(), Some("وكالة الأنباء المتخيلة"));
        assert_eq!(feed.items.len(), 2);
        let a = &feed.items[0];
        assert_eq!(
            a.title.as_deref(),
            Some("قصف مدفعي يطال أطراف بلدة الزيارة")
        );
        assert_eq!(a.link.as_deref(), Some("https://agency.example/news/1"));
        assert_eq!(a.guid.as_deref(), Some("a-1"));
        assert_eq!(a.published, Day::parse_iso("2024-05-14"));
        assert_eq!(
            a.body,
            "سقطت قذائف عدة على الأطراف الشرقية للبلدة صباح اليوم، ما أدى إلى إصابة ثلاثة مدنيين."
        );
        assert_eq!(
            a.text(),
            "قصف مدفعي يطال أطراف بلدة الزيارة\nسقطت قذائف عدة على الأطراف الشرقية للبلدة صباح اليوم، ما أدى إلى إصابة ثلاثة مدنيين."
        );
        let b = &feed.items[1];
        assert_eq!(b.title.as_deref(), Some("Weather & sea"));
        assert_eq!(b.body, "Calm seas today.");
        assert_eq!(b.link, None);
    }

    #[test]
    fn description_with_entities_when_no_content() {
        let xml = "<rss><channel><item><title>عنوان</title><description>&lt;p&gt;سطر&amp;nbsp;أول&lt;/p&gt;&#1575;</description></item></channel></rss>";
        let (feed, err) = parse_feed(xml);
        assert_eq!(err, None);
        assert_eq!(feed.items[0].body, "سطر أول\nا");
    }

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">نشرة الأخبار المتخيلة</title>
  <link rel="self" href="https://feed.example/atom"/>
  <entry>
    <title>اشتباكات على الحدود</title>
    <link rel="alternate" href="https://feed.example/e/7"/>
    <link rel="enclosure" href="https://feed.example/e/7.jpg"/>
    <id>tag:feed.example,2024:7</id>
    <updated>2024-05-15T06:00:00Z</updated>
    <published>2024-05-14T21:00:00Z</published>
    <source><title>مصدر آخر</title></source>
    <summary>ملخص قصير</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>دارت اشتباكات متقطعة بين دوريتين على الحدود.</p><p>ولم ترد أنباء عن إصابات.</p></div></content>
  </entry>
  <entry>
    <title type="html">&lt;b&gt;انفجار&lt;/b&gt; في مستودع</title>
    <link href="https://feed.example/e/8"/>
    <updated>2024-05-13T10:00:00Z</updated>
    <content type="html">&lt;p&gt;دوى انفجار في مستودع.&lt;/p&gt;</content>
  </entry>
</feed>"#;

    #[test]
    fn atom_entries() {
        let (feed, err) = parse_feed(ATOM);
        assert_eq!(err, None);
        assert_eq!(feed.title.as_deref(), Some("نشرة الأخبار المتخيلة"));
        let a = &feed.items[0];
        assert_eq!(a.title.as_deref(), Some("اشتباكات على الحدود"));
        assert_eq!(a.link.as_deref(), Some("https://feed.example/e/7"));
        assert_eq!(a.published, Day::parse_iso("2024-05-14"));
        assert_eq!(
            a.body,
            "دارت اشتباكات متقطعة بين دوريتين على الحدود.\nولم ترد أنباء عن إصابات."
        );
        let b = &feed.items[1];
        assert_eq!(b.title.as_deref(), Some("انفجار في مستودع"));
        assert_eq!(b.published, Day::parse_iso("2024-05-13"));
        assert_eq!(b.body, "دوى انفجار في مستودع.");
    }

    #[test]
    fn malformed_xml_keeps_earlier_items() {
        let xml = "<rss><channel><item><title>أول</title></item><item><title>ثان</titel></item></channel></rss>";
        let (feed, err) = parse_feed(xml);
        assert_eq!(feed.items.len(), 1);
        assert!(err.unwrap().message.starts_with("malformed XML at byte"));
        let (feed, err) = parse_feed("<rss><channel><item><title>أول</title>");
        assert!(feed.items.is_empty());
        assert!(err.unwrap().message.contains("not closed"), "");
    }

    #[test]
    fn not_a_feed() {
        let (_, err) = parse_feed("<?xml version=\"1.0\"?><urlset><url/></urlset>");
        assert!(err.unwrap().message.contains("<urlset>"));
        let (_, err) = parse_feed("just text");
        assert!(err.unwrap().message.contains("not an RSS or Atom feed"));
        let (feed, err) = parse_feed("<feed xmlns='http://www.w3.org/2005/Atom'/>");
        assert_eq!((feed.items.len(), err), (0, None));
    }
}
