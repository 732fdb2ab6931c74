//! Main-text extraction from news pages.
//!
//! The page is parsed with html5ever (through `scraper`), which accepts any input the way
//! browsers do: broken HTML gives a tree, never an error. Then:
//!
//! 1. **Metadata**: the title from `og:title`, JSON-LD `headline`, `twitter:title`, the first
//!    `<h1>` or `<title>` (a trailing " | site name" removed); the publication day from JSON-LD
//!    `datePublished`, `article:published_time` and similar `<meta>` tags, or an element with
//!    `itemprop="datePublished"`; the outlet from `og:site_name` or JSON-LD `publisher.name`;
//!    the url from `<link rel="canonical">`, `og:url` or JSON-LD `url` / `mainEntityOfPage`.
//! 2. **Pruning**: scripts, styles, forms, navigation, header, footer, asides, figures, hidden
//!    elements, ARIA landmarks other than the main one, and elements whose class or id names
//!    related articles, sharing, comments, navigation, menus, footers, sidebars, ads, tags,
//!    bylines and the like (see [`boilerplate_class`]).
//! 3. **Blocks**: the remaining text is cut into blocks at block elements and `<br>`; each
//!    block knows how much of its text is link text.
//! 4. **Main container**: paragraphs score their parent and grandparents (length, commas), the
//!    best container (penalised by its share of link text) is the article body; sibling
//!    blocks with real prose (the lead paragraph in its own `<div>`) join it.
//! 5. **Related articles**: a block that is a related-articles heading («مقالات ذات صلة»,
//!    «اقرأ أيضا», «أخبار ذات صلة»…) is dropped with the headline list under it; an inline
//!    «اقرأ أيضا: <link>» paragraph is dropped; link-dominated blocks are dropped.
//!
//! The text of a page is its title on the first line and then one body block per line.

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef};
use rasid_text::{fold_str, Day};
use scraper::{node::Element, Html, Node};
use serde_json::Value;

use crate::date::parse_published;

/// What a page gives: title, body paragraphs and metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// Body blocks in document order, the title not repeated.
    pub paragraphs: Vec<String>,
    pub published: Option<Day>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// Where the page was cut because its elements nest deeper than [`MAX_NESTING`] (a byte
    /// offset of the HTML), when it was.
    pub cut_at: Option<usize>,
}

/// Deepest element nesting read (estimated from the tags, see [`nesting_cut`]): html5ever
/// takes time quadratic in the depth, and real pages stay far below this.
pub const MAX_NESTING: usize = 4000;

impl Page {
    /// The document text: the title on the first line, then the paragraphs, one per line.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in self.title.iter().chain(&self.paragraphs) {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
        text
    }
}

/// Extracts title, body and metadata from an HTML page (already decoded).
pub fn extract_page(html: &str) -> Page {
    let cut_at = nesting_cut(html, MAX_NESTING);
    let html = &html[..cut_at.unwrap_or(html.len())];
    let doc = Html::parse_document(html);
    let meta = Metadata::collect(&doc);
    let blocks = blocks(doc.tree.root());
    let mut paragraphs = main_text(&doc, &blocks);
    let title = meta.title();
    if paragraphs.is_empty() {
        if let Some(body) = &meta.article_body {
            paragraphs = body
                .lines()
                .map(collapse_whitespace)
                .filter(|l| !l.is_empty())
                .collect();
        }
    }
    if let Some(title) = &title {
        let folded = fold_str(title);
        paragraphs.retain(|p| fold_str(p) != folded);
    }
    Page {
        title,
        paragraphs,
        published: meta.published(),
        outlet: meta.outlet(),
        url: meta.url(),
        cut_at,
    }
}

/// The text of an HTML fragment (a feed item's description): every block on its own line,
/// scripts, styles and hidden elements left out, entities decoded.
pub fn fragment_text(html: &str) -> String {
    let html = &html[..nesting_cut(html, MAX_NESTING).unwrap_or(html.len())];
    let doc = Html::parse_fragment(html);
    let blocks = blocks(doc.tree.root());
    let mut lines: Vec<String> = Vec::new();
    let mut related = false;
    for block in &blocks {
        match related_marker(&block.text) {
            Some(MarkerUse::Heading) => {
                related = true;
                continue;
            }
            Some(MarkerUse::Inline) if block.link_density() >= 0.3 => continue,
            _ => {}
        }
        if related && (block.link_density() >= 0.5 || block.chars < 100) {
            continue;
        }
        related = false;
        lines.push(block.text.clone());
    }
    lines.join("\n")
}

