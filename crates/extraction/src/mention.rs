//! Event mentions in one document: one per reported act and target place, with actors,
//! date, weapons, casualties, claimants and the spans that support them.

use crate::analysis::{Analysis, Span};
use crate::roles::{assign_roles, Roles};
use rasid_lexicons::{ActorKind, Feature, Hit, Kind, MarkerKind, Trigger};
use rasid_text::dates::DateMention;
use rasid_text::Day;

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
    /// Country named by an adjective right after it ("زمار العراقية").
    pub country_hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountMention {
    pub min: u32,
    pub max: u32,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// `day`, `range`, `month`, `year` or `unknown`.
    pub precision: &'static str,
    pub span: Option<Span>,
}

impl DateValue {
    pub const UNKNOWN: DateValue = DateValue {
        first: None,
        last: None,
        precision: "unknown",
        span: None,
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
struct Clause {
    span: Span,
    /// The act being answered by the clause before the response marker.
    answered: bool,
    /// Index of the clause answering this one, or answered by this one.
    partner: Option<usize>,
    /// Answers the last act told before this sentence (وردا على ذلك).
    answers_previous: bool,
}

/// Every event mention of the analysed document, in text order.
pub fn find_mentions(a: &Analysis) -> Vec<Mention> {
    let mut mentions: Vec<Mention> = Vec::new();
    for (si, &sentence) in a.sentences.iter().enumerate() {
        let clauses = split_clauses(a, sentence);
        let mut clause_mentions: Vec<Vec<usize>> = vec![Vec::new(); clauses.len()];
        let mut previous_roles: Option<Roles> = None;
        for (ci, clause) in clauses.iter().enumerate() {
            let Some(head) = head_trigger(a, clause.span) else {
                continue;
            };
            if blocked(a, clause.span, sentence, head) {
                continue;
            }
            let first = mentions.len();
            for m in mentions_of_clause(a, si, sentence, clause, head, previous_roles.as_ref()) {
                mentions.push(m);
            }
            if mentions.len() > first {
                previous_roles = Some(Roles {
                    actor1: mentions[first].actor1,
                    actor2: mentions[first].actor2,
                    claimants: Vec::new(),
                });
            }
            clause_mentions[ci].extend(first..mentions.len());
            if clause.answers_previous && first > 0 {
                let previous = previous_act(&mentions[..first], si);
                for m in first..mentions.len() {
                    mentions[m].responds_to.extend(previous.iter().copied());
                }
            }
        }
        link_responses(&clauses, &clause_mentions, &mut mentions);
    }
    mentions
}

/// The mentions of the last sentence before `sentence` that told an act.
fn previous_act(before: &[Mention], sentence: usize) -> Vec<usize> {
    let Some(last) = before.iter().rev().find(|m| m.sentence < sentence) else {
        return Vec::new();
    };
    (0..before.len())
        .filter(|&i| before[i].sentence == last.sentence && !before[i].background)
        .collect()
}

fn link_responses(clauses: &[Clause], by_clause: &[Vec<usize>], mentions: &mut [Mention]) {
    for (ci, clause) in clauses.iter().enumerate() {
        let Some(partner) = clause.partner else {
            continue;
        };
        if clause.answered {
            continue;
        }
        for &responder in &by_clause[ci] {
            for &answered in &by_clause[partner] {
                if !mentions[responder].responds_to.contains(&answered) {
                    mentions[responder].responds_to.push(answered);
                }
            }
        }
    }
}

/// Splits a sentence at response markers (the part after "رداً على" is the act answered)
/// and at clause markers (بالتزامن مع، فيما…).
fn split_clauses(a: &Analysis, sentence: Span) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut start = sentence.start;
    let mut pending_responder: Option<usize> = None;
    let mut answered_open = false;
    let boundaries: Vec<&Hit> = a
        .hits_in(sentence, Kind::Marker)
        .filter(|h| {
            matches!(
                a.lex.markers[h.entry as usize].kind,
                MarkerKind::Response | MarkerKind::Clause
            )
        })
        .collect();
    for b in boundaries {
        let marker_start = b.start - b.proclitic as usize;
        if marker_start < start {
            continue;
        }
        let is_response = a.lex.markers[b.entry as usize].kind == MarkerKind::Response;
        let index = clauses.len();
        clauses.push(Clause {
            span: Span {
                start,
                end: marker_start,
            },
            answered: answered_open,
            partner: if answered_open { pending_responder } else { None },
            answers_previous: false,
        });
        if is_response {
            let rest = a.text()[b.end..].trim_start();
            if rest.starts_with("ذلك") || rest.starts_with("هذا") {
                answered_open = false;
                pending_responder = None;
                start = b.end;
                // the clause after "رداً على ذلك" answers what was told before
                clauses.push(Clause {
                    span: Span {
                        start: b.end,
                        end: b.end,
                    },
                    answered: false,
                    partner: None,
                    answers_previous: true,
                });
                continue;
            }
            answered_open = true;
            pending_responder = Some(index);
        } else {
            answered_open = false;
        }
        start = b.end;
    }
    clauses.push(Clause {
        span: Span {
            start,
            end: sentence.end,
        },
        answered: answered_open,
        partner: if answered_open { pending_responder } else { None },
        answers_previous: false,
    });
    // an empty "answers previous" clause passes its role to the clause after it
    for i in 0..clauses.len().saturating_sub(1) {
        if clauses[i].answers_previous && clauses[i].span.start == clauses[i].span.end {
            clauses[i + 1].answers_previous = true;
        }
    }
    // the responder clause points to the answered one
    for i in 0..clauses.len() {
        if let (true, Some(p)) = (clauses[i].answered, clauses[i].partner) {
            clauses[p].partner = Some(i);
        }
    }
    clauses.retain(|c| c.span.end > c.span.start);
    clauses
}

/// The trigger that decides the clause's act: an unambiguous one first, then the strongest.
fn head_trigger<'a>(a: &'a Analysis, clause: Span) -> Option<&'a Hit> {
    let triggers: Vec<&Hit> = a.hits_in(clause, Kind::Trigger).collect();
    let trigger = |h: &Hit| &a.lex.triggers[h.entry as usize];
    let has_weapon = a.hits_in(clause, Kind::Weapon).next().is_some();
    let has_casualties = a.markers_in(clause, MarkerKind::Killed).next().is_some()
        || a.markers_in(clause, MarkerKind::Injured).next().is_some();
    let qualifying: Vec<&Hit> = triggers
        .into_iter()
        .filter(|h| trigger(h).strength >= 2 || has_weapon || has_casualties)
        .collect();
    let fixed = qualifying
        .iter()
        .find(|h| trigger(h).fixed && trigger(h).strength >= 2);
    fixed
        .or_else(|| {
            qualifying
                .iter()
                .max_by_key(|h| (trigger(h).strength, std::cmp::Reverse(h.start)))
        })
        .copied()
}

