//! Merge stage: one event per act, within and across documents, with response links.
//!
//! [`key`] says which mentions can tell one act, [`cluster`] finds the acts (within each
//! document, then across documents, comparing distinct keys), and [`summary`] folds an
//! act's mentions into its event. Each step is independent of the order of the input and
//! linear in it (apart from comparing the distinct keys near each other), and a store
//! uses the same steps to add reports to stored events one batch at a time.

pub mod cluster;
pub mod event;
pub mod key;
pub mod summary;

pub use cluster::{document_clusters, group_keys, link_groups, KeyGroup, UnionFind};
pub use event::{ActorRef, Event, EventDate, Evidence, Location, Range, Source};
pub use key::{possible_days, MatchKey, SAME_PLACE_KM, SAME_PLACE_LAT, UNDATED_WINDOW_DAYS};
pub use summary::{DocPart, MemberKey, Summary};

use rasid_extraction::{Analysis, Document};
use rasid_lexicons::Lexicons;
use rasid_resolution::{resolve, ResolvedMention};
use rasid_text::hash::fnv1a;
use std::collections::{BTreeSet, HashMap};

/// The resolved mentions of one document, and the sketch of its text
/// ([`rasid_text::sketch`]) that tells its copies.
pub struct DocumentMentions {
    pub doc: String,
    pub mentions: Vec<ResolvedMention>,
    pub sketch: Option<Sketch>,
}

/// A text's MinHash sketch.
pub type Sketch = [u32; rasid_text::sketch::SKETCH_SIZE];

impl DocumentMentions {
    /// Extraction and resolution of a document, with the sketch of its text.
    pub fn of(doc: &Document, lex: &Lexicons) -> DocumentMentions {
        let analysis = Analysis::of_document(doc, lex);
        DocumentMentions {
            doc: doc.id.clone(),
            sketch: rasid_text::sketch::sketch(analysis.text(), &analysis.tokens),
            mentions: resolve(&analysis, &doc.text),
        }
    }
}

/// The whole pipeline over a set of documents: extraction and resolution of each, then
/// the merge of all.
pub fn extract_events(docs: &[Document], lex: &Lexicons) -> Vec<Event> {
    let mentions: Vec<DocumentMentions> =
        docs.iter().map(|d| DocumentMentions::of(d, lex)).collect();
    merge(&mentions)
}

/// Merges the mentions of all documents into events: mentions of one act (same type and
/// sub-type, same place, overlapping dates, compatible actors) become one event listing
/// every document, whatever the order of the documents.
pub fn merge(docs: &[DocumentMentions]) -> Vec<Event> {
    merge_with_members(docs).events
}

/// The events of a merge, and which event each mention went to.
pub struct Merged {
    pub events: Vec<Event>,
    /// For each document given (in the order given), for each of its mentions, the index
    /// of its event in `events`.
    pub event_of_mention: Vec<Vec<usize>>,
}

/// A mention as the merge across documents sees it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'m> {
    pub doc: &'m str,
    /// Its position in its document.
    pub index: u32,
    /// Its act within its document ([`document_clusters`]).
    pub cluster: u32,
    pub key: &'m MatchKey,
    /// Whether its date is said in the text (not only assumed from publication).
    pub said: bool,
}

