//! Event mentions in one document: one per reported act and target place, with actors,
//! date, weapons, casualties, claimants and the spans that support them.

use crate::analysis::{Analysis, Span};
use crate::links;
use crate::roles::{assign_roles, Roles};
use rasid_lexicons::{ActorKind, Feature, Hit, Kind, MarkerKind, Pos, Trigger};
use rasid_text::dates::DateMention;
use rasid_text::numbers::Count;
use rasid_text::Day;
use serde::{de, Deserialize, Deserializer, Serialize};
use std::ops::Range;

/// How many sentences on a date said for one act still applies to the acts told next.
const DATE_SENTENCES: usize = 3;

/// How far from its trigger (in words) a place may stand and still be where the act was.
const PLACE_WORDS: usize = 30;

/// A reference to an actor entry, through adjectives and persons to the force they name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorMention {
    pub actor: u32,
    pub span: Span,
}

/// A place named in the text, with every gazetteer entry of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMention {
    pub candidates: Vec<u32>,
    pub span: Span,
    /// Named as the reference of a nearby location ("ريف دير الزور", "قرب الحسكة").
    pub near: bool,
    /// Places named with it as context ("في أربيل" after حرير).
    pub context: Vec<u32>,
    /// The first place of `context`: where it is named, and how many of the first entries
    /// of `context` are its candidates.
    pub named_in: Option<(Span, usize)>,
    /// Country named by an adjective right after it ("زمار العراقية").
    pub country_hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountMention {
    pub min: u32,
    pub max: u32,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateValue {
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// One of [`DATE_PRECISIONS`].
    #[serde(deserialize_with = "date_precision")]
    pub precision: Name,
    pub span: Option<Span>,
    /// The weekday said of a day that is not known ("الخميس", "امس الاحد" in a document
    /// without a publication day), 0 = Monday … 6 = Sunday: two acts told on different
    /// weekdays are different acts even when neither has a calendar day. `None` when the
    /// day is known, or no single weekday was said. Absent from JSON when `None` (and from
    /// mentions stored before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<u8>,
}

/// A name from a fixed list. The alias keeps serde from treating the field as borrowed
/// from the input (which would tie deserialising to `'static` input).
pub type Name = &'static str;

/// The precisions a date can have, finest first.
pub const DATE_PRECISIONS: [&str; 5] = ["day", "range", "month", "year", "unknown"];

/// Deserialises a [`Name`]: one of `names`, else an error saying it is an unknown `what`.
pub fn name_from<'de, D: Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
    what: &str,
) -> Result<Name, D::Error> {
    let name = String::deserialize(d)?;
    names
        .iter()
        .find(|n| **n == name)
        .copied()
        .ok_or_else(|| de::Error::custom(format!("unknown {what} {name:?}")))
}

fn date_precision<'de, D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
    name_from(d, &DATE_PRECISIONS, "date precision")
}

impl DateValue {
    pub const UNKNOWN: DateValue = DateValue {
        first: None,
        last: None,
        precision: "unknown",
        span: None,
        weekday: None,
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub event_type: String,
    pub sub_event_type: String,
    pub trigger: Span,
    pub actor1: Option<ActorMention>,
    pub actor2: Option<ActorMention>,
    pub place: Option<PlaceMention>,
    pub date: DateValue,
    /// Whether `date` was reckoned from the publication day (a relative day, a weekday, a
    /// date without its year, or the days of publication when no date was said).
    pub date_reckoned: bool,
    pub weapons: Vec<(String, Span)>,
    pub fatalities: Option<CountMention>,
    pub injured: Option<CountMention>,
    pub claimants: Vec<ActorMention>,
    /// Indices of the mentions (of the same document) this one answers.
    pub responds_to: Vec<usize>,
    /// Told as an earlier act (background, or the act being answered).
    pub background: bool,
    pub sentence: usize,
}

/// A piece of a sentence that may report one act.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clause {
    pub(crate) span: Span,
    /// The act being answered by another clause of the sentence.
    pub(crate) answered: bool,
    /// Index of the clause answering this one, or answered by this one.
    pub(crate) partner: Option<usize>,
    /// Answers the last act told before this sentence (وردا على ذلك).
    answers_previous: bool,
    /// Told as an earlier act ("بعد العملية التي نفذتها…").
    background: bool,
    /// Where to look for the actor when the clause names none ("ردت على X بـ Y": the one
    /// that answered).
    actor_source: Option<Span>,
    /// For an answered clause: where the word presenting the response begins (رداً على،
    /// الرد), which a threat or a denial before it makes a response not given.
    pub(crate) response_word: Option<usize>,
}

