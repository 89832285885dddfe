//! A tiny SMTP server on 127.0.0.1 for tests: it speaks enough of RFC 5321 for
//! lettre (EHLO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
//! records what it receives. It never offers STARTTLS, so a client that requires
//! it must give up before sending anything.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What one SMTP session delivered or attempted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkSession {
    /// The `EHLO` or `HELO` argument.
    pub hello: Option<String>,
    /// User and password of a successful `AUTH`.
    pub login: Option<(String, String)>,
    /// `MAIL FROM` address.
    pub mail_from: Option<String>,
    /// `RCPT TO` addresses.
    pub recipients: Vec<String>,
    /// Messages received through `DATA`, dot-stuffing removed, CRLF line ends kept.
    pub messages: Vec<String>,
}

/// A running sink.
pub struct SmtpSink {
    /// Port on 127.0.0.1.
    pub port: u16,
    sessions: Arc<Mutex<Vec<SinkSession>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SmtpSink {
    /// Starts the sink on a free port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the sink");
        let port = listener.local_addr().expect("sink address").port();
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&sessions);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    let index = {
                        let mut sessions = recorded.lock().expect("sessions");
                        sessions.push(SinkSession::default());
                        sessions.len() - 1
                    };
                    // A client that hangs up mid-session is part of what tests check.
                    let _closed = serve(stream, &recorded, index).await;
                });
            }
        });
        SmtpSink {
            port,
            sessions,
            server,
        }
    }

    /// Sessions so far, in connection order.
    pub fn sessions(&self) -> Vec<SinkSession> {
        self.sessions.lock().expect("sessions").clone()
    }

    /// Every message received, across sessions.
    pub fn messages(&self) -> Vec<String> {
        self.sessions()
            .into_iter()
            .flat_map(|session| session.messages)
            .collect()
    }
}

async fn serve(stream: TcpStream, sessions: &Mutex<Vec<SinkSession>>, index: usize) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    let record = |update: &dyn Fn(&mut SinkSession)| update(&mut sessions.lock().expect("sessions")[index]);

    writer.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let argument = command
            .split_once(' ')
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or_default();
        match verb.as_str() {
            "EHLO" | "HELO" => {
                record(&|session| session.hello = Some(argument.clone()));
                writer
                    .write_all(b"250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
                    .await?;
            }
            "AUTH" => {
                let login = authenticate(&argument, &mut lines, &mut writer).await?;
                record(&|session| session.login = login.clone());
                writer
                    .write_all(b"235 2.7.0 Authentication successful\r\n")
                    .await?;
            }
            "MAIL" => {
                record(&|session| session.mail_from = Some(address(&argument)));
                writer.write_all(b"250 2.1.0 OK\r\n").await?;
            }
            "RCPT" => {
                record(&|session| session.recipients.push(address(&argument)));
                writer.write_all(b"250 2.1.5 OK\r\n").await?;
            }
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let message = read_data(&mut lines).await?;
                record(&|session| session.messages.push(message.clone()));
                writer.write_all(b"250 2.0.0 Queued\r\n").await?;
            }
            "RSET" | "NOOP" => writer.write_all(b"250 2.0.0 OK\r\n").await?,
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => writer.write_all(b"502 5.5.2 Command not recognized\r\n").await?,
        }
    }
}

async fn authenticate(
    argument: &str,
    lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: &mut tokio::net::tcp::OwnedWriteHalf,
) -> std::io::Result<Option<(String, String)>> {
    let mut parts = argument.split(' ');
    let mechanism = parts.next().unwrap_or("").to_ascii_uppercase();
    let initial = parts.next().map(str::to_owned);
    let mut ask = async |prompt: &[u8]| -> std::io::Result<String> {
        writer.write_all(prompt).await?;
        let mut answer = String::new();
        lines.read_line(&mut answer).await?;
        Ok(answer.trim_end().to_owned())
    };
    match mechanism.as_str() {
        "PLAIN" => {
            let encoded = match initial {
                Some(encoded) => encoded,
                None => ask(b"334 \r\n").await?,
            };
            let decoded = base64_decode(&encoded);
            let mut fields = decoded
                .split(|byte| *byte == 0)
                .map(|field| String::from_utf8_lossy(field).into_owned());
            let _authorization_id = fields.next();
            Ok(fields.next().zip(fields.next()))
        }
        "LOGIN" => {
            let user = match initial {
                Some(encoded) => encoded,
                None => ask(b"334 VXNlcm5hbWU6\r\n").await?,
            };
            let password = ask(b"334 UGFzc3dvcmQ6\r\n").await?;
            Ok(Some((
                String::from_utf8_lossy(&base64_decode(&user)).into_owned(),
                String::from_utf8_lossy(&base64_decode(&password)).into_owned(),
            )))
        }
        _ => Ok(None),
    }
}

async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<String> {
    let mut message = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 || line == ".\r\n" || line == ".\n" {
            return Ok(message);
        }
        // Dot-stuffing: a line starting with "." was sent with one more.
        message.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

/// `FROM:<a@b> SIZE=123` → `a@b`.
fn address(argument: &str) -> String {
    argument
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for symbol in text.bytes().filter(|byte| *byte != b'=') {
        let Some(value) = ALPHABET.iter().position(|candidate| *candidate == symbol) else {
            continue;
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    bytes
}
