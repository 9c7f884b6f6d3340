//! Retries a person can see. The SDK's standard strategy retries what AWS's classifier calls transient
//! (throttling codes such as `Throttling` and `SlowDown`, HTTP 500/502/503/504, timeouts, dropped
//! connections) with exponential backoff and jitter; left alone it does so silently, and a spinner that
//! stops moving for seconds looks like a hang. [`ReportRetries`], an SDK interceptor every client gets when
//! the caller gives a [`RetryObserver`], tells it before each new attempt which call is retried, after
//! what, and which attempt of how many it is, so the front end can say "retrying" on the terminal.
//!
//! It reports nothing of a call's content: the call's name, AWS's error code and HTTP status, or what kept
//! the answer from arriving.

use std::fmt;
use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::{Metadata, OrchestratorError};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::RetryConfig;

/// Why the previous attempt of a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryCause {
    /// AWS answered with an error: its code (`Throttling`, `InternalFailure`, ... or `HTTP 503` when the
    /// answer carried none) and HTTP status.
    Refused { code: String, status: u16 },
    /// No whole answer: the connection failed or was dropped, or the attempt ran out of time.
    NoAnswer { what: String },
}

impl fmt::Display for RetryCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryCause::Refused { code, status } => {
                write!(f, "AWS answered {code} (HTTP {status})")
            }
            RetryCause::NoAnswer { what } => write!(f, "{what}"),
        }
    }
}

/// A call about to be attempted again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    /// `cloudformation:CreateStack`, `sts:AssumeRole`, ...
    pub call: String,
    /// The attempt about to start: 2 for the first retry.
    pub attempt: u32,
    pub max_attempts: u32,
    pub cause: RetryCause,
}

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; retrying (attempt {} of {})",
            self.call, self.cause, self.attempt, self.max_attempts
        )
    }
}

/// Told of every retry of every call of the clients built with it. Called from the SDK's tasks: keep it
/// quick (update a spinner, send on a channel). Any `Fn(&Retry) + Send + Sync` is one.
pub trait RetryObserver: Send + Sync {
    fn retrying(&self, retry: &Retry);
}

impl<F: Fn(&Retry) + Send + Sync> RetryObserver for F {
    fn retrying(&self, retry: &Retry) {
        self(retry)
    }
}

/// A shared observer, as [`crate::AwsSettings`] holds it.
#[derive(Clone)]
pub(crate) struct SharedRetryObserver(pub Arc<dyn RetryObserver>);

impl fmt::Debug for SharedRetryObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedRetryObserver")
    }
}

/// The interceptor: notes why each attempt failed, and reports it when the next one starts.
#[derive(Debug)]
pub(crate) struct ReportRetries(pub SharedRetryObserver);

/// The failure of the last attempt, kept in the call's config bag between attempts.
#[derive(Clone, Debug)]
struct LastFailure(RetryCause);

impl Storable for LastFailure {
    type Storer = StoreReplace<Self>;
}

fn call_name(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map(|m| format!("{}:{}", m.service().to_lowercase(), m.name()))
        .unwrap_or_else(|| "aws".into())
}

/// The innermost cause of an error: `Connection reset by peer`, not `dispatch failure`.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn no_answer<E>(error: &OrchestratorError<E>) -> Option<RetryCause>
where
    E: std::error::Error + 'static,
{
    let what = if error.is_timeout_error() {
        "no answer in time".to_string()
    } else if let Some(connector) = error.as_connector_error() {
        format!("the connection failed: {}", innermost(connector))
    } else if error.is_response_error() {
        "the answer was cut off".to_string()
    } else {
        return None;
    };
    Some(RetryCause::NoAnswer { what })
}

impl Intercept for ReportRetries {
    fn name(&self) -> &'static str {
        "ReportRetries"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(error)) = context.output_or_error() else {
            return Ok(());
        };
        let cause = match context.response() {
            Some(response) if error.is_operation_error() || response.status().as_u16() >= 400 => {
                let status = response.status().as_u16();
                let code = response
                    .body()
                    .bytes()
                    .and_then(crate::error::code_and_message)
                    .map(|(code, _)| code)
                    .unwrap_or_else(|| format!("HTTP {status}"));
                Some(RetryCause::Refused { code, status })
            }
            _ => no_answer(error),
        };
        if let Some(cause) = cause {
            cfg.interceptor_state().store_put(LastFailure(cause));
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        if attempt < 2 {
            return Ok(());
        }
        let cause = cfg.load::<LastFailure>().map_or(
            RetryCause::NoAnswer {
                what: "the previous attempt failed".into(),
            },
            |last| last.0.clone(),
        );
        let retry = Retry {
            call: call_name(cfg),
            attempt,
            max_attempts: cfg
                .load::<RetryConfig>()
                .map_or(attempt, |c| c.max_attempts()),
            cause,
        };
        tracing::info!("{retry}");
        self.0.0.retrying(&retry);
        Ok(())
    }
}