impl Clause {
    fn new(span: Span) -> Self {
        Clause {
            span,
            answered: false,
            partner: None,
            answers_previous: false,
            background: false,
            actor_source: None,
            response_word: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// رداً على: what follows is answered; `anaphoric` when it is "ذلك" (told before);
    /// `word`: where the word presenting the response begins.
    Response { anaphoric: bool, word: usize },
    /// بالتزامن مع، فيما، or a comma before a new statement or act.
    Clause,
    /// بعد، عقب before a trigger: an earlier act follows.
    After,
}
/// Every event mention of the analysed document, in text order.
pub fn find_mentions(a: &Analysis) -> Vec<Mention> {
    let mut mentions: Vec<Mention> = Vec::new();
    // whether each mention is the act answered by another clause
    let mut answered: Vec<bool> = Vec::new();
    for (si, &sentence) in a.sentences.iter().enumerate() {
        let clauses = split_clauses(a, sentence);
        // the mentions of each clause: they are told one clause after the other (an empty
        // range still says where the clause stands)
        let mut clause_mentions: Vec<Range<usize>> = vec![0..0; clauses.len()];
        let mut previous_roles: Option<Roles> = None;
        for (ci, clause) in clauses.iter().enumerate() {
            clause_mentions[ci] = mentions.len()..mentions.len();
            let Some(head) = head_trigger(a, clause.span) else {
                continue;
            };
            if blocked(a, clause, sentence, head) {
                continue;
            }
            let first = mentions.len();

            let dated = mentions
                .iter()
                .rev()
                .take_while(|m| si - m.sentence <= DATE_SENTENCES)
                .find(|m| !m.background && m.date.span.is_some())
                .map(|m| (m.date, m.date_reckoned));
            let outcome = mentions_of_clause(
                a,
                si,
                sentence,
                clause,
                head,
                Context {
                    previous: previous_roles.as_ref(),
                    recent: mentions.last(),
                    dated,
                },
            );
            let found = match outcome {
                ClauseOutcome::Acts(found) => found,
                more => {
                    enrich_last(a, &mut mentions, more);
                    Vec::new()
                }
            };
            mentions.extend(found);
            if mentions.len() > first {
                previous_roles = Some(Roles {
                    actor1: mentions[first].actor1,
                    actor2: mentions[first].actor2,
                    claimants: Vec::new(),
                });
            }
            clause_mentions[ci] = first..mentions.len();
            answered.resize(mentions.len(), clause.answered);
            if clause.answers_previous && first > 0 {
                let previous = previous_act(&mentions[..first], si);
                for m in &mut mentions[first..] {
                    m.responds_to.extend(previous.iter().copied());
                }
            }
        }
        links::link_responses(
            a,
            sentence,
            &clauses,
            &clause_mentions,
            &mut mentions,
            &answered,
        );
    }
    links::one_telling_of_each_answered_act(a, &mut mentions, &answered);
    mentions
}

/// The mentions of the last sentence before `sentence` that told an act: its current acts,
/// or when it told only an earlier one ("وكان مسلحون قد هاجموا…"), that one.
fn previous_act(before: &[Mention], sentence: usize) -> Vec<usize> {
    let Some(last) = before.iter().rev().find(|m| m.sentence < sentence) else {
        return Vec::new();
    };
    let told: Vec<usize> = (0..before.len())
        .filter(|&i| before[i].sentence == last.sentence)
        .collect();
    let current: Vec<usize> = told
        .iter()
        .copied()
        .filter(|&i| !before[i].background)
        .collect();
    if current.is_empty() {
        told
    } else {
        current
    }
}

/// Splits a sentence into clauses: at response markers (the part after "رداً على" is the
/// act answered), clause markers (بالتزامن مع، فيما…), "بعد" before a trigger (an earlier
/// act), and commas before a new statement or act.
fn split_clauses(a: &Analysis, sentence: Span) -> Vec<Clause> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut start = sentence.start;
    // the clause answering the next one, and where its response word begins
    let mut answered_by: Option<(usize, usize)> = None;
    let mut next_background = false;
    for (at, end, kind) in boundaries(a, sentence) {
        if at < start {
            continue;
        }
        let mut clause = Clause::new(Span { start, end: at });
        clause.background = next_background;
        next_background = kind == Boundary::After;
        if let Some((responder, word)) = answered_by.take() {
            clause.answered = true;
            clause.partner = Some(responder);
            clause.response_word = Some(word);
        }
        let index = clauses.len();
        clauses.push(clause);
        match kind {
            Boundary::Response {
                anaphoric: true, ..
            } => {
                let mut next = Clause::new(Span { start: end, end });
                next.answers_previous = true;
                clauses.push(next);
            }
            Boundary::Response {
                anaphoric: false,
                word,
            } => answered_by = Some((index, word)),
            _ => {}
        }
        start = end;
    }
    let mut last = Clause::new(Span {
        start,
        end: sentence.end,
    });
    last.background = next_background;
    if let Some((responder, word)) = answered_by {
        last.answered = true;
        last.partner = Some(responder);
        last.response_word = Some(word);
    }
    clauses.push(last);
    answered_by_the_next_clause(a, &mut clauses);
    // an empty "answers previous" clause passes its role on to the clause after it
    for i in 0..clauses.len().saturating_sub(1) {
        if clauses[i].answers_previous && clauses[i].span.start == clauses[i].span.end {
            clauses[i + 1].answers_previous = true;
        }
    }
    // "قصفت الطائرات … رداً على ذلك.": when no act follows the response, the act before it
    // is the one that answers
    for i in 1..clauses.len() {
        let tells_no_act = a.hits_in(clauses[i].span, Kind::Trigger).next().is_none();
        if clauses[i].answers_previous && tells_no_act {
            let before = (0..i)
                .rev()
                .find(|&j| clauses[j].span.end > clauses[j].span.start);
            if let Some(j) = before.filter(|&j| !clauses[j].answered) {
                clauses[j].answers_previous = true;
            }
        }
    }
    split_answer_by_means(a, &mut clauses);
    for i in 0..clauses.len() {
        if let (true, Some(p)) = (clauses[i].answered, clauses[i].partner) {
            if clauses[p].partner.is_none() {
                clauses[p].partner = Some(i);
            }
        }
    }
    // drop empty clauses, keeping partner indices right (most sentences have none)
    if clauses.iter().all(|c| c.span.end > c.span.start) {
        return clauses;
    }
    let keep: Vec<bool> = clauses.iter().map(|c| c.span.end > c.span.start).collect();
    let new_index: Vec<Option<usize>> = keep
        .iter()
        .scan(0, |n, &k| {
            let i = k.then_some(*n);
            *n += k as usize;
            Some(i)
        })
        .collect();
    clauses
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(mut c, _)| {
            c.partner = c.partner.and_then(|p| new_index[p]);
            c
        })
        .collect()
}

/// "رداً على الهجوم على التنف، قصفت طائرات…": a response that opens the sentence (nothing
/// told before it) is given by the clause after the act it names.
fn answered_by_the_next_clause(a: &Analysis, clauses: &mut [Clause]) {
    for i in 0..clauses.len().saturating_sub(1) {
        let Some(p) = clauses[i].partner.filter(|_| clauses[i].answered) else {
            continue;
        };
        let says_nothing = a.words_between(clauses[p].span.start, clauses[p].span.end) == 0;
        if says_nothing && !clauses[i + 1].answered {
            clauses[i].partner = Some(i + 1);
        }
    }
}

/// Clause boundaries of a sentence: (start, end, kind), in order.
fn boundaries(a: &Analysis, sentence: Span) -> Vec<(usize, usize, Boundary)> {
    let mut out = Vec::new();
    for h in a.hits_in(sentence, Kind::Marker) {
        let at = h.start - h.proclitic as usize;
        match a.lex.markers[h.entry as usize].kind {
            MarkerKind::Response => {
                let anaphoric = a.marker_after(sentence, h.end, MarkerKind::Demonstrative, 0);
                out.push((
                    at,
                    h.end,
                    Boundary::Response {
                        anaphoric,
                        word: at,
                    },
                ));
            }
            MarkerKind::Clause => out.push((at, h.end, Boundary::Clause)),
            MarkerKind::After if trigger_at(a, sentence, h.end, 1) => {
                let kind = match response_noun_before(a, sentence, at) {
                    Some(word) => Boundary::Response {
                        anaphoric: false,
                        word,
                    },
                    None => Boundary::After,
                };
                out.push((at, h.end, kind))
            }
            _ => {}
        }
    }
    // "، وقال …", "، واستهدفت …": a comma before a new statement or act
    for (at, after) in commas(a.text(), sentence) {
        let statement = a
            .markers_in(sentence, MarkerKind::Attribution)
            .any(|m| m.start >= after && a.words_between(after, m.start) == 0);
        if statement || trigger_at(a, sentence, after, 2) {
            out.push((at, after, Boundary::Clause));
        }
    }
    out.sort_by_key(|b| b.0);
    out
}

/// How far (in words) a response noun may stand before the بعد that names the act answered
/// ("الرد العسكري الذي وعد به الرئيس … بعد العملية").
const RESPONSE_NOUN_WORDS: usize = 8;

/// Where a response noun (الرد، ردها) begins shortly before `pos` in the same phrase: an
/// act after بعد or عقب there is the act answered, not only an earlier one.
fn response_noun_before(a: &Analysis, sentence: Span, pos: usize) -> Option<usize> {
    a.markers_in(sentence, MarkerKind::ResponseNoun)
        .filter(|m| {
            m.end <= pos
                && a.words_between(m.end, pos) <= RESPONSE_NOUN_WORDS
                && !a.text()[m.end..pos].contains(CLAUSE_MARKS)
        })
        .last()
        .map(|m| m.start - m.proclitic as usize)
}

/// The commas of `span` (',' and '،'), as byte ranges, found by their last byte (D8 8C for
/// '،').
fn commas(text: &str, span: Span) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b',', 0x8C, &bytes[span.start..span.end]).filter_map(move |k| {
        let at = span.start + k;
        match bytes[at] {
            b',' => Some((at, at + 1)),
            _ if at > 0 && bytes[at - 1] == 0xD8 => Some((at - 1, at + 1)),
            _ => None,
        }
    })
}