/// The offset of the first tag at which the element nesting of `html`, estimated from its
/// tags, goes deeper than `max`: start tags open an element, end tags close one, except void
/// elements, self-closing tags and elements that close themselves (`p`, `li`, `td`…);
/// comments, declarations and the content of `script` / `style` are passed over.
pub fn nesting_cut(html: &str, max: usize) -> Option<usize> {
    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th", "tbody",
        "thead", "tfoot", "colgroup", "rp", "rt", "optgroup", "image", "keygen", "frame",
        "basefont", "bgsound", "command",
    ];
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = memchr(b'<', &b[i..]) {
        let at = i + p;
        i = at + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i = find_bytes(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|&c| c == b'!' || c == b'?') {
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = b[name_start..name_start + name_len].to_ascii_lowercase();
        let name = std::str::from_utf8(&name).unwrap_or("");
        let tag_end = memchr(b'>', &b[name_start..]).map(|e| name_start + e);
        if closing {
            if !NOT_NESTING.contains(&name) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if matches!(name, "script" | "style" | "textarea" | "title" | "xmp") {
            let close = format!("</{name}");
            i = find_ascii_ci(b, i, close.as_bytes()).unwrap_or(b.len());
            continue;
        }
        let self_closing = tag_end.is_some_and(|e| e > 0 && b[e - 1] == b'/');
        if NOT_NESTING.contains(&name) || self_closing {
            continue;
        }
        depth += 1;
        if depth > max {
            return Some(at);
        }
    }
    None
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&c| c == needle)
}

