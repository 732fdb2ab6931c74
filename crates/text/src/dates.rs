//! Date expressions of folded text, resolved against the publication day: absolute dates
//! in every month-name series ("5 شباط 2024", "15 اغسطس", "30 من كانون الثاني الماضي"),
//! as pages print their own day ("11-يونيو-2024", "سبتمبر 20، 2024"), numeric dates,
//! months and years, relative words ("امس", "اول امس", "فجر اليوم") and weekdays
//! ("الخميس", "ليل الخميس الجمعه").
//!
//! Without a publication day only expressions with an explicit year resolve; the others
//! are still returned, with `first` and `last` set to `None`.

use crate::day::{last_day_of_month, Day};
use crate::numbers::{digit_chain, glued_before, Gate, Table, WordSet, Words, BARE, CONJ, PREP};
use crate::tokens::{tokens, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Day,
    Month,
    Year,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKind {
    /// A day of a named month, or a numeric date.
    Absolute,
    /// اليوم، امس، اول امس، الليله الماضيه … (with an optional weekday after them).
    Relative,
    /// A weekday or a range of weekdays.
    Weekday,
    /// A month (named, or "الشهر الماضي").
    Month,
    /// A year ("عام 2021", "العام الماضي").
    Year,
}

/// One date expression: byte span in the folded text and the days it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    /// First day covered; `None` when it cannot be resolved (no publication day, or an
    /// impossible date such as 29 February 2023).
    pub first: Option<Day>,
    /// Last day covered (`None` exactly when `first` is).
    pub last: Option<Day>,
    pub precision: Precision,
    pub kind: DateKind,
    /// The weekday the expression names, 0 = Monday … 6 = Sunday ("الخميس", "امس الخميس",
    /// "الخميس 5 شباط"), known whether or not its day is; `None` for a range of weekdays
    /// ("ليل الخميس الجمعه" names two).
    pub weekday: Option<u8>,
    /// Whether its days are reckoned from the publication day (a relative day, a weekday, a
    /// month or a day of the month without its year, "الشهر الماضي"): without one they are
    /// unknown. A numeric date, a date with its year and a year are not.
    pub reckoned: bool,
}

/// Every date expression of `folded`, left to right, non-overlapping, longest first.
pub fn find_dates(folded: &str, published: Option<Day>) -> Vec<DateMention> {
    let words = tokens(folded);
    let every_word: Vec<(usize, DateKey)> = (0..words.len())
        .flat_map(|k| DateKey::ALL.map(|key| (k, key)))
        .collect();
    find_dates_around(folded, &words, &every_word, published)
}

/// [`find_dates`] given the words of `folded` ([`tokens`]) and those that hold a key word
/// of [`key_words`] behind proclitics (word index and class): only the words shortly before
/// these and before digits can start a date.
pub fn find_dates_around(
    folded: &str,
    words: &[Token],
    key_words: &[(usize, DateKey)],
    published: Option<Day>,
) -> Vec<DateMention> {
    let cx = Cx {
        w: Words::new(folded, words),
        published,
    };
    let mut key_reach = [0; DateKey::ALL.len()];
    for &(key, reach) in MATCHERS.iter().flat_map(|m| m.keys) {
        key_reach[key as usize] = key_reach[key as usize].max(reach);
    }
    let digit_reach = MATCHERS.iter().filter_map(|m| m.digit_reach).max();
    let keys = key_words.iter().map(|&(k, key)| (k, key as usize));
    let anchors = (is_anchor as fn(&str) -> bool, ANCHOR_REACH);
    let mut gate = Gate::new(&cx.w, keys, &key_reach, digit_reach.unwrap_or(0), anchors);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = gate.next_from(i) {
        let within = |m: &&Matcher| {
            m.keys
                .iter()
                .any(|&(key, reach)| gate.key_within(at, key as usize, reach))
                || m.digit_reach.is_some_and(|r| gate.digits_within(at, r))
        };
        let found = MATCHERS
            .iter()
            .filter(within)
            .filter_map(|m| (m.find)(&cx, at));
        let best = found.fold(None, |best: Option<Found>, f| match best {
            Some(b) if b.0.end >= f.0.end => Some(b),
            _ => Some(f),
        });
        match best {
            Some((mention, next)) if gate.anchored(at) => {
                out.push(mention);
                i = next.max(at + 1);
            }
            _ => i = at + 1,
        }
    }
    out
}

/// What a key word of a date is, and so which matchers look around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKey {
    /// The first word of a month name, or الشهر.
    Month,
    Weekday,
    /// The key word of a relative day (اليوم، امس، البارحه، الليله).
    Relative,
    /// العام، السنه.
    Year,
}

impl DateKey {
    pub const ALL: [DateKey; 4] = [
        DateKey::Month,
        DateKey::Weekday,
        DateKey::Relative,
        DateKey::Year,
    ];
}

/// The words one of which every date expression without digits holds, by class (the key
/// words of [`find_dates_around`]).
pub fn key_words() -> impl Iterator<Item = (&'static str, DateKey)> {
    let months = MONTHS.entries.iter().filter_map(|m| m.0.split(' ').next());
    let of = |key| move |word| (word, key);
    months
        .chain(MONTH_PERIOD_KEYS.iter().copied())
        .map(of(DateKey::Month))
        .chain(WEEKDAYS.entries.iter().map(|d| (d.0, DateKey::Weekday)))
        .chain(RELATIVE_KEYS.iter().copied().map(of(DateKey::Relative)))
        .chain(YEAR_PERIOD_KEYS.iter().copied().map(of(DateKey::Year)))
}

/// The words one of which every phrase of [`RELATIVE`] holds.
const RELATIVE_KEYS: &[&str] = &["اليوم", "امس", "البارحه", "الليله"];

/// The word every phrase of [`MONTH_PERIODS`] holds.
const MONTH_PERIOD_KEYS: &[&str] = &["الشهر"];

/// The words one of which every phrase of [`YEAR_PERIODS`] holds.
const YEAR_PERIOD_KEYS: &[&str] = &["العام", "السنه"];

/// Every date expression has an anchor word (a digit, a month or weekday name, a relative
/// day or period word; ordinals, يوم and عام always come with one of these) within its
/// first words ("بعد منتصف ليل الخميس"): the matchers need only run this close before one.
const ANCHOR_REACH: usize = 4;

/// A digit, or a word of the date tables behind proclitics.
fn is_anchor(word: &str) -> bool {
    static WORDS: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        WordSet::new(
            MONTHS
                .entries
                .iter()
                .map(|m| m.0)
                .chain(WEEKDAYS.entries.iter().map(|d| d.0))
                .chain(RELATIVE.entries.iter().map(|r| r.0))
                .chain(MONTH_PERIODS.entries.iter().map(|p| p.0))
                .chain(YEAR_PERIODS.entries.iter().map(|p| p.0)),
        )
    });
    words.anchors(word)
}

/// Days after publication that a date without a year may still fall on.
const GRACE_DAYS: i64 = 7;

// ---------------------------------------------------------------------------------------
// Lexicon (folded forms)

/// Month names of every series: (name, (month, strict)). A strict name (اب, also "father")
/// is a date only after a day number or شهر, or before a year or "الماضي" and the like.
static MONTHS: Table<(u8, bool)> = Table::new(&[
    ("يناير", (1, false)),
    ("فبراير", (2, false)),
    ("مارس", (3, false)),
    ("ابريل", (4, false)),
    ("مايو", (5, false)),
    ("يونيو", (6, false)),
    ("يونيه", (6, false)),
    ("يوليو", (7, false)),
    ("يوليه", (7, false)),
    ("اغسطس", (8, false)),
    ("سبتمبر", (9, false)),
    ("اكتوبر", (10, false)),
    ("نوفمبر", (11, false)),
    ("ديسمبر", (12, false)),
    ("كانون الثاني", (1, false)),
    ("شباط", (2, false)),
    ("اذار", (3, false)),
    ("نيسان", (4, false)),
    ("ايار", (5, false)),
    ("حزيران", (6, false)),
    ("تموز", (7, false)),
    ("اب", (8, true)),
    ("ايلول", (9, false)),
    ("تشرين الاول", (10, false)),
    ("تشرين الثاني", (11, false)),
    ("كانون الاول", (12, false)),
    ("جانفي", (1, false)),
    ("فيفري", (2, false)),
    ("افريل", (4, false)),
    ("ماي", (5, false)),
    ("جوان", (6, false)),
    ("جويليه", (7, false)),
    ("اوت", (8, false)),
    ("ينار", (1, false)),
    ("يوليوز", (7, false)),
    ("غشت", (8, false)),
    ("شتنبر", (9, false)),
    ("نونبر", (11, false)),
    ("دجنبر", (12, false)),
]);