/// Whether a trigger of at least `strength` begins the next word after `pos`.
fn trigger_at(a: &Analysis, sentence: Span, pos: usize, strength: u8) -> bool {
    a.hits_in(sentence, Kind::Trigger).any(|t| {
        t.start >= pos
            && a.words_between(pos, t.start) == 0
            && a.lex.triggers[t.entry as usize].strength >= strength
    })
}

/// "ردت على الغارات باستهداف القواعد": in an answered clause, a trigger with بـ after the
/// first trigger starts the answer itself, whose actor is the one before the response.
fn split_answer_by_means(a: &Analysis, clauses: &mut Vec<Clause>) {
    let mut i = 0;
    while i < clauses.len() {
        let c = clauses[i];
        if c.answered {
            let mut triggers = a.hits_in(c.span, Kind::Trigger);
            let first = triggers.next().map(|t| t.end);
            let by_means = triggers.find(|t| {
                let at = t.start - t.proclitic as usize;
                a.text()[at..t.start].ends_with('ب') && first.is_some_and(|f| at >= f)
            });
            if let Some(t) = by_means {
                let at = t.start - t.proclitic as usize;
                clauses[i].span.end = at;
                let mut answer = Clause::new(Span {
                    start: at,
                    end: c.span.end,
                });
                answer.partner = Some(i);
                answer.actor_source = c.partner.map(|p| clauses[p].span);
                clauses.insert(i + 1, answer);
                // indices after the insertion point move by one
                for (j, other) in clauses.iter_mut().enumerate() {
                    if j != i + 1 {
                        if let Some(p) = other.partner.as_mut() {
                            if *p > i {
                                *p += 1;
                            }
                        }
                    }
                }
            }
        }
        i += 1;
    }
}

/// The trigger that decides the clause's act: an unambiguous one first, then the strongest.
fn head_trigger<'a>(a: &'a Analysis, clause: Span) -> Option<&'a Hit> {
    let trigger = |h: &Hit| &a.lex.triggers[h.entry as usize];
    let has_weapon = a.hits_in(clause, Kind::Weapon).next().is_some();
    let has_casualties = a.markers_in(clause, MarkerKind::Killed).next().is_some()
        || a.markers_in(clause, MarkerKind::Injured).next().is_some();
    let qualifying = || {
        a.hits_in(clause, Kind::Trigger)
            .filter(move |h| trigger(h).strength >= 2 || has_weapon || has_casualties)
    };
    let fixed = qualifying().find(|h| trigger(h).fixed && trigger(h).strength >= 2);
    fixed.or_else(|| qualifying().max_by_key(|h| (trigger(h).strength, std::cmp::Reverse(h.start))))
}

/// Threats, negations, hypotheses and aggregate statistics report no act.
fn blocked(a: &Analysis, clause: &Clause, sentence: Span, head: &Hit) -> bool {
    let at = head.start - head.proclitic as usize;
    // a threat before the response word is about the response ("توعدت بالرد على الهجوم",
    // "الرد الذي توعدت به بعد الهجوم"), not about the act answered
    let scope = match clause.answered {
        true => clause.span,
        false => Span {
            start: sentence.start,
            end: clause.span.end,
        },
    };
    let clause = clause.span;
    if a.marker_before(scope, at, MarkerKind::Threat, 4)
        || negated(a, clause, at)
        || a.marker_before(clause, at, MarkerKind::Hypothetical, 4)
    {
        return true;
    }
    // "هذا الهجوم": a demonstrative points back to an act already told
    if a.text()[head.start..].starts_with("ال")
        && a.marker_before(clause, at, MarkerKind::Demonstrative, 0)
    {
        return true;
    }
    // a future verb: سـ before an imperfect trigger
    let word = &a.text()[at..head.end];
    if word.starts_with("سي") || word.starts_with("ست") || word.starts_with("سن") {
        return true;
    }
    // "78 هجوما", "291 عملية": counted acts are a statistic
    let counted = a.counts_starting_in(clause.start, at).iter().any(|c| {
        c.min >= 5 && c.end <= at && a.words_between(c.end, at) == 0 && !a.in_date(c.start, c.end)
    });
    if counted {
        return true;
    }
    // "منذ 2021", "معظم الاستهدافات" with no place finer than a country
    let since = a.markers_in(clause, MarkerKind::Aggregate).next().is_some();
    since && !clause_has_local_place(a, clause)
}

/// A negation within five words before the trigger, with no other act told between.
fn negated(a: &Analysis, clause: Span, at: usize) -> bool {
    a.nearest_marker_before(clause, at, MarkerKind::Negation, 5)
        .is_some_and(|m| {
            !a.hits_in(
                Span {
                    start: m.end,
                    end: at,
                },
                Kind::Trigger,
            )
            .any(|t| a.lex.triggers[t.entry as usize].strength >= 2)
        })
}

fn clause_has_local_place(a: &Analysis, clause: Span) -> bool {
    a.hits_in(clause, Kind::Place).any(|h| {
        let p = &a.lex.places[h.entry as usize];
        !matches!(p.feature, Feature::Country)
    })
}

/// What the document told before a clause, which the clause may lean on.
struct Context<'m> {
    /// Roles of the previous clause of the sentence.
    previous: Option<&'m Roles>,
    /// The last mention of the document.
    recent: Option<&'m Mention>,
    /// The date said for the last dated act, a few sentences back at most, and whether it
    /// was reckoned from the publication day.
    dated: Option<(DateValue, bool)>,
}

/// What a clause told: new acts, or more about an act already told.
enum ClauseOutcome {
    Acts(Vec<Mention>),
    /// "وأسفر القصف عن مقتل…", "وتبنت المقاومة الهجوم": casualties and claims of an act
    /// told before.
    More {
        fatalities: Option<CountMention>,
        injured: Option<CountMention>,
        claimed_by: Option<ActorMention>,
    },
}

