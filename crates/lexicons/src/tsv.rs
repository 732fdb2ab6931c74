//! The tab-separated format every lexicon file uses: a header line naming the columns,
//! then one record per line; blank lines and lines starting with `#` are comments.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsvError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for TsvError {}

/// One record, with access to its fields by column name.
pub struct Record<'t, 'c> {
    pub file: &'t str,
    pub line: usize,
    columns: &'c HashMap<&'t str, usize>,
    fields: Vec<&'t str>,
}

impl<'t> Record<'t, '_> {
    /// The field of `column`, trimmed; empty when the line is short.
    pub fn get(&self, column: &str) -> &'t str {
        self.columns
            .get(column)
            .and_then(|&i| self.fields.get(i))
            .map_or("", |s| s.trim())
    }

    /// A required, non-empty field.
    pub fn required(&self, column: &str) -> Result<&'t str, TsvError> {
        let value = self.get(column);
        if value.is_empty() {
            Err(self.error(format!("missing `{column}`")))
        } else {
            Ok(value)
        }
    }

    /// A field parsed as a number; empty parses as the default.
    pub fn number<T: std::str::FromStr + Default>(&self, column: &str) -> Result<T, TsvError> {
        let value = self.get(column);
        if value.is_empty() {
            return Ok(T::default());
        }
        value
            .parse()
            .map_err(|_| self.error(format!("`{column}` is not a number: {value:?}")))
    }

    /// A `|`-separated list field.
    pub fn list(&self, column: &str) -> Vec<&'t str> {
        self.get(column)
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn error(&self, message: String) -> TsvError {
        TsvError {
            file: self.file.to_string(),
            line: self.line,
            message,
        }
    }
}

/// Parses `text` and calls `each` for every record; stops at the first error.
pub fn parse<'t, F>(
    file: &'t str,
    text: &'t str,
    required: &[&str],
    mut each: F,
) -> Result<(), TsvError>
where
    F: FnMut(&Record<'t, '_>) -> Result<(), TsvError>,
{
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Err(TsvError {
            file: file.to_string(),
            line: 1,
            message: "empty file: a header line is required".into(),
        });
    };
    let columns: HashMap<&str, usize> = header
        .split('\t')
        .enumerate()
        .map(|(i, c)| (c.trim(), i))
        .collect();
    if let Some(missing) = required.iter().find(|c| !columns.contains_key(*c)) {
        return Err(TsvError {
            file: file.to_string(),
            line: 1,
            message: format!("header lacks column `{missing}`"),
        });
    }
    for (index, line) in lines {
        let record = Record {
            file,
            line: index + 1,
            columns: &columns,
            fields: line.split('\t').collect(),
        };
        each(&record)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_columns_by_name_and_skips_comments() {
        let text = "# a comment\nname\tcount\tforms\n\nغارة\t3\tغارة|غارات\n";
        let mut seen = Vec::new();
        parse("t.tsv", text, &["name"], |r| {
            seen.push((r.get("name"), r.number::<u32>("count")?, r.list("forms")));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![("غارة", 3, vec!["غارة", "غارات"])]);
    }

    #[test]
    fn names_file_and_line_in_errors() {
        let text = "name\tcount\nx\tmany\n";
        let err = parse("t.tsv", text, &["name"], |r| {
            r.number::<u32>("count").map(|_| ())
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.tsv:2: `count` is not a number: \"many\""
        );
        let err = parse("t.tsv", "other\n", &["name"], |_| Ok(())).unwrap_err();
        assert!(err.message.contains("lacks column `name`"));
    }
}
