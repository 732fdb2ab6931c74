//! `rasid`: Arabic conflict reports in, deduplicated ACLED-style events with evidence out.

mod csv_out;
mod db;
mod geojson_out;
mod input;
mod serve;
mod walk;

use clap::{Parser, Subcommand, ValueEnum};
use rasid_extraction::DaySource;
use rasid_lexicons::Lexicons;
use rasid_merge::{extract_events, Event};
use rasid_text::Day;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rasid",
    version,
    about = "An Arabic-native conflict-event observatory"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract deduplicated events from documents (JSON Lines, text files or folders).
    Extract {
        /// Publication day (YYYY-MM-DD) for documents that do not give one.
        #[arg(long, value_parser = parse_day)]
        published: Option<Day>,
        /// Write events here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
        /// Read lexicons from this folder instead of the ones built in.
        #[arg(long)]
        lexicons: Option<PathBuf>,
        /// JSON Lines files of documents, plain-text files, or folders of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Store documents and merge their events into the event database (incremental: a
    /// document already stored is skipped, a new report of a stored act joins its event).
    Ingest {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Publication day (YYYY-MM-DD) for documents that do not give one.
        #[arg(long, value_parser = parse_day)]
        published: Option<Day>,
        /// Documents per transaction.
        #[arg(long, default_value_t = rasid_store::DEFAULT_BATCH_SIZE as u64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        batch: u64,
        /// Print the summary as JSON on standard output.
        #[arg(long)]
        json: bool,
        /// Read lexicons from this folder instead of the ones built in.
        #[arg(long)]
        lexicons: Option<PathBuf>,
        /// JSON Lines files of documents, plain-text files, or folders of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Write the stored events as CSV (ACLED columns), GeoJSON or JSON Lines.
    Export {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, value_enum)]
        format: db::ExportFormat,
        #[command(flatten)]
        filters: db::FilterArgs,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Show the stored events as a table.
    Events {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
        #[command(flatten)]
        filters: db::FilterArgs,
        /// Show at most this many events.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// The change log since a time: events added, updated, merged into others or deleted,
    /// one JSON object per line, for keeping copies in sync.
    Changes {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
        /// A day (YYYY-MM-DD) or an RFC 3339 time (2026-11-21T09:30:00Z).
        #[arg(long)]
        since: String,
    },
    /// Check the store in full: the file's structure (SQLite's integrity check) and every
    /// stored event, mention and document part. Exit status 1 when it is damaged.
    Check {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Serve the HTTP API (/api, described at /api/openapi.json) and the observatory page
    /// (/) over a store. Read-only unless a token file is given.
    Serve {
        /// The store (SQLite file); default: $RASID_DB, else ./rasid.db.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Address to listen on (port 0: any free port; the URL is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// File holding the bearer token that POST /api/documents needs (at least 16
        /// characters); without it the server accepts no documents.
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Origin allowed to call the API from another site (CORS), e.g.
        /// https://observatory.example.org; default: none.
        #[arg(long)]
        cors_origin: Option<String>,
        /// Extract posted documents with the lexicons of this folder (those the store was
        /// ingested with) instead of the ones built in.
        #[arg(long)]
        lexicons: Option<PathBuf>,
    },
    /// Ingest the built-in examples into a temporary store and serve them (see `serve`).
    Demo {
        /// Address to listen on (port 0: any free port; the URL is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse_iso(s).ok_or_else(|| format!("not a day in YYYY-MM-DD form: {s:?}"))
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Extract {
            published,
            output,
            format,
            lexicons,
            inputs,
        } => extract(published, output, format, lexicons, &inputs),
        Command::Ingest {
            db,
            published,
            batch,
            json,
            lexicons,
            inputs,
        } => db::ingest_command(db::IngestArgs {
            db: db::db_path(db),
            published,
            batch: batch as usize,
            json,
            lexicons,
            inputs,
        }),
        Command::Export {
            db,
            format,
            filters,
            output,
        } => db::export_command(&db::db_path(db), format, &filters, output),
        Command::Events { db, filters, limit } => {
            db::events_command(&db::db_path(db), &filters, limit)
        }
        Command::Changes { db, since } => db::changes_command(&db::db_path(db), &since),
        Command::Check { db } => db::check_command(&db::db_path(db)),
        Command::Serve {
            db,
            addr,
            token_file,
            cors_origin,
            lexicons,
        } => serve::serve_command(serve::ServeArgs {
            db: db::db_path(db),
            addr,
            token_file,
            cors_origin,
            lexicons,
        }),
        Command::Demo { addr } => serve::demo_command(&addr),
    }
}

fn extract(
    published: Option<Day>,
    output: Option<PathBuf>,
    format: Format,
    lexicons: Option<PathBuf>,
    inputs: &[PathBuf],
) -> ExitCode {
    let lex = match lexicons.map_or_else(Lexicons::embedded, |dir| Lexicons::load_dir(&dir)) {
        Ok(lex) => lex,
        Err(e) => {
            eprintln!("rasid: {e}");
            return ExitCode::from(2);
        }
    };
    // merged all at once at the end: read whole
    let (docs, report) = input::read_all(inputs, published);
    for e in &report.problems {
        eprintln!("{e}");
    }
    eprint!("{}", report.notices());
    let errors = report.problems;
    let events = extract_events(&docs, &lex);
    let written = match &output {
        Some(path) => std::fs::File::create(path)
            .and_then(|f| write_events(&events, &docs, format, BufWriter::new(f))),
        None => write_events(
            &events,
            &docs,
            format,
            BufWriter::new(std::io::stdout().lock()),
        ),
    };
    if let Err(e) = written {
        let target = output.map_or("standard output".into(), |p| p.display().to_string());
        eprintln!("rasid: cannot write {target}: {e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "rasid: {} documents read, {} input problems, {} events",
        docs.len(),
        errors.len(),
        events.len()
    );
    say_publication_days(&docs);
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Says how many documents had their publication day read from their text or URL, and how
/// many had none.
fn say_publication_days(docs: &[rasid_extraction::Document]) {
    let (mut printed, mut url, mut undated) = (0, 0, 0);
    for d in docs {
        match d.publication().map(|p| p.source) {
            Some(DaySource::Given) => {}
            Some(DaySource::Printed(_)) => printed += 1,
            Some(DaySource::Url) => url += 1,
            None => undated += 1,
        }
    }
    if printed + url > 0 {
        eprintln!(
            "rasid: publication days read from the top of {printed} documents and from the URLs of {url}"
        );
    }
    say_undated(undated);
}

/// Says how many documents had no publication day, given or read from their text or URL.
fn say_undated(undated: usize) {
    if undated > 0 {
        eprintln!(
            "rasid: {undated} documents without a publication day (none given, none printed at their top or in their URL): their relative dates (امس، الخميس) stay unknown"
        );
    }
}

fn write_events<W: Write>(
    events: &[Event],
    docs: &[rasid_extraction::Document],
    format: Format,
    mut out: W,
) -> std::io::Result<()> {
    match format {
        Format::Jsonl => {
            for e in events {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            csv_out::write_csv(events, docs, now, &mut out)?;
        }
    }
    out.flush()
}