fn find_bytes(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn find_ascii_ci(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

// ---------------------------------------------------------------------------------------
// metadata

#[derive(Default)]
struct Metadata {
    /// `<meta>` values by lower-case `property` / `name` / `itemprop`, first one kept.
    meta: HashMap<String, String>,
    canonical: Option<String>,
    title_element: Option<String>,
    first_h1: Option<String>,
    itemprop_published: Option<String>,
    ld: LinkedData,
    article_body: Option<String>,
}

#[derive(Default)]
struct LinkedData {
    headline: Option<String>,
    published: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
}

impl Metadata {
    fn collect(doc: &Html) -> Metadata {
        let mut m = Metadata::default();
        for node in doc.tree.root().descendants() {
            let Node::Element(el) = node.value() else {
                continue;
            };
            match el.name() {
                "meta" => {
                    let key = el
                        .attr("property")
                        .or_else(|| el.attr("name"))
                        .or_else(|| el.attr("itemprop"));
                    if let (Some(key), Some(content)) = (key, el.attr("content")) {
                        let content = collapse_whitespace(content);
                        if !content.is_empty() {
                            m.meta
                                .entry(key.trim().to_ascii_lowercase())
                                .or_insert(content);
                        }
                    }
                }
                "link" if m.canonical.is_none() => {
                    let canonical = el.attr("rel").is_some_and(|rel| {
                        rel.split_ascii_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("canonical"))
                    });
                    if canonical {
                        m.canonical = el.attr("href").map(str::trim).map(str::to_string);
                    }
                }
                "title" if m.title_element.is_none() => {
                    m.title_element = Some(node_text(node)).filter(|t| !t.is_empty());
                }
                "h1" if m.first_h1.is_none() => {
                    m.first_h1 = Some(node_text(node)).filter(|t| !t.is_empty());
                }
                "script" => {
                    let is_ld = el
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if is_ld {
                        let json = raw_text(node);
                        if let Ok(value) = serde_json::from_str::<Value>(json.trim()) {
                            m.linked_data(&value, 0);
                        }
                    }
                }
                _ => {}
            }
            if m.itemprop_published.is_none()
                && el.attr("itemprop") == Some("datePublished")
                && el.name() != "meta"
            {
                m.itemprop_published = el
                    .attr("content")
                    .or_else(|| el.attr("datetime"))
                    .map(str::to_string);
            }
        }
        m
    }

    /// Takes headline, date, publisher and url from the first news article object found.
    fn linked_data(&mut self, value: &Value, depth: usize) {
        if depth > 8 || self.ld.headline.is_some() {
            return;
        }
        match value {
            Value::Array(items) => {
                for item in items {
                    self.linked_data(item, depth + 1);
                }
            }
            Value::Object(object) => {
                if is_article_type(object.get("@type")) {
                    let string = |v: Option<&Value>| {
                        match v {
                            Some(Value::String(s)) => Some(collapse_whitespace(s)),
                            Some(Value::Object(o)) => match o.get("@id").or_else(|| o.get("url")) {
                                Some(Value::String(s)) => Some(s.trim().to_string()),
                                _ => None,
                            },
                            _ => None,
                        }
                        .filter(|s| !s.is_empty())
                    };
                    self.ld.headline = string(object.get("headline"));
                    self.ld.published = string(object.get("datePublished"));
                    self.ld.url = string(object.get("url"))
                        .or_else(|| string(object.get("mainEntityOfPage")));
                    let publisher = match object.get("publisher") {
                        Some(Value::Array(list)) => list.first(),
                        other => other,
                    };
                    self.ld.publisher = match publisher {
                        Some(Value::Object(p)) => match p.get("name") {
                            Some(Value::String(s)) => Some(collapse_whitespace(s)),
                            _ => None,
                        },
                        Some(Value::String(s)) => Some(collapse_whitespace(s)),
                        _ => None,
                    }
                    .filter(|s| !s.is_empty());
                    if let Some(Value::String(body)) = object.get("articleBody") {
                        self.article_body = Some(body.clone());
                    }
                    if self.ld.headline.is_none() {
                        // an article without a headline: keep looking but remember this one
                        self.ld.headline = Some(String::new());
                    }
                } else if let Some(graph) = object.get("@graph") {
                    self.linked_data(graph, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.meta
            .get(key)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    fn outlet(&self) -> Option<String> {
        self.get("og:site_name")
            .map(str::to_string)
            .or_else(|| self.ld.publisher.clone())
            .or_else(|| self.get("application-name").map(str::to_string))
    }

    fn title(&self) -> Option<String> {
        let headline = self.ld.headline.clone().filter(|h| !h.is_empty());
        let title = self
            .get("og:title")
            .map(str::to_string)
            .or(headline)
            .or_else(|| self.get("twitter:title").map(str::to_string))
            .or_else(|| self.first_h1.clone())
            .or_else(|| self.title_element.clone())?;
        Some(strip_site_name(&title, self.outlet().as_deref()))
    }

    fn published(&self) -> Option<Day> {
        let candidates = [
            self.ld.published.as_deref(),
            self.get("article:published_time"),
            self.get("og:article:published_time"),
            self.get("datepublished"),
            self.itemprop_published.as_deref(),
            self.get("pubdate"),
            self.get("publishdate"),
            self.get("publish-date"),
            self.get("dc.date.issued"),
            self.get("dcterms.created"),
            self.get("sailthru.date"),
            self.get("parsely-pub-date"),
            self.get("date"),
        ];
        candidates.into_iter().flatten().find_map(parse_published)
    }

    fn url(&self) -> Option<String> {
        let absolute = |u: &&str| u.starts_with("http://") || u.starts_with("https://");
        self.canonical
            .as_deref()
            .filter(absolute)
            .or_else(|| self.get("og:url").filter(absolute))
            .or_else(|| self.ld.url.as_deref().filter(absolute))
            .map(str::to_string)
    }
}

fn is_article_type(t: Option<&Value>) -> bool {
    const TYPES: [&str; 10] = [
        "NewsArticle",
        "Article",
        "ReportageNews",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    ];
    match t {
        Some(Value::String(s)) => TYPES.contains(&s.as_str()),
        Some(Value::Array(list)) => list
            .iter()
            .any(|v| v.as_str().is_some_and(|s| TYPES.contains(&s))),
        _ => false,
    }
}

/// "Headline | Site" or "Headline - Site" without the site name.
fn strip_site_name(title: &str, outlet: Option<&str>) -> String {
    let title = collapse_whitespace(title);
    if let Some(outlet) = outlet.filter(|o| !o.is_empty()) {
        for sep in [" | ", " - ", " – ", " — ", " :: ", " « ", " » "] {
            if let Some(head) = title.strip_suffix(outlet).and_then(|h| h.strip_suffix(sep)) {
                if !head.trim().is_empty() {
                    return head.trim().to_string();
                }
            }
            if let Some(tail) = title.strip_prefix(outlet).and_then(|t| t.strip_prefix(sep)) {
                if !tail.trim().is_empty() {
                    return tail.trim().to_string();
                }
            }
        }
    }
    title
}

/// All text under a node, whitespace collapsed.
fn node_text(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
            s.push(' ');
        }
    }
    collapse_whitespace(&s)
}

/// The raw text of a node (a script's content).
fn raw_text(node: NodeRef<'_, Node>) -> String {
    node.children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect()
}

pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_space) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

// ---------------------------------------------------------------------------------------
// blocks

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Heading,
    Item,
    Paragraph,
    /// Text directly inside a `div`, `section`, `td`…
    Loose,
}

#[derive(Debug, Clone)]
struct Block {
    text: String,
    chars: usize,
    link_chars: usize,
    /// The block element the text belongs to.
    owner: NodeId,
    kind: BlockKind,
}

impl Block {
    fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is never article text.
const SKIPPED_TAGS: &[&str] = &[
    "aside", "audio", "button", "canvas", "embed", "figure", "footer", "form", "head", "header",
    "iframe", "input", "label", "map", "math", "menu", "nav", "noscript", "object", "option",
    "script", "select", "style", "svg", "template", "textarea", "title", "video",
];

enum Step<'a> {
    Enter(NodeRef<'a, Node>),
    ExitBlock,
    ExitLink,
}

struct BlockBuilder {
    blocks: Vec<Block>,
    text: String,
    chars: usize,
    link_chars: usize,
    pending_space: bool,
    /// Open block elements with their kinds.
    open: Vec<(NodeId, BlockKind)>,
    links: usize,
}

impl BlockBuilder {
    fn push_text(&mut self, s: &str) {
        for (i, word) in s.split(is_space).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.pending_space && !self.text.is_empty() {
                self.text.push(' ');
                self.chars += 1;
                if self.links > 0 {
                    self.link_chars += 1;
                }
            }
            self.pending_space = false;
            let n = word.chars().count();
            self.text.push_str(word);
            self.chars += n;
            if self.links > 0 {
                self.link_chars += n;
            }
        }
    }

    fn flush(&mut self) {
        self.pending_space = false;
        if self.text.is_empty() {
            return;
        }
        let (owner, kind) = *self.open.last().expect("the root is always open");
        self.blocks.push(Block {
            text: std::mem::take(&mut self.text),
            chars: self.chars,
            link_chars: self.link_chars.min(self.chars),
            owner,
            kind,
        });
        self.chars = 0;
        self.link_chars = 0;
    }
}

/// Cuts the text under `root` into blocks, leaving out pruned elements (iteratively: deeply
/// nested pages cannot overflow the stack).
fn blocks(root: NodeRef<'_, Node>) -> Vec<Block> {
    let mut b = BlockBuilder {
        blocks: Vec::new(),
        text: String::new(),
        chars: 0,
        link_chars: 0,
        pending_space: false,
        open: vec![(root.id(), BlockKind::Loose)],
        links: 0,
    };
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::ExitBlock => {
                b.flush();
                b.open.pop();
            }
            Step::ExitLink => b.links = b.links.saturating_sub(1),
            Step::Enter(node) => match node.value() {
                Node::Text(t) => b.push_text(t),
                Node::Element(el) => {
                    let name = el.name();
                    if name == "br" || name == "hr" {
                        b.flush();
                        continue;
                    }
                    if is_pruned(el) {
                        continue;
                    }
                    if BLOCK_TAGS.contains(&name) {
                        b.flush();
                        b.open.push((node.id(), block_kind(name)));
                        stack.push(Step::ExitBlock);
                    } else if name == "a" {
                        b.links += 1;
                        stack.push(Step::ExitLink);
                    } else if name == "img" {
                        continue;
                    }
                    push_children(&mut stack, node);
                }
                Node::Document | Node::Fragment => push_children(&mut stack, node),
                _ => {}
            },
        }
    }
    b.flush();
    b.blocks
}

fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: NodeRef<'a, Node>) {
    let start = stack.len();
    stack.extend(node.children().map(Step::Enter));
    stack[start..].reverse();
}

fn block_kind(name: &str) -> BlockKind {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dt" | "dd" => BlockKind::Item,
        "p" | "blockquote" | "pre" => BlockKind::Paragraph,
        _ => BlockKind::Loose,
    }
}

/// Whether an element and everything under it is left out.
fn is_pruned(el: &Element) -> bool {
    let name = el.name();
    if SKIPPED_TAGS.contains(&name) {
        return true;
    }
    if el.attr("hidden").is_some()
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = el.attr("role") {
        let role = role.trim().to_ascii_lowercase();
        if matches!(
            role.as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "menu"
                | "menubar"
                | "search"
                | "dialog"
                | "toolbar"
        ) {
            return true;
        }
    }
    if matches!(name, "html" | "body") {
        return false;
    }
    let names = format!(
        "{} {}",
        el.attr("class").unwrap_or(""),
        el.id().unwrap_or("")
    );
    match boilerplate_class(&names) {
        Some(Boilerplate::Strong) => true,
        Some(Boilerplate::Weak) => !matches!(name, "main" | "article"),
        None => false,
    }
}

/// How sure a class/id list is of naming boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boilerplate {
    /// Related articles, sharing, comments, sidebars, ads…: always left out.
    Strong,
    /// Navigation, header, footer, tags, bylines…: left out unless the same names also say
    /// article, content, story, entry, post, body or main.
    Weak,
}

/// Classifies the `class` and `id` values of an element.
pub fn boilerplate_class(names: &str) -> Option<Boilerplate> {
    const STRONG: &[&str] = &[
        "related",
        "share",
        "sharing",
        "social",
        "comment",
        "sidebar",
        "side-bar",
        "breadcrumb",
        "newsletter",
        "subscribe",
        "advert",
        "popular",
        "mostread",
        "most-read",
        "most_read",
        "readmore",
        "read-more",
        "read_more",
        "readalso",
        "read-also",
        "also-read",
        "alsoread",
        "recommend",
        "trending",
        "promo",
        "sponsor",
        "cookie",
        "disqus",
        "outbrain",
        "taboola",
        "popup",
        "modal",
        "sr-only",
        "visually-hidden",
        "screen-reader",
    ];
    const WEAK: &[&str] = &[
        "nav",
        "navbar",
        "navigation",
        "menu",
        "footer",
        "header",
        "masthead",
        "widget",
        "banner",
        "ad",
        "ads",
        "tag",
        "tags",
        "byline",
        "author",
        "date",
        "time",
        "meta",
        "caption",
        "credit",
        "toolbar",
        "topbar",
        "pagination",
        "pager",
        "breaking",
        "ticker",
        "aside",
        "links",
        "tools",
        "print",
        "follow",
        "gallery",
        "hidden",
        "login",
        "search",
    ];
    const POSITIVE: &[&str] = &[
        "article", "content", "story", "entry", "post", "body", "main", "text", "detail", "details",
    ];
    let lower = names.to_ascii_lowercase();
    if lower.trim().is_empty() {
        return None;
    }
    if STRONG.iter().any(|s| lower.contains(s)) {
        return Some(Boilerplate::Strong);
    }
    let parts: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let weak = parts.iter().any(|p| WEAK.contains(p));
    let positive = parts.iter().any(|p| POSITIVE.contains(p));
    (weak && !positive).then_some(Boilerplate::Weak)
}

