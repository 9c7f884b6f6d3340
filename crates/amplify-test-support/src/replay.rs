//! A stand-in for the one STS answer moto cannot give: a rejected MFA code. [`StsReplay`] listens on a
//! loopback port in front of moto; a call whose `TokenCode` is one of the codes the test declared wrong gets
//! the recorded STS response in `fixtures/sts-invalid-mfa/response.http`, byte for byte, and every other
//! request is forwarded to moto unchanged.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::context::repo_root;

pub struct StsReplay {
    server: Arc<tiny_http::Server>,
    port: u16,
    thread: Option<JoinHandle<()>>,
    rejected: Arc<Mutex<Vec<String>>>,
}

struct Recorded {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn recorded_response() -> Recorded {
    let path = repo_root().join("fixtures/sts-invalid-mfa/response.http");
    let raw = fs_err::read(&path).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end with a blank line");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    Recorded {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

impl std::fmt::Debug for StsReplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsReplay")
            .field("port", &self.port)
            .finish()
    }
}

impl StsReplay {
    /// Forwards to `upstream` (moto's endpoint) except for calls carrying one of `wrong_codes`.
    pub fn start(upstream: String, wrong_codes: &[&str]) -> Self {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let wrong: HashSet<String> = wrong_codes.iter().map(|c| c.to_string()).collect();
        let rejected = Arc::new(Mutex::new(Vec::new()));
        let recorded = recorded_response();
        let (server2, rejected2) = (server.clone(), rejected.clone());
        let thread = std::thread::spawn(move || {
            for mut request in server2.incoming_requests() {
                let mut body = Vec::new();
                let _ = request.as_reader().read_to_end(&mut body);
                let form: Vec<(String, String)> =
                    form_urlencoded::parse(&body).into_owned().collect();
                let code = form
                    .iter()
                    .find(|(k, _)| k == "TokenCode")
                    .map(|(_, v)| v.clone());
                if let Some(code) = code.filter(|c| wrong.contains(c)) {
                    rejected2.lock().unwrap().push(code);
                    let mut response = tiny_http::Response::from_data(recorded.body.clone())
                        .with_status_code(recorded.status);
                    for (k, v) in &recorded.headers {
                        response.add_header(
                            tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap(),
                        );
                    }
                    let _ = request.respond(response);
                    continue;
                }
                let url = format!("{upstream}{}", request.url());
                let mut forward = ureq::post(&url);
                for header in request.headers() {
                    let name = header.field.as_str().as_str();
                    if !["host", "content-length", "connection", "transfer-encoding"]
                        .contains(&name.to_ascii_lowercase().as_str())
                    {
                        forward = forward.header(name, header.value.as_str());
                    }
                }
                let reply = forward
                    .config()
                    .http_status_as_error(false)
                    .build()
                    .send(&body[..]);
                let response = match reply {
                    Ok(mut reply) => {
                        let status = reply.status().as_u16();
                        let content_type = reply
                            .headers()
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("text/xml")
                            .to_string();
                        let data = reply.body_mut().read_to_vec().unwrap_or_default();
                        tiny_http::Response::from_data(data)
                            .with_status_code(status)
                            .with_header(
                                tiny_http::Header::from_bytes(
                                    &b"Content-Type"[..],
                                    content_type.as_bytes(),
                                )
                                .unwrap(),
                            )
                    }
                    Err(e) => {
                        tiny_http::Response::from_string(format!("replay: upstream failed: {e}"))
                            .with_status_code(502)
                    }
                };
                let _ = request.respond(response);
            }
        });
        Self {
            server,
            port,
            thread: Some(thread),
            rejected,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The wrong codes that were answered with the recorded rejection, in order.
    pub fn rejected(&self) -> Vec<String> {
        self.rejected.lock().unwrap().clone()
    }
}

impl Drop for StsReplay {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
