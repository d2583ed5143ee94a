//! A real SMTP server on loopback that keeps what it receives, so tests read the links out
//! of the emails the server sends.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn subject(&self) -> &str {
        self.header("Subject").unwrap_or_default()
    }

    /// The token of a `{PUBLIC_URL}/{page}#{token}` link in the body.
    pub fn link_token(&self, page: &str) -> String {
        let marker = format!("/{page}#");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no /{page}# link in:\n{}", self.body)) + marker.len();
        self.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }
}

#[derive(Clone)]
pub struct Mailbox {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
}

impl Mailbox {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mailbox = Self { port, mails: Default::default(), arrived: Default::default() };
        let inner = mailbox.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let inner = inner.clone();
                tokio::spawn(async move {
                    let _ = inner.serve(stream).await;
                });
            }
        });
        mailbox
    }

    async fn serve(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 portico-test-sink ESMTP\r\n").await?;
        let mut recipients = Vec::new();
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") {
                write.write_all(b"250-portico-test-sink\r\n250 8BITMIME\r\n").await?;
            } else if command.starts_with("HELO") || command.starts_with("MAIL FROM") || command.starts_with("NOOP") {
                write.write_all(b"250 OK\r\n").await?;
            } else if command.starts_with("RSET") {
                recipients.clear();
                write.write_all(b"250 OK\r\n").await?;
            } else if command.starts_with("RCPT TO") {
                let address = line.trim_end()[8..].trim().trim_start_matches('<').trim_end_matches('>').to_owned();
                recipients.push(address);
                write.write_all(b"250 OK\r\n").await?;
            } else if command == "DATA" {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut line = String::new();
                    lines.read_line(&mut line).await?;
                    if line == ".\r\n" || line == ".\n" || line.is_empty() {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                }
                self.mails.lock().unwrap().push(parse(std::mem::take(&mut recipients), &data));
                self.arrived.notify_waiters();
                write.write_all(b"250 OK queued\r\n").await?;
            } else if command.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                write.write_all(b"502 not implemented\r\n").await?;
            }
        }
    }

    pub fn all(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    pub fn to(&self, address: &str) -> Vec<Mail> {
        self.all().into_iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address))).collect()
    }

    /// Waits (up to 10 s) for the `nth` (1-based) email to `address` whose subject contains `subject`.
    pub async fn wait_for_nth(&self, address: &str, subject: &str, nth: usize) -> Mail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.arrived.notified();
            let matching: Vec<Mail> = self.to(address).into_iter().filter(|m| m.subject().contains(subject)).collect();
            if matching.len() >= nth {
                return matching[nth - 1].clone();
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let seen: Vec<String> = self.all().iter().map(|m| format!("{:?}: {}", m.to, m.subject())).collect();
                panic!("no email #{nth} to {address} about {subject:?} within 10 s; received: {seen:#?}");
            }
        }
    }

    pub async fn wait_for(&self, address: &str, subject: &str) -> Mail {
        self.wait_for_nth(address, subject, 1).await
    }
}

fn parse(to: Vec<String>, data: &str) -> Mail {
    let data = data.replace("\r\n", "\n");
    let (head, body) = data.split_once("\n\n").unwrap_or((&data, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = headers.last_mut() {
                last.1.push_str(line.trim_start());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let encoding = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Transfer-Encoding"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let body = match encoding.as_str() {
        "base64" => String::from_utf8_lossy(
            &base64::engine::general_purpose::STANDARD.decode(body.replace('\n', "")).unwrap_or_default(),
        )
        .into_owned(),
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.to_owned(),
    };
    Mail { to, headers, body }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
