//! What the proxy does, and to which calls: a [`Rule`] selects calls ([`Call`]: a service, an action, a
//! parameter) and says when it fires (every time, the nth matching call, the first n, or with a seeded
//! probability) and what it does instead of, or on top of, forwarding ([`Fault`]).

use std::collections::BTreeMap;
use std::time::Duration;

use super::shapes::ErrorKind;

/// A call as the proxy sees it: which service (from the SigV4 credential scope of `Authorization`), which
/// action (`Action=` of a query-protocol form, `X-Amz-Target`, or for S3 the method and path), and the form
/// parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallInfo {
    pub service: String,
    pub action: String,
    pub params: BTreeMap<String, String>,
    pub access_key: String,
    pub region: String,
}

/// Which calls a rule applies to.
#[derive(Clone, Debug, Default)]
pub struct Call {
    service: Option<String>,
    action: Option<String>,
    params: Vec<(String, String)>,
}

impl Call {
    /// Every call.
    pub fn any() -> Call {
        Call::default()
    }

    /// Every call to `service` (`sts`, `cloudformation`, `s3`: the signing name of the service).
    pub fn service(service: &str) -> Call {
        Call {
            service: Some(service.to_string()),
            ..Call::default()
        }
    }

    /// `action` of `service`: `Call::action("cloudformation", "CreateStack")`, `Call::action("s3",
    /// "DeleteBucket")`.
    pub fn action(service: &str, action: &str) -> Call {
        Call {
            service: Some(service.to_string()),
            action: Some(action.to_string()),
            params: Vec::new(),
        }
    }

    /// Only calls whose form parameter `key` is `value` (`TokenCode`, `StackName`, ...).
    pub fn with_param(mut self, key: &str, value: &str) -> Call {
        self.params.push((key.to_string(), value.to_string()));
        self
    }

    pub(crate) fn matches(&self, call: &CallInfo) -> bool {
        self.service.as_ref().is_none_or(|s| *s == call.service)
            && self.action.as_ref().is_none_or(|a| *a == call.action)
            && self
                .params
                .iter()
                .all(|(k, v)| call.params.get(k) == Some(v))
    }
}

/// What the proxy does to a call a rule selected.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answers with AWS's error, in the shape of the service called (query-protocol `ErrorResponse` for
    /// STS and CloudFormation, S3's `<Error>`), without forwarding.
    Error(ErrorKind),
    /// Waits, then forwards.
    Delay(Duration),
    /// Resets the connection before anything reaches moto.
    ResetBeforeForwarding,
    /// Forwards, lets moto act and answer, then sends the client half of that answer and resets the
    /// connection: the call happened, the client cannot know.
    ResetAfterForwarding,
    /// Answers with a recorded answer (status, headers, body), without forwarding.
    Recorded {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
}

impl Fault {
    /// `Throttling` / "Rate exceeded" (query protocol); S3's `SlowDown` for S3.
    pub fn throttling() -> Fault {
        Fault::Error(ErrorKind::Throttling)
    }

    /// `ThrottlingException`, the name the API references' "Common Errors" pages give.
    pub fn throttling_exception() -> Fault {
        Fault::Error(ErrorKind::ThrottlingException)
    }

    pub fn request_limit_exceeded() -> Fault {
        Fault::Error(ErrorKind::RequestLimitExceeded)
    }

    /// HTTP 500 `InternalFailure` (S3: `InternalError`).
    pub fn internal_failure() -> Fault {
        Fault::Error(ErrorKind::InternalFailure)
    }

    /// HTTP 503 `ServiceUnavailable`.
    pub fn service_unavailable() -> Fault {
        Fault::Error(ErrorKind::ServiceUnavailable)
    }

    /// S3's HTTP 503 `SlowDown`, whatever the service.
    pub fn slow_down() -> Fault {
        Fault::Error(ErrorKind::SlowDown)
    }

    /// `ExpiredToken`: the session that signed the call has run out.
    pub fn expired_token() -> Fault {
        Fault::Error(ErrorKind::ExpiredToken)
    }

    /// `AccessDenied` with IAM's sentence naming `principal` (an ARN), the action and the resource.
    pub fn access_denied_to(principal: &str) -> Fault {
        Fault::Error(ErrorKind::AccessDenied {
            principal: Some(principal.to_string()),
        })
    }

    /// `AccessDenied` ("Access Denied", as S3 says it).
    pub fn access_denied() -> Fault {
        Fault::Error(ErrorKind::AccessDenied { principal: None })
    }

    /// S3's HTTP 404 `NoSuchBucket`.
    pub fn no_such_bucket() -> Fault {
        Fault::Error(ErrorKind::NoSuchBucket)
    }