/// Words before a bare month name that make it a date ("في شباط", "مطلع ايار").
const MONTH_CONTEXT: &[&str] = &[
    "في",
    "خلال",
    "منذ",
    "مطلع",
    "اوايل",
    "اواخر",
    "منتصف",
    "اواسط",
    "بدايه",
    "نهايه",
    "حتي",
    "غضون",
    "بحلول",
    "قبل",
    "بعد",
    "طوال",
    "طيله",
];

/// Weekdays, 0 = Monday.
static WEEKDAYS: Table<u8> = Table::new(&[
    ("الاثنين", 0),
    ("الثلاثاء", 1),
    ("الثلاثا", 1),
    ("الاربعاء", 2),
    ("الاربعا", 2),
    ("الخميس", 3),
    ("الجمعه", 4),
    ("السبت", 5),
    ("الاحد", 6),
]);

/// Words around a weekday name that give it another sense (Friday prayer, "the two",
/// "the One", "the eleven"): (weekday, words before, words after).
const WEEKDAY_BLOCKERS: &[(u8, &[&str], &[&str])] = &[
    (
        4,
        &[
            "صلاه",
            "صلوات",
            "خطبه",
            "خطبتي",
            "خطيب",
            "امام",
            "ايمه",
            "مسجد",
            "جامع",
            "منبر",
        ],
        &[],
    ),
    (0, &["بين", "كلا"], &[]),
    (6, &["الواحد", "الله"], &["عشر", "عشره"]),
];

/// Times of day before a weekday or a relative word: (phrase, spans past midnight).
static TIMES: Table<bool> = Table::new(&[
    ("فجر", false),
    ("قبيل فجر", false),
    ("صباح", false),
    ("ظهر", false),
    ("بعد ظهر", false),
    ("ظهيره", false),
    ("بعد ظهيره", false),
    ("عصر", false),
    ("مساء", false),
    ("ليل", false),
    ("ليله", false),
    ("نهار", false),
    ("قبيل منتصف ليل", false),
    ("منتصف ليل", true),
    ("منتصف ليله", true),
    ("بعد منتصف ليل", true),
    ("بعد منتصف ليله", true),
    ("بعيد منتصف ليل", true),
]);

/// Relative day words: (phrase, (first, last) offsets from publication).
static RELATIVE: Table<(i64, i64)> = Table::new(&[
    ("اليوم", (0, 0)),
    ("امس", (-1, -1)),
    ("الامس", (-1, -1)),
    ("بالامس", (-1, -1)),
    ("البارحه", (-1, -1)),
    ("اول امس", (-2, -2)),
    ("اول من امس", (-2, -2)),
    ("امس الاول", (-2, -2)),
    ("الليله الماضيه", (-1, 0)),
]);

/// Words after "اليوم" that make it "the day" rather than "today".
const NOT_TODAY_AFTER: &[&str] = &[
    "التالي",
    "السابق",
    "الاول",
    "الحادي",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
    "الاخير",
    "الذي",
    "العالمي",
    "الوطني",
    "الدولي",
    "الموعود",
    "الواحد",
    "الاخر",
    "نفسه",
    "ذاته",
    "نفسها",
    "ذاتها",
];

/// Words before "اليوم" that make it "the day" rather than "today".
const NOT_TODAY_BEFORE: &[&str] = &["ذلك", "نفس", "ذات", "ذاك", "هذا", "تلك"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dir {
    /// On or before publication.
    Recent,
    /// Strictly before publication ("الخميس الماضي").
    Past,
    /// Strictly after publication ("الخميس المقبل").
    Next,
}

static DIRECTIONS: Table<Dir> = Table::new(&[
    ("الماضي", Dir::Past),
    ("الماضيه", Dir::Past),
    ("المنصرم", Dir::Past),
    ("الفايت", Dir::Past),
    ("المقبل", Dir::Next),
    ("المقبله", Dir::Next),
    ("القادم", Dir::Next),
    ("القادمه", Dir::Next),
]);

/// How the year of a month is given.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum YearSpec {
    Explicit(i32),
    /// Publication year plus this.
    Offset(i32),
    /// The most recent such month before the publication month ("شباط الماضي").
    Past,
    /// The next such month after the publication month.
    Next,
    /// No year: the latest such date not after publication + `GRACE_DAYS`.
    Nearest,
}

/// Words after a month name that give its year.
static MONTH_SUFFIXES: Table<YearSpec> = Table::new(&[
    ("الماضي", YearSpec::Past),
    ("المنصرم", YearSpec::Past),
    ("الفايت", YearSpec::Past),
    ("الحالي", YearSpec::Offset(0)),
    ("الجاري", YearSpec::Offset(0)),
    ("المقبل", YearSpec::Next),
    ("القادم", YearSpec::Next),
    ("من العام الماضي", YearSpec::Offset(-1)),
    ("من العام المنصرم", YearSpec::Offset(-1)),
    ("من السنه الماضيه", YearSpec::Offset(-1)),
    ("العام الماضي", YearSpec::Offset(-1)),
    ("من العام الحالي", YearSpec::Offset(0)),
    ("من العام الجاري", YearSpec::Offset(0)),
    ("من هذا العام", YearSpec::Offset(0)),
    ("من السنه الحاليه", YearSpec::Offset(0)),
    ("من السنه الجاريه", YearSpec::Offset(0)),
    ("العام الحالي", YearSpec::Offset(0)),
    ("العام الجاري", YearSpec::Offset(0)),
    ("من العام المقبل", YearSpec::Offset(1)),
    ("من العام القادم", YearSpec::Offset(1)),
    ("العام المقبل", YearSpec::Offset(1)),
]);

/// Months relative to the publication month.
static MONTH_PERIODS: Table<i32> = Table::new(&[
    ("الشهر الماضي", -1),
    ("الشهر المنصرم", -1),
    ("الشهر الفايت", -1),
    ("الشهر الحالي", 0),
    ("الشهر الجاري", 0),
    ("هذا الشهر", 0),
    ("الشهر المقبل", 1),
    ("الشهر القادم", 1),
]);

/// Years relative to the publication year.
static YEAR_PERIODS: Table<i32> = Table::new(&[
    ("العام الماضي", -1),
    ("العام المنصرم", -1),
    ("السنه الماضيه", -1),
    ("العام الحالي", 0),
    ("العام الجاري", 0),
    ("هذا العام", 0),
    ("السنه الحاليه", 0),
    ("السنه الجاريه", 0),
    ("العام المقبل", 1),
    ("العام القادم", 1),
    ("السنه المقبله", 1),
]);

/// Words introducing a year number.
const YEAR_WORDS: &[&str] = &["عام", "العام", "سنه", "السنه"];

/// Hijri markers after a year number.
const HIJRI: &[&str] = &["ه", "هجري", "هجريه"];

/// Ordinal day numbers ("الخامس من شباط"); 1..=9 also form 11..=19 with عشر and
/// 21..=39 with والعشرين / والثلاثين.
static ORDINALS: Table<u8> = Table::new(&[
    ("الاول", 1),
    ("الحادي", 1),
    ("الثاني", 2),
    ("الثالث", 3),
    ("الرابع", 4),
    ("الخامس", 5),
    ("السادس", 6),
    ("السابع", 7),
    ("الثامن", 8),
    ("التاسع", 9),
    ("العاشر", 10),
    ("العشرين", 20),
    ("الثلاثين", 30),
]);

static ORDINAL_TENS: Table<u8> = Table::new(&[("عشر", 10), ("والعشرين", 20), ("والثلاثين", 30)]);

// ---------------------------------------------------------------------------------------
// Matching

struct Cx<'a> {
    w: Words<'a>,
    published: Option<Day>,
}

/// A mention and the index of the word after it.
type Found = (DateMention, usize);

/// Resolved first and last day, when known.
type Span = Option<(Day, Day)>;

/// A matcher of one form of date, the key words it needs one of (each with how far from the
/// start it may stand), and how far its digits may stand (`None`: it needs none).
struct Matcher {
    find: fn(&Cx, usize) -> Option<Found>,
    keys: &'static [(DateKey, usize)],
    digit_reach: Option<usize>,
}