/// Joins the mentions of documents that are copies of one text (`sketches`: each
/// document's sketch; [`rasid_text::sketch::copies`]) as the mentions of one document are
/// joined: copies tell the same acts in the same words, dated or not, so their mentions
/// are one act whenever they could be within one document. Candidate copies are the
/// documents sharing a band of their sketches; in a band they are compared in document id
/// order, each with the next one that is a copy of it, which joins a set of copies
/// through a chain instead of every pair.
pub fn link_copies(uf: &mut UnionFind, members: &[Member], sketches: &[(&str, &Sketch)]) {
    use rasid_text::sketch::{bands, copies};
    let mut buckets: HashMap<i64, Vec<usize>> = HashMap::new();
    for (d, (_, sketch)) in sketches.iter().enumerate() {
        for band in bands(sketch) {
            buckets.entry(band).or_default().push(d);
        }
    }
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for docs in buckets.values_mut() {
        docs.sort_by(|&a, &b| sketches[a].0.cmp(sketches[b].0));
        docs.dedup();
        for (n, &a) in docs.iter().enumerate() {
            if let Some(&b) = docs[n + 1..]
                .iter()
                .find(|&&b| copies(sketches[a].1, sketches[b].1))
            {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut of_doc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        of_doc.entry(m.doc).or_default().push(i);
    }
    let none = Vec::new();
    for (a, b) in pairs {
        let (left, right) = (
            of_doc.get(sketches[a].0).unwrap_or(&none),
            of_doc.get(sketches[b].0).unwrap_or(&none),
        );
        link_mentions_of_copies(uf, members, left, right);
    }
}

/// Joins each mention of one copy to the mentions of another it could be one act with.
pub fn link_mentions_of_copies(
    uf: &mut UnionFind,
    members: &[Member],
    left: &[usize],
    right: &[usize],
) {
    for &i in left {
        for &j in right {
            let (x, y) = (&members[i], &members[j]);
            if key::compatible_in_document(x.key, x.said, y.key, y.said) {
                uf.union(i, j);
            }
        }
    }
}

/// Joins, over nodes `0..members.len()`, the members of one act within a document and
/// the groups of compatible keys across documents; returns the union-find and the groups
/// of keys (for a store to join stored events to).
pub fn link_members<'m>(members: &[Member<'m>]) -> (UnionFind, Vec<KeyGroup<'m>>) {
    let mut uf = UnionFind::new(members.len());
    let mut first_of_cluster: HashMap<(&str, u32), usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let first = *first_of_cluster.entry((m.doc, m.cluster)).or_insert(i);
        uf.union(first, i);
    }
    let mut groups = group_keys(&mut uf, members.iter().enumerate().map(|(i, m)| (i, m.key)));
    link_groups(&mut uf, &mut groups);
    (uf, groups)
}

/// The acts of mentions of several documents (`sketches`: theirs, for copies): for each
/// member, the number of its act, acts numbered in order of their first member (by
/// document id, then position).
pub fn acts(members: &[Member], sketches: &[(&str, &Sketch)]) -> Vec<usize> {
    let (mut uf, _) = link_members(members);
    link_copies(&mut uf, members, sketches);
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by_key(|&i| (members[i].doc, members[i].index));
    let mut number: HashMap<usize, usize> = HashMap::new();
    let mut act = vec![0; members.len()];
    for i in order {
        let root = uf.find(i);
        let next = number.len();
        act[i] = *number.entry(root).or_insert(next);
    }
    act
}

/// [`merge`], also telling which event each mention joined.
pub fn merge_with_members(given: &[DocumentMentions]) -> Merged {
    // documents in id order, so that the result does not depend on the order given
    let mut by_id: Vec<usize> = (0..given.len()).collect();
    by_id.sort_by(|&a, &b| given[a].doc.cmp(&given[b].doc));
    let keys: Vec<Vec<MatchKey>> = by_id
        .iter()
        .map(|&d| given[d].mentions.iter().map(MatchKey::of).collect())
        .collect();
    let clusters: Vec<Vec<u32>> = by_id
        .iter()
        .zip(&keys)
        .map(|(&d, keys)| document_clusters(&given[d].mentions, keys))
        .collect();
    let mut members: Vec<Member> = Vec::new();
    let mut mention_of: Vec<&ResolvedMention> = Vec::new();
    for (s, &d) in by_id.iter().enumerate() {
        for (k, m) in given[d].mentions.iter().enumerate() {
            members.push(Member {
                doc: &given[d].doc,
                index: k as u32,
                cluster: clusters[s][k],
                key: &keys[s][k],
                said: m.date.span.is_some(),
            });
            mention_of.push(m);
        }
    }
    let sketches: Vec<(&str, &Sketch)> = by_id
        .iter()
        .filter_map(|&d| Some((given[d].doc.as_str(), given[d].sketch.as_ref()?)))
        .collect();
    let act = acts(&members, &sketches);
    let n_acts = act.iter().map(|a| a + 1).max().unwrap_or(0);
    let mut act_members: Vec<Vec<usize>> = vec![Vec::new(); n_acts];
    for (i, &a) in act.iter().enumerate() {
        act_members[a].push(i);
    }
    let mut events: Vec<Event> = act_members
        .iter()
        .map(|list| {
            // members are in document id order, then position: the first is the first report
            let first = members[list[0]];
            let mut summary = Summary::of(mention_of[list[0]], member_key(&first));
            for &i in &list[1..] {
                summary.add(mention_of[i], member_key(&members[i]));
            }
            let parts: Vec<DocPart> = list
                .chunk_by(|&i, &j| members[i].doc == members[j].doc)
                .map(|run| DocPart::of(members[run[0]].doc, run.iter().map(|&i| mention_of[i])))
                .collect();
            summary.event(
                event_id(first.doc, first.index as usize),
                &parts,
                Vec::new(),
            )
        })
        .collect();
    // response links, from positions in a document to event ids
    let mut start_of_doc: HashMap<&str, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        start_of_doc.entry(m.doc).or_insert(i);
    }
    let mut links: Vec<BTreeSet<String>> = vec![BTreeSet::new(); n_acts];
    for (i, m) in mention_of.iter().enumerate() {
        for &target in &m.responds_to {
            let to = act[start_of_doc[members[i].doc] + target];
            if to != act[i] {
                links[act[i]].insert(events[to].id.clone());
            }
        }
    }
    for (e, targets) in events.iter_mut().zip(links) {
        e.responds_to = targets.into_iter().collect();
    }
    let mut event_of_mention = vec![Vec::new(); given.len()];
    let mut next = 0;
    for &d in &by_id {
        let n = given[d].mentions.len();
        event_of_mention[d] = act[next..next + n].to_vec();
        next += n;
    }
    Merged {
        events,
        event_of_mention,
    }
}

