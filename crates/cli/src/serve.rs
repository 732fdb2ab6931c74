//! `rasid serve` (the API and the observatory page over a store) and `rasid demo` (the same
//! over a temporary store of the repository's examples).

use crate::input;
use rasid_lexicons::Lexicons;
use rasid_serve::{App, Config};
use rasid_store::{ingest, IngestOptions, SqliteStore};
use rasid_text::Day;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `rasid serve`.
pub struct ServeArgs {
    pub db: PathBuf,
    pub addr: String,
    pub token_file: Option<PathBuf>,
    pub cors_origin: Option<String>,
    pub lexicons: Option<PathBuf>,
}

/// The repository's examples, built in so that `rasid demo` runs from anywhere.
const EXAMPLES: [(&str, &str); 6] = [
    (
        "01_drone_attack_ain_al_asad.txt",
        include_str!("../../../examples/01_drone_attack_ain_al_asad.txt"),
    ),
    (
        "02_retaliation_air_strike.txt",
        include_str!("../../../examples/02_retaliation_air_strike.txt"),
    ),
    (
        "03_rocket_attack_hodeidah.txt",
        include_str!("../../../examples/03_rocket_attack_hodeidah.txt"),
    ),
    (
        "04_roadside_bomb_patrol.txt",
        include_str!("../../../examples/04_roadside_bomb_patrol.txt"),
    ),
    (
        "05_weather.txt",
        include_str!("../../../examples/05_weather.txt"),
    ),
    (
        "reports.jsonl",
        include_str!("../../../examples/reports.jsonl"),
    ),
];

/// The publication day of the plain-text examples (as in the README's first command).
const EXAMPLES_PUBLISHED: &str = "2024-03-16";

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("rasid: {message}");
    ExitCode::from(2)
}

fn read_token(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the token file: {e}", path.display()))?;
    let token = text.trim().to_string();
    if token.chars().count() < rasid_serve::MIN_TOKEN_LEN {
        return Err(format!(
            "{}: the token must have at least {} characters (e.g. `openssl rand -hex 32 > {}`)",
            path.display(),
            rasid_serve::MIN_TOKEN_LEN,
            path.display()
        ));
    }
    Ok(token)
}

pub fn serve_command(args: ServeArgs) -> ExitCode {
    let token = match args.token_file.as_deref().map(read_token).transpose() {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    // only a writable server extracts
    let lexicons = match args.lexicons.as_deref().filter(|_| token.is_some()) {
        Some(dir) => match Lexicons::load_dir(dir) {
            Ok(l) => Some(l),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let app = match App::open(Config {
        db: args.db,
        token,
        cors_origin: args.cors_origin,
        lexicons,
    }) {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    run(app, &args.addr)
}

/// Listens on `addr` and serves until interrupted (Ctrl-C or SIGTERM).
fn run(app: App, addr: &str) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the server: {e}")),
    };
    let mode = if app.writable() {
        "POST /api/documents accepts documents with the token"
    } else {
        "read-only"
    };
    let store = app.path().display().to_string();
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                return fail(format!(
                    "cannot listen on {addr}: {e}; choose another --addr (port 0 picks a free one)"
                ))
            }
        };
        let local = listener
            .local_addr()
            .map_or_else(|_| addr.to_string(), |a| a.to_string());
        // the one line on standard output: scripts read the address from it
        println!("rasid: serving http://{local}/");
        let _ = std::io::stdout().flush();
        eprintln!("rasid: store {store}, {mode}; API described at http://{local}/api/openapi.json");
        match rasid_serve::serve(listener, Arc::new(app), shutdown()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("the server stopped: {e}")),
        }
    })
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// A folder removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn demo_command(addr: &str) -> ExitCode {
    let dir = TempDir(std::env::temp_dir().join(format!("rasid-demo-{}", std::process::id())));
    let examples = dir.0.join("examples");
    if let Err(e) = std::fs::create_dir_all(&examples).and_then(|()| {
        EXAMPLES
            .iter()
            .try_for_each(|(name, text)| std::fs::write(examples.join(name), text))
    }) {
        return fail(format!(
            "cannot write the demo store's inputs under {}: {e}",
            dir.0.display()
        ));
    }
    let documents = input::Documents::new(&[examples], Day::parse_iso(EXAMPLES_PUBLISHED));
    let db_path = dir.0.join("demo.db");
    let ingested = Lexicons::embedded()
        .map_err(|e| e.to_string())
        .and_then(|lex| {
            let mut store = SqliteStore::open(&db_path).map_err(|e| e.to_string())?;
            let options = IngestOptions::default();
            ingest(&mut store, &lex, documents, &options, &mut |_| {}).map_err(|e| e.to_string())
        });
    let summary = match ingested {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    eprintln!(
        "rasid: demo store of {} example documents, {} events (removed on exit)",
        summary.documents_new, summary.events_new
    );
    let app = match App::open(Config {
        db: db_path,
        token: None,
        cors_origin: None,
        lexicons: None,
    }) {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let code = run(app, addr);
    drop(dir);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_of_the_repository_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "README.md")
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, built_in);
    }
}