    /// Any error: its code, HTTP status and message.
    pub fn error(code: &str, status: u16, message: &str) -> Fault {
        Fault::Error(ErrorKind::Other {
            code: code.to_string(),
            status,
            message: message.to_string(),
        })
    }

    pub fn delay(by: Duration) -> Fault {
        Fault::Delay(by)
    }

    pub fn reset_before_forwarding() -> Fault {
        Fault::ResetBeforeForwarding
    }

    pub fn reset_after_forwarding() -> Fault {
        Fault::ResetAfterForwarding
    }

    /// Every fault a busy or flaky AWS produces that a client should survive by retrying: the chaos mix.
    pub fn transient_mix() -> Vec<Fault> {
        vec![
            Fault::throttling(),
            Fault::throttling_exception(),
            Fault::request_limit_exceeded(),
            Fault::internal_failure(),
            Fault::service_unavailable(),
            Fault::reset_before_forwarding(),
            Fault::reset_after_forwarding(),
            Fault::delay(Duration::from_millis(300)),
        ]
    }
}

/// When a rule fires, among the calls it matches.
#[derive(Clone, Debug)]
enum When {
    Always,
    /// The nth matching call (1 for the first).
    Nth(usize),
    /// The first n matching calls.
    First(usize),
    Probability(f64),
}

/// A selection of calls and what happens to them.
#[derive(Clone, Debug)]
pub struct Rule {
    call: Call,
    when: When,
    faults: Vec<Fault>,
    matched: usize,
    rng: SplitMix64,
}

impl Rule {
    /// A rule for `call`, firing on every matching call until told otherwise.
    pub fn on(call: Call) -> Rule {
        Rule {
            call,
            when: When::Always,
            faults: Vec::new(),
            matched: 0,
            rng: SplitMix64(0),
        }
    }

    /// Fires on the nth matching call only (1 for the first).
    pub fn nth(mut self, n: usize) -> Rule {
        self.when = When::Nth(n);
        self
    }

    /// Fires on the first `n` matching calls.
    pub fn first(mut self, n: usize) -> Rule {
        self.when = When::First(n);
        self
    }

    /// Fires on each matching call with probability `p`, drawn from a generator seeded with `seed`, so a
    /// run can be replayed.
    pub fn with_probability(mut self, p: f64, seed: u64) -> Rule {
        self.when = When::Probability(p);
        self.rng = SplitMix64(seed);
        self
    }

    /// What the rule does.
    pub fn answer(mut self, fault: Fault) -> Rule {
        self.faults = vec![fault];
        self
    }

    /// One of `faults`, drawn from the rule's generator each time it fires.
    pub fn answer_one_of(mut self, faults: Vec<Fault>) -> Rule {
        self.faults = faults;
        self
    }

    /// Counts `call` if it matches and says what to do with it, if anything.
    pub(crate) fn apply(&mut self, call: &CallInfo) -> Option<Fault> {
        if !self.call.matches(call) || self.faults.is_empty() {
            return None;
        }
        self.matched += 1;
        let fires = match self.when {
            When::Always => true,
            When::Nth(n) => self.matched == n,
            When::First(n) => self.matched <= n,
            When::Probability(p) => self.rng.next_f64() < p,
        };
        if !fires {
            return None;
        }
        let index = if self.faults.len() == 1 {
            0
        } else {
            (self.rng.next_u64() % self.faults.len() as u64) as usize
        };
        Some(self.faults[index].clone())
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same faults on every machine.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(service: &str, action: &str) -> CallInfo {
        CallInfo {
            service: service.into(),
            action: action.into(),
            ..CallInfo::default()
        }
    }

    #[test]
    fn nth_first_and_probability_select_the_calls_they_say() {
        let create = call("cloudformation", "CreateStack");
        let mut nth = Rule::on(Call::action("cloudformation", "CreateStack"))
            .nth(2)
            .answer(Fault::throttling());
        let fired: Vec<bool> = (0..4).map(|_| nth.apply(&create).is_some()).collect();
        assert_eq!(fired, [false, true, false, false]);
        assert!(nth.apply(&call("sts", "AssumeRole")).is_none());

        let mut first = Rule::on(Call::service("sts"))
            .first(2)
            .answer(Fault::throttling());
        let fired: Vec<bool> = (0..3)
            .map(|_| first.apply(&call("sts", "AssumeRole")).is_some())
            .collect();
        assert_eq!(fired, [true, true, false]);

        let draws = |seed| {
            let mut rule = Rule::on(Call::any())
                .with_probability(0.3, seed)
                .answer_one_of(Fault::transient_mix());
            (0..1000).filter(|_| rule.apply(&create).is_some()).count()
        };
        assert_eq!(draws(7), draws(7), "a seed replays the same faults");
        assert!((200..400).contains(&draws(7)), "{}", draws(7));
    }
}