fn mentions_of_clause(
    a: &Analysis,
    si: usize,
    sentence: Span,
    clause: &Clause,
    head: &Hit,
    context: Context,
) -> ClauseOutcome {
    let Context {
        previous,
        recent,
        dated,
    } = context;
    let span = clause.span;
    let trigger = &a.lex.triggers[head.entry as usize];
    let weapons = weapons_of(a, span, trigger, head);
    let typing = if weapons.iter().any(|(_, s)| *s != Span::of(head)) {
        weapons.clone()
    } else {
        weapons_of(a, sentence, trigger, head)
    };
    let definite = a.text()[head.start..].starts_with("ال");
    let same_place_as = |m: &Mention| {
        let here: Vec<u32> = a.hits_in(span, Kind::Place).map(|h| h.entry).collect();
        here.is_empty()
            || m.place
                .as_ref()
                .is_some_and(|p| p.candidates.iter().any(|c| here.contains(c)))
    };
    let (event_type, sub_event_type) = match recent {
        // "الهجوم" (definite), or a weaponless follow-up at the same place, is the act just
        // told
        Some(m)
            if typing.is_empty()
                && !trigger.fixed
                && (definite || (si - m.sentence <= 1 && same_place_as(m))) =>
        {
            (m.event_type.clone(), m.sub_event_type.clone())
        }
        _ => event_type_of(a, trigger, &typing),
    };
    let mut roles = assign_roles(a, span, head, &event_type);
    if roles.actor1.is_none() {
        roles.actor1 = match clause.actor_source {
            Some(source) => last_force(a, source),
            // the act answered was done by the one the answer struck
            None if clause.answered => previous.and_then(|p| p.actor2),
            None => previous.and_then(|p| p.actor1),
        };
    }
    if roles.actor1.is_none() && event_type != "Strategic developments" {
        roles.actor1 = actor_told_before(a, si, span.start, roles.actor2);
    }
    for c in sentence_claimants(a, sentence) {
        if !roles.claimants.iter().any(|x| x.actor == c.actor) {
            roles.claimants.push(c);
        }
    }
    let (event_type, sub_event_type) = adjust_for_target(a, &roles, event_type, sub_event_type);
    let (event_type, sub_event_type) =
        remote_if_site(a, span, trigger, &typing, event_type, sub_event_type);
    let background = clause.answered
        || clause.background
        || a.marker_before(span, head.start, MarkerKind::Past, 6);
    // the act answered has only the dates of its own clause: the sentence's other dates
    // are the response's ("قصفت اليوم … رداً على هجوم")
    let date_scope = if clause.answered { span } else { sentence };
    let (mut date, mut date_reckoned) = date_of(a, span, date_scope, head, background);
    // a follow-up sentence with no date of its own tells of the day just named
    if date.span.is_none() && !background {
        if let Some((d, reckoned)) = dated {
            date = DateValue { span: None, ..d };
            date_reckoned = reckoned;
        }
    }
    let (fatalities, injured) = casualties(a, span);
    let Some(places) = target_places(a, span) else {
        return ClauseOutcome::Acts(Vec::new());
    };
    // "في مناطق الاستهداف": a definite act noun with no place or weapon of its own refers
    // back to an act already told
    let own_weapon = weapons.iter().any(|(_, s)| *s != Span::of(head));
    if places.is_empty() && definite && !own_weapon && trigger.pos != Pos::Verb {
        let claimed = a.markers_in(sentence, MarkerKind::Claim).next().is_some();
        return ClauseOutcome::More {
            fatalities,
            injured,
            claimed_by: roles.actor1.filter(|_| claimed),
        };
    }
    let make = |place: Option<PlaceMention>| Mention {
        event_type: event_type.clone(),
        sub_event_type: sub_event_type.clone(),
        trigger: Span::of(head),
        actor1: roles.actor1,
        actor2: roles.actor2,
        place,
        date,
        date_reckoned,
        weapons: weapons.iter().map(|(w, s)| (w.to_string(), *s)).collect(),
        fatalities,
        injured,
        claimants: roles.claimants.clone(),
        responds_to: Vec::new(),
        background,
        sentence: si,
    };
    ClauseOutcome::Acts(if places.is_empty() {
        vec![make(None)]
    } else {
        places.into_iter().map(|p| make(Some(p))).collect()
    })
}

/// Adds what a back-reference told to the last act told: casualties it lacks, and the
/// claimant of responsibility when its attacker is unknown.
fn enrich_last(a: &Analysis, mentions: &mut [Mention], more: ClauseOutcome) {
    let ClauseOutcome::More {
        fatalities,
        injured,
        claimed_by,
    } = more
    else {
        return;
    };
    let Some(last) = mentions.iter_mut().rev().find(|m| !m.background) else {
        return;
    };
    if last.fatalities.is_none() {
        last.fatalities = fatalities;
    }
    if last.injured.is_none() {
        last.injured = injured;
    }
    let unknown = last.actor1.is_none_or(|x| {
        a.lex.actors[x.actor as usize]
            .id
            .starts_with("unidentified")
    });
    if unknown {
        if let Some(c) = claimed_by.filter(|c| Some(c.actor) != last.actor2.map(|t| t.actor)) {
            last.actor1 = Some(c);
        }
    }
}

/// How many sentences back an attacker named earlier still stands for the act.
const ACTOR_SENTENCES: usize = 2;

/// The attacker a report named shortly before ("الآليات الإسرائيلية… الطائرات الحربية شنت
/// غارات"): the nearest armed actor or nationality adjective in the preceding words of this
/// and the two sentences before, not on the target's side.
fn actor_told_before(
    a: &Analysis,
    si: usize,
    before: usize,
    target: Option<ActorMention>,
) -> Option<ActorMention> {
    let from = a.sentences[si.saturating_sub(ACTOR_SENTENCES)].start;
    let target = target.map(|t| &a.lex.actors[t.actor as usize]);
    let whole = Span {
        start: from,
        end: before,
    };
    a.hits_in(whole, Kind::Actor)
        .filter(|h| {
            let actor = &a.lex.actors[h.entry as usize];
            let attacker_adjective = actor.kind == ActorKind::Adjective
                && crate::roles::adjective_names_attacker(a, whole, h);
            (actor.kind == ActorKind::Force || attacker_adjective)
                && !actor.id.starts_with("unidentified")
        })
        .map(|h| ActorMention {
            actor: a.lex.stands_for(h.entry),
            span: Span::of(h),
        })
        .filter(|m| target.is_none_or(|t| !a.lex.same_side(&a.lex.actors[m.actor as usize], t)))
        .last()
}

/// Who the sentence says reported it: news agencies and monitors, and anyone named right
/// after an attribution word (قال، أفاد، بحسب، وفق…).
fn sentence_claimants(a: &Analysis, sentence: Span) -> Vec<ActorMention> {
    a.hits_in(sentence, Kind::Actor)
        .filter(|h| {
            let actor = &a.lex.actors[h.entry as usize];
            let at = h.start - h.proclitic as usize;
            actor.kind == ActorKind::Media
                || (actor.kind != ActorKind::Civilian
                    && a.marker_before(sentence, at, MarkerKind::Attribution, 1))
        })
        .map(|h| ActorMention {
            actor: a.lex.stands_for(h.entry),
            span: Span::of(h),
        })
        .collect()
}

/// The last armed actor named in `span`.
fn last_force(a: &Analysis, span: Span) -> Option<ActorMention> {
    a.hits_in(span, Kind::Actor)
        .filter(|h| a.lex.actors[h.entry as usize].kind == ActorKind::Force)
        .last()
        .map(|h| ActorMention {
            actor: h.entry,
            span: Span::of(h),
        })
}

/// Weapons named in `span`, the trigger's own first.
fn weapons_of<'a>(
    a: &'a Analysis,
    span: Span,
    trigger: &'a Trigger,
    head: &Hit,
) -> Vec<(&'a str, Span)> {
    let mut out: Vec<(&str, Span)> = Vec::new();
    if !trigger.weapon.is_empty() {
        out.push((trigger.weapon.as_str(), Span::of(head)));
    }
    for h in a.hits_in(span, Kind::Weapon) {
        let w = a.lex.weapons[h.entry as usize].weapon.as_str();
        if !out.iter().any(|(x, _)| *x == w) {
            out.push((w, Span::of(h)));
        }
    }
    out
}

