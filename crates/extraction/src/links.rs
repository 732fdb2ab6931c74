//! Response links between the mentions of one document: which acts answer which («رداً على»,
//! «انتقاماً ل», «الرد … بعد»), when either side is told in the responding sentence or only
//! referred to there, and which telling of an answered act the link points to.

use crate::analysis::{Analysis, Span};
use crate::mention::{Clause, Mention, PlaceMention};
use rasid_lexicons::{ActorKind, Feature, Hit, Kind, MarkerKind, Pos};
use std::ops::Range;

/// How far (in words) before a response word a threat, denial or hypothesis makes the
/// response one not given ("توعدت واشنطن بالرد على").
const UNGIVEN_WORDS: usize = 4;

/// How many sentences back a responding clause may point to the acts it refers to: "ذلك
/// جاء رداً على…", which names neither the acts nor who did them, and "وجاءت الضربات
/// الأمريكية رداً على…", which does.
const UNNAMED_SENTENCES: usize = 2;
const NAMED_SENTENCES: usize = 4;

/// Links the mentions of a sentence's responding clauses to those of the clauses they
/// answer. A side told in its own clause gives its mentions, every place of a strike wave
/// included; a side only referred to ("وجاءت الضربات رداً على…", "ردت على الغارات بـ…")
/// gives the acts of the document it refers to.
pub(crate) fn link_responses(
    a: &Analysis,
    sentence: Span,
    clauses: &[Clause],
    by_clause: &[Range<usize>],
    mentions: &mut [Mention],
    answered_before: &[bool],
) {
    for (ci, clause) in clauses.iter().enumerate() {
        let (true, Some(partner)) = (clause.answered, clause.partner) else {
            continue;
        };
        // the clauses that give the response: the partner, and an answer by means
        // ("ردت على الغارات باستهداف…") that names this clause as its partner
        let responding: Vec<usize> = (0..clauses.len())
            .filter(|&j| !clauses[j].answered && (j == partner || clauses[j].partner == Some(ci)))
            .collect();
        let mut responders: Vec<usize> = responding
            .iter()
            .flat_map(|&j| by_clause[j].clone())
            .collect();
        if responders.is_empty() {
            let given = clause
                .response_word
                .is_none_or(|w| !ungiven(a, sentence, w));
            let before = by_clause[partner].start.min(by_clause[ci].start);
            if given && refers_back(a, clauses[partner].span) {
                responders = referred_acts(a, clauses[partner].span, &mentions[..before]);
            }
        }
        let mut answered: Vec<usize> = by_clause[ci].clone().collect();
        if answered.is_empty() && !responders.is_empty() {
            let responder = responders.first().and_then(|&r| mentions[r].actor1);
            let before = by_clause[ci].start;
            answered = named_acts(
                a,
                clause.span,
                responder,
                &mentions[..before],
                &answered_before[..before],
            );
        }
        for &r in &responders {
            for &t in &answered {
                if r != t && !mentions[r].responds_to.contains(&t) {
                    mentions[r].responds_to.push(t);
                }
            }
        }
    }
}

/// Whether a threat, denial or hypothesis stands just before the response word at `word`:
/// "توعدت بالرد على", "لن نرد على" tell of no response given.
fn ungiven(a: &Analysis, sentence: Span, word: usize) -> bool {
    [
        MarkerKind::Threat,
        MarkerKind::Negation,
        MarkerKind::Hypothetical,
    ]
    .into_iter()
    .any(|kind| a.marker_before(sentence, word, kind, UNGIVEN_WORDS))
}

/// Whether a responding clause that told no act of its own refers to acts told before: it
/// names none ("ذلك جاء رداً"), or only as a definite noun ("الغارات جاءت رداً", "نفذت
/// واشنطن الرد"). A clause whose own act was blocked (a threat, a denial) does not.
fn refers_back(a: &Analysis, clause: Span) -> bool {
    a.hits_in(clause, Kind::Trigger)
        .filter(|t| a.lex.triggers[t.entry as usize].strength >= 2)
        .all(|t| definite_noun(a, t) && !blocked_here(a, clause, t))
}