/// Threats, negations, hypotheses and aggregate statistics report no act.
fn blocked(a: &Analysis, clause: Span, sentence: Span, head: &Hit) -> bool {
    let at = head.start - head.proclitic as usize;
    let scope = Span {
        start: sentence.start,
        end: clause.end,
    };
    if a.marker_before(scope, at, MarkerKind::Threat, 4)
        || negated(a, clause, at)
        || a.marker_before(clause, at, MarkerKind::Hypothetical, 4)
    {
        return true;
    }
    // a future verb: سـ before an imperfect trigger
    let word = &a.text()[at..head.end];
    if word.starts_with("سي") || word.starts_with("ست") || word.starts_with("سن") {
        return true;
    }
    // "78 هجوما", "291 عملية": counted acts are a statistic
    let counted = a.counts.iter().any(|c| {
        c.min >= 5 && c.end <= at && a.words_between(c.end, at) == 0 && c.start >= clause.start
    });
    if counted {
        return true;
    }
    // "منذ 2021", "منذ منتصف تشرين الأول" with no place finer than a country
    let since = a.markers_in(clause, MarkerKind::Aggregate).any(|m| {
        let word = &a.text()[m.start..m.end];
        word == "منذ" || word == "معظم" || word == "حصيله" || word == "احصاييه"
    });
    since && !clause_has_local_place(a, clause)
}

