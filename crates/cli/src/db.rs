//! The commands over the event store: `ingest`, `export`, `events`, `changes`.

use crate::{csv_out, geojson_out, input, walk};
use indicatif::{ProgressBar, ProgressStyle};
use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_merge::Event;
use rasid_store::{
    ingest, ErrorKind, Filter, IngestOptions, Page, Queries, SqliteStore, Store, StoreError,
    Summary,
};
use rasid_text::Day;
use serde_json::json;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The store used when neither `--db` nor `RASID_DB` names one.
pub const DEFAULT_DB: &str = "rasid.db";

/// The filters of `export` and `events`, as command-line options.
#[derive(clap::Args, Debug, Default)]
pub struct FilterArgs {
    /// Events that may have happened on or after this day (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Events that may have happened on or before this day (YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// ISO 3166 alpha-2 country code (SY, IQ, YE, …).
    #[arg(long)]
    country: Option<String>,
    /// First-level administrative region, as in the output (e.g. "Deir ez-Zor").
    #[arg(long)]
    admin1: Option<String>,
    /// min_lon,min_lat,max_lon,max_lat
    #[arg(long, allow_hyphen_values = true)]
    bbox: Option<String>,
    /// ACLED event type (e.g. "Explosions/Remote violence").
    #[arg(long)]
    event_type: Option<String>,
    /// ACLED sub-event type (e.g. "Air/drone strike").
    #[arg(long)]
    sub_event_type: Option<String>,
    /// Canonical actor name; a coalition also matches its members.
    #[arg(long)]
    actor: Option<String>,
    /// Events reported by at least this many documents.
    #[arg(long)]
    min_sources: Option<String>,
}

impl FilterArgs {
    fn filter(&self) -> Result<Filter, String> {
        let mut filter = Filter::default();
        let pairs = [
            ("from", &self.from),
            ("to", &self.to),
            ("country", &self.country),
            ("admin1", &self.admin1),
            ("bbox", &self.bbox),
            ("event_type", &self.event_type),
            ("sub_event_type", &self.sub_event_type),
            ("actor", &self.actor),
            ("min_sources", &self.min_sources),
        ];
        for (name, value) in pairs {
            if let Some(v) = value {
                filter
                    .set(name, v)
                    .map_err(|e| option_message(name, &e.0))?;
            }
        }
        Ok(filter)
    }
}

/// A filter's message in the words of the command line: `--sub-event-type: …` for
/// `sub_event_type: …`; the value quoted in it is left as given.
fn option_message(name: &str, message: &str) -> String {
    match message.strip_prefix(name) {
        Some(rest) => format!("--{}{rest}", name.replace('_', "-")),
        None => format!("--{message}"),
    }
}