/// A definite act noun: "الغارات", "الضربة".
fn definite_noun(a: &Analysis, t: &Hit) -> bool {
    a.text()[t.start..].starts_with("ال") && a.lex.triggers[t.entry as usize].pos != Pos::Verb
}

/// A threat or denial just before the trigger in its clause.
fn blocked_here(a: &Analysis, clause: Span, t: &Hit) -> bool {
    ungiven(a, clause, t.start - t.proclitic as usize)
}

/// What a clause says of the acts it refers to: who did them (a force, a person speaking for
/// one, or a nationality adjective) and the act noun it uses.
struct Reference<'a> {
    actor: Option<u32>,
    noun: Option<&'a Hit>,
}

fn reference<'a>(a: &'a Analysis, clause: Span) -> Reference<'a> {
    let actor = a
        .hits_in(clause, Kind::Actor)
        .find(|h| {
            let x = &a.lex.actors[h.entry as usize];
            matches!(
                x.kind,
                ActorKind::Force | ActorKind::Person | ActorKind::Adjective
            ) && !x.id.starts_with("unidentified")
        })
        .map(|h| a.lex.stands_for(h.entry));
    Reference {
        actor,
        noun: a.hits_in(clause, Kind::Trigger).next(),
    }
}

/// Whether a mention is of the kind of act the noun names: the noun's sub-event type when
/// the noun fixes it (الغارات), else any act of violence (الضربات، الهجوم).
fn fits_noun(a: &Analysis, noun: Option<&Hit>, m: &Mention) -> bool {
    let Some(noun) = noun else {
        return true;
    };
    let t = &a.lex.triggers[noun.entry as usize];
    if t.fixed {
        return m.sub_event_type == t.sub_event_type;
    }
    matches!(
        m.event_type.as_str(),
        "Battles" | "Explosions/Remote violence" | "Violence against civilians"
    )
}

/// Whether the attacker of a mention is on the side of `actor`.
fn by_side_of(a: &Analysis, actor: u32, m: &Mention) -> bool {
    m.actor1.is_some_and(|x| {
        a.lex.same_side(
            &a.lex.actors[x.actor as usize],
            &a.lex.actors[actor as usize],
        )
    })
}

/// The acts a responding clause refers to: the last acts told before it that fit what it
/// names (the act noun, who did them), with every place of that telling; when it names
/// nothing, the acts of the last sentences just before.
fn referred_acts(a: &Analysis, clause: Span, before: &[Mention]) -> Vec<usize> {
    let named = reference(a, clause);
    let fits = |m: &Mention| {
        !m.background
            && fits_noun(a, named.noun, m)
            && named.actor.is_none_or(|x| by_side_of(a, x, m))
    };
    let Some(last) = before.iter().rev().find(|m| fits(m)) else {
        return Vec::new();
    };
    let reach = match named.noun.is_none() && named.actor.is_none() {
        true => UNNAMED_SENTENCES,
        false => NAMED_SENTENCES,
    };
    let here = a.sentences.partition_point(|s| s.start <= clause.start) - 1;
    if here.saturating_sub(last.sentence) > reach {
        return Vec::new();
    }
    (0..before.len())
        .filter(|&i| before[i].sentence == last.sentence && fits(&before[i]))
        .collect()
}

/// The acts an answered clause names only as a noun ("ردت على الغارات"): the last told
/// before it of the kind the noun names, by whom the clause names if it does, and not by
/// the side answering; every place of that telling. Acts told as answered themselves are
/// passed over: they are another response's target, not this one's.
fn named_acts(
    a: &Analysis,
    clause: Span,
    responder: Option<crate::ActorMention>,
    before: &[Mention],
    answered: &[bool],
) -> Vec<usize> {
    let named = reference(a, clause);
    if named.noun.is_none() {
        return Vec::new();
    }
    let responder = responder
        .map(|r| r.actor)
        .filter(|&r| !a.lex.actors[r as usize].id.starts_with("unidentified"));
    let fits = |i: usize| {
        let m = &before[i];
        !answered[i]
            && fits_noun(a, named.noun, m)
            && named.actor.is_none_or(|x| by_side_of(a, x, m))
            && responder.is_none_or(|r| !by_side_of(a, r, m))
    };
    let Some(last) = (0..before.len()).rev().find(|&i| fits(i)) else {
        return Vec::new();
    };
    (0..before.len())
        .filter(|&i| before[i].sentence == before[last].sentence && fits(i))
        .collect()
}