/// The trigger's type, or the type of the clause's foremost weapon when the trigger leaves
/// it open (weapons.tsv lists weapons in order of precedence).
fn event_type_of(a: &Analysis, trigger: &Trigger, weapons: &[(&str, Span)]) -> (String, String) {
    let defaults = (trigger.event_type.clone(), trigger.sub_event_type.clone());
    if trigger.fixed {
        return defaults;
    }
    let best = weapons
        .iter()
        .filter_map(|(w, _)| a.lex.weapons.iter().position(|x| x.weapon == *w))
        .min();
    let small_arms = weapons.iter().any(|(w, _)| *w == "small_arms");
    match best.map(|i| &a.lex.weapons[i]) {
        // a ground attack with guns (and RPGs) stays a battle or an attack
        _ if small_arms && trigger.event_type != "Explosions/Remote violence" => defaults,
        Some(w) => (w.event_type.clone(), w.sub_event_type.clone()),
        None => defaults,
    }
}

/// An attack with no weapon named on a base, airport or field is a remote attack (the usual
/// drone or rocket), not a gun battle.
fn remote_if_site(
    a: &Analysis,
    clause: Span,
    trigger: &Trigger,
    weapons: &[(&str, Span)],
    event_type: String,
    sub_event_type: String,
) -> (String, String) {
    let on_site = a
        .hits_in(clause, Kind::Place)
        .any(|h| a.lex.places[h.entry as usize].feature == Feature::Site);
    if event_type == "Battles" && !trigger.fixed && weapons.is_empty() && on_site {
        return (
            "Explosions/Remote violence".into(),
            "Air/drone strike".into(),
        );
    }
    (event_type, sub_event_type)
}

/// ACLED: armed violence against civilians is Violence against civilians, not a battle.
fn adjust_for_target(
    a: &Analysis,
    roles: &Roles,
    event_type: String,
    sub_event_type: String,
) -> (String, String) {
    let civilian_target = roles
        .actor2
        .is_some_and(|m| a.lex.actors[m.actor as usize].kind == ActorKind::Civilian);
    if event_type == "Battles" && civilian_target {
        return ("Violence against civilians".into(), "Attack".into());
    }
    if event_type == "Violence against civilians" && sub_event_type == "Attack" {
        let armed_target = roles.actor2.is_some_and(|m| {
            let actor = &a.lex.actors[m.actor as usize];
            actor.kind == ActorKind::Force && actor.inter != 7
        });
        if armed_target {
            return ("Battles".into(), "Armed clash".into());
        }
    }
    (event_type, sub_event_type)
}

/// The date of the clause: a date said in it, else one said in its sentence, else for a
/// current report the publication day and the day before. A date said of the report
/// rather than the act ("أعلنت … اليوم الاثنين … استهداف") bounds the act: that day or the
/// day before. The day a page prints at its top is its own, not an act's. With the date,
/// whether it was reckoned from the publication day.
fn date_of(
    a: &Analysis,
    clause: Span,
    sentence: Span,
    head: &Hit,
    background: bool,
) -> (DateValue, bool) {
    let in_span = |s: Span| {
        a.dates_in(s)
            .filter(|d| d.first.is_some() || d.kind != rasid_text::dates::DateKind::Year)
            .filter(|d| !a.is_printed(d))
    };
    let said = in_span(clause)
        .find(|d| d.kind != rasid_text::dates::DateKind::Year)
        .or_else(|| in_span(sentence).find(|d| d.kind != rasid_text::dates::DateKind::Year));
    if let Some(d) = said {
        let value = date_value(d);
        let of_report = d.end <= head.start
            && a.markers_in(sentence, MarkerKind::Attribution)
                .any(|m| m.end <= d.start && a.words_between(m.end, d.start) <= 3);
        let reckoned = d.reckoned && d.first.is_some();
        if of_report && value.precision == "day" {
            let of_act = DateValue {
                first: value.first.map(|f| f.add_days(-1)),
                precision: "range",
                ..value
            };
            return (of_act, reckoned);
        }
        return (value, reckoned);
    }
    match (a.published, background) {
        (Some(p), false) => {
            let days = DateValue {
                first: Some(p.add_days(-1)),
                last: Some(p),
                precision: "range",
                span: None,
                weekday: None,
            };
            (days, true)
        }
        _ => (DateValue::UNKNOWN, false),
    }
}

fn date_value(d: &DateMention) -> DateValue {
    use rasid_text::dates::Precision;
    let precision = match (d.first, d.precision) {
        (None, _) => "unknown",
        (Some(f), Precision::Day) if Some(f) == d.last => "day",
        (Some(_), Precision::Day) => "range",
        (Some(_), Precision::Month) => "month",
        (Some(_), Precision::Year) => "year",
    };
    DateValue {
        first: d.first,
        last: d.last.or(d.first),
        precision,
        span: Some(Span {
            start: d.start,
            end: d.end,
        }),
        // the weekday matters only while the day is unknown
        weekday: d.weekday.filter(|_| d.first.is_none()),
    }
}

/// Punctuation that ends a phrase: a count before it does not count what follows.
const CLAUSE_MARKS: &[char] = &['،', ',', '.', ':', '؛', ';'];

/// Killed and injured counts: the number nearest after (or just before) a casualty word, a
/// singular person noun counting one and a dual two.
fn casualties(a: &Analysis, clause: Span) -> (Option<CountMention>, Option<CountMention>) {
    let count_near = |marker: &Hit| -> Option<CountMention> {
        let noun = |kind, n| {
            a.markers_in(clause, kind)
                .find(|p| p.start >= marker.end && a.words_between(marker.end, p.start) <= 1)
                .map(|p| CountMention {
                    min: n,
                    max: n,
                    span: Span::of(p),
                })
        };
        // "مقتل متعاقد أمريكي": a person noun right after the word counts one
        let person = noun(MarkerKind::PersonDual, 2).or_else(|| noun(MarkerKind::Person, 1));
        if let Some(n) = person.filter(|n| a.words_between(marker.end, n.span.start) == 0) {
            return Some(n);
        }
        let next_casualty = a
            .hits_in(
                Span {
                    start: marker.end,
                    end: clause.end,
                },
                Kind::Marker,
            )
            .filter(|h| {
                matches!(
                    a.lex.markers[h.entry as usize].kind,
                    MarkerKind::Killed | MarkerKind::Injured
                )
            })
            .map(|h| h.start)
            .find(|&s| s > marker.end)
            .unwrap_or(clause.end);
        // the numbers of a date ("في 5 شباط 2023 قتل") count nothing
        let not_date = |c: &&Count| !a.in_date(c.start, c.end);
        // counts are in text order, so the words to the marker only grow along them
        let after = a
            .counts_starting_in(marker.end, clause.end.max(marker.end))
            .iter()
            .take_while(|c| a.words_between(marker.end, c.start) <= 3)
            .filter(not_date)
            .find(|c| c.end <= next_casualty);
        // "ثلاثة جنود قتلوا", but not a number that closes the phrase before ("منذ مطلع
        // 2023، تسببت بمقتل")
        let before = a
            .counts_starting_in(clause.start, marker.start)
            .iter()
            .rev()
            .filter(not_date)
            .find(|c| {
                c.end <= marker.start
                    && a.words_between(c.end, marker.start) <= 2
                    && !a.text()[c.end..marker.start].contains(CLAUSE_MARKS)
            });
        // "3 قتلى" (number then noun) is the tightest reading
        let adjacent = before.filter(|c| a.words_between(c.end, marker.start) == 0);
        if let Some(c) = adjacent.or(after).or(before) {
            if c.min < 100_000 {
                return Some(CountMention {
                    min: c.min,
                    max: c.max.max(c.min),
                    span: Span {
                        start: c.start,
                        end: c.end,
                    },
                });
            }
        }
        noun(MarkerKind::PersonDual, 2).or_else(|| noun(MarkerKind::Person, 1))
    };
    let first = |kind| a.markers_in(clause, kind).find_map(count_near);
    (first(MarkerKind::Killed), first(MarkerKind::Injured))
}

