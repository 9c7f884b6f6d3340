//! How every client is configured: endpoints, time limits and retries, from the environment snapshot and
//! the profile in use, checked once; and the clients themselves.

use std::sync::Arc;
use std::time::Duration;

use amplify_creds::REUSE_MARGIN;
use amplify_creds::env::{Env, amplify, aws};
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use aws_smithy_runtime_api::client::interceptors::Intercept;

use crate::log::LogCalls;
use crate::retries::{ReportRetries, RetryObserver, SharedRetryObserver};

/// How long one attempt of an AWS call may take unless `AMPLIFY_RS_AWS_TIMEOUT` says otherwise.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest `AMPLIFY_RS_AWS_TIMEOUT` accepted: an hour per attempt is already a hang.
const MAX_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3600);

/// How long an SDK client waits for renewed credentials (an MFA prompt, another process's lock).
pub const RENEWAL_LIMIT: Duration = Duration::from_secs(15 * 60);

/// Attempts of one call, the first included, with the SDK's standard backoff between them, unless the
/// settings say otherwise ([`AwsSettings::with_max_attempts`]).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// The most attempts of one call accepted: more only makes a failure take longer to show.
const MOST_ATTEMPTS: u32 = 10;

/// The SDK's standard backoff before the first retry (doubled for each further one, with jitter).
pub const INITIAL_BACKOFF: Duration = Duration::from_secs(1);

/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The services amplify-rs calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Sts,
    CloudFormation,
    S3,
}

impl Service {
    /// `AWS_ENDPOINT_URL_STS`, ...: the SDKs' service-specific endpoint variable.
    pub fn endpoint_variable(self) -> String {
        let id = match self {
            Service::Sts => "STS",
            Service::CloudFormation => "CLOUDFORMATION",
            Service::S3 => "S3",
        };
        format!("{}_{id}", aws::ENDPOINT_URL)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name}={value} is not a number of seconds from 0.1 to 3600")]
    Timeout { name: &'static str, value: String },
    #[error("{name}={value} is not an http:// or https:// URL")]
    Endpoint { name: String, value: String },
}

impl SettingsError {
    pub fn hint(&self) -> String {
        match self {
            SettingsError::Timeout { name, .. } => {
                format!(
                    "set {name} to the seconds one attempt of an AWS call may take (30 when unset), or unset it"
                )
            }
            SettingsError::Endpoint { name, .. } => {
                format!(
                    "set {name} to a URL such as https://sts.us-east-1.amazonaws.com, or unset it"
                )
            }
        }
    }
}

/// Endpoints, time limits and retries of every client.
#[derive(Clone, Debug)]
pub struct AwsSettings {
    /// Service-specific endpoints from the environment, by service.
    service_endpoints: Vec<(Service, String)>,
    /// `AWS_ENDPOINT_URL`.
    global_endpoint: Option<String>,
    /// The profile's `endpoint_url`.
    profile_endpoint: Option<String>,
    ignore_configured: bool,
    attempt_timeout: Duration,
    max_attempts: u32,
    /// Validity credentials must have left to be used rather than renewed: [`REUSE_MARGIN`] or more.
    reuse_margin: Duration,
    /// The SDK's clock, when not the system's (tests move it).
    time_source: Option<SharedTimeSource>,
    initial_backoff: Duration,
    /// Told of every retry, when the caller wants to show them.
    retry_observer: Option<SharedRetryObserver>,
}

fn std_duration(duration: time::Duration) -> Duration {
    Duration::from_secs(duration.whole_seconds().unsigned_abs())
}

fn check_url(name: &str, value: &str) -> Result<String, SettingsError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.trim_end_matches('/').to_string())
    } else {
        Err(SettingsError::Endpoint {
            name: name.to_string(),
            value: value.to_string(),
        })
    }
}