// ---------------------------------------------------------------------------------------
// main text

/// Shortest block (in characters) that scores its containers.
const MIN_SCORED_CHARS: usize = 25;
/// Shortest prose a sibling of the main container needs to join it.
const MIN_SIBLING_CHARS: usize = 40;

fn main_text(doc: &Html, blocks: &[Block]) -> Vec<String> {
    let tree = &doc.tree;
    // 1. scores
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for block in blocks {
        if block.chars < MIN_SCORED_CHARS
            || block.link_density() >= 0.5
            || block.kind == BlockKind::Heading
            || related_marker(&block.text).is_some()
        {
            continue;
        }
        let commas = block.text.chars().filter(|&c| c == ',' || c == '،').count();
        let score = 1.0 + commas as f64 + (block.chars as f64 / 100.0).min(3.0);
        let Some(owner) = tree.get(block.owner) else {
            continue;
        };
        let first = if block.kind == BlockKind::Loose {
            Some(owner)
        } else {
            owner.parent()
        };
        let mut node = first;
        for share in [1.0, 0.5, 1.0 / 3.0] {
            let Some(n) = node else { break };
            if n.value().is_element() {
                *scores.entry(n.id()).or_default() += score * share;
            }
            node = n.parent();
        }
    }
    if scores.is_empty() {
        // no paragraph long enough to score: a page of one or two short lines
        return blocks
            .iter()
            .filter(|b| {
                matches!(b.kind, BlockKind::Paragraph | BlockKind::Loose)
                    && b.chars >= 10
                    && b.link_density() < 0.5
                    && related_marker(&b.text).is_none()
            })
            .map(|b| b.text.clone())
            .collect();
    }
    // 2. text and link text under each scored node
    let mut totals: HashMap<NodeId, (usize, usize)> = HashMap::new();
    for block in blocks {
        if let Some(owner) = tree.get(block.owner) {
            for n in std::iter::once(owner).chain(owner.ancestors()).take(256) {
                if scores.contains_key(&n.id()) {
                    let t = totals.entry(n.id()).or_default();
                    t.0 += block.chars;
                    t.1 += block.link_chars;
                }
            }
        }
    }
    let final_score = |id: &NodeId| {
        let (chars, links) = totals.get(id).copied().unwrap_or((0, 0));
        let density = if chars == 0 {
            0.0
        } else {
            links as f64 / chars as f64
        };
        scores[id] * (1.0 - density)
    };
    let Some(top) = scores
        .keys()
        .max_by(|a, b| final_score(a).total_cmp(&final_score(b)).then(b.cmp(a)))
        .copied()
    else {
        return Vec::new();
    };
    // 3. the main container and the siblings with prose
    let mut roots: HashSet<NodeId> = HashSet::from([top]);
    let top_ref = tree.get(top).expect("scored nodes are in the tree");
    if let Some(parent) = top_ref.parent() {
        let top_score = final_score(&top);
        for sibling in parent.children().filter(|s| s.id() != top) {
            let (chars, links, prose) = prose_under(sibling, blocks, tree);
            let scored = scores.contains_key(&sibling.id())
                && final_score(&sibling.id()) >= (0.2 * top_score).max(10.0);
            let density = if chars == 0 {
                1.0
            } else {
                links as f64 / chars as f64
            };
            if scored || (prose >= MIN_SIBLING_CHARS && density < 0.25) {
                roots.insert(sibling.id());
            }
        }
    }
    let inside = |block: &Block| {
        tree.get(block.owner).is_some_and(|owner| {
            std::iter::once(owner)
                .chain(owner.ancestors())
                .take(256)
                .any(|n| roots.contains(&n.id()))
        })
    };
    let selected: Vec<&Block> = blocks.iter().filter(|b| inside(b)).collect();
    // 4. related articles and link lists
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < selected.len() {
        let block = selected[i];
        i += 1;
        match related_marker(&block.text) {
            Some(MarkerUse::Heading) => {
                i = skip_related(tree, &selected, i, block, &roots);
                continue;
            }
            Some(MarkerUse::Inline) if block.link_density() >= 0.3 => continue,
            _ => {}
        }
        if block.link_density() > 0.5 {
            continue;
        }
        if seen.insert(block.text.clone()) {
            out.push(block.text.clone());
        }
    }
    out
}

/// Characters, link characters and characters of prose blocks (paragraphs or loose text
/// without links of at least [`MIN_SCORED_CHARS`]) under `node`.
fn prose_under(
    node: NodeRef<'_, Node>,
    blocks: &[Block],
    tree: &ego_tree::Tree<Node>,
) -> (usize, usize, usize) {
    let id = node.id();
    let (mut chars, mut links, mut prose) = (0, 0, 0);
    for block in blocks {
        let Some(owner) = tree.get(block.owner) else {
            continue;
        };
        if std::iter::once(owner)
            .chain(owner.ancestors())
            .take(256)
            .any(|n| n.id() == id)
        {
            chars += block.chars;
            links += block.link_chars;
            if block.chars >= MIN_SCORED_CHARS
                && block.link_density() < 0.25
                && matches!(block.kind, BlockKind::Paragraph | BlockKind::Loose)
                && related_marker(&block.text).is_none()
            {
                prose += block.chars;
            }
        }
    }
    (chars, links, prose)
}