/// Tried at each word where their key word or digits stand close enough ahead; the longest
/// match wins, the earlier matcher on ties. A time of day and يوم before a day take up to
/// four words; an absolute date can put a weekday, الموافق, a two-word ordinal and من
/// before its month (the ninth word, or the tenth in "هذا الشهر").
const MATCHERS: &[Matcher] = &[
    Matcher {
        find: numeric,
        keys: &[],
        digit_reach: Some(0),
    },
    Matcher {
        find: absolute,
        keys: &[(DateKey::Month, 10)],
        digit_reach: None,
    },
    // "11-يونيو-2024"
    Matcher {
        find: joined,
        keys: &[],
        digit_reach: Some(0),
    },
    // a weekday before the month: "الجمعه , سبتمبر 20 2024"
    Matcher {
        find: month_first,
        keys: &[(DateKey::Month, 1)],
        digit_reach: None,
    },
    // "ما بين" and a time of day before the weekday
    Matcher {
        find: weekday_range,
        keys: &[(DateKey::Weekday, 6)],
        digit_reach: None,
    },
    Matcher {
        find: weekday,
        keys: &[(DateKey::Weekday, 4)],
        digit_reach: None,
    },
    // a time of day before "اول من امس"
    Matcher {
        find: relative,
        keys: &[(DateKey::Relative, 6)],
        digit_reach: None,
    },
    // "شهر شباط"
    Matcher {
        find: month,
        keys: &[(DateKey::Month, 1)],
        digit_reach: None,
    },
    // "عام 2021"
    Matcher {
        find: year,
        keys: &[],
        digit_reach: Some(1),
    },
    // "هذا الشهر", "هذا العام"
    Matcher {
        find: period,
        keys: &[(DateKey::Month, 1), (DateKey::Year, 1)],
        digit_reach: None,
    },
];

fn found(cx: &Cx, start: usize, next: usize, span: Span, p: Precision, k: DateKind) -> Found {
    let (first, last) = match span {
        Some((a, b)) => (Some(a.min(b)), Some(a.max(b))),
        None => (None, None),
    };
    let end = cx.w.end(next.saturating_sub(1)).max(start);
    let mention = DateMention {
        start,
        end,
        first,
        last,
        precision: p,
        kind: k,
        weekday: None,
        reckoned: false,
    };
    (mention, next)
}

/// `f`, reckoned from the publication day (see [`DateMention::reckoned`]) when `reckoned`.
fn reckoned_if(reckoned: bool, mut f: Found) -> Found {
    f.0.reckoned = reckoned;
    f
}

/// `f`, naming `weekday`.
fn naming(weekday: Option<u8>, mut f: Found) -> Found {
    f.0.weekday = weekday;
    f
}

/// "2024-02-03", "03/02/2024", "3.2.24".
fn numeric(cx: &Cx, i: usize) -> Option<Found> {
    let (w, start) = (&cx.w, cx.w.start(i));
    if !w.word(i).starts_with(|c: char| c.is_ascii_digit()) || glued_before(w.text, start) {
        return None;
    }
    let (runs, seps, more) = digit_chain(w.text, start, false, 3);
    if more || runs.len() != 3 || seps[0] != seps[1] || seps[0] == b':' || runs[1].digits > 2 {
        return None;
    }
    let v = |k: usize| runs[k].value;
    let (y, m, d) = match (runs[0].digits, runs[2].digits) {
        (4, 1 | 2) => (v(0), v(1), v(2)),
        (1 | 2, 4) => (v(2), v(1), v(0)),
        (1 | 2, 2) => (2000 + v(2), v(1), v(0)),
        _ => return None,
    };
    let day = Day::new(
        i32::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
    )?;
    let end = runs[2].end;
    let (mut mention, next) = found(
        cx,
        start,
        w.index_at(end),
        Some((day, day)),
        Precision::Day,
        DateKind::Absolute,
    );
    mention.end = end;
    Some((mention, next))
}

/// "[يوم|فجر …] [الاثنين[،] [الموافق]] 5|الخامس [من] شباط|الشهر الجاري [2024|الماضي …]".
fn absolute(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let p = prefix(w, i);
    if p.any && !w.adjacent(p.next) {
        return None;
    }
    let mut start = p.any.then_some(p.start);
    let mut j = p.next;
    let mut weekday = None;
    if let Some((s, k, wd)) = w.longest(j, &WEEKDAYS, if p.any { BARE } else { CONJ }) {
        start.get_or_insert(s);
        j = k;
        weekday = Some(wd);
        if !w.joined(j, ",،") {
            return None;
        }
        if w.word(j) == "الموافق" {
            j += 1;
            if !w.adjacent(j) {
                return None;
            }
        }
    }
    let (day, s, mut k) = day_at(w, j, if start.is_some() { BARE } else { CONJ })?;
    if w.next_is(k, &["من"]) {
        k += 1;
    }
    if !w.adjacent(k) {
        return None;
    }
    let (month, k) = month_ref(w, k)?;
    let (spec, k) = year_part(w, k).unwrap_or((YearSpec::Nearest, k));
    let resolved = match month {
        MonthRef::Named(m) => {
            year_for(spec, m, day, cx.published).and_then(|y| Day::new(y, m, day))
        }
        MonthRef::Relative(off) => cx
            .published
            .and_then(|p| shift_month(p, off))
            .and_then(|(y, m)| Day::new(y, m, day)),
    };
    let span = resolved.map(|d| (d, d));
    let start = start.unwrap_or(s);
    let year_said = matches!((month, spec), (MonthRef::Named(_), YearSpec::Explicit(_)));
    let f = found(cx, start, k, span, Precision::Day, DateKind::Absolute);
    Some(naming(weekday, reckoned_if(!year_said, f)))
}

/// "11-يونيو-2024", "11/يونيو/2024": a day, a month name and a year joined by dashes or by
/// slashes, as pages print their own day.
fn joined(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let start = w.start(i);
    let day = day_number(w.word(i)).filter(|_| !glued_before(w.text, start))?;
    let sep = w.gap(i + 1);
    if !matches!(sep, "-" | "/") {
        return None;
    }
    let (_, k, (month, _)) = w.longest(i + 1, &MONTHS, BARE)?;
    let year = w.word(k);
    let after = w.text[w.end(k)..].chars().next();
    let chained = after.is_some_and(|c| c.is_ascii_digit() || "-/".contains(c));
    if w.gap(k) != sep || year.len() != 4 || year.starts_with('0') || chained {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let span = Day::new(year, month, day).map(|d| (d, d));
    Some(found(
        cx,
        start,
        k + 1,
        span,
        Precision::Day,
        DateKind::Absolute,
    ))
}

/// "سبتمبر 20 2024", "الجمعه , سبتمبر 20، 2024": month, day and year, the order in which
/// pages made for English readers print their day. Only with its year: "سبتمبر 20" is a
/// month and a count.
fn month_first(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let (mut start, mut j, mut weekday) = (None, i, None);
    if let Some((s, k, wd)) = w.longest(i, &WEEKDAYS, CONJ) {
        if !w.joined(k, ",،") {
            return None;
        }
        (start, j, weekday) = (Some(s), k, Some(wd));
    }
    let procs = if weekday.is_some() { BARE } else { CONJ };
    let (s, k, (month, _)) = month_name(w, j, procs)?;
    let day = day_number(w.word(k)).filter(|_| w.adjacent(k))?;
    let (YearSpec::Explicit(year), next) = year_part(w, k + 1)? else {
        return None;
    };
    let span = Day::new(year, month, day).map(|d| (d, d));
    let start = start.unwrap_or(s);
    let f = found(cx, start, next, span, Precision::Day, DateKind::Absolute);
    Some(naming(weekday, f))
}

/// A day of the month in one or two digits.
fn day_number(word: &str) -> Option<u8> {
    let digits = (1..=2).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| word.parse().ok())
        .flatten()
        .filter(|d| (1..=31).contains(d))
}

/// Day of the month at word `i`: one or two digits, or an ordinal.
fn day_at(w: &Words, i: usize, procs: &[&str]) -> Option<(u8, usize, usize)> {
    let t = w.word(i);
    let start = w.start(i);
    if (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
        let d = day_number(t)?;
        let chained = w.text[w.end(i)..].starts_with(['-', '/', '.', ':']);
        return (!glued_before(w.text, start) && !chained).then_some((d, start, i + 1));
    }
    let (s, j, v) = w.longest(i, &ORDINALS, procs)?;
    if (1..=9).contains(&v) {
        if let Some((_, k, tens)) = w
            .adjacent(j)
            .then(|| w.longest(j, &ORDINAL_TENS, BARE))
            .flatten()
        {
            return Some((v + tens, s, k));
        }
    }
    (!t.ends_with("الحادي")).then_some((v, s, j))
}