impl AwsSettings {
    /// The settings of the environment: `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, `AMPLIFY_RS_AWS_TIMEOUT`. A value that cannot be right is an
    /// error naming the variable, never a panic or a silent default.
    pub fn from_env(env: &Env) -> Result<AwsSettings, SettingsError> {
        let attempt_timeout = match env.get(amplify::AWS_TIMEOUT) {
            None => DEFAULT_ATTEMPT_TIMEOUT,
            Some(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| (0.1..=MAX_ATTEMPT_TIMEOUT.as_secs_f64()).contains(s))
                .map(Duration::from_secs_f64)
                .ok_or_else(|| SettingsError::Timeout {
                    name: amplify::AWS_TIMEOUT,
                    value: text.to_string(),
                })?,
        };
        let ignore_configured = env
            .get(aws::IGNORE_CONFIGURED_ENDPOINT_URLS)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut service_endpoints = Vec::new();
        for service in [Service::Sts, Service::CloudFormation, Service::S3] {
            let name = service.endpoint_variable();
            if let Some(value) = env.get(&name) {
                service_endpoints.push((service, check_url(&name, value)?));
            }
        }
        let global_endpoint = env
            .get(aws::ENDPOINT_URL)
            .map(|value| check_url(aws::ENDPOINT_URL, value))
            .transpose()?;
        Ok(AwsSettings {
            service_endpoints,
            global_endpoint,
            profile_endpoint: None,
            ignore_configured,
            attempt_timeout,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            reuse_margin: std_duration(REUSE_MARGIN),
            time_source: None,
            initial_backoff: INITIAL_BACKOFF,
            retry_observer: None,
        })
    }

    /// The `endpoint_url` of the profile in use (the variables win over it, as in the SDKs).
    pub fn with_profile_endpoint(
        mut self,
        profile: &str,
        url: Option<&str>,
    ) -> Result<AwsSettings, SettingsError> {
        self.profile_endpoint = url
            .map(|value| check_url(&format!("endpoint_url of profile {profile}"), value))
            .transpose()?;
        Ok(self)
    }

    /// One attempt's time limit (tests shorten it).
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> AwsSettings {
        self.attempt_timeout = timeout;
        self
    }

    /// Attempts of one call, the first included: from 1 to 10 (a number outside is brought inside).
    pub fn with_max_attempts(mut self, attempts: u32) -> AwsSettings {
        self.max_attempts = attempts.clamp(1, MOST_ATTEMPTS);
        self
    }

    /// The validity credentials must have left to be reused rather than renewed, by the SDK's clients and
    /// the session's cache alike. Never less than [`REUSE_MARGIN`]: a shorter margin would hand out
    /// credentials that expire during a call.
    pub fn with_reuse_margin(mut self, margin: Duration) -> AwsSettings {
        self.reuse_margin = margin.max(std_duration(REUSE_MARGIN));
        self
    }