/// `--db`, else `RASID_DB`, else [`DEFAULT_DB`].
pub fn db_path(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("RASID_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
}

/// How long `ingest` waits for another writer of the store (another `ingest`, a server
/// taking documents) before it gives up: a batch holds the store for seconds at most.
const INGEST_WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Opens the store to write (creating it if there is none), for `ingest`.
fn open(path: &Path) -> Result<SqliteStore, ExitCode> {
    let store = SqliteStore::open(path).map_err(|e| store_error(&e))?;
    store
        .set_write_wait(INGEST_WRITE_WAIT)
        .map_err(|e| store_error(&e))?;
    Ok(store)
}

/// Opens an existing store to read it (read-only; as it is on disk where it cannot be
/// written), for `export`, `events`, `changes`.
pub fn open_to_read(path: &Path) -> Result<SqliteStore, ExitCode> {
    let store = SqliteStore::open_for_reading(path).map_err(|e| store_error(&e))?;
    if store.immutable() {
        eprintln!(
            "rasid: {}: its folder cannot be written (read-only media?): reading the store as it is on disk",
            path.display()
        );
    }
    Ok(store)
}

/// Says what went wrong with the store, and what to do about it.
pub fn store_error(e: &StoreError) -> ExitCode {
    eprintln!("rasid: {e}");
    let hint = match e.kind {
        ErrorKind::Damaged => "the store is damaged: `rasid check --db PATH` lists what is wrong",
        ErrorKind::Busy => {
            "another process holds the store for writing: run the command again when it is done"
        }
        ErrorKind::Full => {
            "free some disk space and run the same command again: what was committed is kept"
        }
        ErrorKind::ReadOnly => "the store cannot be written there: copy it to a writable folder",
        ErrorKind::Other => "check the path given with --db or RASID_DB",
    };
    eprintln!("rasid: {hint}");
    ExitCode::from(2)
}

/// `rasid check`: the store's structure and contents, in full.
pub fn check_command(db: &Path) -> ExitCode {
    let store = match open_to_read(db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match store.check() {
        Ok(problems) if problems.is_empty() => {
            let counts = store.counts().ok();
            let sizes = counts.map_or(String::new(), |c| {
                format!(
                    ": {} documents, {} events, {} mentions",
                    c.documents, c.events, c.mentions
                )
            });
            eprintln!("rasid: {} is sound{sizes}", db.display());
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                println!("{p}");
            }
            eprintln!(
                "rasid: {} is damaged: {} problems listed{}; restore it from a copy, or ingest the documents again into a new store",
                db.display(),
                problems.len(),
                if problems.len() >= rasid_store::sqlite::CHECK_PROBLEMS { " (the first ones)" } else { "" }
            );
            ExitCode::from(1)
        }
        Err(e) => store_error(&e),
    }
}

/// Options of `rasid ingest`.
pub struct IngestArgs {
    pub db: PathBuf,
    pub published: Option<Day>,
    pub batch: usize,
    pub json: bool,
    pub lexicons: Option<PathBuf>,
    pub inputs: Vec<PathBuf>,
}

pub fn ingest_command(args: IngestArgs) -> ExitCode {
    let lex = match args
        .lexicons
        .as_deref()
        .map_or_else(Lexicons::embedded, Lexicons::load_dir)
    {
        Ok(lex) => lex,
        Err(e) => {
            eprintln!("rasid: {e}");
            return ExitCode::from(2);
        }
    };
    // the store first: inputs are read as the store takes them
    let mut store = match open(&args.db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let bar = progress_bar(&args.inputs);
    let say = bar.clone();
    let mut documents = input::Documents::new(&args.inputs, args.published)
        .on_notice(move |line| say.suspend(|| eprintln!("{line}")));
    let bytes_read = documents.bytes_read();
    let result = ingest(
        &mut store,
        &lex,
        &mut documents,
        &IngestOptions {
            batch_size: args.batch,
        },
        &mut |done| match bar.length() {
            Some(_) => {
                bar.set_position(bytes_read.get());
                bar.set_message(format!("{done} documents"));
            }
            None => bar.set_position(done as u64),
        },
    );
    bar.finish_and_clear();
    let report = documents.finish();
    for e in &report.problems {
        eprintln!("{e}");
    }
    if !args.json {
        eprint!("{}", report.notices());
    }
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rasid: {e}");
            eprintln!(
                "rasid: every batch committed before this one is kept; run the same command again to go on"
            );
            return ExitCode::from(2);
        }
    };
    let counts = store.counts().ok();
    let errors = &report.problems;
    if args.json {
        let skipped: serde_json::Map<String, serde_json::Value> = report
            .skipped_counts()
            .iter()
            // keys in snake case: not_arabic, empty, not_an_html_page, duplicate_url
            .map(|(reason, n)| (reason.as_str().to_lowercase().replace(' ', "_"), json!(n)))
            .collect();
        let report = json!({
            "db": args.db.display().to_string(),
            "input_problems": errors.iter().map(|e| json!({"input": e.input, "message": e.message})).collect::<Vec<_>>(),
            "input_warnings": report.warnings.iter().map(|e| json!({"input": e.input, "message": e.message})).collect::<Vec<_>>(),
            "skipped": skipped,
            "summary": summary,
            "store": counts,
        });
        println!("{report}");
    } else {
        print_summary(&args.db, &summary, errors.len());
        if let Some(c) = counts {
            eprintln!(
                "rasid: {} now holds {} documents, {} events",
                args.db.display(),
                c.documents,
                c.events
            );
        }
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Progress on a terminal, nothing when standard error is not one: a bar of the inputs' bytes
/// read, with rate and time left, when their total size is known (a walk of the folders,
/// reading no file); else a count of the documents done (a stream's size is known only at its
/// end).
fn progress_bar(inputs: &[PathBuf]) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match walk::total_size(inputs) {
        Some(total) => (
            ProgressBar::new(total),
            "{wide_bar} {bytes}/{total_bytes}  {msg}  {bytes_per_sec}  left {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} documents  {per_sec}  elapsed {elapsed}",
        ),
    };
    let style =
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

fn print_summary(db: &Path, s: &Summary, problems: usize) {
    eprintln!(
        "rasid: {} documents read: {} new, {} updated, {} unchanged, {} duplicates of stored ones; {} input problems",
        s.documents_read,
        s.documents_new,
        s.documents_updated,
        s.documents_unchanged,
        s.documents_duplicate,
        problems
    );
    for (doc, of) in &s.duplicate_of {
        eprintln!("rasid:   {doc} skipped: same text as {of}");
    }
    if s.documents_reextracted > 0 {
        eprintln!(
            "rasid: the lexicons or the extraction code changed: {} stored documents extracted again",
            s.documents_reextracted
        );
    }
    eprintln!(
        "rasid: events: {} new, {} updated, {} merged into others, {} deleted ({} batches written to {})",
        s.events_new,
        s.events_updated,
        s.events_merged,
        s.events_deleted,
        s.batches,
        db.display()
    );
    crate::say_undated(s.documents_undated);
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Geojson,
    Jsonl,
}

/// Opens the store and reads the events passing the filters (at most `limit`).
fn filtered_events(
    db: &Path,
    filters: &FilterArgs,
    limit: Option<u64>,
) -> Result<(SqliteStore, Filter, Vec<Event>), ExitCode> {
    let filter = filters.filter().map_err(|e| {
        eprintln!("rasid: {e}");
        ExitCode::from(2)
    })?;
    let store = open_to_read(db)?;
    let page = Page {
        limit,
        ..Page::default()
    };
    let events = store.events(&filter, &page).map_err(|e| {
        eprintln!("rasid: {e}");
        ExitCode::from(2)
    })?;
    Ok((store, filter, events))
}

pub fn export_command(
    db: &Path,
    format: ExportFormat,
    filters: &FilterArgs,
    output: Option<PathBuf>,
) -> ExitCode {
    let (store, _, events) = match filtered_events(db, filters, None) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let docs = match format {
        ExportFormat::Csv => {
            let mut ids: Vec<String> = events.iter().flat_map(|e| e.docs.clone()).collect();
            ids.sort_unstable();
            ids.dedup();
            match store.documents_meta(&ids) {
                Ok(metas) => metas
                    .into_iter()
                    .map(|m| Document {
                        id: m.id,
                        text: String::new(),
                        url: m.url,
                        outlet: m.outlet,
                        published: None,
                    })
                    .collect(),
                Err(e) => {
                    eprintln!("rasid: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        _ => Vec::new(),
    };
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        match format {
            ExportFormat::Jsonl => {
                for e in &events {
                    serde_json::to_writer(&mut *out, e)?;
                    out.write_all(b"\n")?;
                }
                out.flush()
            }
            ExportFormat::Csv => csv_out::write_csv(&events, &docs, unix_now(), out),
            ExportFormat::Geojson => geojson_out::write_geojson(&events, out),
        }
    };
    let written = match &output {
        Some(path) => std::fs::File::create(path).and_then(|f| write(&mut BufWriter::new(f))),
        None => write(&mut BufWriter::new(std::io::stdout().lock())),
    };
    if let Err(e) = written {
        let target = output.map_or("standard output".into(), |p| p.display().to_string());
        eprintln!("rasid: cannot write {target}: {e}");
        return ExitCode::from(2);
    }
    eprintln!("rasid: {} events exported", events.len());
    ExitCode::SUCCESS
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

pub fn events_command(db: &Path, filters: &FilterArgs, limit: usize) -> ExitCode {
    // one more than shown tells whether there are more, without reading them all
    let more = (limit as u64).saturating_add(1);
    let (store, filter, events) = match filtered_events(db, filters, Some(more)) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let total = if events.len() > limit {
        match store.count_events(&filter, None) {
            Ok(n) => n as usize,
            Err(e) => {
                eprintln!("rasid: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        events.len()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut lines = vec![format!(
        "{:<12} {:<23} {:<26} {:<30} {:>7} {:>4}  {}",
        "date", "sub-event type", "location", "actor1 -> actor2", "killed", "docs", "id"
    )];
    for e in events.iter().take(limit) {
        let date = match (&e.date.start, &e.date.end) {
            (Some(s), Some(end)) if s != end => format!("{s}+"),
            (Some(s), _) => s.clone(),
            _ => "unknown".into(),
        };
        let place = e
            .location
            .as_ref()
            .map_or("-".into(), |l| format!("{} ({})", l.name, l.country));
        let name = |a: &Option<rasid_merge::ActorRef>| {
            a.as_ref().map_or("?", |a| a.name.as_str()).to_string()
        };
        let actors = format!("{} -> {}", name(&e.actor1), name(&e.actor2));
        let killed = match e.fatalities {
            Some(r) if r.min == r.max => r.min.to_string(),
            Some(r) => format!("{}-{}", r.min, r.max),
            None => "-".into(),
        };
        lines.push(format!(
            "{:<12} {:<23} {:<26} {:<30} {:>7} {:>4}  {}",
            date,
            fit(&e.sub_event_type, 23),
            fit(&place, 26),
            fit(&actors, 30),
            killed,
            e.docs.len(),
            e.id
        ));
    }
    let shown = events.len().min(limit);
    lines.push(if shown < total {
        format!("{shown} of {} events (use --limit to see more)", total)
    } else {
        format!("{total} events")
    });
    let written = lines
        .iter()
        .try_for_each(|l| writeln!(out, "{l}"))
        .and_then(|_| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // a closed pipe (`| head`) is not an error worth a message
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rasid: cannot write standard output: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn changes_command(db: &Path, since: &str) -> ExitCode {
    let since = match rasid_store::time::parse_since(since) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rasid: --since: {e}");
            return ExitCode::from(2);
        }
    };
    let store = match open_to_read(db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let changes = match store.changes_since(&since, 0, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rasid: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = changes.iter().try_for_each(|c| {
        serde_json::to_writer(&mut out, c)?;
        out.write_all(b"\n")
    });
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("rasid: cannot write standard output: {e}");
            return ExitCode::from(2);
        }
    }
    eprintln!("rasid: {} changes since {since}", changes.len());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_messages_name_the_option_and_quote_the_value_as_given() {
        let args = FilterArgs {
            sub_event_type: Some(" ".into()),
            ..FilterArgs::default()
        };
        assert_eq!(
            args.filter().unwrap_err(),
            "--sub-event-type: expected a non-empty value, got \" \""
        );
        let args = FilterArgs {
            min_sources: Some("one_or_more".into()),
            ..FilterArgs::default()
        };
        assert_eq!(
            args.filter().unwrap_err(),
            "--min-sources: expected a whole number of at least 1, got \"one_or_more\""
        );
        let args = FilterArgs {
            from: Some("2024-02-10".into()),
            to: Some("2024-02-01".into()),
            ..FilterArgs::default()
        };
        assert_eq!(
            args.filter().unwrap_err(),
            "--from (2024-02-10) is after to (2024-02-01)"
        );
    }
}