/// How a mention tells its act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Telling {
    /// Reports it.
    Report,
    /// Names it as the act answered ("رداً على الهجوم على البرج 22").
    Answered,
    /// Names it by a definite noun and a country or province ("جرحى الهجوم على القوات
    /// الأمريكية في شرق سوريا الخميس").
    Reference,
}

fn telling_of(a: &Analysis, m: &Mention, answered: bool) -> Telling {
    let definite = a
        .hits_in(m.trigger, Kind::Trigger)
        .next()
        .is_some_and(|t| definite_noun(a, t));
    let coarse = m.place.as_ref().is_some_and(|p| {
        p.candidates
            .iter()
            .all(|&c| a.lex.places[c as usize].feature.is_area())
    });
    match (answered, definite && coarse) {
        (true, _) => Telling::Answered,
        (false, true) => Telling::Reference,
        (false, false) => Telling::Report,
    }
}

/// An act answered, or referred to by a definite noun and a coarse place, is often a second
/// telling of an act the document reports in full elsewhere ("رداً على الهجوم على البرج 22"
/// after the report of that attack, «قرب الحسكة» for the base named later): links then
/// point to that report, the one that carries a date rather than an undated headline's,
/// and the copy gives way to it (its casualties kept where the report has none).
pub(crate) fn one_telling_of_each_answered_act(
    a: &Analysis,
    mentions: &mut Vec<Mention>,
    answered: &[bool],
) {
    let tellings: Vec<Telling> = mentions
        .iter()
        .zip(answered)
        .map(|(m, &answered)| telling_of(a, m, answered))
        .collect();
    let mut telling: Vec<Option<usize>> = vec![None; mentions.len()];
    for i in (0..mentions.len()).filter(|&i| tellings[i] != Telling::Report) {
        let (x, reference) = (&mentions[i], tellings[i] == Telling::Reference);
        telling[i] = (0..mentions.len())
            .filter(|&j| tellings[j] == Telling::Report && told_again(a, x, &mentions[j]))
            // a reference is to an act of the very same kind
            .filter(|&j| !reference || mentions[j].sub_event_type == x.sub_event_type)
            .max_by_key(|&j| (mentions[j].date.span.is_some(), std::cmp::Reverse(j)))
            .filter(|&j| mentions[j].date.span.is_some() || x.date.span.is_none());
    }
    if telling.iter().all(Option::is_none) {
        return;
    }
    for i in 0..mentions.len() {
        let Some(j) = telling[i] else {
            continue;
        };
        if mentions[j].fatalities.is_none() {
            mentions[j].fatalities = mentions[i].fatalities;
        }
        if mentions[j].injured.is_none() {
            mentions[j].injured = mentions[i].injured;
        }
    }
    // positions after the copies are dropped
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(mentions.len());
    let mut kept = 0;
    for t in &telling {
        new_index.push(t.is_none().then_some(kept));
        kept += t.is_none() as usize;
    }
    let target = |k: usize| match telling[k] {
        Some(j) => new_index[j],
        None => new_index[k],
    };
    let mut k = 0;
    mentions.retain(|_| {
        k += 1;
        telling[k - 1].is_none()
    });
    for (k, m) in mentions.iter_mut().enumerate() {
        let mut links: Vec<usize> = Vec::new();
        for t in m.responds_to.iter().filter_map(|&t| target(t)) {
            if t != k && !links.contains(&t) {
                links.push(t);
            }
        }
        m.responds_to = links;
    }
}

