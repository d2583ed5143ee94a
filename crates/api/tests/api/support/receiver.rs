//! A tiny HTTP server on loopback that records the requests it gets (webhook receiver).

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    /// Answers every request with `status` (and a `Location` header for 3xx) and the body
    /// `{"received": N}`, N counting from 1.
    pub async fn start(status: u16) -> Self {
        let status = Arc::new(AtomicU16::new(status));
        let answer_with = status.clone();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
        let received: Arc<Mutex<Vec<Received>>> = Default::default();
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                let status = answer_with.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut reader = BufReader::new(read);
                    let mut headers = Vec::new();
                    let mut length = 0usize;
                    let mut line = String::new();
                    reader.read_line(&mut line).await.ok();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        if let Some((name, value)) = line.trim_end().split_once(':') {
                            if name.eq_ignore_ascii_case("content-length") {
                                length = value.trim().parse().unwrap_or(0);
                            }
                            headers.push((name.trim().to_owned(), value.trim().to_owned()));
                        }
                    }
                    let mut body = vec![0u8; length];
                    reader.read_exact(&mut body).await.ok();
                    let count = {
                        let mut all = store.lock().unwrap();
                        all.push(Received { headers, body });
                        all.len()
                    };
                    let extra =
                        if (300..400).contains(&status) { "Location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
                    let text = format!("{{\"received\": {count}}}");
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                        text.len()
                    );
                    write.write_all(answer.as_bytes()).await.ok();
                });
            }
        });
        Self { url, received, status }
    }

    /// What later requests are answered with.
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..100 {
            let all = self.all();
            if all.len() >= count {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got {} of {count} requests", self.all().len());
    }
}
