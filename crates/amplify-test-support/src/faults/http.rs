//! Just enough HTTP/1.1 for the fault proxy, on plain sockets: a request read from the SDK, the same request
//! sent on to moto (every header kept as signed, `Host` included, so moto's signature check still holds),
//! moto's answer read whole, and an answer written back, whole or cut off. One exchange per connection
//! (`Connection: close`), so the SDK never reuses a connection the proxy has just reset.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The longest head or body the proxy reads: far more than any AWS call of amplify-rs sends.
const MAX_BYTES: usize = 64 << 20;

/// How long moto may take to answer one forwarded request.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// A request or an answer: its first line, its headers as sent, its body (de-chunked).
#[derive(Clone, Debug)]
pub struct Message {
    pub start: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `POST`, `GET`, ... of a request.
    pub fn method(&self) -> &str {
        self.start.split(' ').next().unwrap_or_default()
    }

    /// The path and query of a request.
    pub fn target(&self) -> &str {
        self.start.split(' ').nth(1).unwrap_or("/")
    }

    /// The status code of an answer.
    pub fn status(&self) -> u16 {
        self.start
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// An answer with `status`, `headers` and `body`.
    pub fn answer(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Message {
        Message {
            start: format!("HTTP/1.1 {status} {}", reason(status)),
            headers,
            body,
        }
    }

    /// Replaces the body (the length is written from the body when the message is sent).
    pub fn with_body(mut self, body: Vec<u8>) -> Message {
        self.body = body;
        self
    }

    /// The bytes on the wire: the first line, the headers but those about the connection and the length,
    /// then `Content-Length` and `Connection: close`, then the body (none for the answer to a HEAD).
    pub fn encode(&self, head_only: bool) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start).into_bytes();
        for (name, value) in &self.headers {
            if !is_hop_by_hop(name) && !name.eq_ignore_ascii_case("content-length") {
                out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        if head_only {
            // The answer to a HEAD keeps the length the resource would have.
            if let Some(length) = self.header("content-length") {
                out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
            }
        } else {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"Connection: close\r\n\r\n");
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

fn is_hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "expect",
        "proxy-connection",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// The first line and the headers; `None` if the peer closed before sending anything.
/// The first line of a message and its headers.
type Head = (String, Vec<(String, String)>);

fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut start = String::new();
    if reader.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    let mut total = start.len();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line)?;
        total += read;
        if read == 0 || total > MAX_BYTES {
            return Err(invalid("the head of the message never ended"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid("a header without ':'"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(Some((start.trim_end().to_string(), headers)))
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or_default(), 16)
            .map_err(|_| invalid("a chunk size that is not hexadecimal"))?;
        if body.len() + size > MAX_BYTES {
            return Err(invalid("a body too large for the proxy"));
        }
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// A body by `Transfer-Encoding: chunked`, else `Content-Length`, else (answers only) to the end.
fn read_body(
    reader: &mut impl BufRead,
    headers: &[(String, String)],
    to_end: bool,
) -> io::Result<Vec<u8>> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return read_chunked(reader);
    }
    if let Some(length) = header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid("a Content-Length that is not a number"))?;
        if length > MAX_BYTES {
            return Err(invalid("a body too large for the proxy"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        return Ok(body);
    }
    let mut body = Vec::new();
    if to_end {
        reader.take(MAX_BYTES as u64).read_to_end(&mut body)?;
    }
    Ok(body)
}

/// Reads one request from `stream`, answering `Expect: 100-continue` first. `None` if the peer sent nothing.
pub fn read_request(stream: &TcpStream) -> io::Result<Option<Message>> {
    let mut reader = BufReader::new(stream);
    let Some((start, headers)) = read_head(&mut reader)? else {
        return Ok(None);
    };
    let expects = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("expect") && v.eq_ignore_ascii_case("100-continue"));
    if expects {
        let mut writer = stream;
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = read_body(&mut reader, &headers, false)?;
    Ok(Some(Message {
        start,
        headers,
        body,
    }))
}

/// Sends `request` to `upstream` as it was signed, and reads the whole answer.
pub fn forward(upstream: SocketAddr, request: &Message) -> io::Result<Message> {
    let mut stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(UPSTREAM_TIMEOUT))?;
    let mut out = format!("{}\r\n", request.start).into_bytes();
    for (name, value) in &request.headers {
        if !is_hop_by_hop(name) && !name.eq_ignore_ascii_case("content-length") {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n", request.body.len()).as_bytes());
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&request.body);
    stream.write_all(&out)?;
    stream.flush()?;
    let mut reader = BufReader::new(&stream);
    loop {
        let (start, headers) = read_head(&mut reader)?
            .ok_or_else(|| invalid("moto closed the connection without answering"))?;
        let answer = Message {
            start,
            headers,
            body: Vec::new(),
        };
        // Interim answers (100 Continue) come before the real one.
        if (100..200).contains(&answer.status()) {
            continue;
        }
        let body = if request.method() == "HEAD" || matches!(answer.status(), 204 | 304) {
            Vec::new()
        } else {
            read_body(&mut reader, &answer.headers, true)?
        };
        return Ok(answer.with_body(body));
    }
}

/// Makes the next close of `stream` a reset (RST), as a dropped connection looks to the client.
pub fn reset(stream: TcpStream) {
    let _ = rustix::net::sockopt::set_socket_linger(&stream, Some(Duration::ZERO));
    drop(stream);
}
