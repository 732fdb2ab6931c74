//! Query-string parameters: only the names an endpoint takes, each at most once, every
//! value checked, with a 400 saying what is wrong otherwise.

use crate::error::ApiError;
use rasid_store::{Filter, FILTER_NAMES};

pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses a raw query string, allowing the filters (when `filters`) and `names`.
    pub fn parse(raw: Option<&str>, filters: bool, names: &[&str]) -> Result<Params, ApiError> {
        let allowed =
            |name: &str| names.contains(&name) || (filters && FILTER_NAMES.contains(&name));
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if !allowed(&name) {
                let mut known: Vec<&str> = names.to_vec();
                if filters {
                    known.extend(FILTER_NAMES);
                }
                let list = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ApiError::bad_request(format!(
                    "unknown parameter {name:?}; this endpoint takes: {list}"
                )));
            }
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(ApiError::bad_request(format!(
                    "parameter {name:?} is given more than once"
                )));
            }
            pairs.push((name.into_owned(), value.into_owned()));
        }
        Ok(Params { pairs })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The event filters among the parameters.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        let mut filter = Filter::default();
        for (name, value) in &self.pairs {
            if FILTER_NAMES.contains(&name.as_str()) {
                filter
                    .set(name, value)
                    .map_err(|e| ApiError::bad_request(e.0))?;
            }
        }
        Ok(filter)
    }

    /// A whole number in `range`, `default` when absent.
    pub fn number(
        &self,
        name: &str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ApiError> {
        let Some(value) = self.get(name) else {
            return Ok(default);
        };
        value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{name}: expected a whole number from {} to {}, got {value:?}",
                    range.start(),
                    range.end()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_names_are_refused() {
        let e = Params::parse(Some("colour=red"), true, &["limit"])
            .err()
            .unwrap();
        assert!(
            e.message.contains("unknown parameter \"colour\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("limit") && e.message.contains("country"));
        let e = Params::parse(Some("limit=1&limit=2"), false, &["limit"])
            .err()
            .unwrap();
        assert!(e.message.contains("more than once"), "{}", e.message);
    }

    #[test]
    fn numbers_are_checked_against_their_range() {
        let p = Params::parse(Some("limit=501&offset=x"), false, &["limit", "offset"]).unwrap();
        assert!(p.number("limit", 100, 1..=500).is_err());
        assert!(p.number("offset", 0, 0..=10).is_err());
        assert_eq!(p.number("absent", 7, 1..=10).unwrap(), 7);
    }

    #[test]
    fn values_are_percent_decoded_and_filters_checked() {
        let p = Params::parse(
            Some("actor=Islamic%20Resistance+in+Iraq&country=sy"),
            true,
            &[],
        )
        .unwrap();
        let f = p.filter().unwrap();
        assert_eq!(f.actor.as_deref(), Some("islamic resistance in iraq"));
        assert_eq!(f.country.as_deref(), Some("SY"));
        let p = Params::parse(Some("from=2024-13-01"), true, &[]).unwrap();
        assert!(p.filter().err().unwrap().message.starts_with("from"));
    }
}