/// Where a member stands among all reports.
pub fn member_key(m: &Member) -> MemberKey {
    (m.doc.to_string(), m.index)
}

/// An event's id: a hash of its first report (the smallest id of a document that tells
/// it, and the mention's position in that document). Every mention belongs to one event,
/// so ids are unique; they do not depend on the order of the input, and a store keeps an
/// event's id when later reports join it.
pub fn event_id(doc: &str, mention: usize) -> String {
    let h = fnv1a(format!("{doc}#{mention}").as_bytes());
    // FNV-1a barely stirs its last bytes: finish with the splitmix64 mixer so that
    // neighbouring mentions get unrelated ids
    let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("ev-{:012x}", (h ^ (h >> 31)) >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasid_text::Day;

    fn lex() -> &'static Lexicons {
        static LEX: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        LEX.get_or_init(|| Lexicons::embedded().expect("embedded lexicons"))
    }

    fn doc(id: &str, published: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            url: None,
            outlet: None,
            published: Day::parse_iso(published),
        }
    }

    #[test]
    fn two_reports_of_one_act_are_one_event() {
        let docs = [
            doc("a", "2024-01-20", "قصفت طائرة مسيرة مجهولة أمس مستودعا للأسلحة في مدينة الميادين."),
            doc("b", "2024-01-20", "أفادت مصادر محلية بأن طائرة مسيرة استهدفت أمس مستودعا في الميادين بريف دير الزور، ما أدى إلى مقتل عنصرين."),
        ];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].docs, ["a", "b"]);
        assert_eq!(events[0].fatalities, Some(Range { min: 2, max: 2 }));
        assert_eq!(events[0].date.start.as_deref(), Some("2024-01-19"));
    }

    #[test]
    fn different_weapons_at_one_place_stay_apart_across_reports() {
        let docs = [
            doc(
                "a",
                "2024-01-20",
                "قصفت طائرات حربية أمس مواقع في مدينة الميادين.",
            ),
            doc("b", "2024-01-20", "سقطت قذائف هاون أمس على مدينة الميادين."),
        ];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 2, "{events:#?}");
    }

    #[test]
    fn ids_do_not_depend_on_input_order() {
        let docs = vec![
            doc(
                "a",
                "2024-01-20",
                "قصفت طائرات حربية أمس مواقع في مدينة الميادين.",
            ),
            doc(
                "b",
                "2024-01-21",
                "استهدف هجوم بطائرة مسيرة قاعدة التنف اليوم.",
            ),
        ];
        let mut forward: Vec<String> = extract_events(&docs, lex())
            .into_iter()
            .map(|e| e.id)
            .collect();
        let reversed: Vec<Document> = docs.into_iter().rev().collect();
        let mut backward: Vec<String> = extract_events(&reversed, lex())
            .into_iter()
            .map(|e| e.id)
            .collect();
        forward.sort();
        backward.sort();
        assert_eq!(forward, backward);
        assert_eq!(forward.len(), 2);
    }

    /// The examples of the repository (invented reports), as documents.
    fn examples() -> Vec<Document> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                doc(
                    &p.file_name().unwrap().to_string_lossy(),
                    "2024-03-16",
                    &std::fs::read_to_string(p).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn a_summary_is_the_same_whatever_the_order_or_grouping_of_its_mentions() {
        let docs = examples();
        let resolved: Vec<DocumentMentions> = docs
            .iter()
            .map(|d| DocumentMentions::of(d, lex()))
            .collect();
        let merged = merge_with_members(&resolved);
        let mut folded_several = false;
        for (e, event) in merged.events.iter().enumerate() {
            let mut members: Vec<(MemberKey, &ResolvedMention)> = Vec::new();
            for (d, dm) in resolved.iter().enumerate() {
                for (k, m) in dm.mentions.iter().enumerate() {
                    if merged.event_of_mention[d][k] == e {
                        members.push(((dm.doc.clone(), k as u32), m));
                    }
                }
            }
            let fold = |list: &[(MemberKey, &ResolvedMention)]| {
                let mut s = Summary::of(list[0].1, list[0].0.clone());
                for (key, m) in &list[1..] {
                    s.add(m, key.clone());
                }
                s
            };
            let forward = fold(&members);
            let reversed: Vec<_> = members.iter().rev().cloned().collect();
            assert_eq!(fold(&reversed), forward, "{}", event.id);
            if members.len() > 1 {
                folded_several = true;
                let (a, b) = members.split_at(members.len() / 2);
                let mut halves = fold(b);
                halves.absorb(&fold(a));
                assert_eq!(
                    halves.event(String::new(), &[], vec![]),
                    forward.event(String::new(), &[], vec![])
                );
            }
            // what an older store kept (the whole event) gives the event back
            let (summary, parts) = Summary::from_event(event);
            assert_eq!(
                &summary.event(event.id.clone(), &parts, event.responds_to.clone()),
                event
            );
        }
        assert!(folded_several);
    }

    #[test]
    fn a_restatement_without_the_weapon_is_the_same_act() {
        let docs = [doc(
            "a",
            "2024-01-20",
            "قصفت طائرة مسيرة أمس مواقع في مدينة الميادين، ما أدى إلى مقتل ثلاثة عناصر.\nوقال متحدث عسكري إن القصف على الميادين استهدف مستودعا للأسلحة.",
        )];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].sub_event_type, "Air/drone strike");
    }

    #[test]
    fn undated_reports_of_one_town_and_attacker_are_one_act_only_with_a_shared_figure() {
        let undated = |id: &str, text: &str| Document {
            published: None,
            ..doc(id, "2024-01-20", text)
        };
        let apart = [
            undated("a", "قصفت طائرة مسيرة أمريكية مواقع في مدينة الميادين."),
            undated(
                "b",
                "استهدفت طائرة مسيرة أمريكية مستودعا في مدينة الميادين.",
            ),
        ];
        assert_eq!(extract_events(&apart, lex()).len(), 2);
        let together = [
            undated(
                "a",
                "قصفت طائرة مسيرة أمريكية مواقع في مدينة الميادين، ما أدى إلى مقتل خمسة عناصر.",
            ),
            undated(
                "b",
                "قتل خمسة عناصر في غارة لطائرة مسيرة أمريكية استهدفت مستودعا في مدينة الميادين.",
            ),
        ];
        let events = extract_events(&together, lex());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].docs, ["a", "b"]);
    }

    #[test]
    fn copies_of_a_report_share_its_events_dated_or_not() {
        let report = "قصفت طائرة مسيرة مجهولة فجر اليوم موقعا عسكريا قرب مدينة الميادين بريف دير الزور الشرقي، \
            ما أدى إلى مقتل ثلاثة عناصر وإصابة خمسة آخرين، بحسب مصادر محلية. وقال شهود عيان إن سيارات \
            الإسعاف هرعت إلى المكان، فيما فرضت القوات طوقا أمنيا حول الموقع. ولم تتبن أي جهة المسؤولية.";
        let docs = [
            doc("a", "2024-01-20", report),
            Document {
                published: None,
                ..doc("b", "2024-01-20", &format!("نقلا عن وكالة محلية\n{report}"))
            },
        ];
        let events = extract_events(&docs, lex());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].docs, ["a", "b"]);
    }
}
