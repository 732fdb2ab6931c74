//! The server's connection limits, against a real server on a loopback port spoken to over
//! plain sockets: half a header and an idle connection are closed after the header timeout,
//! a client that stops reading is dropped, and connections over the cap are refused while
//! those under it are served.

use rasid_serve::{serve_with_limits, App, Config, ConnectionLimits};
use rasid_store::SqliteStore;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A server on its own runtime, stopped when dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(limits: ConnectionLimits) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("empty.db");
        drop(SqliteStore::open(&db).unwrap());
        let app = App::open(Config {
            db,
            token: None,
            cors_origin: None,
            lexicons: None,
        })
        .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let shutdown = async {
                let _ = stopped.await;
            };
            runtime
                .block_on(serve_with_limits(listener, Arc::new(app), limits, shutdown))
                .unwrap();
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        stream
    }

    /// The status of `GET path` on a new connection.
    fn status(&self, path: &str) -> u16 {
        let mut stream = self.connect();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads until the server closes the connection; returns the bytes read and whether it
/// closed (rather than the read timing out).
fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut read = Vec::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (read, true),
            Ok(n) => read.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (read, false)
            }
            // a reset is a close too
            Err(_) => return (read, true),
        }
    }
}

/// Reads one answer whole (head and a body of Content-Length bytes); returns its status.
fn read_answer(stream: &mut TcpStream) -> u16 {
    let mut bytes = Vec::new();
    let mut byte = [0u8];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the answer's head ends");
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap().to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    head[9..12].parse().unwrap()
}

const SHORT: Duration = Duration::from_secs(1);

#[test]
fn half_a_header_is_disconnected_after_the_header_timeout() {
    let server = Server::start(ConnectionLimits {
        header_read: SHORT,
        ..ConnectionLimits::default()
    });
    let mut slow = server.connect();
    let mut silent = server.connect();
    let start = Instant::now();
    slow.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let (_, closed) = read_until_closed(&mut slow);
    let waited = start.elapsed();
    assert!(closed, "half a header kept the connection open");
    assert!(
        waited >= SHORT - Duration::from_millis(100) && waited < SHORT * 5,
        "{waited:?}"
    );
    assert!(read_until_closed(&mut silent).1, "a silent client stayed");
    // a whole header in time is answered
    assert_eq!(server.status("/api/stats"), 200);
}

#[test]
fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let server = Server::start(ConnectionLimits {
        header_read: SHORT,
        ..ConnectionLimits::default()
    });
    let mut client = server.connect();
    client
        .write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(read_answer(&mut client), 200);
    // kept alive: a second request on the same connection is answered
    client
        .write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(read_answer(&mut client), 200);
    let start = Instant::now();
    let (extra, closed) = read_until_closed(&mut client);
    let waited = start.elapsed();
    assert!(closed && extra.is_empty(), "an idle connection stayed");
    assert!(
        waited >= SHORT - Duration::from_millis(100) && waited < SHORT * 5,
        "{waited:?}"
    );
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    let server = Server::start(ConnectionLimits {
        header_read: Duration::from_secs(30),
        write_stall: SHORT,
        ..ConnectionLimits::default()
    });
    let asset = include_bytes!("../web/borders.json").len();
    // answers far larger than the socket buffers, asked for at once and never read
    let requests = 200;
    let mut client = server.connect();
    let one = b"GET /assets/borders.json HTTP/1.1\r\nHost: x\r\n\r\n";
    client.write_all(&one.repeat(requests)).unwrap();
    std::thread::sleep(SHORT * 3);
    let (read, closed) = read_until_closed(&mut client);
    assert!(closed, "the server waited on a client that does not read");
    assert!(
        read.len() < asset * requests,
        "{} bytes: every answer was sent",
        read.len()
    );
}

#[test]
fn connections_over_the_cap_are_refused_and_served_again_once_others_go() {
    let cap = 4;
    let server = Server::start(ConnectionLimits {
        header_read: Duration::from_secs(30),
        max_connections: cap,
        ..ConnectionLimits::default()
    });
    let held: Vec<TcpStream> = (0..cap).map(|_| server.connect()).collect();
    for _ in 0..3 {
        let mut over = server.connect();
        over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let (reply, closed) = read_until_closed(&mut over);
        let reply = String::from_utf8_lossy(&reply);
        // refused at once: the busy answer, or a close before it arrived
        assert!(closed, "a connection over the cap was kept");
        assert!(
            reply.is_empty() || reply.starts_with("HTTP/1.1 503"),
            "{reply}"
        );
    }
    drop(held);
    let start = Instant::now();
    while server.status("/api/stats") != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "never served again"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
