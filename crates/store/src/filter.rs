//! Event filters shared by `rasid export`, `rasid events` and the API: parsed and checked
//! from `name=value` pairs, turned into a SQL condition with bound parameters only (no
//! value ever becomes SQL text).

use rasid_text::Day;
use std::fmt;

/// Which events to return. Empty: all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Events that may have happened on or after this day.
    pub from: Option<Day>,
    /// Events that may have happened on or before this day.
    pub to: Option<Day>,
    /// ISO 3166 alpha-2 country code, upper case.
    pub country: Option<String>,
    pub admin1: Option<String>,
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: Option<[f64; 4]>,
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    /// Canonical actor name (case ignored), matching either actor or a coalition they are
    /// part of.
    pub actor: Option<String>,
    /// At least this many documents report the event.
    pub min_sources: Option<u32>,
}

/// A filter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(pub String);

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FilterError {}

/// A value bound to a SQL parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(String),
    Real(f64),
    Int(i64),
}

/// What a store knows that lets [`Filter::sql_with`] write a condition its planner runs
/// faster, with the same result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SqlHints {
    /// No stored event spans more days than this (`date_end - date_start`), so that
    /// `from` also bounds `date_start`, the indexed column.
    pub max_date_span_days: Option<i64>,
    /// How the actor filter reads `event_actors`.
    pub actor: ActorPlan,
}

/// How a query with the actor filter finds the actor's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActorPlan {
    /// Collect the actor's events, then keep the events among them.
    #[default]
    Collect,
    /// Test each event for the actor: fast when walking events in an order and stopping
    /// at the end of a page.
    PerEvent,
    /// Walk the actor's events (`event_actors AS by_actor` joined to `events` in the
    /// FROM clause of [`Filter::sql_from`]): fast when counting up to a cap.
    Walk,
}

/// The filter names [`Filter::set`] accepts.
pub const FILTER_NAMES: [&str; 9] = [
    "from",
    "to",
    "country",
    "admin1",
    "bbox",
    "event_type",
    "sub_event_type",
    "actor",
    "min_sources",
];

