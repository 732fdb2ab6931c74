//! Which mentions tell one act: first within each document (a document's own clusters
//! depend on nothing else), then across documents, by comparing distinct keys.
//!
//! Events are the connected parts of a graph whose edges are pairs of compatible
//! mentions, so they do not depend on the order mentions come in. Within a document the
//! pairs are compared on keys without repeats ([`document_clusters`]); across documents
//! mentions with one key form one [`KeyGroup`], and groups are compared instead of
//! mentions ([`group_keys`], [`link_groups`]). Comparisons are limited to pairs of one type
//! whose latitudes are within [`SAME_PLACE_LAT`]: every other pair is surely apart. The
//! cost is linear in the mentions plus the comparisons of distinct keys near each other,
//! not the square of the reports of one act.

use crate::key::{
    compatible_across_documents, compatible_in_document, days_overlap, same_actors, MatchKey,
    SAME_PLACE_LAT, SITE_OF_TOWN_KM,
};
use rasid_resolution::geocode::km;
use rasid_resolution::ResolvedMention;
use std::collections::HashMap;

/// Disjoint sets over node indices; the smaller index of two joined sets stays their root.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// Adds a node in a set of its own; returns its index.
    pub fn push(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.parent.len() - 1
    }

    pub fn find(&mut self, i: usize) -> usize {
        let mut root = i;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut i = i;
        while self.parent[i] != root {
            let next = self.parent[i];
            self.parent[i] = root;
            i = next;
        }
        root
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (keep, join) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[join] = keep;
        }
    }
}

/// The pairs among `items` that may be compatible: same type (and sub-type, when
/// `by_sub_type`), latitudes within `band` degrees (sorted by type then latitude, each item
/// meets only the items after it inside that band).
fn nearby_pairs(items: &[&MatchKey], by_sub_type: bool, band: f64) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let none = String::new();
    let kind = |i: usize| {
        let sub = if by_sub_type {
            &items[i].sub_event_type
        } else {
            &none
        };
        (&items[i].event_type, sub)
    };
    order.sort_by(|&a, &b| {
        kind(a)
            .cmp(&kind(b))
            .then(items[a].place.lat.total_cmp(&items[b].place.lat))
    });
    let mut pairs = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        for &j in &order[n + 1..] {
            if kind(j) != kind(i) || items[j].place.lat - items[i].place.lat > band {
                break;
            }
            pairs.push((i.min(j), i.max(j)));
        }
    }
    pairs
}

/// The acts of one document: for each mention, the number of its cluster (clusters
/// numbered in order of their first mention). Mentions with compatible keys are one act
/// (a document may leave the date out in one place and say it in another); then a mention
/// placing the act only roughly (a headline's "شرقي سوريا", "قرب الحسكة") joins the one
/// finer act it fits, told in another sentence; when several would fit, it stays apart.
pub fn document_clusters(mentions: &[ResolvedMention], keys: &[MatchKey]) -> Vec<u32> {
    let n = mentions.len();
    let mut uf = UnionFind::new(n);
    // equal keys (and equally said dates) are one act: compare each distinct key once
    let said = |i: usize| mentions[i].date.span.is_some();
    let mut firsts: Vec<usize> = Vec::new();
    let mut by_signature: HashMap<(i64, bool), Vec<usize>> = HashMap::new();
    for i in 0..n {
        let slot = by_signature
            .entry((keys[i].signature(), said(i)))
            .or_default();
        match slot.iter().find(|&&f| keys[f] == keys[i]) {
            Some(&f) => uf.union(f, i),
            None => {
                slot.push(i);
                firsts.push(i);
            }
        }
    }
    let first_keys: Vec<&MatchKey> = firsts.iter().map(|&i| &keys[i]).collect();
    // a site may lie some way from the town it is named after
    let band = SAME_PLACE_LAT.max(SITE_OF_TOWN_KM / 111.0);
    for (a, b) in nearby_pairs(&first_keys, false, band) {
        let (i, j) = (firsts[a], firsts[b]);
        if compatible_in_document(&keys[i], said(i), &keys[j], said(j)) {
            uf.union(i, j);
        }
    }
    join_coarse_mentions(mentions, keys, &mut uf);
    let mut number: HashMap<usize, u32> = HashMap::new();
    (0..n)
        .map(|i| {
            let root = uf.find(i);
            let next = number.len() as u32;
            *number.entry(root).or_insert(next)
        })
        .collect()
}