/// Skips the blocks of a related-articles list that starts after the heading `marker`;
/// returns the index of the first block kept.
fn skip_related(
    tree: &ego_tree::Tree<Node>,
    selected: &[&Block],
    mut i: usize,
    marker: &Block,
    roots: &HashSet<NodeId>,
) -> usize {
    // the heading's own container, when it is a box of its own (not the article body)
    let group = tree
        .get(marker.owner)
        .and_then(|owner| owner.parent())
        .filter(|g| {
            !roots.contains(&g.id())
                && !std::iter::once(*g)
                    .chain(g.descendants())
                    .any(|d| roots.contains(&d.id()))
        });
    if let Some(group) = group {
        let gid = group.id();
        while i < selected.len()
            && tree.get(selected[i].owner).is_some_and(|o| {
                std::iter::once(o)
                    .chain(o.ancestors())
                    .take(256)
                    .any(|n| n.id() == gid)
            })
        {
            i += 1;
        }
        return i;
    }
    // otherwise the headlines follow in the article body: skip while they look like a list
    while i < selected.len() {
        let b = selected[i];
        let headline_like = b.link_density() >= 0.5
            || matches!(b.kind, BlockKind::Item | BlockKind::Heading)
            || b.chars < 100;
        if !headline_like || related_marker(&b.text) == Some(MarkerUse::Inline) {
            break;
        }
        i += 1;
    }
    i
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkerUse {
    /// The block is only the marker: a heading over a list.
    Heading,
    /// The block starts with the marker and goes on («اقرأ أيضا: …»).
    Inline,
}

/// Headings of related-article lists, folded (see `rasid_text::fold_str`) when used.
const RELATED_MARKERS: &[&str] = &[
    "مقالات ذات صلة",
    "أخبار ذات صلة",
    "مواضيع ذات صلة",
    "موضوعات ذات صلة",
    "روابط ذات صلة",
    "تقارير ذات صلة",
    "قصص ذات صلة",
    "ذات صلة",
    "أخبار متعلقة",
    "مقالات متعلقة",
    "مقالات مشابهة",
    "أخبار مشابهة",
    "اقرأ أيضا",
    "إقرأ أيضا",
    "اقرأ أيضاً",
    "اقرأ كذلك",
    "اقرأ المزيد",
    "اقرأ ايضا",
    "طالع أيضا",
    "شاهد أيضا",
    "قد يهمك",
    "قد يهمك أيضا",
    "قد يعجبك أيضا",
    "اخترنا لك",
    "الأكثر قراءة",
    "الأكثر مشاهدة",
    "الأكثر تداولا",
    "المزيد من الأخبار",
    "المزيد من الأخبار ذات الصلة",
    "آخر الأخبار",
    "related",
    "related articles",
    "related news",
    "related stories",
    "read more",
    "read also",
    "see also",
    "more stories",
    "most read",
];

fn folded_markers() -> &'static Vec<String> {
    static MARKERS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut m: Vec<String> = RELATED_MARKERS.iter().map(|s| normalize(s)).collect();
        // longest first, so that «قد يهمك أيضا» wins over «قد يهمك»
        m.sort_by_key(|s| std::cmp::Reverse(s.len()));
        m.dedup();
        m
    })
}

/// Folded text with punctuation turned into spaces and spaces collapsed.
fn normalize(s: &str) -> String {
    let folded = fold_str(s);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    collapse_whitespace(&spaced)
}