    /// The SDK's clock (signing, the identity cache's expiry decisions), for tests that age credentials
    /// without waiting.
    pub fn with_time_source(mut self, time_source: impl TimeSource + 'static) -> AwsSettings {
        self.time_source = Some(SharedTimeSource::new(time_source));
        self
    }

    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The backoff before the first retry (tests shorten it; the strategy stays the SDK's standard one).
    pub fn with_initial_backoff(mut self, backoff: Duration) -> AwsSettings {
        self.initial_backoff = backoff;
        self
    }

    /// Tells `observer` of every retry of every call of the clients built from these settings (STS,
    /// CloudFormation, S3), before the attempt starts: the front end says "retrying" instead of going quiet.
    pub fn with_retry_observer(mut self, observer: Arc<dyn RetryObserver>) -> AwsSettings {
        self.retry_observer = Some(SharedRetryObserver(observer));
        self
    }

    /// The longest one call may take, retries included: every attempt at its time limit, plus the longest
    /// backoff the standard strategy may wait before each retry. Past it the call fails, whatever is left
    /// of the attempts.
    pub fn call_limit(&self) -> Duration {
        let backoffs: Duration = (0..self.max_attempts.saturating_sub(1))
            .map(|retry| (self.initial_backoff * 2u32.pow(retry)).min(MAX_BACKOFF))
            .sum();
        self.attempt_timeout * self.max_attempts + backoffs
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn reuse_margin(&self) -> Duration {
        self.reuse_margin
    }

    /// Where `service`'s calls go: the service's variable, `AWS_ENDPOINT_URL`, the profile's
    /// `endpoint_url`, else AWS's own endpoint (`None`). `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores
    /// all three.
    pub fn endpoint(&self, service: Service) -> Option<&str> {
        if self.ignore_configured {
            return None;
        }
        self.service_endpoints
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.as_str())
            .or(self.global_endpoint.as_deref())
            .or(self.profile_endpoint.as_deref())
    }

    /// SDK settings for calls signed with what `provider` gives, in `region`. The provider is asked again
    /// the reuse margin ([`REUSE_MARGIN`] unless set longer) before the credentials it gave expire, so a long
    /// wait never runs into an expired token; renewing may mean an MFA prompt or waiting for another
    /// process's lock, so the SDK's 5-second limit on getting credentials is raised to [`RENEWAL_LIMIT`].
    /// Each attempt of a call gives up after the attempt timeout (connecting after at most 5 seconds), and
    /// the SDK's standard retry makes [`DEFAULT_MAX_ATTEMPTS`] attempts unless set otherwise, so a peer that
    /// accepts and never answers costs three times that, not forever; the whole call, backoffs included, is
    /// bounded by [`AwsSettings::call_limit`].
    pub fn sdk_config(&self, provider: SharedCredentialsProvider, region: &str) -> SdkConfig {
        let margin = self.reuse_margin;
        let mut builder = SdkConfig::builder();
        builder.set_time_source(self.time_source.clone());
        builder
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .credentials_provider(provider)
            .identity_cache(
                IdentityCache::lazy()
                    .buffer_time(margin)
                    .load_timeout(RENEWAL_LIMIT)
                    .build(),
            )
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(self.max_attempts)
                    .with_initial_backoff(self.initial_backoff)
                    .with_max_backoff(MAX_BACKOFF),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.attempt_timeout.min(Duration::from_secs(5)))
                    .operation_attempt_timeout(self.attempt_timeout)
                    .operation_timeout(self.call_limit())
                    .build(),
            )
            .build()
    }

    /// The interceptors every client gets: the call log, and the retry reports if someone listens.
    fn interceptors<B: Interceptors>(&self, builder: B) -> B {
        let builder = builder.with_interceptor(LogCalls);
        match &self.retry_observer {
            Some(observer) => builder.with_interceptor(ReportRetries(observer.clone())),
            None => builder,
        }
    }

    pub fn sts(&self, config: &SdkConfig) -> aws_sdk_sts::Client {
        let mut builder = self.interceptors(aws_sdk_sts::config::Builder::from(config));
        builder.set_endpoint_url(self.endpoint(Service::Sts).map(str::to_string));
        aws_sdk_sts::Client::from_conf(builder.build())
    }

    pub fn cloudformation(&self, config: &SdkConfig) -> aws_sdk_cloudformation::Client {
        let mut builder = self.interceptors(aws_sdk_cloudformation::config::Builder::from(config));
        builder.set_endpoint_url(self.endpoint(Service::CloudFormation).map(str::to_string));
        aws_sdk_cloudformation::Client::from_conf(builder.build())
    }

    pub fn s3(&self, config: &SdkConfig) -> aws_sdk_s3::Client {
        let mut builder = self.interceptors(aws_sdk_s3::config::Builder::from(config));
        builder.set_endpoint_url(self.endpoint(Service::S3).map(str::to_string));
        aws_sdk_s3::Client::from_conf(builder.build())
    }
}