impl Filter {
    /// Sets one filter from its name and text value; the error says what is wrong.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), FilterError> {
        let err = |what: &str| Err(FilterError(format!("{name}: {what}, got {value:?}")));
        let value = value.trim();
        let text = || (!value.is_empty()).then(|| value.to_string());
        match name {
            "from" | "to" => {
                let Some(day) = Day::parse_iso(value) else {
                    return err("expected a day as YYYY-MM-DD");
                };
                if name == "from" {
                    self.from = Some(day);
                } else {
                    self.to = Some(day);
                }
            }
            "country" => {
                if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return err("expected an ISO 3166 alpha-2 code such as SY or IQ");
                }
                self.country = Some(value.to_ascii_uppercase());
            }
            "bbox" => {
                let parts: Option<Vec<f64>> = value
                    .split(',')
                    .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
                    .collect();
                let Some([w, s, e, n]) =
                    parts.as_deref().and_then(|p| <[f64; 4]>::try_from(p).ok())
                else {
                    return err("expected min_lon,min_lat,max_lon,max_lat");
                };
                if !(-180.0..=180.0).contains(&w)
                    || !(-180.0..=180.0).contains(&e)
                    || !(-90.0..=90.0).contains(&s)
                    || !(-90.0..=90.0).contains(&n)
                    || w > e
                    || s > n
                {
                    return err("expected min_lon <= max_lon in [-180, 180] and min_lat <= max_lat in [-90, 90]");
                }
                self.bbox = Some([w, s, e, n]);
            }
            "min_sources" => match value.parse::<u32>() {
                Ok(n) if n >= 1 => self.min_sources = Some(n),
                _ => return err("expected a whole number of at least 1"),
            },
            "admin1" | "event_type" | "sub_event_type" | "actor" => {
                let Some(v) = text() else {
                    return err("expected a non-empty value");
                };
                if v.chars().count() > 200 {
                    return err("expected at most 200 characters");
                }
                match name {
                    "admin1" => self.admin1 = Some(v),
                    "event_type" => self.event_type = Some(v),
                    "sub_event_type" => self.sub_event_type = Some(v),
                    _ => self.actor = Some(v.to_lowercase()),
                }
            }
            _ => {
                return Err(FilterError(format!(
                    "unknown filter {name:?}; the filters are {}",
                    FILTER_NAMES.join(", ")
                )))
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(FilterError(format!("from ({from}) is after to ({to})")));
            }
        }
        Ok(())
    }

    /// The condition on the `events` table (`1 = 1` when empty) and its parameters;
    /// `placeholder(n)` writes the n-th parameter (`?n` for SQLite, `$n` for PostgreSQL).
    pub fn sql(&self, placeholder: impl Fn(usize) -> String) -> (String, Vec<SqlValue>) {
        self.sql_with(placeholder, &SqlHints::default())
    }

    /// The FROM clause the condition of [`Filter::sql_with`] needs with these hints.
    pub fn sql_from(&self, hints: &SqlHints) -> &'static str {
        if self.actor.is_some() && hints.actor == ActorPlan::Walk {
            "event_actors AS by_actor JOIN events ON events.key = by_actor.event_key"
        } else {
            "events"
        }
    }

    /// [`Filter::sql`] shaped by what the store knows (same events, faster plans).
    pub fn sql_with(
        &self,
        placeholder: impl Fn(usize) -> String,
        hints: &SqlHints,
    ) -> (String, Vec<SqlValue>) {
        let mut conds: Vec<String> = Vec::new();
        let mut params: Vec<SqlValue> = Vec::new();
        let bind = |v: SqlValue, params: &mut Vec<SqlValue>| {
            params.push(v);
            placeholder(params.len())
        };
        if let Some(from) = self.from {
            let p = bind(SqlValue::Text(from.to_string()), &mut params);
            conds.push(format!("date_end >= {p}"));
            // implied by the first, but on the indexed column: a range on both sides
            if let Some(span) = hints.max_date_span_days {
                let earliest = Day::from_days_since_epoch(from.days_since_epoch() - span);
                let p = bind(SqlValue::Text(earliest.to_string()), &mut params);
                conds.push(format!("date_start >= {p}"));
            }
        }
        if let Some(to) = self.to {
            let p = bind(SqlValue::Text(to.to_string()), &mut params);
            conds.push(format!("date_start <= {p}"));
        }
        if let Some(c) = &self.country {
            let p = bind(SqlValue::Text(c.clone()), &mut params);
            conds.push(format!("country = {p}"));
        }
        if let Some(a) = &self.admin1 {
            let p = bind(SqlValue::Text(a.clone()), &mut params);
            conds.push(format!("admin1 = {p}"));
        }
        if let Some([w, s, e, n]) = self.bbox {
            let ps: Vec<String> = [w, e, s, n]
                .into_iter()
                .map(|v| bind(SqlValue::Real(v), &mut params))
                .collect();
            conds.push(format!(
                "lon >= {} AND lon <= {} AND lat >= {} AND lat <= {}",
                ps[0], ps[1], ps[2], ps[3]
            ));
        }
        if let Some(t) = &self.event_type {
            let p = bind(SqlValue::Text(t.clone()), &mut params);
            conds.push(format!("event_type = {p}"));
        }
        if let Some(t) = &self.sub_event_type {
            let p = bind(SqlValue::Text(t.clone()), &mut params);
            conds.push(format!("sub_event_type = {p}"));
        }
        if let Some(a) = &self.actor {
            let p = bind(SqlValue::Text(a.clone()), &mut params);
            conds.push(match hints.actor {
                ActorPlan::Collect => {
                    format!("key IN (SELECT event_key FROM event_actors WHERE actor = {p})")
                }
                ActorPlan::PerEvent => format!(
                    "EXISTS (SELECT 1 FROM event_actors WHERE actor = {p} AND event_key = events.key)"
                ),
                ActorPlan::Walk => format!("by_actor.actor = {p}"),
            });
        }
        if let Some(n) = self.min_sources {
            let p = bind(SqlValue::Int(i64::from(n)), &mut params);
            conds.push(format!("n_sources >= {p}"));
        }
        let sql = if conds.is_empty() {
            "1 = 1".to_string()
        } else {
            conds.join(" AND ")
        };
        (sql, params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(pairs: &[(&str, &str)]) -> Result<Filter, FilterError> {
        let mut f = Filter::default();
        for (k, v) in pairs {
            f.set(k, v)?;
        }
        Ok(f)
    }

    #[test]
    fn values_are_checked_with_a_message_naming_the_filter() {
        for (k, v) in [
            ("from", "2024-02-30"),
            ("country", "Syria"),
            ("bbox", "40,30,35"),
            ("bbox", "40,30,35,36"),
            ("min_sources", "0"),
            ("actor", " "),
        ] {
            let e = filter(&[(k, v)]).unwrap_err();
            assert!(e.0.starts_with(k), "{e}");
        }
        let e = filter(&[("colour", "red")]).unwrap_err();
        assert!(e.0.contains("unknown filter"), "{e}");
        let e = filter(&[("from", "2024-02-10"), ("to", "2024-02-01")]).unwrap_err();
        assert!(e.0.contains("after"), "{e}");
    }

    #[test]
    fn values_become_parameters_never_sql() {
        let f = filter(&[
            ("country", "sy"),
            ("actor", "x' OR 1=1; DROP TABLE events; --"),
            ("from", "2024-01-01"),
        ])
        .unwrap();
        let (sql, params) = f.sql(|n| format!("?{n}"));
        assert!(!sql.contains("DROP"), "{sql}");
        assert_eq!(
            sql,
            "date_end >= ?1 AND country = ?2 AND key IN (SELECT event_key FROM event_actors WHERE actor = ?3)"
        );
        assert_eq!(params[1], SqlValue::Text("SY".into()));
        assert_eq!(
            params[2],
            SqlValue::Text("x' or 1=1; drop table events; --".into())
        );
    }

    #[test]
    fn hints_add_implied_bounds_and_keep_the_meaning() {
        let f = filter(&[("from", "2024-03-10"), ("actor", "X")]).unwrap();
        let hints = SqlHints {
            max_date_span_days: Some(30),
            actor: ActorPlan::PerEvent,
        };
        let (sql, params) = f.sql_with(|n| format!("?{n}"), &hints);
        assert_eq!(
            sql,
            "date_end >= ?1 AND date_start >= ?2 AND EXISTS (SELECT 1 FROM event_actors WHERE actor = ?3 AND event_key = events.key)"
        );
        assert_eq!(params[1], SqlValue::Text("2024-02-09".into()));
    }

    #[test]
    fn an_empty_filter_keeps_everything() {
        assert_eq!(Filter::default().sql(|n| format!("?{n}")).0, "1 = 1");
    }
}
