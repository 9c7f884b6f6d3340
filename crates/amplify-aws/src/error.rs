//! One mapping of the SDK's errors, for every service: AWS's code and message when it answered, what kept
//! it from answering otherwise, and what the user can do about the common causes.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What became of a call that failed.
#[derive(Debug)]
pub enum Failure {
    /// AWS answered with an error: its code (`AccessDenied`, `Throttling`, ...) and message. An answer
    /// that carries no code amplify-rs can read is named by its HTTP status (`HTTP 403`).
    Refused {
        code: String,
        message: String,
        status: u16,
    },
    /// No answer: the connection failed, was dropped, or an attempt ran out of time (after the retries).
    NoAnswer(BoxError),
}

/// A failed AWS call. Printed as `CODE: message`, or, without an answer, as what went wrong, followed by
/// its causes (`dispatch failure`, `io error`, ..., `Connection refused`).
#[derive(Debug)]
pub struct AwsError {
    /// Boxed: errors that carry this one stay small.
    pub failure: Box<Failure>,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.failure {
            Failure::Refused { code, message, .. } => write!(f, "{code}: {message}"),
            Failure::NoAnswer(source) => write!(f, "{source}"),
        }
    }
}

impl std::error::Error for AwsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.failure {
            Failure::Refused { .. } => None,
            // The wrapped error is what this one prints: its causes come next.
            Failure::NoAnswer(source) => source.source(),
        }
    }
}

impl AwsError {
    pub fn from_sdk<E>(error: SdkError<E, HttpResponse>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let failure = match error {
            SdkError::ServiceError(service) => {
                let status = service.raw().status().as_u16();
                let (code, message) = match service.err().code() {
                    Some(code) => (
                        code.to_string(),
                        service
                            .err()
                            .message()
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    ),
                    None => service
                        .raw()
                        .body()
                        .bytes()
                        .and_then(code_and_message)
                        .unwrap_or_else(|| {
                            (
                                format!("HTTP {status}"),
                                "the answer was not an AWS error amplify-rs could read".to_string(),
                            )
                        }),
                };
                Failure::Refused {
                    code,
                    message,
                    status,
                }
            }
            other => Failure::NoAnswer(Box::new(other)),
        };
        AwsError {
            failure: Box::new(failure),
        }
    }

    /// AWS's error code, `None` when there was no answer.
    pub fn code(&self) -> Option<&str> {
        match &*self.failure {
            Failure::Refused { code, .. } => Some(code),
            Failure::NoAnswer(_) => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match &*self.failure {
            Failure::Refused { message, .. } => Some(message),
            Failure::NoAnswer(_) => None,
        }
    }

    pub fn is_no_answer(&self) -> bool {
        matches!(*self.failure, Failure::NoAnswer(_))
    }

    /// The keys that signed the call are not valid (unknown, deleted, or a secret that does not match).
    pub fn is_invalid_keys(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "InvalidClientTokenId"
                    | "SignatureDoesNotMatch"
                    | "UnrecognizedClientException"
                    | "InvalidAccessKeyId"
            )
        )
    }

    /// The session that signed the call has expired.
    pub fn is_expired_token(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "ExpiredToken"
                    | "ExpiredTokenException"
                    | "RequestExpired"
                    | "TokenRefreshRequired"
            )
        )
    }

    /// The identity that signed the call may not do it.
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code(),
            Some("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "HTTP 403")
        )
    }

    pub fn is_throttling(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "Throttling"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "TooManyRequestsException"
                    | "SlowDown"
            )
        )
    }

    /// AWS failed on its side (HTTP 5xx), on every attempt the SDK made.
    pub fn is_server_error(&self) -> bool {
        matches!(&*self.failure, Failure::Refused { status, .. } if *status >= 500)
    }

    /// What to do, for causes that are the same whatever the call; callers add their own for the rest.
    pub fn hint(&self, service: crate::Service) -> Option<String> {
        if self.is_no_answer() {
            return Some(format!(
                "check your network connection, or AWS_ENDPOINT_URL / {} if you set them",
                service.endpoint_variable()
            ));
        }
        if self.is_throttling() {
            return Some("AWS is limiting the account's request rate: wait a minute and run the command again".into());
        }
        if self.is_expired_token() {
            return Some("the session has expired: run the command again to renew it".into());
        }
        if self.is_server_error() {
            return Some("AWS failed on its side on every attempt: wait a few minutes and run the command again (https://health.aws.amazon.com lists outages)".into());
        }
        None
    }
}

/// The code and message of an XML error body (the first `<Code>` and `<Message>`): for answers the SDK
/// could not read as its protocol's error (some emulators' and proxies' answers use another error shape),
/// and for the retry reports, which see the body before the SDK has made it an error.
pub(crate) fn code_and_message(body: &[u8]) -> Option<(String, String)> {
    let body = std::str::from_utf8(body).ok()?;
    let element = |tag: &str| {
        let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
        let end = body[start..].find(&format!("</{tag}>"))? + start;
        Some(body[start..end].trim().to_string())
    };
    let code = element("Code").filter(|c| !c.is_empty() && c.len() < 100)?;
    Some((code, element("Message").unwrap_or_default()))
}