/// The three services' config builders, which share no trait for adding an interceptor.
trait Interceptors {
    fn with_interceptor(self, interceptor: impl Intercept + 'static) -> Self;
}

macro_rules! interceptors {
    ($($builder:ty),*) => {$(
        impl Interceptors for $builder {
            fn with_interceptor(self, interceptor: impl Intercept + 'static) -> Self {
                self.interceptor(interceptor)
            }
        }
    )*};
}

interceptors!(
    aws_sdk_sts::config::Builder,
    aws_sdk_cloudformation::config::Builder,
    aws_sdk_s3::config::Builder
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_sdks_precedence() {
        let env = Env::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:6000"),
        ]);
        let settings = AwsSettings::from_env(&env)
            .unwrap()
            .with_profile_endpoint("p", Some("https://example.com"))
            .unwrap();
        assert_eq!(
            settings.endpoint(Service::Sts),
            Some("http://127.0.0.1:6000")
        );
        assert_eq!(
            settings.endpoint(Service::CloudFormation),
            Some("http://127.0.0.1:5000")
        );
        let profile_only = AwsSettings::from_env(&Env::default())
            .unwrap()
            .with_profile_endpoint("p", Some("https://example.com"))
            .unwrap();
        assert_eq!(
            profile_only.endpoint(Service::S3),
            Some("https://example.com")
        );
        let ignored = AwsSettings::from_env(&Env::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]))
        .unwrap();
        assert_eq!(ignored.endpoint(Service::Sts), None);
    }

    #[test]
    fn one_call_is_bounded_retries_included() {
        let settings =
            AwsSettings::from_env(&Env::from_pairs([("AMPLIFY_RS_AWS_TIMEOUT", "2")])).unwrap();
        // Three attempts of two seconds, and the standard backoff's longest waits: 1 s, then 2 s.
        assert_eq!(settings.call_limit(), Duration::from_secs(9));
        let quick = settings.with_initial_backoff(Duration::from_millis(10));
        assert_eq!(quick.call_limit(), Duration::from_millis(6030));
    }

    #[test]
    fn attempts_and_the_reuse_margin_stay_within_safe_bounds() {
        let settings = AwsSettings::from_env(&Env::default()).unwrap();
        assert_eq!(settings.max_attempts(), 3);
        assert_eq!(settings.reuse_margin(), Duration::from_secs(300));
        let settings = settings
            .with_max_attempts(0)
            .with_reuse_margin(Duration::from_secs(60));
        assert_eq!(settings.max_attempts(), 1);
        assert_eq!(
            settings.reuse_margin(),
            Duration::from_secs(300),
            "never shorter than five minutes"
        );
        let settings = settings
            .with_max_attempts(50)
            .with_reuse_margin(Duration::from_secs(900));
        assert_eq!(settings.max_attempts(), 10);
        assert_eq!(settings.reuse_margin(), Duration::from_secs(900));
    }

    #[test]
    fn impossible_timeouts_and_urls_are_errors_not_panics() {
        for value in ["inf", "1e20", "1e400", "NaN", "-1", "0", "x"] {
            let error =
                AwsSettings::from_env(&Env::from_pairs([("AMPLIFY_RS_AWS_TIMEOUT", value)]))
                    .unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "AMPLIFY_RS_AWS_TIMEOUT={value} is not a number of seconds from 0.1 to 3600"
                )
            );
        }
        let ok =
            AwsSettings::from_env(&Env::from_pairs([("AMPLIFY_RS_AWS_TIMEOUT", "2.5")])).unwrap();
        assert_eq!(ok.attempt_timeout(), Duration::from_millis(2500));
        let error =
            AwsSettings::from_env(&Env::from_pairs([("AWS_ENDPOINT_URL", "127.0.0.1:5000")]))
                .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("AWS_ENDPOINT_URL=127.0.0.1:5000 is not")
        );
    }
}
