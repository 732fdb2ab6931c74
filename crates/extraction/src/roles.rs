//! Who did it, to whom, and who said so: actor roles in a clause from the cues around each
//! actor name (agent and target words, adjectives, affiliation, attribution, word order).

use crate::analysis::{Analysis, Span};
use crate::mention::ActorMention;
use rasid_lexicons::{ActorKind, Hit, Kind, MarkerKind, Pos};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles {
    pub actor1: Option<ActorMention>,
    pub actor2: Option<ActorMention>,
    pub claimants: Vec<ActorMention>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Actor1,
    Actor2,
}

/// A role with how sure the cue is (higher wins).
type Vote = (Role, u8);

pub fn assign_roles(a: &Analysis, clause: Span, head: &Hit, event_type: &str) -> Roles {
    let mut roles = Roles::default();
    let mut votes: Vec<(ActorMention, Vote)> = Vec::new();
    let protest = event_type == "Protests";
    for h in a.hits_in(clause, Kind::Actor) {
        let entry = &a.lex.actors[h.entry as usize];
        let mention = ActorMention {
            actor: a.lex.stands_for(h.entry),
            span: Span::of(h),
        };
        let at = h.start - h.proclitic as usize;
        let attributed = a.marker_before(clause, at, MarkerKind::Attribution, 2)
            && !a.marker_before(clause, at, MarkerKind::Target, 1);
        match entry.kind {
            ActorKind::Media => {
                roles.claimants.push(mention);
                continue;
            }
            ActorKind::Person => {
                roles.claimants.push(mention);
                votes.push((mention, (Role::Actor1, 0)));
                continue;
            }
            ActorKind::Adjective => {
                if let Some(vote) = adjective_vote(a, clause, h) {
                    votes.push((mention, vote));
                }
                continue;
            }
            ActorKind::Civilian => {
                let role = if protest { Role::Actor1 } else { Role::Actor2 };
                votes.push((mention, (role, 3)));
                continue;
            }
            ActorKind::Force => {}
        }
        if attributed {
            roles.claimants.push(mention);
        }
        if backer_of_previous(a, clause, h) {
            continue;
        }
        votes.push((mention, force_vote(a, clause, head, h, attributed)));
    }
    votes.retain(|(_, (_, w))| *w > 0);
    roles.actor1 = best(&votes, Role::Actor1, None);
    roles.actor2 = best(&votes, Role::Actor2, roles.actor1.map(|m| m.actor));
    if roles.actor1.is_none() {
        // an actor voted only as target can still be the actor when the target is known
        roles.actor1 = votes
            .iter()
            .filter(|(m, _)| Some(m.actor) != roles.actor2.map(|x| x.actor))
            .filter(|(m, _)| a.lex.actors[m.actor as usize].kind == ActorKind::Force)
            .map(|(m, _)| *m)
            .next()
            .filter(|_| roles.actor2.is_some() && votes.len() > 1);
    }
    roles
}

/// An adjective after a trigger or weapon names who acted (غارات أميركية); after a target
/// noun or site it names whose the target was (القواعد الأمريكية); elsewhere it says nothing
/// about the act (الرئيس الأمريكي).
fn adjective_vote(a: &Analysis, clause: Span, h: &Hit) -> Option<Vote> {
    let at = h.start - h.proclitic as usize;
    let before = Span {
        start: clause.start,
        end: at,
    };
    let near = |hit: &Hit| hit.end <= at && a.words_between(hit.end, at) <= 2;
    let act_word = a
        .hits_in(before, Kind::Trigger)
        .chain(a.hits_in(before, Kind::Weapon))
        .filter(|x| near(x))
        .map(|x| x.end)
        .max();
    let target_word = a
        .markers_in(before, MarkerKind::TargetNoun)
        .chain(a.hits_in(before, Kind::Place))
        .filter(|x| near(x))
        .map(|x| x.end)
        .max();
    match (act_word, target_word) {
        (Some(w), Some(t)) if t > w => Some((Role::Actor2, 3)),
        (Some(_), _) => Some((Role::Actor1, 3)),
        (None, Some(_)) => Some((Role::Actor2, 3)),
        (None, None) => None,
    }
}

/// Whether a nationality adjective qualifies an act or weapon (غارات أميركية), naming who
/// attacked.
pub(crate) fn adjective_names_attacker(a: &Analysis, span: Span, h: &Hit) -> bool {
    matches!(adjective_vote(a, span, h), Some((Role::Actor1, _)))
}