/// The places where the clause's act happened, one per coordinated target; areas and
/// places named after a locative or near word following a target are its context. `None`
/// when the clause names only whole countries (a background or generic statement), unless
/// a direction narrows one ("شرق سوريا").
fn target_places(a: &Analysis, clause: Span) -> Option<Vec<PlaceMention>> {
    // span, candidates, near, coordinated with the place before (وبـ…)
    let mut named: Vec<(Span, Vec<u32>, bool, bool)> = Vec::new();
    let triggers: Vec<&Hit> = a.hits_in(clause, Kind::Trigger).collect();
    let near_trigger = |h: &Hit| {
        triggers.iter().any(|t| {
            a.words_between(h.end, t.start)
                .max(a.words_between(t.end, h.start))
                <= PLACE_WORDS
        })
    };
    for h in a
        .hits_in(clause, Kind::Place)
        .filter(|h| near_trigger(h) && !dateline(a, h))
    {
        let span = Span::of(h);
        if let Some(last) = named.last_mut() {
            if last.0 == span {
                last.1.push(h.entry);
                continue;
            }
        }
        if !place_accepted(a, clause, h) {
            continue;
        }
        let at = h.start - h.proclitic as usize;
        let near = neared(a, clause, at);
        named.push((span, vec![h.entry], near, a.text()[at..].starts_with('و')));
    }
    // drop places whose every candidate was rejected by context checks above
    let is_area = |c: &[u32]| {
        c.iter()
            .all(|&e| a.lex.places[e as usize].feature.is_area())
    };
    let mut targets: Vec<PlaceMention> = Vec::new();
    let has_local = named.iter().any(|(_, c, _, _)| !is_area(c));
    let mut listed: Vec<bool> = Vec::new();
    for (span, candidates, near, with_and) in named {
        let area = is_area(&candidates);
        let mut listed_now = with_and;
        if let Some(last_end) = targets.last().map(|t| t.span.end) {
            let gap = &a.text()[last_end..span.start];
            // «A، بريف X»: a comma before a word of nearness ends a list, not a member
            let container =
                neared(a, clause, span.start) && a.words_between(last_end, span.start) <= 5;
            // «A وB وC التابعة لبلدة X»: X contains the list, whatever stands between
            let part_of = a.marker_before(clause, span.start, MarkerKind::PartOf, 1)
                || a.marker_before(clause, span.start, MarkerKind::Affiliation, 1);
            let coordinated = !part_of
                && (with_and
                    || gap.contains(" و")
                    || (!container && (gap.contains('،') || gap.contains(','))));
            let linked = part_of
                || !coordinated
                    && a.words_between(last_end, span.start) <= 5
                    && (a.marker_before(clause, span.start, MarkerKind::Locative, 1)
                        || a.marker_before(clause, span.start, MarkerKind::Near, 1)
                        || a.text()[..span.start].ends_with('ب'));
            if (area && has_local) || linked {
                // a container after a list frames every member: «قرى A وB وC بريف X»
                let members = listed.iter().rev().take_while(|&&l| l).count() + 1;
                let from = targets.len().saturating_sub(members);
                for member in &mut targets[from..] {
                    if member.named_in.is_none() {
                        member.named_in = Some((span, candidates.len()));
                    }
                    member.context.extend(candidates.iter().copied());
                }
                continue;
            }
            listed_now = coordinated;
        }
        if area && has_local {
            continue;
        }
        if area && !targets.is_empty() {
            continue;
        }
        let country_hint = country_after(a, clause, span);
        targets.push(PlaceMention {
            candidates,
            span,
            near,
            context: Vec::new(),
            named_in: None,
            country_hint,
        });
        listed.push(listed_now);
    }
    // "صواريخ انطلقت من بلدة زمار باتجاه قاعدة …": a launch site is where the act came
    // from; it is the location only when no other place is named
    let launched = |t: &PlaceMention| a.marker_before(clause, t.span.start, MarkerKind::Origin, 1);
    if targets.iter().any(|t| !launched(t)) {
        let mut keep = listed.iter();
        let mut kept_listed = Vec::new();
        targets.retain(|t| {
            let l = *keep.next().unwrap_or(&false);
            let stays = !launched(t);
            if stays {
                kept_listed.push(l);
            }
            stays
        });
        listed = kept_listed;
    }
    // "في ريف دير الزور الغربي، شن مجهولون هجوماً على … ناحية الكسرة": a place only
    // neared, not listed with the others, frames a precise target named beside it
    let precise = targets.iter().filter(|t| !t.near).count();
    if precise > 0 && targets.len() > precise {
        let mut keep = listed.iter();
        targets.retain(|t| {
            let with_and = *keep.next().unwrap_or(&false);
            !t.near || with_and
        });
    }
    // uncoordinated places in one clause are different roles (the source's town, the
    // target): the target is the group nearest after the trigger, else nearest before
    let groups: Vec<usize> = listed
        .iter()
        .scan(0usize, |g, &l| {
            if !l {
                *g += 1;
            }
            Some(*g)
        })
        .collect();
    if groups.last().is_some_and(|&g| g > 1) {
        let trigger_at = a
            .hits_in(clause, Kind::Trigger)
            .map(|t| t.start)
            .next()
            .unwrap_or(clause.start);
        let after = targets
            .iter()
            .zip(&groups)
            .find(|(t, _)| t.span.start >= trigger_at)
            .map(|(_, &g)| g);
        let before = targets
            .iter()
            .zip(&groups)
            .rev()
            .find(|(t, _)| t.span.start < trigger_at)
            .map(|(_, &g)| g);
        if let Some(chosen) = after.or(before) {
            let mut g = groups.iter();
            targets.retain(|_| g.next() == Some(&chosen));
        }
    }
    let whole_country = |t: &PlaceMention| {
        !t.near
            && t.candidates
                .iter()
                .all(|&e| a.lex.places[e as usize].feature == Feature::Country)
    };
    if !targets.is_empty() && targets.iter().all(whole_country) {
        return None;
    }
    Some(targets)
}

/// "أربيل (كوردستان 24)- أفاد مصدر…", "دير الزور - شنت…": a place opening a line and
/// followed by a dash or bracket says where the report was filed, not where the act was.
fn dateline(a: &Analysis, h: &Hit) -> bool {
    let line_start = a.text()[..h.start].rfind('\n').map_or(0, |i| i + 1);
    let opens_line = a.words_between(line_start, h.start) == 0;
    let next = a.text()[h.end..]
        .trim_start_matches([' ', '\u{a0}'])
        .chars()
        .next();
    opens_line && matches!(next, Some('-' | '(' | ':' | '|' | '/'))
}

/// The country of a nationality adjective right after a place ("زمار العراقية").
fn country_after(a: &Analysis, clause: Span, place: Span) -> Option<String> {
    a.hits_in(
        Span {
            start: place.end,
            end: clause.end,
        },
        Kind::Actor,
    )
    .next()
    .filter(|h| a.words_between(place.end, h.start) == 0)
    .map(|h| &a.lex.actors[h.entry as usize])
    .filter(|x| x.kind == ActorKind::Adjective && !x.country.is_empty())
    .map(|x| x.country.clone())
}

