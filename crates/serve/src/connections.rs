//! The connections of the server: accepted up to a cap, each served by hyper's HTTP/1.1 with
//! timeouts, so that slow or idle clients cannot hold the server's descriptors.
//!
//! - A client must send a request's whole header within [`ConnectionLimits::header_read`]
//!   of starting it, or of the end of the answer before on a kept-alive connection (hyper
//!   runs the same timer while it waits for the next request): half a header, or an idle
//!   connection, is closed then.
//! - A client that stops reading an answer for [`ConnectionLimits::write_stall`] is
//!   disconnected.
//! - At most [`ConnectionLimits::max_connections`] connections are served at once, below
//!   the usual limit of 1024 descriptors (the store's connections need some too). One more
//!   is answered 503 and closed, and a line on standard error says so, at most one per
//!   [`REFUSAL_REPORT_EVERY`] with the number refused since, so that a flood does not flood
//!   the log.

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Sleep;

/// What one client may hold of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Longest wait for a request's header (whole), and for the next request on a
    /// kept-alive connection.
    pub header_read: Duration,
    /// Longest a client may leave an answer unread.
    pub write_stall: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read: Duration::from_secs(10),
            write_stall: Duration::from_secs(30),
            max_connections: 256,
        }
    }
}

/// At most one line per this long about refused connections.
const REFUSAL_REPORT_EVERY: Duration = Duration::from_secs(10);

/// How long to wait before accepting again after an accept failed (out of descriptors,
/// most likely): the failure repeats at once otherwise, spinning a core.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The answer to a connection over the cap, written without reading its request.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\
Content-Type: application/json\r\nContent-Length: 57\r\nConnection: close\r\n\r\n\
{\"error\": \"too many connections; try again in 5 seconds\"}";

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then finishes
/// the requests under way (idle connections close at once).
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let mut refusals = RefusalLog::default();
    let mut accept_failures = RefusalLog::default();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    if let Some(count) = accept_failures.note(Instant::now()) {
                        eprintln!("rasid serve: cannot accept connections ({count} failures): {e}");
                    }
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            if let Some(count) = refusals.note(Instant::now()) {
                eprintln!(
                    "rasid serve: {count} connection(s) refused: {} are open, the most served at once (one such line per {} s at most)",
                    limits.max_connections,
                    REFUSAL_REPORT_EVERY.as_secs()
                );
            }
            // best effort: a client that sent its request may not see it before the close
            let _ = stream.try_write(BUSY);
            continue;
        };
        let io = StallGuard::new(TokioIo::new(stream), limits.write_stall);
        let connection =
            graceful.watch(http.serve_connection(io, TowerToHyperService::new(router.clone())));
        tokio::spawn(async move {
            // a client that goes away or times out is no error of the server's
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Counts events (refused connections, failed accepts) and says when to report them: the
/// first at once, then at most one report per [`REFUSAL_REPORT_EVERY`].
#[derive(Debug, Default)]
struct RefusalLog {
    last_report: Option<Instant>,
    unreported: u64,
}

impl RefusalLog {
    /// Notes one event at `now`; returns how many to report now (this one included), if
    /// a report is due.
    fn note(&mut self, now: Instant) -> Option<u64> {
        self.unreported += 1;
        let due = self
            .last_report
            .is_none_or(|last| now.duration_since(last) >= REFUSAL_REPORT_EVERY);
        if !due {
            return None;
        }
        self.last_report = Some(now);
        Some(std::mem::take(&mut self.unreported))
    }
}

/// A connection's I/O that fails a write the client has not let through for `limit`.
struct StallGuard<T> {
    inner: T,
    limit: Duration,
    /// Runs while a write waits for the client.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> StallGuard<T> {
    fn new(inner: T, limit: Duration) -> Self {
        StallGuard {
            inner,
            limit,
            stalled: None,
        }
    }

    /// `result` of a write, or a timeout once the client has let nothing through for
    /// `limit`.
    fn watch<R>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if result.is_ready() {
            self.stalled = None;
            return result;
        }
        let limit = self.limit;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: Read + Unpin> Read for StallGuard<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for StallGuard<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_reported_at_once_then_at_most_once_per_period() {
        let start = Instant::now();
        let mut log = RefusalLog::default();
        assert_eq!(log.note(start), Some(1));
        for i in 1..=500 {
            assert_eq!(log.note(start + Duration::from_millis(i)), None);
        }
        assert_eq!(log.note(start + REFUSAL_REPORT_EVERY), Some(501));
        assert_eq!(log.note(start + REFUSAL_REPORT_EVERY * 3 / 2), None);
        assert_eq!(log.note(start + REFUSAL_REPORT_EVERY * 3), Some(2));
    }

    #[test]
    fn the_busy_answer_is_well_formed() {
        let text = std::str::from_utf8(BUSY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"]
            .as_str()
            .unwrap()
            .contains("too many connections"));
    }
}