/// A coarse location ("near X", "the countryside of X") covers this far.
const COARSE_PLACE_KM: f64 = 120.0;

fn join_coarse_mentions(mentions: &[ResolvedMention], keys: &[MatchKey], uf: &mut UnionFind) {
    for (i, coarse) in mentions.iter().enumerate() {
        if coarse.place.precision < 2 {
            continue;
        }
        let mut fitting: Vec<usize> = Vec::new();
        for (j, fine) in mentions.iter().enumerate() {
            if j == i || !covers(coarse, &keys[i], fine, &keys[j]) {
                continue;
            }
            let root = uf.find(j);
            if !fitting.contains(&root) {
                fitting.push(root);
                if fitting.len() > 1 {
                    break;
                }
            }
        }
        if let [only] = fitting[..] {
            uf.union(i, only);
        }
    }
}

fn covers(coarse: &ResolvedMention, ck: &MatchKey, fine: &ResolvedMention, fk: &MatchKey) -> bool {
    let (p, q) = (&coarse.place, &fine.place);
    let inside = if p.precision >= 3 {
        p.country == q.country
    } else {
        km(p.lat, p.lon, q.lat, q.lon) <= COARSE_PLACE_KM
    };
    coarse.sentence != fine.sentence
        && q.precision < p.precision
        && inside
        && ck.event_type == fk.event_type
        && ck.sub_event_type == fk.sub_event_type
        && days_overlap(ck.days, fk.days)
        && same_actors(ck, fk)
}

/// Mentions of any documents with one key: compared with other keys once for all.
#[derive(Debug)]
pub struct KeyGroup<'k> {
    pub key: &'k MatchKey,
    pub signature: i64,
    /// The mentions' nodes.
    pub members: Vec<usize>,
    /// The group's own node: every member joins it once the group is known to be one act
    /// with something (itself, another group, a stored event).
    pub node: usize,
    attached: bool,
}

impl KeyGroup<'_> {
    /// Joins every member to the group's node.
    pub fn attach(&mut self, uf: &mut UnionFind) {
        if !self.attached {
            for &m in &self.members {
                uf.union(self.node, m);
            }
            self.attached = true;
        }
    }
}

/// Groups mentions (`(node, key)`) by key, each group with a new node in `uf`. Mentions of
/// one key from different documents are one act when the key is compatible with itself
/// across documents (a dated act, or a named attacker).
pub fn group_keys<'k>(
    uf: &mut UnionFind,
    mentions: impl IntoIterator<Item = (usize, &'k MatchKey)>,
) -> Vec<KeyGroup<'k>> {
    let mut groups: Vec<KeyGroup<'k>> = Vec::new();
    let mut by_signature: HashMap<i64, Vec<usize>> = HashMap::new();
    for (node, key) in mentions {
        let signature = key.signature();
        let slot = by_signature.entry(signature).or_default();
        match slot.iter().find(|&&g| groups[g].key == key) {
            Some(&g) => groups[g].members.push(node),
            None => {
                slot.push(groups.len());
                groups.push(KeyGroup {
                    key,
                    signature,
                    members: vec![node],
                    node: uf.push(),
                    attached: false,
                });
            }
        }
    }
    for g in &mut groups {
        if compatible_across_documents(g.key, g.key) {
            g.attach(uf);
        }
    }
    groups
}

/// Joins the groups whose keys are compatible across documents: every member of one is
/// compatible with every member of the other, so all are one act.
pub fn link_groups(uf: &mut UnionFind, groups: &mut [KeyGroup]) {
    let keys: Vec<&MatchKey> = groups.iter().map(|g| g.key).collect();
    for (a, b) in nearby_pairs(&keys, true, SAME_PLACE_LAT) {
        if compatible_across_documents(keys[a], keys[b]) {
            uf.union(groups[a].node, groups[b].node);
            groups[a].attach(uf);
            groups[b].attach(uf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_keeps_the_smaller_index_as_root() {
        let mut uf = UnionFind::new(4);
        uf.union(3, 1);
        uf.union(1, 2);
        assert_eq!(uf.find(3), 1);
        assert_eq!(uf.find(2), 1);
        assert_eq!(uf.find(0), 0);
        let added = uf.push();
        assert_eq!((added, uf.find(added)), (4, 4));
        uf.union(added, 3);
        assert_eq!(uf.find(added), 1);
    }
}