/// A small place stands for a location only after a locative word (في، قرب، بلدة…) or in
/// a list right after another place; towns may also follow بـ; well-known places may stand
/// anywhere. A word that is also a marker, trigger or adjective is that word, not a place,
/// and a country in an actor's role (استهدفت إسرائيل) is not a location.
fn place_accepted(a: &Analysis, clause: Span, h: &Hit) -> bool {
    let at = h.start - h.proclitic as usize;
    let same_span = |kind| {
        a.hits_in(
            Span {
                start: h.start,
                end: h.end,
            },
            kind,
        )
        .any(|x: &Hit| x.start == h.start && x.end == h.end)
    };
    if same_span(Kind::Marker) || same_span(Kind::Trigger) || same_span(Kind::Weapon) {
        return false;
    }
    let proclitic = &a.text()[at..h.start];
    let inside = proclitic.contains('ب') || a.marker_before(clause, at, MarkerKind::Inside, 0);
    // «قرية حرير» in the gazetteer: a name that opens with a settlement word carries its cue
    let self_worded = a
        .markers_in(
            Span {
                start: h.start,
                end: h.end,
            },
            MarkerKind::Locative,
        )
        .any(|m| m.start == h.start && m.end < h.end);
    let worded = self_worded
        || a.settlement_word_before(clause, at)
        || a.marker_before(clause, at, MarkerKind::Near, 1);
    if same_span(Kind::Actor) && !inside && !a.marker_before(clause, at, MarkerKind::Near, 1) {
        return false;
    }
    // «جبل الزاوية»: the end of a longer name, not the place named by it alone. The
    // prefix heads a construct, so it has no article («ميس الجبل وعيترون» lists two), and
    // a conjunction before the name starts another item
    let in_longer_name = a
        .nearest_marker_before(clause, at, MarkerKind::NamePrefix, 0)
        .is_some_and(|m| {
            let head = &a.text()[m.start - m.proclitic as usize..m.start];
            a.text()[m.end..at].trim().is_empty()
                && !head.contains("ال")
                && !a.text()[at..h.start].starts_with('و')
        });
    // «كوردستان 24», «فرانس 24»: a place name followed by a number names a channel
    let brand = a.text()[h.end..]
        .trim_start_matches(' ')
        .starts_with(|c: char| c.is_ascii_digit());
    if in_longer_name || brand {
        return false;
    }
    let place = &a.lex.places[h.entry as usize];
    if a.place_is_prominent(h.entry) {
        return true;
    }
    let after_place = a
        .hits_in(
            Span {
                start: clause.start,
                end: at,
            },
            Kind::Place,
        )
        .last()
        .is_some_and(|p| a.words_between(p.end, at) == 0);
    worded || after_place || in_a_list(a, clause, h) || (inside && place.feature == Feature::Town)
}

/// «قرب X», «بريف بلدة X»: a word of nearness one word or less before the place, with no
/// comma between («محيط القاعدة، X» lists X beside the surroundings of the base).
fn neared(a: &Analysis, clause: Span, at: usize) -> bool {
    a.nearest_marker_before(clause, at, MarkerKind::Near, 1)
        .is_some_and(|m| !a.text()[m.end..at].contains(['،', ',']))
}

/// Words a list item may have, and items a list may pass that name no known place.
const LIST_ITEM_WORDS: usize = 4;
const LIST_UNKNOWN_ITEMS: usize = 3;