/// "ميليشيا مدعومة من إيران": the actor after an affiliation word, right after another actor,
/// only qualifies that actor.
fn backer_of_previous(a: &Analysis, clause: Span, h: &Hit) -> bool {
    let at = h.start - h.proclitic as usize;
    let Some(marker) = a.nearest_marker_before(clause, at, MarkerKind::Affiliation, 1) else {
        return false;
    };
    let before = Span {
        start: clause.start,
        end: marker.start,
    };
    a.hits_in(before, Kind::Actor)
        .last()
        .is_some_and(|x| a.words_between(x.end, marker.start) <= 2)
}

fn force_vote(a: &Analysis, clause: Span, head: &Hit, h: &Hit, attributed: bool) -> Vote {
    let at = h.start - h.proclitic as usize;
    let head_at = head.start - head.proclitic as usize;
    // "اشتباكات بين X و Y": the first named side is actor1, the other actor2
    if let Some(between) = between_word(a, clause, head) {
        if at > between {
            let first = a
                .hits_in(
                    Span {
                        start: between,
                        end: clause.end,
                    },
                    Kind::Actor,
                )
                .next()
                .is_some_and(|x| x.start == h.start);
            return if first {
                (Role::Actor1, 4)
            } else {
                (Role::Actor2, 4)
            };
        }
    }
    if a.marker_before(clause, at, MarkerKind::Agent, 2) {
        return (Role::Actor1, 3);
    }
    // "قتل عنصر من قوات الأسد", "مقتل جنود أمريكيين": the ones killed or injured
    if a.marker_before(clause, at, MarkerKind::Killed, 3)
        || a.marker_before(clause, at, MarkerKind::Injured, 3)
    {
        return (Role::Actor2, 3);
    }
    if a.marker_before(clause, at, MarkerKind::Passive, 1)
        || a.marker_after(clause, h.end, MarkerKind::Passive, 1)
    {
        return (Role::Actor2, 3);
    }
    if a.marker_before(clause, at, MarkerKind::Target, 2)
        || a.marker_before(clause, at, MarkerKind::TargetNoun, 1)
        || a.marker_before(clause, at, MarkerKind::Affiliation, 1)
    {
        return (Role::Actor2, 3);
    }
    if a.marker_before(clause, at, MarkerKind::Claim, 3)
        || a.marker_after(clause, h.end, MarkerKind::Claim, 2)
    {
        return (Role::Actor1, 3);
    }
    let trigger = &a.lex.triggers[head.entry as usize];
    if h.start >= head.end {
        let gap = a.words_between(head.end, at);
        return match trigger.pos {
            Pos::Verb if gap <= 2 => (Role::Actor1, 2),
            Pos::Noun if gap == 0 => (Role::Actor1, 2),
            Pos::Masdar if gap == 0 => (Role::Actor2, 2),
            Pos::Passive => (Role::Actor2, 2),
            _ => (Role::Actor2, 1),
        };
    }
    // before the trigger: the subject of an SVO clause or the one reporting; a report of
    // an attack suffered (تعرض) comes from the target's side, not the attacker
    if attributed && a.markers_in(clause, MarkerKind::Passive).next().is_some() {
        return (Role::Actor1, 0);
    }
    let weight = if attributed { 1 } else { 2 };
    if a.words_between(h.end, head_at) <= 8 {
        (Role::Actor1, weight)
    } else {
        (Role::Actor1, 1)
    }
}

/// Position right after "بين" following a battle trigger.
fn between_word(a: &Analysis, clause: Span, head: &Hit) -> Option<usize> {
    if a.lex.triggers[head.entry as usize].event_type != "Battles" {
        return None;
    }
    a.markers_in(clause, MarkerKind::Between)
        .find(|m| m.start >= head.end && a.words_between(head.end, m.start) <= 2)
        .map(|m| m.end)
}

fn best(votes: &[(ActorMention, Vote)], role: Role, not: Option<u32>) -> Option<ActorMention> {
    votes
        .iter()
        .filter(|(m, (r, _))| *r == role && Some(m.actor) != not)
        .max_by_key(|(m, (_, w))| (*w, std::cmp::Reverse(m.span.start)))
        .map(|(m, _)| *m)
}