/// A negation within five words before the trigger, with no other act told between.
fn negated(a: &Analysis, clause: Span, at: usize) -> bool {
    a.nearest_marker_before(clause, at, MarkerKind::Negation, 5)
        .is_some_and(|m| {
            a.hits_in(Span { start: m.end, end: at }, Kind::Trigger)
                .next()
                .is_none()
        })
}

fn clause_has_local_place(a: &Analysis, clause: Span) -> bool {
    a.hits_in(clause, Kind::Place).any(|h| {
        let p = &a.lex.places[h.entry as usize];
        !matches!(p.feature, Feature::Country)
    })
}

fn mentions_of_clause(
    a: &Analysis,
    si: usize,
    sentence: Span,
    clause: &Clause,
    head: &Hit,
    previous: Option<&Roles>,
) -> Vec<Mention> {
    let span = clause.span;
    let trigger = &a.lex.triggers[head.entry as usize];
    let weapons = weapons_of(a, span, trigger, head);
    let typing = if weapons.iter().any(|(_, s)| *s != Span::of(head)) {
        weapons.clone()
    } else {
        weapons_of(a, sentence, trigger, head)
    };
    let (event_type, sub_event_type) = event_type_of(a, trigger, &typing);
    let mut roles = assign_roles(a, span, head, &event_type);
    if roles.actor1.is_none() {
        roles.actor1 = previous.and_then(|p| p.actor1);
    }
    let (event_type, sub_event_type) = adjust_for_target(a, &roles, event_type, sub_event_type);
    let background = clause.answered || a.marker_before(span, head.start, MarkerKind::Past, 6);
    let date = date_of(a, span, sentence, background);
    let (fatalities, injured) = casualties(a, span);
    let Some(places) = target_places(a, span) else {
        return Vec::new();
    };
    let make = |place: Option<PlaceMention>| Mention {
        event_type: event_type.clone(),
        sub_event_type: sub_event_type.clone(),
        trigger: Span::of(head),
        actor1: roles.actor1,
        actor2: roles.actor2,
        place,
        date,
        weapons: weapons
            .iter()
            .map(|(w, s)| (w.to_string(), *s))
            .collect(),
        fatalities,
        injured,
        claimants: roles.claimants.clone(),
        responds_to: Vec::new(),
        background,
        sentence: si,
    };
    if places.is_empty() {
        vec![make(None)]
    } else {
        places.into_iter().map(|p| make(Some(p))).collect()
    }
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
    match best.map(|i| &a.lex.weapons[i]) {
        Some(w) if w.weapon == "small_arms" && trigger.event_type != "Explosions/Remote violence" => {
            defaults
        }
        Some(w) => (w.event_type.clone(), w.sub_event_type.clone()),
        None => defaults,
    }
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
/// current report the publication day and the day before.
fn date_of(a: &Analysis, clause: Span, sentence: Span, background: bool) -> DateValue {
    let in_span = |s: Span| {
        a.dates
            .iter()
            .filter(move |d| d.start >= s.start && d.end <= s.end)
            .filter(|d| d.first.is_some() || d.kind != rasid_text::dates::DateKind::Year)
    };
    let said = in_span(clause)
        .find(|d| d.kind != rasid_text::dates::DateKind::Year)
        .or_else(|| in_span(sentence).find(|d| d.kind != rasid_text::dates::DateKind::Year));
    if let Some(d) = said {
        return date_value(d);
    }
    match (a.published, background) {
        (Some(p), false) => DateValue {
            first: Some(p.add_days(-1)),
            last: Some(p),
            precision: "range",
            span: None,
        },
        _ => DateValue::UNKNOWN,
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
    }
}

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
        if a.words_between(marker.end, a.text().len()) > 0 {
            if let Some(n) = noun(MarkerKind::PersonDual, 2).or_else(|| noun(MarkerKind::Person, 1)) {
                if a.words_between(marker.end, n.span.start) == 0 {
                    return Some(n);
                }
            }
        }
        let next_casualty = a
            .hits_in(Span { start: marker.end, end: clause.end }, Kind::Marker)
            .filter(|h| {
                matches!(
                    a.lex.markers[h.entry as usize].kind,
                    MarkerKind::Killed | MarkerKind::Injured
                )
            })
            .map(|h| h.start)
            .find(|&s| s > marker.end)
            .unwrap_or(clause.end);
        let after = a.counts.iter().find(|c| {
            c.start >= marker.end
                && c.end <= next_casualty
                && a.words_between(marker.end, c.start) <= 3
        });
        let before = a.counts.iter().rev().find(|c| {
            c.end <= marker.start
                && c.start >= clause.start
                && a.words_between(c.end, marker.start) <= 2
        });
        if let Some(c) = after.or(before) {
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
    let mut named: Vec<(Span, Vec<u32>, bool)> = Vec::new(); // span, candidates, near
    for h in a.hits_in(clause, Kind::Place) {
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
        let near = a.marker_before(clause, h.start - h.proclitic as usize, MarkerKind::Near, 1);
        named.push((span, vec![h.entry], near));
    }
    // drop places whose every candidate was rejected by context checks above
    let is_area = |c: &[u32]| c.iter().all(|&e| a.lex.places[e as usize].feature.is_area());
    let mut targets: Vec<PlaceMention> = Vec::new();
    let has_local = named.iter().any(|(_, c, _)| !is_area(c));
    for (span, candidates, near) in named {
        let area = is_area(&candidates);
        if let Some(last) = targets.last_mut() {
            let gap_words = a.words_between(last.span.end, span.start);
            let linked = a.marker_before(clause, span.start, MarkerKind::Locative, 1)
                || a.marker_before(clause, span.start, MarkerKind::Near, 1)
                || a.text()[last.span.end..span.start].contains(" في ")
                || a.text()[..span.start].ends_with('ب');
            if (area && has_local) || (linked && gap_words <= 4) {
                last.context.extend(candidates);
                continue;
            }
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
            country_hint,
        });
    }
    let whole_country = |t: &PlaceMention| {
        !t.near
            && t
                .candidates
                .iter()
                .all(|&e| a.lex.places[e as usize].feature == Feature::Country)
    };
    if !targets.is_empty() && targets.iter().all(whole_country) {
        return None;
    }
    Some(targets)
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

/// A small place stands for a location only after a locative word (في، بـ، قرب، بلدة…) or in
/// a list right after another place; well-known places may stand anywhere. A country in
/// an actor's role (استهدفت إسرائيل) is not a location.
fn place_accepted(a: &Analysis, clause: Span, h: &Hit) -> bool {
    let at = h.start - h.proclitic as usize;
    let proclitic = &a.text()[at..h.start];
    let inside = proclitic.contains('ب') || matches!(a.word_before(at), Some("في" | "داخل"));
    let locative = inside
        || a.marker_before(clause, at, MarkerKind::Locative, 0)
        || a.marker_before(clause, at, MarkerKind::Near, 1);
    let actor_here = a
        .hits_in(Span { start: h.start, end: h.end }, Kind::Actor)
        .any(|x| x.start == h.start && x.end == h.end);
    if actor_here && !inside && !a.marker_before(clause, at, MarkerKind::Near, 1) {
        return false;
    }
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
    locative || after_place
}
