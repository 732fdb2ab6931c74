//! End-to-end tests of `rasid serve` and `rasid demo`: the real binary on a loopback port,
//! spoken to over plain HTTP/1.1, stopped with SIGTERM.

mod common;

use common::{rasid, served_address, stderr, temp_dir};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server and the address it printed.
struct Running {
    child: Child,
    addr: String,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        Running::start_with(args, Stdio::null())
    }

    /// Started with its standard error kept, for [`Running::stop_with_log`].
    fn start_logged(args: &[&str]) -> Running {
        Running::start_with(args, Stdio::piped())
    }

    fn start_with(args: &[&str], stderr: Stdio) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rasid"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start rasid");
        let addr = served_address(&mut child);
        Running { child, addr }
    }

    /// `(status, body)` of a request.
    fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let status = reply[9..12].parse().unwrap();
        let body = reply
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.request("GET", path, "", "");
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Stops the server as a service manager would, and returns its exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }

    /// [`Running::stop`], with what the server wrote on standard error.
    fn stop_with_log(mut self) -> (std::process::ExitStatus, String) {
        let mut log = String::new();
        let stderr = self.child.stderr.take();
        let status = self.stop();
        stderr
            .expect("started with start_logged")
            .read_to_string(&mut log)
            .unwrap();
        (status, log)
    }
}

#[test]
fn serve_answers_over_a_store_and_stops_cleanly_on_sigterm() {
    let dir = temp_dir("serve", "store");
    let db = dir.join("rasid.db");
    let db = db.to_str().unwrap();
    let out = rasid(&[
        "ingest",
        "--db",
        db,
        "--published",
        "2024-03-16",
        "../../examples",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token_file = dir.join("token");
    std::fs::write(&token_file, "0123456789abcdef0123\n").unwrap();
    let server = Running::start(&[
        "serve",
        "--db",
        db,
        "--addr",
        "127.0.0.1:0",
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    let events = server.json("/api/events?limit=500");
    let total = events["total"].as_u64().unwrap();
    assert!(total > 0);
    let (status, page) = server.request("GET", "/", "", "");
    assert_eq!(status, 200);
    assert!(page.contains("/assets/app.js"));
    let doc = r#"{"id": "posted-1", "text": "أطلقت فصائل مسلحة صواريخ على قاعدة عين الأسد الجوية في الأنبار أمس."}"#;
    let (status, body) = server.request(
        "POST",
        "/api/documents",
        "Authorization: Bearer 0123456789abcdef0123\r\nContent-Type: application/json\r\n",
        doc,
    );
    assert_eq!(status, 200, "{body}");
    let (status, _) = server.request("POST", "/api/documents", "", doc);
    assert_eq!(status, 401);
    assert!(server.stop().success());
}

#[test]
fn demo_serves_the_examples_from_anywhere() {
    let server = Running::start(&["demo", "--addr", "127.0.0.1:0"]);
    let events = server.json("/api/events?limit=500");
    assert!(events["total"].as_u64().unwrap() >= 5, "{events}");
    let stats = server.json("/api/stats");
    assert_eq!(stats["total"], events["total"]);
    assert!(server.stop().success());
}

#[test]
fn serve_refuses_what_it_cannot_do_with_a_message() {
    let dir = temp_dir("serve", "refusals");
    let missing = dir.join("missing.db");
    let out = rasid(&[
        "serve",
        "--db",
        missing.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("rasid ingest"), "{}", stderr(&out));
    assert!(!missing.exists(), "serve must not create a store");
    let db = dir.join("rasid.db");
    let out = rasid(&[
        "ingest",
        "--db",
        db.to_str().unwrap(),
        "../../examples/reports.jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let short = dir.join("short-token");
    std::fs::write(&short, "abc").unwrap();
    let out = rasid(&[
        "serve",
        "--db",
        db.to_str().unwrap(),
        "--token-file",
        short.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at least 16"), "{}", stderr(&out));
    let out = rasid(&[
        "serve",
        "--db",
        db.to_str().unwrap(),
        "--addr",
        "not-an-address",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot listen on not-an-address"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn connections_over_the_cap_are_refused_with_one_line_in_the_log() {
    let server = Running::start_logged(&["demo", "--addr", "127.0.0.1:0"]);
    let cap = rasid_serve::ConnectionLimits::default().max_connections;
    // idle connections, as a slowloris client holds them (closed by the server only after
    // the header timeout, longer than this test)
    let held: Vec<TcpStream> = (0..cap)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    for _ in 0..20 {
        let mut over = TcpStream::connect(&server.addr).unwrap();
        over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut reply = Vec::new();
        // refused at once: the busy answer and a close (a timeout here is an error)
        over.read_to_end(&mut reply).unwrap();
        let reply = String::from_utf8_lossy(&reply);
        assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    }
    drop(held);
    let start = Instant::now();
    loop {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        write!(
            stream,
            "GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        if reply.starts_with(b"HTTP/1.1 200") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "never served again"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, log) = server.stop_with_log();
    assert!(status.success());
    // twenty refusals, one line
    assert_eq!(log.matches("connection(s) refused").count(), 1, "{log}");
}