#[derive(Clone, Copy)]
enum MonthRef {
    Named(u8),
    /// Months from the publication month ("من الشهر الماضي").
    Relative(i32),
}

fn month_ref(w: &Words, i: usize) -> Option<(MonthRef, usize)> {
    if let Some((_, k, (m, _))) = month_name(w, i, BARE) {
        return Some((MonthRef::Named(m), k));
    }
    let (_, k, off) = w.longest(i, &MONTH_PERIODS, BARE)?;
    Some((MonthRef::Relative(off), k))
}

/// A month name, with an equivalent name of another series after "/" ("شباط/فبراير").
fn month_name(w: &Words, i: usize, procs: &[&str]) -> Option<(usize, usize, (u8, bool))> {
    let (s, k, (m, strict)) = w.longest(i, &MONTHS, procs)?;
    let slash = w.joined(k, "/-") && w.gap(k).contains(['/', '-']);
    let alternate = w.longest(k, &MONTHS, BARE).filter(|a| slash && a.2 .0 == m);
    Some((s, alternate.map_or(k, |a| a.1), (m, strict)))
}

/// Year after a month: a number ("2024", "عام 2024", "من عام 2024", "، 2025" as pages print
/// their day) or a relative word ("الماضي", "من العام الماضي").
fn year_part(w: &Words, k: usize) -> Option<(YearSpec, usize)> {
    if !w.adjacent(k) {
        let comma = w.joined(k, ",،");
        return comma
            .then(|| year_number(w, k))
            .flatten()
            .map(|y| (YearSpec::Explicit(y), k + 1));
    }
    let relative = w
        .longest(k, &MONTH_SUFFIXES, BARE)
        .map(|(_, j, spec)| (spec, j));
    let mut j = k;
    if w.word(j) == "من" && w.adjacent(j + 1) {
        j += 1;
    }
    if YEAR_WORDS.contains(&w.word(j)) && w.adjacent(j + 1) {
        j += 1;
    }
    let explicit = year_number(w, j).map(|y| (YearSpec::Explicit(y), j + 1));
    match (relative, explicit) {
        (Some(r), Some(e)) => Some(if e.1 > r.1 { e } else { r }),
        (r, e) => r.or(e),
    }
}

/// A four-digit year at word `i` ("2024", "2024م"), not part of a numeric chain and not
/// a Hijri year.
fn year_number(w: &Words, i: usize) -> Option<i32> {
    let t = w.word(i);
    let digits = t.strip_suffix('م').unwrap_or(t);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let after = &w.text[w.start(i) + 4..];
    let chained = after.starts_with(['-', '/', '.', ':'])
        && after[1..].starts_with(|c: char| c.is_ascii_digit());
    if chained || glued_before(w.text, w.start(i)) || w.next_is(i + 1, HIJRI) {
        return None;
    }
    digits.parse().ok()
}

/// "شهر شباط", "فبراير 2024", "شباط الماضي", "في يناير".
fn month(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let shahr = w.clitic(i, "شهر", PREP).filter(|_| w.adjacent(i + 1));
    let j = if shahr.is_some() { i + 1 } else { i };
    let (s, k, (m, strict)) = month_name(w, j, if shahr.is_some() { BARE } else { CONJ })?;
    let suffix = year_part(w, k);
    let context = j > 0
        && w.adjacent(j)
        && MONTH_CONTEXT
            .iter()
            .any(|c| w.clitic(j - 1, c, CONJ).is_some());
    if shahr.is_none() && suffix.is_none() && (strict || !context) {
        return None;
    }
    let (spec, k) = suffix.unwrap_or((YearSpec::Nearest, k));
    let span = year_for(spec, m, 1, cx.published).and_then(|y| month_days(y, m));
    let start = shahr.unwrap_or(s);
    let year_said = matches!(spec, YearSpec::Explicit(_));
    let f = found(cx, start, k, span, Precision::Month, DateKind::Month);
    Some(reckoned_if(!year_said, f))
}

/// "عام 2021", "سنه 2021", "العام 2020", "2024م".
fn year(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let word = YEAR_WORDS.iter().find_map(|y| w.clitic(i, y, PREP));
    let (start, j) = match word {
        Some(s) if w.adjacent(i + 1) => (s, i + 1),
        _ if w.word(i).ends_with('م') => (w.start(i), i),
        _ => return None,
    };
    let y = year_number(w, j)?;
    Some(found(
        cx,
        start,
        j + 1,
        year_days(y),
        Precision::Year,
        DateKind::Year,
    ))
}

/// "الشهر الماضي", "العام الماضي", "هذا الشهر" …
fn period(cx: &Cx, i: usize) -> Option<Found> {
    let (w, published) = (&cx.w, cx.published);
    if let Some((s, k, off)) = w.longest(i, &MONTH_PERIODS, PREP) {
        let span = published
            .and_then(|p| shift_month(p, off))
            .and_then(|(y, m)| month_days(y, m));
        let f = found(cx, s, k, span, Precision::Month, DateKind::Month);
        return Some(reckoned_if(true, f));
    }
    let (s, k, off) = w.longest(i, &YEAR_PERIODS, PREP)?;
    let span = published
        .and_then(|p| p.year.checked_add(off))
        .and_then(year_days);
    let f = found(cx, s, k, span, Precision::Year, DateKind::Year);
    Some(reckoned_if(true, f))
}

/// "امس", "مساء امس", "اول امس الخميس", "فجر اليوم", "اليوم الاثنين", "الليله الماضيه".
fn relative(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let p = prefix(w, i);
    if p.any && !w.adjacent(p.next) {
        return None;
    }
    let (s, k, (a, b)) = w.longest(p.next, &RELATIVE, if p.any { BARE } else { CONJ })?;
    if (a, b) == (0, 0) && !is_today(w, p.next, k, p.any) {
        return None;
    }
    let weekday = w
        .adjacent(k)
        .then(|| w.longest(k, &WEEKDAYS, BARE))
        .flatten();
    let k = weekday.map_or(k, |x| x.1);
    let weekday = weekday.map(|x| x.2);
    let start = if p.any { p.start } else { s };
    if let Some((date, next)) = named_after(cx, k) {
        let span = date.first.zip(date.last);
        let f = found(cx, start, next, span, Precision::Day, DateKind::Absolute);
        return Some(naming(weekday, reckoned_if(date.reckoned, f)));
    }
    let span = cx.published.map(|d| (d.add_days(a), d.add_days(b)));
    let f = found(cx, start, k, span, Precision::Day, DateKind::Relative);
    Some(naming(weekday, reckoned_if(true, f)))
}

/// The date a relative day names right after it ("اليوم الاحد 20 ابريل 2025", "امس
/// الخميس، الموافق 5 شباط 2024") when it resolves: the text's own day, which holds without
/// a publication day and over one that the article was published a day after.
fn named_after(cx: &Cx, k: usize) -> Option<Found> {
    let w = &cx.w;
    if !w.joined(k, ",،") {
        return None;
    }
    let k = if w.word(k) == "الموافق" {
        k + 1
    } else {
        k
    };
    if !w.adjacent(k) {
        return None;
    }
    absolute(cx, k).filter(|(date, _)| date.first.is_some())
}

/// Whether "اليوم" at word `i` (next word `k`) means "today".
fn is_today(w: &Words, i: usize, k: usize, prefixed: bool) -> bool {
    let after = if w.adjacent(k) { w.word(k) } else { "" };
    if NOT_TODAY_AFTER.contains(&after) {
        return false;
    }
    prefixed || !(i > 0 && w.adjacent(i) && NOT_TODAY_BEFORE.contains(&w.word(i - 1)))
}

/// "الخميس", "يوم الخميس", "مساء الخميس الماضي", "بعد منتصف ليل الخميس".
fn weekday(cx: &Cx, i: usize) -> Option<Found> {
    let w = &cx.w;
    let p = prefix(w, i);
    if p.any && !w.adjacent(p.next) {
        return None;
    }
    let (s, k, wd) = w.longest(p.next, &WEEKDAYS, if p.any { BARE } else { PREP })?;
    if !p.any && blocked(w, p.next, k, wd) {
        return None;
    }
    let (dir, k) = direction(w, k);
    let span = cx.published.map(|d| {
        let day = weekday_day(d, wd, dir);
        (day, day.add_days(i64::from(p.midnight)))
    });
    let start = if p.any { p.start } else { s };
    let f = found(cx, start, k, span, Precision::Day, DateKind::Weekday);
    Some(naming(Some(wd), reckoned_if(true, f)))
}

