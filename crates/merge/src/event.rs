//! The merged event record as written to JSON Lines (see `shared/eval/EVENTS.md`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    /// Stable id derived from the event's first report (see `event_id`).
    pub id: String,
    /// Every input document that reports this event, in id order.
    pub docs: Vec<String>,
    pub event_type: String,
    pub sub_event_type: String,
    pub date: EventDate,
    pub actor1: Option<ActorRef>,
    pub actor2: Option<ActorRef>,
    pub location: Option<Location>,
    pub weapons: Vec<String>,
    pub fatalities: Option<Range>,
    pub injured: Option<Range>,
    /// Ids of earlier events (in the same output) this event answers.
    pub responds_to: Vec<String>,
    pub sources: Vec<Source>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct EventDate {
    /// ISO day, or `None` when the text does not allow one.
    pub start: Option<String>,
    pub end: Option<String>,
    /// `day`, `range`, `month`, `year` or `unknown`.
    pub precision: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ActorRef {
    /// Canonical English name.
    pub name: String,
    /// The Arabic surface form found in the text.
    pub name_ar: String,
    /// ACLED inter code (1 state forces … 8 external forces).
    pub inter: u8,
    /// ISO country of the actor, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Canonical names of the coalitions it belongs to, innermost first.
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Location {
    pub name: String,
    pub name_ar: String,
    pub country: String,
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    /// ACLED geo precision: 1 town or site, 2 near a town / part of a region, 3 province or larger.
    pub precision: u8,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Range {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Source {
    pub doc: String,
    /// Who reported or claimed it in the text, besides the outlet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    pub doc: String,
    /// Character offsets (Unicode scalar values) into the document's original text.
    pub start: usize,
    pub end: usize,
    /// `trigger`, `actor1`, `actor2`, `location`, `date`, `fatalities`, `injured`,
    /// `weapon`, `claimant`, `responds_to`.
    pub field: String,
}