/// Whether the act `x` answers is the act `y` tells: the same type, the same place or one
/// `y` was named near or in ("قرب الحسكة" for a base "بريف الحسكة"), and dates that can
/// agree; a country or province holding `y`'s place only when both say their dates and
/// these agree ("الهجوم على قواتنا الخميس في سوريا").
fn told_again(a: &Analysis, x: &Mention, y: &Mention) -> bool {
    if x.event_type != y.event_type {
        return false;
    }
    let (Some(p), Some(q)) = (&x.place, &y.place) else {
        return false;
    };
    let dated = x.date.first.is_some() && y.date.first.is_some();
    if dated && (x.date.last < y.date.first || y.date.last < x.date.first) {
        return false;
    }
    let both_said = x.date.span.is_some() && y.date.span.is_some();
    shares_place(a, p, q) || (both_said && within(a, p, q))
}

/// Whether a candidate of `p` is a candidate of `q`, or a town or site that `q` was named
/// near or in (a country or province named as context says too little).
fn shares_place(a: &Analysis, p: &PlaceMention, q: &PlaceMention) -> bool {
    p.candidates.iter().any(|c| {
        q.candidates.contains(c)
            || (q.context.contains(c) && !a.lex.places[*c as usize].feature.is_area())
    })
}

/// Whether `area` names a country or province that holds a candidate of `p`.
fn within(a: &Analysis, area: &PlaceMention, p: &PlaceMention) -> bool {
    area.candidates.iter().any(|&e| {
        let ar = &a.lex.places[e as usize];
        p.candidates.iter().any(|&c| {
            let place = &a.lex.places[c as usize];
            place.country == ar.country
                && match ar.feature {
                    Feature::Country => true,
                    Feature::Admin1 => !ar.admin1.is_empty() && place.admin1 == ar.admin1,
                    _ => false,
                }
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::mention::{find_mentions, Mention};
    use crate::test_lexicons;
    use crate::Analysis;
    use rasid_text::Day;

    fn mentions(text: &str) -> (Analysis<'static>, Vec<Mention>) {
        let a = Analysis::new(text, Day::parse_iso("2024-03-10"), test_lexicons());
        let m = find_mentions(&a);
        (a, m)
    }

    /// The place named of each mention, with the places of the mentions it answers.
    fn links(a: &Analysis, m: &[Mention]) -> Vec<(String, Vec<String>)> {
        let place = |x: &Mention| {
            x.place
                .as_ref()
                .map_or(String::new(), |p| a.text()[p.span.start..p.span.end].into())
        };
        m.iter()
            .map(|x| {
                let answered = x.responds_to.iter().map(|&t| place(&m[t])).collect();
                (place(x), answered)
            })
            .collect()
    }

    fn pairs(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.iter().map(|x| x.to_string()).collect()))
            .collect()
    }

    /// Strikes on two towns, both answering the attack on al-Tanf base.
    const TWO_STRIKES_ANSWER_TANF: &[(&str, &[&str])] = &[
        ("الميادين", &["قاعده التنف"]),
        ("البوكمال", &["قاعده التنف"]),
        ("قاعده التنف", &[]),
    ];

    #[test]
    fn every_place_of_a_wave_answers() {
        let (a, m) = mentions(
            "قصفت طائرات أميركية مواقع في الميادين والبوكمال رداً على هجوم بطائرة مسيرة على قاعدة التنف.",
        );
        assert_eq!(links(&a, &m), pairs(TWO_STRIKES_ANSWER_TANF));
    }

    #[test]
    fn a_response_opening_the_sentence_is_given_by_the_clause_after_the_act() {
        let (a, m) = mentions(
            "رداً على الهجوم الذي استهدف قاعدة التنف، قصفت طائرات أميركية مواقع في الميادين والبوكمال.",
        );
        let want: &[(&str, &[&str])] = &[
            ("قاعده التنف", &[]),
            ("الميادين", &["قاعده التنف"]),
            ("البوكمال", &["قاعده التنف"]),
        ];
        assert_eq!(links(&a, &m), pairs(want));
    }

    #[test]
    fn a_later_sentence_links_the_acts_it_refers_to() {
        let told = "هاجمت المقاومة الإسلامية في العراق قاعدة التنف بطائرة مسيرة يوم الخميس. \
                    وقصفت طائرات أميركية أمس مواقع في الميادين والبوكمال.";
        for answer in [
            " وجاءت الضربات رداً على الهجوم على قاعدة التنف.",
            " وقالت القيادة المركزية إن الغارات جاءت رداً على الهجوم.",
        ] {
            let (a, m) = mentions(&format!("{told}{answer}"));
            // the attack on al-Tanf named again is the one told, dated, not a new act
            let want: &[(&str, &[&str])] = &[
                ("قاعده التنف", &[]),
                ("الميادين", &["قاعده التنف"]),
                ("البوكمال", &["قاعده التنف"]),
            ];
            assert_eq!(links(&a, &m), pairs(want), "{answer}");
            assert_eq!(m[0].date.first, Day::new(2024, 3, 7));
        }
    }

    #[test]
    fn a_response_noun_before_after_names_the_act_answered() {
        let (a, m) = mentions(
            "غارات أميركية على الميادين والبوكمال\nهاجمت المقاومة الإسلامية في العراق قاعدة \
             التنف بطائرة مسيرة يوم الخميس. ونفذت واشنطن الرد الذي توعدت به بعد الهجوم على \
             قاعدة التنف.",
        );
        assert_eq!(links(&a, &m), pairs(TWO_STRIKES_ANSWER_TANF));
    }

    #[test]
    fn an_act_answered_named_by_its_noun_is_the_act_told_before() {
        let (a, m) = mentions(
            "شنت طائرات أميركية غارات على الميادين والبوكمال يوم الجمعة. وأعلنت المقاومة \
             الإسلامية في العراق أنها ردت على الغارات باستهداف قاعدة الشدادي بالصواريخ.",
        );
        let want: &[(&str, &[&str])] = &[
            ("الميادين", &[]),
            ("البوكمال", &[]),
            ("قاعده الشدادي", &["الميادين", "البوكمال"]),
        ];
        assert_eq!(links(&a, &m), pairs(want));
    }

    #[test]
    fn a_response_vowed_or_denied_links_nothing() {
        for answer in [
            " وتوعدت واشنطن بالرد على الهجوم.",
            " وقال البنتاغون إن الضربات لم تأت رداً على الهجوم.",
        ] {
            let (_, m) = mentions(&format!(
                "هاجمت المقاومة الإسلامية في العراق قاعدة التنف بطائرة مسيرة يوم الخميس. \
                 وقصفت طائرات أميركية أمس مواقع في الميادين.{answer}"
            ));
            assert!(
                m.iter().all(|x| x.responds_to.is_empty()),
                "{answer}: {m:?}"
            );
        }
    }

    #[test]
    fn the_link_points_to_the_dated_telling_not_the_headline() {
        let (a, m) = mentions(
            "مقتل جنديين أميركيين بهجوم على قاعدة التنف\nقتل جنديان أميركيان بهجوم بطائرة \
             مسيرة على قاعدة التنف يوم الخميس. وقصفت طائرات أميركية مواقع في الميادين رداً \
             على الهجوم على قاعدة التنف.",
        );
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[2].responds_to, [1]);
        assert_eq!(m[1].date.first, Day::new(2024, 3, 7));
        assert!(m[0].date.span.is_none(), "{:?}", links(&a, &m));
    }

    #[test]
    fn an_attack_answered_in_a_country_is_the_dated_attack_told_there() {
        let (a, m) = mentions(
            "قال الرئيس إنه أمر بالرد بعد الهجوم على قواتنا الخميس في سوريا. وكانت طائرة \
             مسيرة قد استهدفت قاعدة خراب الجير بريف الحسكة يوم الخميس. وقصفت طائرات \
             أميركية مواقع في الميادين رداً على ذلك.",
        );
        let want: &[(&str, &[&str])] = &[
            ("قاعده خراب الجير", &[]),
            ("الميادين", &["قاعده خراب الجير"]),
        ];
        assert_eq!(links(&a, &m), pairs(want));
    }
}