/// "ليل الخميس الجمعه", "ليله الخميس علي الجمعه", "بين الخميس والجمعه",
/// "بعد منتصف ليل الخميس وفجر الجمعه", "من الاحد الي الخميس".
fn weekday_range(cx: &Cx, i: usize) -> Option<Found> {
    static OPENERS: Table<()> = Table::new(&[("بين", ()), ("ما بين", ()), ("من", ())]);
    let w = &cx.w;
    let opener = w.longest(i, &OPENERS, PREP);
    let j = match opener {
        Some((_, j, ())) if w.adjacent(j) => j,
        Some(_) => return None,
        None => i,
    };
    let (s, k, wd1) = weekday_part(w, j)?;
    let (_, k, wd2) = weekday_part(w, connector(w, k)?)?;
    if wd1 == wd2 {
        return None;
    }
    let (dir, k) = direction(w, k);
    let span = cx.published.map(|d| range_days(d, wd1, wd2, dir));
    let start = opener.map_or(s, |o| o.0);
    let f = found(cx, start, k, span, Precision::Day, DateKind::Weekday);
    Some(reckoned_if(true, f))
}

/// A weekday with an optional time-of-day prefix: (start, next, weekday).
fn weekday_part(w: &Words, i: usize) -> Option<(usize, usize, u8)> {
    let p = prefix(w, i);
    if p.any && !w.adjacent(p.next) {
        return None;
    }
    let (s, k, wd) = w.longest(p.next, &WEEKDAYS, if p.any { BARE } else { CONJ })?;
    Some((if p.any { p.start } else { s }, k, wd))
}

/// Where the second weekday of a range starts after the first ends before word `k`.
fn connector(w: &Words, k: usize) -> Option<usize> {
    const WORDS: &[&str] = &["و", "علي", "الي", "حتي", "والي", "وحتي"];
    if !w.joined(k, "/-") {
        return None;
    }
    if w.gap(k).contains(['/', '-']) {
        return Some(k);
    }
    if WORDS.contains(&w.word(k)) {
        return w.adjacent(k + 1).then_some(k + 1);
    }
    Some(k)
}

fn blocked(w: &Words, i: usize, k: usize, wd: u8) -> bool {
    WEEKDAY_BLOCKERS
        .iter()
        .filter(|b| b.0 == wd)
        .any(|&(_, before, after)| {
            let prev =
                i > 0 && w.adjacent(i) && before.iter().any(|b| w.clitic(i - 1, b, PREP).is_some());
            prev || w.next_is(k, after)
        })
}

fn direction(w: &Words, k: usize) -> (Dir, usize) {
    match w
        .adjacent(k)
        .then(|| w.longest(k, &DIRECTIONS, BARE))
        .flatten()
    {
        Some((_, j, dir)) => (dir, j),
        None => (Dir::Recent, k),
    }
}

/// A time of day and/or "يوم" before a day expression.
struct Prefix {
    start: usize,
    next: usize,
    any: bool,
    midnight: bool,
}

fn prefix(w: &Words, i: usize) -> Prefix {
    let mut p = Prefix {
        start: w.start(i),
        next: i,
        any: false,
        midnight: false,
    };
    if let Some((start, next, midnight)) = w.longest(i, &TIMES, CONJ) {
        p = Prefix {
            start,
            next,
            any: true,
            midnight,
        };
    }
    let day_word = if p.any {
        w.adjacent(p.next)
            .then(|| w.clitic(p.next, "يوم", BARE))
            .flatten()
    } else {
        w.clitic(p.next, "يوم", CONJ)
    };
    if let Some(s) = day_word {
        if !p.any {
            p.start = s;
        }
        p.next += 1;
        p.any = true;
    }
    p
}

// ---------------------------------------------------------------------------------------
// Resolution

/// The day of weekday `wd` nearest to `published` in direction `dir`.
fn weekday_day(published: Day, wd: u8, dir: Dir) -> Day {
    let today = i64::from(published.weekday());
    let back = (today - i64::from(wd)).rem_euclid(7);
    match dir {
        Dir::Recent => published.add_days(-back),
        Dir::Past => published.add_days(-(if back == 0 { 7 } else { back })),
        Dir::Next => {
            let ahead = (i64::from(wd) - today).rem_euclid(7);
            published.add_days(if ahead == 0 { 7 } else { ahead })
        }
    }
}

/// Weekdays `wd1` to `wd2`: anchored on the first day, unless that makes the range end
/// after the day following publication; then anchored on the last.
fn range_days(published: Day, wd1: u8, wd2: u8, dir: Dir) -> (Day, Day) {
    let length = (i64::from(wd2) - i64::from(wd1)).rem_euclid(7);
    let first = weekday_day(published, wd1, dir);
    if dir == Dir::Next || first.add_days(length) <= published.add_days(1) {
        return (first, first.add_days(length));
    }
    let last = weekday_day(published, wd2, dir);
    (last.add_days(-length), last)
}

/// Year of `month` (with day `day`, 1 for a whole month) as `spec` gives it.
fn year_for(spec: YearSpec, month: u8, day: u8, published: Option<Day>) -> Option<i32> {
    let p = match (spec, published) {
        (YearSpec::Explicit(y), _) => return Some(y),
        (_, p) => p?,
    };
    match spec {
        YearSpec::Explicit(y) => Some(y),
        YearSpec::Offset(k) => p.year.checked_add(k),
        YearSpec::Past if month < p.month => Some(p.year),
        YearSpec::Past => p.year.checked_sub(1),
        YearSpec::Next if month > p.month => Some(p.year),
        YearSpec::Next => p.year.checked_add(1),
        YearSpec::Nearest => {
            let limit = p.add_days(GRACE_DAYS);
            let top = p.year.saturating_add(1);
            (0..=9)
                .filter_map(|k| top.checked_sub(k))
                .find(|&y| Day::new(y, month, day).is_some_and(|d| d <= limit))
        }
    }
}

/// The month `offset` months from the publication month.
fn shift_month(published: Day, offset: i32) -> Option<(i32, u8)> {
    let index = i64::from(published.year) * 12 + i64::from(published.month) - 1;
    let index = index + i64::from(offset);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    Some((year, index.rem_euclid(12) as u8 + 1))
}

fn month_days(year: i32, month: u8) -> Span {
    Some((
        Day::new(year, month, 1)?,
        Day::new(year, month, last_day_of_month(year, month))?,
    ))
}