/// «استهدفت قرى “A، B، C وD”»: a place named as an item of a list that a settlement
/// word or a place opens is a place, though items the gazetteer lacks stand between: after
/// a comma or a conjunction, with only short comma-separated items back to the place or
/// the locative word before it.
fn in_a_list(a: &Analysis, clause: Span, h: &Hit) -> bool {
    let at = h.start - h.proclitic as usize;
    let text = a.text();
    let before = text[clause.start..at].trim_end_matches([' ', '“', '”', '"', '«', '»', '(']);
    let separated = before.ends_with('،') || before.ends_with(',') || text[at..].starts_with('و');
    if !separated {
        return false;
    }
    let preceding = Span {
        start: clause.start,
        end: at,
    };
    let anchor = a
        .hits_in(preceding, Kind::Place)
        .map(|p| p.end)
        .chain(a.markers_in(preceding, MarkerKind::Locative).map(|m| m.end))
        .filter(|&end| end <= at)
        .max();
    let Some(anchor) = anchor else {
        return false;
    };
    let gap = &text[anchor..at];
    let items: Vec<&str> = gap
        .split(['،', ','])
        .map(|item| item.trim_matches([' ', '“', '”', '"', '«', '»']))
        .filter(|item| !item.is_empty())
        .collect();
    !gap.contains(['.', '؛', ':', '\n'])
        && items.len() <= LIST_UNKNOWN_ITEMS
        && items
            .iter()
            .all(|item| item.split_whitespace().count() <= LIST_ITEM_WORDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_lexicons;

    fn mentions(text: &str, published: Option<&str>) -> (Analysis<'static>, Vec<Mention>) {
        let published = published.and_then(Day::parse_iso);
        let a = Analysis::new(text, published, test_lexicons());
        let m = find_mentions(&a);
        (a, m)
    }

    fn actor(a: &Analysis, m: Option<ActorMention>) -> String {
        m.map_or(String::new(), |m| {
            a.lex.actors[m.actor as usize].name.clone()
        })
    }

    fn place(a: &Analysis, m: &Mention) -> String {
        let p = m.place.as_ref().expect("a place");
        a.text()[p.span.start..p.span.end].to_string()
    }

    #[test]
    fn drone_strike_with_attacker_target_place_and_date() {
        let (a, m) = mentions(
            "قصفت طائرة مسيرة تركية أمس سيارة تابعة لقوات سوريا الديمقراطية في بلدة القحطانية بريف الحسكة.",
            Some("2023-02-22"),
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].sub_event_type, "Air/drone strike");
        assert_eq!(actor(&a, m[0].actor1), "Military Forces of Turkey");
        assert_eq!(actor(&a, m[0].actor2), "Syrian Democratic Forces (SDF)");
        assert_eq!(place(&a, &m[0]), "القحطانيه");
        assert_eq!(m[0].date.first, Day::new(2023, 2, 21));
        assert_eq!(m[0].date.precision, "day");
    }

    #[test]
    fn the_weekday_of_a_day_not_known_is_kept() {
        let text = "قصفت طائرة مسيرة تركية يوم الخميس سيارة في بلدة القحطانية بريف الحسكة. \
                    وقصفت طائرة مسيرة أمس الأحد سيارة في بلدة عامودا. \
                    وقصفت طائرة مسيرة في 5 شباط 2024 سيارة في بلدة الدرباسية.";
        let said = |published| {
            let (_, m) = mentions(text, published);
            let dates: Vec<_> = m.iter().map(|x| (x.date.first, x.date.weekday)).collect();
            let reckoned: Vec<bool> = m.iter().map(|x| x.date_reckoned).collect();
            (dates, reckoned)
        };
        let day = Day::new(2024, 2, 5);
        // no publication day: the weekdays said, no day reckoned
        let (dates, reckoned) = said(None);
        assert_eq!(dates, [(None, Some(3)), (None, Some(6)), (day, None)]);
        assert_eq!(reckoned, [false, false, false]);
        // published on Monday 12 February 2024: the days, and no weekday
        let (dates, reckoned) = said(Some("2024-02-12"));
        let days = [Day::new(2024, 2, 8), Day::new(2024, 2, 11), day];
        assert_eq!(dates, days.map(|d| (d, None)));
        assert_eq!(reckoned, [true, true, false]);
    }

    #[test]
    fn threats_statistics_and_denials_are_not_events() {
        for text in [
            "توعدت الولايات المتحدة بالرد على أي هجوم يستهدف قواتها في قاعدة عين الأسد.",
            "نفذت الفصائل 60 هجوما على القواعد الأمريكية في سوريا والعراق منذ عام 2022.",
            "لم يسجل أي استهداف لقاعدة عين الأسد خلال الليل.",
        ] {
            let (_, m) = mentions(text, Some("2024-01-10"));
            assert!(m.is_empty(), "{text}: {m:?}");
        }
    }

    #[test]
    fn each_listed_town_is_one_event() {
        let (a, m) = mentions(
            "شنت طائرات حربية روسية غارات على بلدات جسر الشغور وإنب وسرمانية في ريف إدلب.",
            None,
        );
        let places: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
        assert_eq!(places, ["جسر الشغور", "انب", "سرمانيه"]);
        assert!(m
            .iter()
            .all(|x| actor(&a, x.actor1) == "Military Forces of Russia"));
    }

    #[test]
    fn a_container_after_a_list_frames_every_member() {
        for (text, listed) in [
            (
                "قصفت المدفعية قرى الطويلة وتل شنان وتل جمعة بريف بلدة تل تمر.",
                &["الطويله", "تل شنان", "تل جمعه"][..],
            ),
            // «وكرابيت» is not in the gazetteer; «التابعة لـ» says what contains the list
            (
                "قصفت المدفعية قرى تل شنان وتل جمعة وكرابيت التابعة لبلدة تل تمر.",
                &["تل شنان", "تل جمعه"],
            ),
        ] {
            let (a, m) = mentions(text, None);
            let named: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
            assert_eq!(named, listed, "{text}");
            for x in &m {
                let p = x.place.as_ref().expect("a place");
                let (within, _) = p.named_in.expect("the container");
                assert_eq!(&a.text()[within.start..within.end], "تل تمر");
                assert!(!p.context.is_empty());
            }
        }
    }

    #[test]
    fn a_quoted_list_passes_items_the_gazetteer_lacks() {
        // «أم الكيف» is not in the gazetteer, «محيط القاعدة» is no village
        let (a, m) = mentions(
            "استهدف القصف قرى “تل شنان، أم الكيف، محيط القاعدة، تل جمعة وباب الخير”، بأرياف بلدة تل تمر.",
            None,
        );
        let named: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
        assert_eq!(named, ["تل شنان", "تل جمعه", "باب الخير"]);
        assert!(m
            .iter()
            .all(|x| x.place.as_ref().unwrap().named_in.is_some()));
        // a place far after a comma, past a long clause, is not a list item
        let (a, m) = mentions(
            "قصفت المدفعية قرية تل شنان، ما أدى إلى احتراق عدد كبير من الأراضي الزراعية، وسكان الطويلة يطالبون بالحماية.",
            None,
        );
        let named: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
        assert_eq!(named, ["تل شنان"]);
    }

    #[test]
    fn a_known_name_ending_a_longer_one_is_not_that_place() {
        // «جبل الزاوية» is a range of hills, not the town «الزاوية»
        let (_, m) = mentions("قصفت الطائرات الحربية قرى جبل الزاوية أمس.", None);
        assert!(m.iter().all(|x| x.place.is_none()), "{m:?}");
        // a prefix noun with the article ends a name; a conjunction starts another
        let (a, m) = mentions("قصفت المدفعية أطراف بلدتي ميس الجبل وعيترون.", None);
        let named: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
        assert!(named.contains(&"عيترون".to_string()), "{named:?}");
    }

    #[test]
    fn a_name_that_opens_with_a_settlement_word_carries_its_cue() {
        // «قرية حرير» is a gazetteer name of its own
        let (a, m) = mentions("قصفت المدفعية قرية حرير.", None);
        let named: Vec<String> = m.iter().map(|x| place(&a, x)).collect();
        assert_eq!(named, ["قريه حرير"]);
    }

    #[test]
    fn a_place_name_with_a_number_names_a_channel() {
        let (_, m) = mentions(
            "هاجم مسلحون نقطة للشرطة، وقال مصدر لكوردستان 24 إن الهجوم أسفر عن مقتل شرطي.",
            None,
        );
        assert!(
            m.iter().all(|x| x.place.is_none()),
            "{:?}",
            m.iter().map(|x| &x.place).collect::<Vec<_>>()
        );
    }

    #[test]
    fn casualties_as_counts_and_ranges() {
        let (_, m) = mentions(
            "أسفر قصف صاروخي على مدينة الحديدة عن مقتل أربعة مدنيين وإصابة ما لا يقل عن عشرة آخرين.",
            None,
        );
        assert_eq!(m.len(), 1, "{m:?}");
        let (f, i) = (m[0].fatalities.unwrap(), m[0].injured.unwrap());
        assert_eq!((f.min, f.max), (4, 4));
        assert_eq!(i.min, 10);
        assert_eq!(m[0].sub_event_type, "Shelling/artillery/missile attack");
    }

    #[test]
    fn a_year_is_not_a_casualty_count() {
        for text in [
            "استهدفت طائرة مسيرة تركية شاحنة قرب بلدة عامودا منذ بداية العام الجديد 2024، تسببت بمقتل مجموعة من العناصر.",
            "قصفت طائرة مسيرة سيارة قرب بلدة عامودا في 5 شباط 2023 قتل فيها مسلحان.",
        ] {
            let (_, m) = mentions(text, None);
            assert_eq!(m.len(), 1, "{m:?}");
            let killed = m[0].fatalities.map(|f| (f.min, f.max));
            assert!(killed.is_none_or(|k| k.1 < 100), "{text}: {killed:?}");
        }
    }

    #[test]
    fn the_answer_links_to_the_act_it_answers() {
        let (a, m) = mentions(
            "استهدف هجوم بطائرة مسيرة قاعدة التنف أول أمس الخميس.\nوردا على ذلك قصفت طائرات أميركية مواقع للميليشيات في مدينة الميادين.",
            Some("2024-01-20"),
        );
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(place(&a, &m[0]), "قاعده التنف");
        assert_eq!(m[0].date.first, Day::new(2024, 1, 18));
        assert_eq!(
            actor(&a, m[1].actor1),
            "Military Forces of the United States"
        );
        assert_eq!(m[1].responds_to, [0]);
    }

    #[test]
    fn related_headlines_give_nothing() {
        let (_, m) = mentions(
            "قصفت طائرات حربية مواقع في مدينة البوكمال.\nمقالات ذات صلة\nغارات على حمص\nقصف مدفعي على إدلب",
            None,
        );
        assert_eq!(m.len(), 1, "{m:?}");
    }

    #[test]
    fn passive_report_names_the_target() {
        let (a, m) = mentions(
            "تعرضت قاعدة حرير في محافظة أربيل لهجوم بطائرة مسيرة مفخخة.",
            None,
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(place(&a, &m[0]), "قاعده حرير");
        assert!(m[0].actor1.is_none(), "{:?}", actor(&a, m[0].actor1));
    }
}
