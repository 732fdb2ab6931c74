//! A document given as a JSON object (`{"id", "text", "url"?, "outlet"?, "published"?}`): a
//! JSON Lines record of `rasid extract`/`ingest`, or a document posted to the API.

use crate::shorten;
use rasid_extraction::Document;
use rasid_text::Day;
use serde_json::Value;

/// The fields a document object has.
pub const DOCUMENT_FIELDS: [&str; 5] = ["id", "text", "url", "outlet", "published"];

/// Reads a document object. Returns the document (its `published` as found) with notes on
/// optional fields that were ignored (wrong type, not a day), or why it cannot be read (not
/// an object, no string `id` or `text`). Other fields are left alone.
pub fn document_from_json(value: Value) -> Result<(Document, Vec<String>), String> {
    let Value::Object(mut record) = value else {
        return Err(format!(
            "expected a JSON object (one document per line), found {}",
            json_kind(&value)
        ));
    };
    let id = match record.remove("id") {
        None | Some(Value::Null) => return Err("record has no \"id\"".into()),
        Some(Value::String(id)) if id.trim().is_empty() => {
            return Err("record has an empty \"id\"".into())
        }
        Some(Value::String(id)) => id,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(format!(
                "\"id\" must be a string, found {}",
                json_kind(&other)
            ))
        }
    };
    let text = match record.remove("text") {
        None | Some(Value::Null) => return Err(format!("record {id:?} has no \"text\"")),
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err(format!(
                "\"text\" of record {id:?} must be a string, found {}",
                json_kind(&other)
            ))
        }
    };
    let mut notes = Vec::new();
    let url = optional_string(&mut record, "url", &mut notes);
    let outlet = optional_string(&mut record, "outlet", &mut notes);
    let published = match record.remove("published") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => {
            // Day::parse_iso also takes the day of a timestamp
            let day = Day::parse_iso(s.trim());
            if day.is_none() {
                notes.push(format!(
                    "\"published\" is not an ISO day (YYYY-MM-DD): {:?}; ignored",
                    shorten(&s, 40)
                ));
            }
            day
        }
        Some(other) => {
            notes.push(format!(
                "\"published\" must be an ISO day string, found {}; ignored",
                json_kind(&other)
            ));
            None
        }
    };
    let doc = Document {
        id,
        text,
        url,
        outlet,
        published,
    };
    Ok((doc, notes))
}

/// An optional string field: absent, null or empty give `None`; another type is noted.
fn optional_string(
    record: &mut serde_json::Map<String, Value>,
    field: &str,
    notes: &mut Vec<String>,
) -> Option<String> {
    match record.remove(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            notes.push(format!(
                "{field:?} must be a string, found {}; ignored",
                json_kind(&other)
            ));
            None
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_field_and_notes_what_it_ignores() {
        let (doc, notes) = document_from_json(json!({
            "id": 7, "text": "نص", "url": "https://x.example/a", "outlet": 3,
            "published": "2024-03-16T10:00:00Z", "title": "kept aside"
        }))
        .unwrap();
        assert_eq!(doc.id, "7");
        assert_eq!(doc.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(doc.outlet, None);
        assert_eq!(doc.published, Day::parse_iso("2024-03-16"));
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("\"outlet\""));
        let (_, notes) =
            document_from_json(json!({"id": "a", "text": "نص", "published": "16/03"})).unwrap();
        assert!(notes[0].contains("published"), "{notes:?}");
    }

    #[test]
    fn refuses_what_is_not_a_document() {
        for (value, says) in [
            (json!([1]), "JSON object"),
            (json!({"text": "نص"}), "no \"id\""),
            (json!({"id": " ", "text": "نص"}), "empty \"id\""),
            (json!({"id": true, "text": "نص"}), "\"id\" must be a string"),
            (json!({"id": "a"}), "no \"text\""),
            (json!({"id": "a", "text": 5}), "must be a string"),
        ] {
            let e = document_from_json(value).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }
}