fn year_days(year: i32) -> Span {
    Some((Day::new(year, 1, 1)?, Day::new(year, 12, 31)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;
    use DateKind::{Absolute, Month as M, Relative, Weekday as W, Year as Y};
    use Precision::{Day as PD, Month as PM, Year as PY};

    /// (text, [(matched text, first, last, precision, kind)]); "-" for an unknown day.
    type Case = (
        &'static str,
        &'static [(
            &'static str,
            &'static str,
            &'static str,
            Precision,
            DateKind,
        )],
    );

    fn check(published: Option<&str>, cases: &[Case]) {
        let published = published.map(|p| Day::parse_iso(p).unwrap());
        let show = |d: Option<Day>| d.map_or("-".to_string(), |d| d.to_string());
        for &(text, want) in cases {
            let folded = fold(text).text;
            let got: Vec<_> = find_dates(&folded, published)
                .iter()
                .map(|m| {
                    let span = folded[m.start..m.end].to_string();
                    (span, show(m.first), show(m.last), m.precision, m.kind)
                })
                .collect();
            let want: Vec<_> = want
                .iter()
                .map(|&(s, a, b, p, k)| (fold(s).text, a.to_string(), b.to_string(), p, k))
                .collect();
            assert_eq!(got, want, "{text} (published {published:?})");
        }
    }

    // 2024-02-09 is a Friday.
    const FRIDAY: Option<&str> = Some("2024-02-09");

    #[test]
    fn relative_words() {
        check(
            FRIDAY,
            &[
                (
                    "قصفت الطائرات أمس مواقع",
                    &[("أمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "وقع الهجوم اليوم",
                    &[("اليوم", "2024-02-09", "2024-02-09", PD, Relative)],
                ),
                ("وأمس", &[("أمس", "2024-02-08", "2024-02-08", PD, Relative)]),
                (
                    "وبالأمس",
                    &[("بالأمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "البارحة",
                    &[("البارحة", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "أول أمس",
                    &[("أول أمس", "2024-02-07", "2024-02-07", PD, Relative)],
                ),
                (
                    "أول من أمس",
                    &[("أول من أمس", "2024-02-07", "2024-02-07", PD, Relative)],
                ),
                (
                    "أمس الأول",
                    &[("أمس الأول", "2024-02-07", "2024-02-07", PD, Relative)],
                ),
                (
                    "أول أمس الخميس",
                    &[("أول أمس الخميس", "2024-02-07", "2024-02-07", PD, Relative)],
                ),
                (
                    "مساء أمس",
                    &[("مساء أمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "يوم أمس",
                    &[("يوم أمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "مساء يوم أمس",
                    &[("مساء يوم أمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "ليلة أمس",
                    &[("ليلة أمس", "2024-02-08", "2024-02-08", PD, Relative)],
                ),
                (
                    "فجر اليوم",
                    &[("فجر اليوم", "2024-02-09", "2024-02-09", PD, Relative)],
                ),
                (
                    "فجر اليوم الجمعة",
                    &[("فجر اليوم الجمعة", "2024-02-09", "2024-02-09", PD, Relative)],
                ),
                (
                    "الليلة الماضية",
                    &[("الليلة الماضية", "2024-02-08", "2024-02-09", PD, Relative)],
                ),
            ],
        );
    }

    #[test]
    fn today_means_publication_day_even_with_a_weekday() {
        check(
            Some("2024-02-05"),
            &[(
                "أعلن الجيش اليوم الاثنين",
                &[("اليوم الاثنين", "2024-02-05", "2024-02-05", PD, Relative)],
            )],
        );
    }

    #[test]
    fn a_relative_day_takes_the_date_written_after_it() {
        for published in [None, FRIDAY] {
            check(
                published,
                &[
                    (
                        "قصفت الطائرات مساء اليوم الأحد 20 ابريل 2025 مواقع",
                        &[(
                            "مساء اليوم الأحد 20 ابريل 2025",
                            "2025-04-20",
                            "2025-04-20",
                            PD,
                            Absolute,
                        )],
                    ),
                    (
                        "وقع الانفجار أمس الخميس، الموافق 5 شباط 2024",
                        &[(
                            "أمس الخميس، الموافق 5 شباط 2024",
                            "2024-02-05",
                            "2024-02-05",
                            PD,
                            Absolute,
                        )],
                    ),
                    (
                        "اليوم 3 آذار 2023",
                        &[(
                            "اليوم 3 آذار 2023",
                            "2023-03-03",
                            "2023-03-03",
                            PD,
                            Absolute,
                        )],
                    ),
                ],
            );
        }
        // a named day without its year resolves with the publication day alone
        check(
            None,
            &[(
                "اليوم الأحد 20 ابريل",
                &[
                    ("اليوم الأحد", "-", "-", PD, Relative),
                    ("20 ابريل", "-", "-", PD, Absolute),
                ],
            )],
        );
        check(
            FRIDAY,
            &[(
                "اليوم الجمعة 9 شباط",
                &[(
                    "اليوم الجمعة 9 شباط",
                    "2024-02-09",
                    "2024-02-09",
                    PD,
                    Absolute,
                )],
            )],
        );
    }

    #[test]
    fn the_day_is_not_today() {
        check(
            FRIDAY,
            &[
                ("في اليوم التالي", &[]),
                ("اليوم الأول من الحرب", &[]),
                ("في ذلك اليوم", &[]),
                ("في اليوم نفسه", &[]),
                ("اليوم العالمي للطفل", &[]),
                ("أمسية شعرية", &[]),
            ],
        );
    }

    #[test]
    fn weekdays() {
        check(
            FRIDAY,
            &[
                ("الاثنين", &[("الاثنين", "2024-02-05", "2024-02-05", PD, W)]),
                ("الإثنين", &[("الاثنين", "2024-02-05", "2024-02-05", PD, W)]),
                ("الثلاثاء", &[("الثلاثاء", "2024-02-06", "2024-02-06", PD, W)]),
                ("الأربعاء", &[("الاربعاء", "2024-02-07", "2024-02-07", PD, W)]),
                ("الخميس", &[("الخميس", "2024-02-08", "2024-02-08", PD, W)]),
                (
                    "يوم الجمعة",
                    &[("يوم الجمعة", "2024-02-09", "2024-02-09", PD, W)],
                ),
                ("السبت", &[("السبت", "2024-02-03", "2024-02-03", PD, W)]),
                ("الأحد", &[("الاحد", "2024-02-04", "2024-02-04", PD, W)]),
                ("والخميس", &[("الخميس", "2024-02-08", "2024-02-08", PD, W)]),
                ("للخميس", &[("لخميس", "2024-02-08", "2024-02-08", PD, W)]),
                (
                    "مساء الخميس",
                    &[("مساء الخميس", "2024-02-08", "2024-02-08", PD, W)],
                ),
                (
                    "صباح يوم السبت",
                    &[("صباح يوم السبت", "2024-02-03", "2024-02-03", PD, W)],
                ),
                (
                    "الجمعة الماضية",
                    &[("الجمعة الماضية", "2024-02-02", "2024-02-02", PD, W)],
                ),
                (
                    "الخميس الماضي",
                    &[("الخميس الماضي", "2024-02-08", "2024-02-08", PD, W)],
                ),
                (
                    "الجمعة المقبلة",
                    &[("الجمعة المقبلة", "2024-02-16", "2024-02-16", PD, W)],
                ),
                (
                    "بعد منتصف ليل الخميس",
                    &[("بعد منتصف ليل الخميس", "2024-02-08", "2024-02-09", PD, W)],
                ),
            ],
        );
    }

    #[test]
    fn friday_prayer_and_other_senses() {
        check(
            FRIDAY,
            &[
                ("بعد صلاة الجمعة", &[]),
                ("خطبة الجمعة", &[]),
                ("إمام الجمعة", &[]),
                (
                    "قال المتحدث الجمعة إن",
                    &[("الجمعه", "2024-02-09", "2024-02-09", PD, W)],
                ),
                (
                    "خرجوا بعد الجمعة،",
                    &[("الجمعه", "2024-02-09", "2024-02-09", PD, W)],
                ),
                ("الفرق بين الاثنين كبير", &[]),
                ("اللاعبون الأحد عشر", &[]),
            ],
        );
    }

    #[test]
    fn weekday_ranges() {
        check(
            FRIDAY,
            &[
                (
                    "بعد منتصف ليل الخميس وفجر الجمعة",
                    &[(
                        "بعد منتصف ليل الخميس وفجر الجمعة",
                        "2024-02-08",
                        "2024-02-09",
                        PD,
                        W,
                    )],
                ),
                (
                    "ليل الخميس الجمعة",
                    &[("ليل الخميس الجمعة", "2024-02-08", "2024-02-09", PD, W)],
                ),
                (
                    "ليلة الخميس على الجمعة",
                    &[("ليلة الخميس على الجمعة", "2024-02-08", "2024-02-09", PD, W)],
                ),
                (
                    "ليل الخميس/الجمعة",
                    &[("ليل الخميس/الجمعة", "2024-02-08", "2024-02-09", PD, W)],
                ),
                (
                    "بين الخميس والجمعة",
                    &[("بين الخميس والجمعة", "2024-02-08", "2024-02-09", PD, W)],
                ),
                (
                    "من الأحد إلى الخميس",
                    &[("من الاحد الي الخميس", "2024-02-04", "2024-02-08", PD, W)],
                ),
            ],
        );
        // published on the Thursday: the night to Friday still starts that Thursday
        check(
            Some("2024-02-08"),
            &[(
                "ليل الخميس الجمعة",
                &[("ليل الخميس الجمعة", "2024-02-08", "2024-02-09", PD, W)],
            )],
        );
        // published on a Tuesday: a Sunday..Thursday range ending later is last week's
        check(
            Some("2024-02-06"),
            &[(
                "من الأحد إلى الخميس",
                &[("من الاحد الي الخميس", "2024-01-28", "2024-02-01", PD, W)],
            )],
        );
    }

    #[test]
    fn absolute_dates() {
        check(
            FRIDAY,
            &[
                (
                    "الاثنين 5 من شباط",
                    &[("الاثنين 5 من شباط", "2024-02-05", "2024-02-05", PD, Absolute)],
                ),
                (
                    "يوم الخميس، 8 شباط 2024",
                    &[(
                        "يوم الخميس، 8 شباط 2024",
                        "2024-02-08",
                        "2024-02-08",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "الأحد الموافق 4 فبراير",
                    &[(
                        "الاحد الموافق 4 فبراير",
                        "2024-02-04",
                        "2024-02-04",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "في 2 شباط الحالي",
                    &[("2 شباط الحالي", "2024-02-02", "2024-02-02", PD, Absolute)],
                ),
                (
                    "30 من كانون الثاني الماضي",
                    &[(
                        "30 من كانون الثاني الماضي",
                        "2024-01-30",
                        "2024-01-30",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "15 أغسطس",
                    &[("15 اغسطس", "2023-08-15", "2023-08-15", PD, Absolute)],
                ),
                (
                    "5 فبراير",
                    &[("5 فبراير", "2024-02-05", "2024-02-05", PD, Absolute)],
                ),
                (
                    "12 فبراير",
                    &[("12 فبراير", "2024-02-12", "2024-02-12", PD, Absolute)],
                ),
                (
                    "20 فبراير",
                    &[("20 فبراير", "2023-02-20", "2023-02-20", PD, Absolute)],
                ),
                (
                    "3 مارس المقبل",
                    &[("3 مارس المقبل", "2024-03-03", "2024-03-03", PD, Absolute)],
                ),
                (
                    "15 آب",
                    &[("15 اب", "2023-08-15", "2023-08-15", PD, Absolute)],
                ),
                (
                    "5 تشرين الأول 2023",
                    &[(
                        "5 تشرين الاول 2023",
                        "2023-10-05",
                        "2023-10-05",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "7 أكتوبر من العام الماضي",
                    &[(
                        "7 اكتوبر من العام الماضي",
                        "2023-10-07",
                        "2023-10-07",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "1 جانفي 2024",
                    &[("1 جانفي 2024", "2024-01-01", "2024-01-01", PD, Absolute)],
                ),
                (
                    "11-يونيو-2024",
                    &[("11-يونيو-2024", "2024-06-11", "2024-06-11", PD, Absolute)],
                ),
                (
                    "11/حزيران/2024",
                    &[("11/حزيران/2024", "2024-06-11", "2024-06-11", PD, Absolute)],
                ),
                (
                    "الجمعة , سبتمبر 20 2024",
                    &[(
                        "الجمعة , سبتمبر 20 2024",
                        "2024-09-20",
                        "2024-09-20",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "سبتمبر 20، 2024",
                    &[("سبتمبر 20، 2024", "2024-09-20", "2024-09-20", PD, Absolute)],
                ),
                // not one date: no year, mixed joints, a month and a count
                ("11-يونيو", &[]),
                ("11-يونيو/2024", &[]),
                ("11-يونيو-2024-5", &[]),
                (
                    "قتل في شباط 20 شخصا",
                    &[("شباط", "2024-02-01", "2024-02-29", PM, M)],
                ),
                (
                    "نشر في 15 سبتمبر، 2025",
                    &[("15 سبتمبر، 2025", "2025-09-15", "2025-09-15", PD, Absolute)],
                ),
                (
                    "14 جويلية 2023",
                    &[("14 جويليه 2023", "2023-07-14", "2023-07-14", PD, Absolute)],
                ),
                (
                    "9 دجنبر من عام 2023",
                    &[(
                        "9 دجنبر من عام 2023",
                        "2023-12-09",
                        "2023-12-09",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "2 غشت 2023م",
                    &[("2 غشت 2023م", "2023-08-02", "2023-08-02", PD, Absolute)],
                ),
                (
                    "5 شباط/فبراير 2024",
                    &[(
                        "5 شباط/فبراير 2024",
                        "2024-02-05",
                        "2024-02-05",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "في الخامس من فبراير",
                    &[("الخامس من فبراير", "2024-02-05", "2024-02-05", PD, Absolute)],
                ),
                (
                    "الحادي والعشرين من أيار 2023",
                    &[(
                        "الحادي والعشرين من ايار 2023",
                        "2023-05-21",
                        "2023-05-21",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "الثاني عشر من آب 2023",
                    &[(
                        "الثاني عشر من اب 2023",
                        "2023-08-12",
                        "2023-08-12",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "يوم 5 من الشهر الجاري",
                    &[(
                        "يوم 5 من الشهر الجاري",
                        "2024-02-05",
                        "2024-02-05",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "29 فبراير 2023",
                    &[("29 فبراير 2023", "-", "-", PD, Absolute)],
                ),
            ],
        );
    }

    #[test]
    fn year_wrap_and_leap_years() {
        let january = Some("2024-01-10");
        check(
            january,
            &[
                (
                    "30 كانون الثاني الماضي",
                    &[(
                        "30 كانون الثاني الماضي",
                        "2023-01-30",
                        "2023-01-30",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "15 ديسمبر الماضي",
                    &[("15 ديسمبر الماضي", "2023-12-15", "2023-12-15", PD, Absolute)],
                ),
                (
                    "28 ديسمبر",
                    &[("28 ديسمبر", "2023-12-28", "2023-12-28", PD, Absolute)],
                ),
                (
                    "في 28 من الشهر الماضي",
                    &[(
                        "28 من الشهر الماضي",
                        "2023-12-28",
                        "2023-12-28",
                        PD,
                        Absolute,
                    )],
                ),
                (
                    "الشهر الماضي",
                    &[("الشهر الماضي", "2023-12-01", "2023-12-31", PM, M)],
                ),
                (
                    "في ديسمبر الماضي",
                    &[("ديسمبر الماضي", "2023-12-01", "2023-12-31", PM, M)],
                ),
                (
                    "في كانون الثاني الماضي",
                    &[("كانون الثاني الماضي", "2023-01-01", "2023-01-31", PM, M)],
                ),
                (
                    "العام الماضي",
                    &[("العام الماضي", "2023-01-01", "2023-12-31", PY, Y)],
                ),
                ("السبت", &[("السبت", "2024-01-06", "2024-01-06", PD, W)]),
            ],
        );
        check(
            Some("2024-01-01"),
            &[("أمس", &[("امس", "2023-12-31", "2023-12-31", PD, Relative)])],
        );
        check(
            Some("2023-12-29"),
            &[(
                "2 يناير",
                &[("2 يناير", "2024-01-02", "2024-01-02", PD, Absolute)],
            )],
        );
        check(
            Some("2025-03-01"),
            &[
                (
                    "29 شباط",
                    &[("29 شباط", "2024-02-29", "2024-02-29", PD, Absolute)],
                ),
                ("أمس", &[("امس", "2025-02-28", "2025-02-28", PD, Relative)]),
                (
                    "شهر شباط",
                    &[("شهر شباط", "2025-02-01", "2025-02-28", PM, M)],
                ),
            ],
        );
        check(
            Some("2024-03-01"),
            &[
                ("أمس", &[("امس", "2024-02-29", "2024-02-29", PD, Relative)]),
                (
                    "الشهر الماضي",
                    &[("الشهر الماضي", "2024-02-01", "2024-02-29", PM, M)],
                ),
            ],
        );
    }

    #[test]
    fn numeric_dates() {
        check(
            None,
            &[
                (
                    "في 2024-02-03 وقع",
                    &[("2024-02-03", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                (
                    "بتاريخ 03/02/2024",
                    &[("03/02/2024", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                (
                    "بتاريخ 3/2/24",
                    &[("3/2/24", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                (
                    "2024/02/03",
                    &[("2024/02/03", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                (
                    "3.2.2024",
                    &[("3.2.2024", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                (
                    "2024-02-03T10:00:00Z",
                    &[("2024-02-03", "2024-02-03", "2024-02-03", PD, Absolute)],
                ),
                ("31/02/2024", &[]),
                ("10:30", &[]),
                ("1/2/3/4", &[]),
                ("2024-02", &[]),
                ("2024-02-03/04", &[]),
            ],
        );
    }

    #[test]
    fn months() {
        check(
            FRIDAY,
            &[
                (
                    "شهر شباط",
                    &[("شهر شباط", "2024-02-01", "2024-02-29", PM, M)],
                ),
                (
                    "خلال شهر آب",
                    &[("شهر اب", "2023-08-01", "2023-08-31", PM, M)],
                ),
                (
                    "فبراير 2024",
                    &[("فبراير 2024", "2024-02-01", "2024-02-29", PM, M)],
                ),
                (
                    "شباط/فبراير 2023",
                    &[("شباط/فبراير 2023", "2023-02-01", "2023-02-28", PM, M)],
                ),
                ("في يناير", &[("يناير", "2024-01-01", "2024-01-31", PM, M)]),
                ("في مارس", &[("مارس", "2023-03-01", "2023-03-31", PM, M)]),
                (
                    "في آب الماضي",
                    &[("اب الماضي", "2023-08-01", "2023-08-31", PM, M)],
                ),
                (
                    "مطلع أيار الماضي",
                    &[("ايار الماضي", "2023-05-01", "2023-05-31", PM, M)],
                ),
                (
                    "الشهر الجاري",
                    &[("الشهر الجاري", "2024-02-01", "2024-02-29", PM, M)],
                ),
                (
                    "خلال الشهر المقبل",
                    &[("الشهر المقبل", "2024-03-01", "2024-03-31", PM, M)],
                ),
                // not dates: a father, a verb, a name without context
                ("قتل أب وابنه", &[]),
                ("في أب", &[]),
                ("مارس الجيش ضغوطا", &[]),
                ("نكسة حزيران", &[]),
                ("كانون", &[]),
                ("تشرين", &[]),
            ],
        );
    }

    #[test]
    fn years() {
        check(
            FRIDAY,
            &[
                (
                    "منذ عام 2021",
                    &[("عام 2021", "2021-01-01", "2021-12-31", PY, Y)],
                ),
                (
                    "في عام 2014",
                    &[("عام 2014", "2014-01-01", "2014-12-31", PY, Y)],
                ),
                (
                    "سنة 2020",
                    &[("سنه 2020", "2020-01-01", "2020-12-31", PY, Y)],
                ),
                (
                    "العام 2019",
                    &[("العام 2019", "2019-01-01", "2019-12-31", PY, Y)],
                ),
                (
                    "للعام 2019",
                    &[("لعام 2019", "2019-01-01", "2019-12-31", PY, Y)],
                ),
                ("في 2024م", &[("2024م", "2024-01-01", "2024-12-31", PY, Y)]),
                (
                    "هذا العام",
                    &[("هذا العام", "2024-01-01", "2024-12-31", PY, Y)],
                ),
                ("عام 1445 هـ", &[]),
                ("عام 2024-2025", &[]),
                ("عام 12345", &[]),
                ("قتل 2024 شخصا", &[]),
            ],
        );
    }

    #[test]
    fn without_publication_day() {
        check(
            None,
            &[
                ("أمس", &[("امس", "-", "-", PD, Relative)]),
                ("مساء الخميس", &[("مساء الخميس", "-", "-", PD, W)]),
                (
                    "ليل الخميس الجمعة",
                    &[("ليل الخميس الجمعة", "-", "-", PD, W)],
                ),
                ("15 أغسطس", &[("15 اغسطس", "-", "-", PD, Absolute)]),
                (
                    "30 يناير الماضي",
                    &[("30 يناير الماضي", "-", "-", PD, Absolute)],
                ),
                ("في يناير", &[("يناير", "-", "-", PM, M)]),
                ("الشهر الماضي", &[("الشهر الماضي", "-", "-", PM, M)]),
                (
                    "5 شباط 2024",
                    &[("5 شباط 2024", "2024-02-05", "2024-02-05", PD, Absolute)],
                ),
                (
                    "فبراير 2024",
                    &[("فبراير 2024", "2024-02-01", "2024-02-29", PM, M)],
                ),
                (
                    "عام 2021",
                    &[("عام 2021", "2021-01-01", "2021-12-31", PY, Y)],
                ),
            ],
        );
    }

    #[test]
    fn weekdays_named_and_days_reckoned() {
        // (text, weekday named, reckoned from the publication day) of the one date found
        let cases = [
            ("قصفت الطائرات يوم الخميس مواقع", Some(3), true),
            ("مساء أمس الأحد", Some(6), true),
            ("اليوم الاثنين", Some(0), true),
            ("الخميس الماضي", Some(3), true),
            ("أمس", None, true),
            ("ليل الخميس الجمعة", None, true),
            ("الخميس 5 شباط", Some(3), true),
            ("الخميس 5 شباط 2024", Some(3), false),
            ("أمس الخميس، الموافق 8 شباط 2024", Some(3), false),
            ("5 شباط 2024", None, false),
            ("2024-02-05", None, false),
            ("في شباط الماضي", None, true),
            ("فبراير 2024", None, false),
            ("الشهر الماضي", None, true),
            ("العام الماضي", None, true),
            ("عام 2021", None, false),
        ];
        for published in [None, FRIDAY.and_then(Day::parse_iso)] {
            for (text, weekday, reckoned) in cases {
                let found = find_dates(&fold(text).text, published);
                assert_eq!(found.len(), 1, "{text}");
                let said = (found[0].weekday, found[0].reckoned);
                assert_eq!(said, (weekday, reckoned), "{text} ({published:?})");
            }
        }
    }

    #[test]
    fn several_mentions_in_order() {
        check(
            FRIDAY,
            &[(
                "قصفت الطائرات أمس الخميس مواقع، بعد هجوم في 28 كانون الثاني الماضي، وفي عام 2021",
                &[
                    ("امس الخميس", "2024-02-08", "2024-02-08", PD, Relative),
                    (
                        "28 كانون الثاني الماضي",
                        "2024-01-28",
                        "2024-01-28",
                        PD,
                        Absolute,
                    ),
                    ("عام 2021", "2021-01-01", "2021-12-31", PY, Y),
                ],
            )],
        );
    }

    #[test]
    fn adversarial_inputs() {
        check(
            FRIDAY,
            &[
                ("", &[]),
                ("5", &[]),
                ("999999999999", &[]),
                ("2024-99-99", &[]),
                ("99 شباط", &[]),
                ("0 شباط", &[]),
                (
                    "abc الخميس 數字",
                    &[("الخميس", "2024-02-08", "2024-02-08", PD, W)],
                ),
                (
                    "أمس\nالخميس",
                    &[
                        ("امس", "2024-02-08", "2024-02-08", PD, Relative),
                        ("الخميس", "2024-02-08", "2024-02-08", PD, W),
                    ],
                ),
                ("يوم", &[]),
                ("بعد منتصف ليل", &[]),
                ("من", &[]),
            ],
        );
        for published in [None, Some(Day::MIN), Some(Day::MAX), Day::new(2024, 2, 29)] {
            let text = fold(
                "أمس اليوم الخميس 5 شباط الماضي 15 آب شهر ماي الشهر المقبل العام الماضي \
                 ليل الجمعة السبت 31/12/9999 عام 9999 من الأحد إلى السبت المقبل 29 فبراير",
            )
            .text;
            for end in 0..=text.len() {
                let Some(prefix) = text.get(..end) else {
                    continue;
                };
                for m in find_dates(prefix, published) {
                    assert!(m.start < m.end && m.end <= prefix.len(), "{m:?}");
                    assert!(prefix.is_char_boundary(m.start) && prefix.is_char_boundary(m.end));
                    assert_eq!(m.first.is_some(), m.last.is_some());
                    assert!(m.first <= m.last);
                }
            }
        }
        let long = "امس ".repeat(5_000) + &"1/".repeat(5_000) + &"ليل الخميس ".repeat(2_000);
        assert_eq!(find_dates(&long, None).len(), 5_000 + 2_000);
    }

    #[test]
    fn every_phrase_holds_a_key_word_of_its_class() {
        let keys: Vec<(&str, DateKey)> = key_words().collect();
        let holds = |phrase: &str, class: DateKey| {
            phrase.split(' ').any(|word| {
                keys.iter()
                    .any(|&(key, c)| c == class && word.ends_with(key))
            })
        };
        let tables: [(&[&str], DateKey); 5] = [
            (
                &MONTHS.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                DateKey::Month,
            ),
            (
                &MONTH_PERIODS
                    .entries
                    .iter()
                    .map(|e| e.0)
                    .collect::<Vec<_>>(),
                DateKey::Month,
            ),
            (
                &WEEKDAYS.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                DateKey::Weekday,
            ),
            (
                &RELATIVE.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                DateKey::Relative,
            ),
            (
                &YEAR_PERIODS.entries.iter().map(|e| e.0).collect::<Vec<_>>(),
                DateKey::Year,
            ),
        ];
        for (phrases, class) in tables {
            for phrase in phrases {
                assert!(holds(phrase, class), "{phrase}");
            }
        }
    }
}
