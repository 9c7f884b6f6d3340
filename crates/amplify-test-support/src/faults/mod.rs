//! A fault-injecting proxy between the code under test and moto, on a loopback port: what the real cloud
//! does that moto does not. Everything is forwarded unchanged by default (headers as signed, so moto's
//! signature checks still hold); [`Rule`]s select calls by service, action, parameter, the nth matching
//! call or a seeded probability, and answer with AWS's documented error shapes, delay, or reset the
//! connection before or after moto acted. The proxy also gives CloudFormation's CreateStack its
//! idempotency by `ClientRequestToken` and can play a stack whose creation fails ([`FailedStack`]), two
//! things moto lacks (see `stacks.rs`).
//!
//! Every exchange is recorded ([`Exchange`]): what was asked, what the proxy did instead of or on top of
//! forwarding, whether moto saw it, and what the client was sent, so a test asserts both sides.

mod http;
mod rules;
mod shapes;
mod stacks;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use rules::{Call, CallInfo, Fault, Rule};
pub use shapes::ErrorKind;
pub use stacks::{FailedStack, ResourceFailure};

use http::Message;

/// One request the proxy received, and what became of it.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub service: String,
    pub action: String,
    pub method: String,
    /// The path and query.
    pub target: String,
    pub params: BTreeMap<String, String>,
    /// The access key id of the SigV4 `Authorization` header.
    pub access_key: String,
    /// What the proxy did besides forwarding: `Throttling (HTTP 400)`, `delayed 300ms`, `reset before
    /// forwarding`, `played stack status ROLLBACK_COMPLETE`, ...; `None` for a plain forward.
    pub injected: Option<String>,
    /// Whether moto received the request.
    pub forwarded: bool,
    /// The status sent to the client; `None` when the connection was reset before a whole answer.
    pub status: Option<u16>,
}

#[derive(Debug)]
struct State {
    upstream: SocketAddr,
    rules: Mutex<Vec<Rule>>,
    log: Mutex<Vec<Exchange>>,
    stacks: Mutex<stacks::Stacks>,
    ids: AtomicU64,
    /// Requests being handled: read, then forwarded or answered, then logged.
    in_flight: AtomicUsize,
}