fn related_marker(text: &str) -> Option<MarkerUse> {
    // a heading is short; only look at the start of longer blocks
    let head: String = text.chars().take(60).collect();
    let norm = normalize(&head);
    for marker in folded_markers() {
        if norm == *marker {
            return Some(MarkerUse::Heading);
        }
        if let Some(rest) = norm.strip_prefix(marker.as_str()) {
            if rest.starts_with(' ') {
                return Some(MarkerUse::Inline);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAD: &str = "قصفت طائرة مسيرة مجهولة فجر اليوم الثلاثاء شاحنة تقل عناصر مسلحين على \
الطريق الواصل بين بلدتي الهيشة والرصافة، ما أسفر عن مقتل أربعة منهم وإصابة اثنين آخرين، \
بحسب مصادر محلية.";
    const BODY: &str = "وأوضحت المصادر أن الشاحنة اشتعلت بالكامل بعد الضربة، وأن سيارات \
الإسعاف نقلت المصابين إلى مستشفى قريب، فيما فرضت قوات الأمن طوقا حول المكان.";
    const BODY2: &str = "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى ساعة إعداد هذا التقرير، \
وهو الثالث من نوعه في المنطقة خلال أسبوع واحد.";
    const RELATED1: &str = "غارة تستهدف مستودعا قرب مطار المزة";
    const RELATED2: &str = "مقتل خمسة بقصف مدفعي على قرية الحويجة";

    fn page(article: &str, extra_head: &str) -> String {
        format!(
            r#"<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>مسيرة تقصف شاحنة قرب الرصافة | شبكة الأنباء المتخيلة</title>
<meta property="og:title" content="مسيرة تقصف شاحنة قرب الرصافة">
<meta property="og:site_name" content="شبكة الأنباء المتخيلة">
<meta property="article:published_time" content="2024-05-14T08:20:00+03:00">
<link rel="canonical" href="https://news.example/2024/05/14/drone-truck">
{extra_head}
<style>.x {{ color: red }}</style><script>var tracking = "قصف";</script></head>
<body class="single-post has-sidebar">
<header class="site-header"><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/sy">سوريا</a></li>
<li><a href="/iq">العراق</a></li></ul></nav></header>
<div class="breaking-ticker">عاجل: انفجار في مستودع ذخيرة قرب حمص</div>
<main><div class="container">{article}</div>
<aside class="sidebar"><h3>الأكثر قراءة</h3><ul><li><a href="/a">اشتباكات عنيفة في ريف إدلب</a></li></ul></aside>
</main>
<footer><p>جميع الحقوق محفوظة لشبكة الأنباء المتخيلة ٢٠٢٤</p></footer></body></html>"#
        )
    }

    fn article_with_related(related: &str) -> String {
        format!(
            r##"<article><h1 class="entry-title">مسيرة تقصف شاحنة قرب الرصافة</h1>
<div class="entry-meta"><span class="date">14 مايو 2024</span><span class="author">بقلم: محرر</span></div>
<div class="share-buttons"><a href="#">شارك</a><a href="#">تغريد</a></div>
<div class="lead"><p>{LEAD}</p></div>
<div class="entry-content"><p>{BODY}</p><p>{BODY2}</p>
{related}
</div>
<div class="tags"><a href="/t/1">مسيرات</a><a href="/t/2">الرقة</a></div>
<div id="comments"><h3>التعليقات</h3><p>تعليق من قارئ: هذا قصف مدان ويجب محاسبة المسؤولين عنه فورا.</p></div>
</article>"##
        )
    }

    fn related_list() -> String {
        format!(
            r#"<h3>مقالات ذات صلة</h3><ul><li><a href="/r1">{RELATED1}</a></li>
<li><a href="/r2">{RELATED2}</a></li></ul>"#
        )
    }

    #[test]
    fn keeps_title_lead_and_body_and_drops_boilerplate() {
        let html = page(&article_with_related(&related_list()), "");
        let p = extract_page(&html);
        assert_eq!(p.title.as_deref(), Some("مسيرة تقصف شاحنة قرب الرصافة"));
        assert_eq!(p.paragraphs, [LEAD, BODY, BODY2].map(collapse_whitespace));
        assert_eq!(p.published, Day::parse_iso("2024-05-14"));
        assert_eq!(p.outlet.as_deref(), Some("شبكة الأنباء المتخيلة"));
        assert_eq!(
            p.url.as_deref(),
            Some("https://news.example/2024/05/14/drone-truck")
        );
        let text = p.text();
        assert!(text.starts_with("مسيرة تقصف شاحنة قرب الرصافة\n"));
        for absent in [
            RELATED1,
            RELATED2,
            "الأكثر قراءة",
            "عاجل",
            "الحقوق",
            "تعليق",
            "شارك",
            "tracking",
            "الرئيسية",
            "بقلم",
        ] {
            assert!(!text.contains(absent), "{absent:?} in {text}");
        }
    }

    #[test]
    fn related_block_in_its_own_box_or_as_cards() {
        // headlines with teasers in their own section after the article body
        let cards = format!(
            r#"<section><h2>اقرأ أيضاً</h2>
<div><h4><a href="/r1">{RELATED1}</a></h4><p>قالت مصادر إن الغارة استهدفت مستودعا للأسلحة وأدت إلى اندلاع حريق كبير في المكان.</p></div>
<div><h4><a href="/r2">{RELATED2}</a></h4></div></section>"#
        );
        let p = extract_page(&page(&article_with_related(&cards), ""));
        let text = p.text();
        assert!(!text.contains(RELATED1), "{text}");
        assert!(!text.contains("اندلاع حريق"), "{text}");
        assert!(text.contains(BODY2.split('،').next().unwrap()), "{text}");
    }

    #[test]
    fn inline_read_also_is_dropped() {
        let inline = format!(r#"<p><strong>اقرأ أيضا:</strong> <a href="/r1">{RELATED1}</a></p>"#);
        let article = article_with_related(&inline);
        let p = extract_page(&page(&article, ""));
        assert!(!p.text().contains(RELATED1), "{}", p.text());
        assert_eq!(p.paragraphs.len(), 3);
    }

    #[test]
    fn json_ld_gives_metadata() {
        let ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"x"},
            {"@type":["NewsArticle"],"headline":"عنوان من البيانات المنظمة","datePublished":"2024-05-13T22:10:00Z",
             "publisher":{"@type":"Organization","name":"وكالة الخيال"},"mainEntityOfPage":{"@id":"https://ld.example/a"}}]}</script>"#;
        let html = format!(
            "<html><head>{ld}</head><body><div><p>{LEAD}</p><p>{BODY}</p></div></body></html>"
        );
        let p = extract_page(&html);
        assert_eq!(p.title.as_deref(), Some("عنوان من البيانات المنظمة"));
        assert_eq!(p.published, Day::parse_iso("2024-05-13"));
        assert_eq!(p.outlet.as_deref(), Some("وكالة الخيال"));
        assert_eq!(p.url.as_deref(), Some("https://ld.example/a"));
        // JSON-LD beats article:published_time
        let both = page(
            &format!("<p>{LEAD}</p>"),
            r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"ع","datePublished":"2024-05-12"}</script>"#,
        );
        assert_eq!(extract_page(&both).published, Day::parse_iso("2024-05-12"));
    }

    #[test]
    fn pages_without_paragraph_tags_and_with_br() {
        let html = format!(
            "<html><head><title>تقرير | موقع</title></head><body><div id=\"text\">{LEAD}<br><br>{BODY}</div></body></html>"
        );
        let p = extract_page(&html);
        assert_eq!(p.title.as_deref(), Some("تقرير | موقع"));
        assert_eq!(p.paragraphs.len(), 2, "{:?}", p.paragraphs);
    }

    #[test]
    fn broken_html_still_gives_text() {
        let broken = format!("<html><body><div><p>{LEAD}<p>{BODY}</div></span><table><td>{BODY2}");
        let p = extract_page(&broken);
        assert!(p.text().contains("الرصافة"), "{:?}", p);
        assert_eq!(extract_page(""), Page::default());
        assert_eq!(extract_page("<<<>>>&&&;"), extract_page("<<<>>>&&&;"));
        // deeply nested elements are cut (html5ever would take quadratic time) and do not
        // overflow the stack
        let deep = format!("<p>{LEAD}</p>") + &"<div><span>".repeat(100_000) + BODY;
        let p = extract_page(&deep);
        assert_eq!(p.cut_at, Some(LEAD.len() + 7 + 11 * MAX_NESTING / 2));
        assert_eq!(p.paragraphs, [collapse_whitespace(LEAD)]);
        let nested = "<div>".repeat(MAX_NESTING - 10) + BODY;
        assert!(extract_page(&nested).text().contains("الشاحنة"));
    }

    #[test]
    fn nesting_estimate() {
        assert_eq!(nesting_cut("<div></div><div><div>", 1), Some(16));
        assert_eq!(
            nesting_cut("<p><p><li><br><img/><x/><!-- <div><div> -->", 0),
            None
        );
        assert_eq!(
            nesting_cut("<script>if (a<b) { x = '<div>' }</script><b>", 0),
            Some(41)
        );
        assert_eq!(nesting_cut("<", 0), None);
        assert_eq!(nesting_cut("<div", 0), Some(0));
    }

    #[test]
    fn short_page_keeps_its_lines() {
        let html = "<html><body><nav><a href='/'>الرئيسية</a></nav><div><p>اشتباكات في الريف</p>\
                    <ul><li><a href='/1'>خبر آخر طويل بما يكفي ليكون رابطا</a></li></ul></div></body></html>";
        assert_eq!(extract_page(html).paragraphs, ["اشتباكات في الريف"]);
    }

    #[test]
    fn empty_page_has_no_paragraphs() {
        let html = r#"<html><head><meta property="og:title" content="فيديو: لحظة الانفجار"></head>
<body><nav><a href="/">الرئيسية</a></nav><div class="video-player"></div></body></html>"#;
        let p = extract_page(html);
        assert_eq!(p.title.as_deref(), Some("فيديو: لحظة الانفجار"));
        assert!(p.paragraphs.is_empty());
    }

    #[test]
    fn fragment_text_strips_markup_and_entities() {
        let text = fragment_text(
            "<p>قصف&nbsp;مدفعي على <b>القرية</b></p><script>x()</script><p>سطر&amp;ثان</p>\
             <p>اقرأ أيضا: <a href='/x'>خبر آخر عن غارة</a></p>",
        );
        assert_eq!(text, "قصف مدفعي على القرية\nسطر&ثان");
    }

    #[test]
    fn boilerplate_classes() {
        assert_eq!(
            boilerplate_class("related-posts"),
            Some(Boilerplate::Strong)
        );
        assert_eq!(boilerplate_class("post-share"), Some(Boilerplate::Strong));
        assert_eq!(boilerplate_class("site-footer"), Some(Boilerplate::Weak));
        assert_eq!(boilerplate_class("article-header"), None);
        assert_eq!(boilerplate_class("entry-content"), None);
        assert_eq!(boilerplate_class("canvas-wrapper"), None);
        assert_eq!(boilerplate_class(""), None);
    }

    #[test]
    fn markers() {
        assert_eq!(related_marker("مقالات ذات صلة"), Some(MarkerUse::Heading));
        assert_eq!(related_marker("اقرأ أيضاً:"), Some(MarkerUse::Heading));
        assert_eq!(related_marker("إقرأ أيضا: غارة"), Some(MarkerUse::Inline));
        assert_eq!(related_marker("اقرأيضا"), None);
        assert_eq!(related_marker(LEAD), None);
    }
}