/// The proxy; stopped when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy in front of `upstream` (`http://127.0.0.1:PORT`, moto's endpoint), forwarding everything.
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| {
                panic!("the proxy forwards to a loopback address, not {upstream}: {e}")
            });
        assert!(
            upstream.ip().is_loopback(),
            "the proxy forwards to loopback only"
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            upstream,
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            stacks: Mutex::new(stacks::Stacks::default()),
            ids: AtomicU64::new(1),
            in_flight: AtomicUsize::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (state2, stop2) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = state2.clone();
                state.in_flight.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    handle(&state, stream);
                    state.in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FaultProxy {
            port,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`: give this to the SDK (or the binary) instead of moto's endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Adds a rule after the existing ones; the first rule that fires on a call decides what happens.
    pub fn add(&self, rule: Rule) -> &FaultProxy {
        self.state.rules.lock().unwrap().push(rule);
        self
    }

    pub fn clear_rules(&self) {
        self.state.rules.lock().unwrap().clear();
    }

    /// The next stack created goes CREATE_IN_PROGRESS → ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE, with
    /// `stack`'s resources failing.
    pub fn play_failed_stack(&self, stack: FailedStack) {
        self.state.stacks.lock().unwrap().play_next(stack);
    }

    /// Waits until no request is being handled: an attempt the client gave up on (a delay, moto slow to
    /// answer) is still logged when it ends.
    pub fn settle(&self) {
        let start = Instant::now();
        while self.state.in_flight.load(Ordering::SeqCst) > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the fault proxy still handles a request after a minute"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Forgets a [`FaultProxy::play_failed_stack`] no stack has been created for yet.
    pub fn cancel_failed_stack(&self) {
        self.state.stacks.lock().unwrap().cancel_next();
    }

    /// Every exchange so far, in the order they were answered (once the requests in flight are done).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.settle();
        self.state.log.lock().unwrap().clone()
    }

    /// Takes the exchanges so far, leaving the log empty.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.settle();
        std::mem::take(&mut *self.state.log.lock().unwrap())
    }

    /// The exchanges of one action.
    pub fn calls(&self, action: &str) -> Vec<Exchange> {
        self.exchanges()
            .into_iter()
            .filter(|e| e.action == action)
            .collect()
    }

    /// The exchanges where the proxy did something besides forwarding.
    pub fn injected(&self) -> Vec<Exchange> {
        self.exchanges()
            .into_iter()
            .filter(|e| e.injected.is_some())
            .collect()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The service, action and parameters of `request`.
fn call_of(request: &Message) -> CallInfo {
    let scope: Vec<&str> = request
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split([',', ' ']).next())
        .unwrap_or_default()
        .split('/')
        .collect();
    let service = scope.get(3).copied().unwrap_or_default().to_string();
    let (path, query) = request
        .target()
        .split_once('?')
        .unwrap_or((request.target(), ""));
    let is_form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let mut params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if is_form {
        params.extend(form_urlencoded::parse(&request.body).into_owned());
    }
    let action = if service == "s3" {
        s3_action(request.method(), path, &params)
    } else {
        params
            .get("Action")
            .cloned()
            .or_else(|| {
                request
                    .header("x-amz-target")
                    .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
            })
            .unwrap_or_default()
    };
    if service == "s3"
        && let Some(bucket) = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .filter(|b| !b.is_empty())
    {
        params.insert("Bucket".into(), bucket.to_string());
    }
    CallInfo {
        service,
        action,
        params,
        access_key: scope.first().copied().unwrap_or_default().to_string(),
        region: scope.get(2).copied().unwrap_or_default().to_string(),
    }
}

/// S3's operation from the method and the path (path-style: `/bucket` or `/bucket/key`).
fn s3_action(method: &str, path: &str, query: &BTreeMap<String, String>) -> String {
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(2, '/').collect();
    let has_key = parts.len() == 2 && !parts[1].is_empty();
    let has_bucket = !parts[0].is_empty();
    let name = match (method, has_bucket, has_key) {
        ("GET", false, _) => "ListBuckets",
        ("GET", true, false) if query.get("list-type").is_some_and(|v| v == "2") => "ListObjectsV2",
        ("GET", true, false) if query.contains_key("location") => "GetBucketLocation",
        ("GET", true, false) if query.contains_key("versions") => "ListObjectVersions",
        ("GET", true, false) => "ListObjects",
        ("HEAD", true, false) => "HeadBucket",
        ("PUT", true, false) => "CreateBucket",
        ("DELETE", true, false) => "DeleteBucket",
        ("GET", true, true) => "GetObject",
        ("HEAD", true, true) => "HeadObject",
        ("PUT", true, true) => "PutObject",
        ("DELETE", true, true) => "DeleteObject",
        ("POST", true, false) if query.contains_key("delete") => "DeleteObjects",
        _ => return format!("{method} {path}"),
    };
    name.to_string()
}

fn request_id(state: &State) -> String {
    let n = state.ids.fetch_add(1, Ordering::SeqCst);
    format!("f417a0c5-{:04x}-4a11-8fa0-{n:012x}", n % 0xffff)
}

/// What the client gets for one request.
enum Outcome {
    Answer(Message),
    /// Half of the answer, then a reset.
    CutOff(Message),
    Reset,
}

fn handle(state: &State, stream: TcpStream) {
    // A client that connects and never sends is not waited for forever (nor is settle()).
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(Some(request)) = http::read_request(&stream) else {
        return;
    };
    let call = call_of(&request);
    let fault = state
        .rules
        .lock()
        .unwrap()
        .iter_mut()
        .find_map(|rule| rule.apply(&call));
    let mut record = Exchange {
        service: call.service.clone(),
        action: call.action.clone(),
        method: request.method().to_string(),
        target: request.target().to_string(),
        params: call.params.clone(),
        access_key: call.access_key.clone(),
        injected: None,
        forwarded: false,
        status: None,
    };
    let outcome = respond(state, &request, &call, fault, &mut record);
    let head_only = request.method() == "HEAD";
    let mut writer = &stream;
    let reset = match outcome {
        Outcome::Answer(answer) => {
            record.status = Some(answer.status());
            let _ = writer.write_all(&answer.encode(head_only));
            false
        }
        Outcome::CutOff(answer) => {
            let bytes = answer.encode(head_only);
            // The head and part of the body: the client has started reading when the connection dies.
            let cut = bytes.len() - (answer.body.len() / 2).max(1).min(bytes.len());
            let _ = writer.write_all(&bytes[..cut]);
            let _ = writer.flush();
            true
        }
        Outcome::Reset => true,
    };
    // Recorded before the connection ends, so a client that saw its answer finds it in the log.
    state.log.lock().unwrap().push(record);
    if reset {
        http::reset(stream);
    }
}

fn respond(
    state: &State,
    request: &Message,
    call: &CallInfo,
    fault: Option<Fault>,
    record: &mut Exchange,
) -> Outcome {
    match fault {
        Some(Fault::Error(kind)) => {
            let shape = kind.shape(call);
            record.injected = Some(format!("{} (HTTP {})", shape.code, shape.status));
            Outcome::Answer(shapes::render(
                &shape,
                call,
                request.method(),
                &request_id(state),
            ))
        }
        Some(Fault::Recorded {
            status,
            headers,
            body,
        }) => {
            record.injected = Some(format!("a recorded answer (HTTP {status})"));
            Outcome::Answer(Message::answer(status, headers, body))
        }
        Some(Fault::ResetBeforeForwarding) => {
            record.injected = Some("reset before forwarding".into());
            Outcome::Reset
        }
        Some(Fault::Delay(by)) => {
            std::thread::sleep(by);
            record.injected = Some(format!("delayed {by:?}"));
            forward(state, request, call, record)
        }
        Some(Fault::ResetAfterForwarding) => match forward(state, request, call, record) {
            Outcome::Answer(answer) => {
                let what = record
                    .injected
                    .take()
                    .map(|w| format!("; {w}"))
                    .unwrap_or_default();
                record.injected = Some(format!(
                    "reset after moto answered HTTP {}{what}",
                    answer.status()
                ));
                Outcome::CutOff(answer)
            }
            other => other,
        },
        None => forward(state, request, call, record),
    }
}

/// Forwards to moto (unless CloudFormation's idempotency answers instead), applying the plays.
fn forward(state: &State, request: &Message, call: &CallInfo, record: &mut Exchange) -> Outcome {
    if let Some((answer, why)) = state.stacks.lock().unwrap().answer_instead(call) {
        record.injected = Some(join(record.injected.take(), why));
        return Outcome::Answer(answer);
    }
    record.forwarded = true;
    match http::forward(state.upstream, request) {
        Ok(mut answer) => {
            if let Some(played) = state
                .stacks
                .lock()
                .unwrap()
                .after_forward(call, &mut answer)
            {
                record.injected = Some(join(record.injected.take(), played));
            }
            Outcome::Answer(answer)
        }
        Err(e) => Outcome::Answer(Message::answer(
            502,
            vec![("Content-Type".into(), "text/plain".into())],
            format!("fault proxy: moto did not answer: {e}").into_bytes(),
        )),
    }
}

fn join(before: Option<String>, now: String) -> String {
    match before {
        Some(before) => format!("{before}; {now}"),
        None => now,
    }
}
