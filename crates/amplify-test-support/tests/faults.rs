//! The fault proxy against the real AWS SDK and moto: every error it injects is read by the SDK as AWS's
//! (the code and message the user will see), and classified as AWS's would be: throttling, 5xx and dropped
//! connections are retried by the standard strategy (three attempts, each reported to the retry observer),
//! the rest are not. For STS and CloudFormation (query protocol) and S3 (REST-XML).

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_aws::{AwsError, AwsSettings, Retry, RetryCause, SdkConfig};
use amplify_creds::env::Env;
use amplify_creds::{Credentials, Secret};
use amplify_test_support::{Call, Fault, FaultProxy, Moto, Rule};

struct Harness {
    moto: Moto,
    proxy: FaultProxy,
    retries: Arc<Mutex<Vec<Retry>>>,
    config: SdkConfig,
    settings: AwsSettings,
}

impl Harness {
    fn new(attempt_timeout: Duration) -> Harness {
        let moto = Moto::start();
        // moto loads each service on its first call, which may take longer than a short attempt limit.
        moto.call("cloudformation", &[("Action", "ListStacks")]);
        moto.call("sts", &[("Action", "GetCallerIdentity")]);
        let proxy = FaultProxy::start(&moto.endpoint());
        let retries = Arc::new(Mutex::new(Vec::new()));
        let seen = retries.clone();
        let settings =
            AwsSettings::from_env(&Env::from_pairs([("AWS_ENDPOINT_URL", proxy.endpoint())]))
                .unwrap()
                .with_attempt_timeout(attempt_timeout)
                .with_initial_backoff(Duration::from_millis(5))
                .with_retry_observer(Arc::new(move |r: &Retry| {
                    seen.lock().unwrap().push(r.clone())
                }));
        let keys = Credentials::long_lived(
            "AKIAIOSFODNN7EXAMPLE",
            Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        );
        let config = settings.sdk_config(amplify_aws::fixed_provider(&keys), "us-east-1");
        Harness {
            moto,
            proxy,
            retries,
            config,
            settings,
        }
    }

    /// Runs `service`'s probe call once with `fault` on every call of it; the error (if any), the
    /// attempts the proxy saw, and the retries reported.
    async fn probe(
        &self,
        service: &str,
        fault: Option<Fault>,
    ) -> (Option<AwsError>, usize, Vec<Retry>) {
        self.proxy.clear_rules();
        self.proxy.take_exchanges();
        self.retries.lock().unwrap().clear();
        if let Some(fault) = fault {
            self.proxy
                .add(Rule::on(Call::service(service)).answer(fault));
        }
        let error = match service {
            "sts" => self
                .settings
                .sts(&self.config)
                .get_caller_identity()
                .send()
                .await
                .err()
                .map(AwsError::from_sdk),
            "cloudformation" => self
                .settings
                .cloudformation(&self.config)
                .list_stacks()
                .send()
                .await
                .err()
                .map(AwsError::from_sdk),
            "s3" => self
                .settings
                .s3(&self.config)
                .list_objects_v2()
                .bucket("deployment")
                .send()
                .await
                .err()
                .map(AwsError::from_sdk),
            other => panic!("no probe for {other}"),
        };
        let attempts = self.proxy.take_exchanges().len();
        (error, attempts, self.retries.lock().unwrap().clone())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_errors_read_and_retry_as_aws_errors() {
    let h = Harness::new(Duration::from_secs(5));
    // The bucket S3's probe lists.
    h.settings
        .s3(&h.config)
        .create_bucket()
        .bucket("deployment")
        .send()
        .await
        .unwrap();
    // (service, fault, code the SDK reads, HTTP status, retried?)
    let cases: Vec<(&str, Fault, &str, u16, bool)> = vec![
        ("sts", Fault::throttling(), "Throttling", 400, true),
        (
            "sts",
            Fault::internal_failure(),
            "InternalFailure",
            500,
            true,
        ),
        ("sts", Fault::expired_token(), "ExpiredToken", 403, false),
        (
            "cloudformation",
            Fault::throttling(),
            "Throttling",
            400,
            true,
        ),
        (
            "cloudformation",
            Fault::throttling_exception(),
            "ThrottlingException",
            400,
            true,
        ),
        (
            "cloudformation",
            Fault::request_limit_exceeded(),
            "RequestLimitExceeded",
            400,
            true,
        ),
        (
            "cloudformation",
            Fault::internal_failure(),
            "InternalFailure",
            500,
            true,
        ),
        (
            "cloudformation",
            Fault::service_unavailable(),
            "ServiceUnavailable",
            503,
            true,
        ),
        (
            "cloudformation",
            Fault::expired_token(),
            "ExpiredToken",
            403,
            false,
        ),
        (
            "cloudformation",
            Fault::access_denied(),
            "AccessDenied",
            403,
            false,
        ),
        ("s3", Fault::throttling(), "SlowDown", 503, true),
        ("s3", Fault::internal_failure(), "InternalError", 500, true),
        (
            "s3",
            Fault::service_unavailable(),
            "ServiceUnavailable",
            503,
            true,
        ),
        ("s3", Fault::expired_token(), "ExpiredToken", 400, false),
        ("s3", Fault::access_denied(), "AccessDenied", 403, false),
        ("s3", Fault::no_such_bucket(), "NoSuchBucket", 404, false),
    ];
    for (service, fault, code, status, retried) in cases {
        let (error, attempts, retries) = h.probe(service, Some(fault)).await;
        let error = error.unwrap_or_else(|| panic!("{service} {code}: the call succeeded"));
        assert_eq!(error.code(), Some(code), "{service}: {error}");
        assert!(
            !error.message().unwrap_or_default().is_empty(),
            "{service} {code}: no message"
        );
        let expected = if retried { 3 } else { 1 };
        assert_eq!(attempts, expected, "{service} {code}: attempts");
        assert_eq!(retries.len(), expected - 1, "{service} {code}: {retries:?}");
        for (n, retry) in retries.iter().enumerate() {
            assert_eq!(retry.attempt, n as u32 + 2);
            assert_eq!(retry.max_attempts, 3);
            assert_eq!(
                retry.cause,
                RetryCause::Refused {
                    code: code.to_string(),
                    status
                },
                "{service}"
            );
        }
    }
    // Each service's probe goes through untouched without a rule.
    for service in ["sts", "cloudformation", "s3"] {
        let (error, attempts, retries) = h.probe(service, None).await;
        assert!(error.is_none(), "{service}: {error:?}");
        assert_eq!((attempts, retries.len()), (1, 0), "{service}");
    }
    drop(h.moto);
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connections_and_silence_are_retried_then_reported_as_no_answer() {
    let h = Harness::new(Duration::from_millis(500));
    for fault in [
        Fault::reset_before_forwarding(),
        Fault::reset_after_forwarding(),
        Fault::delay(Duration::from_secs(2)),
    ] {
        let label = format!("{fault:?}");
        let (error, attempts, retries) = h.probe("cloudformation", Some(fault)).await;
        let error = error.unwrap_or_else(|| panic!("{label}: the call succeeded"));
        assert!(error.is_no_answer(), "{label}: {error}");
        assert_eq!(attempts, 3, "{label}");
        assert_eq!(retries.len(), 2, "{label}");
        assert!(
            matches!(&retries[0].cause, RetryCause::NoAnswer { .. }),
            "{label}: {:?}",
            retries[0]
        );
        assert!(
            retries[0]
                .to_string()
                .starts_with("cloudformation:ListStacks: "),
            "{}",
            retries[0]
        );
    }
    // Once only: the retry goes through.
    h.proxy.clear_rules();
    h.proxy.add(
        Rule::on(Call::action("cloudformation", "ListStacks"))
            .nth(1)
            .answer(Fault::reset_before_forwarding()),
    );
    h.retries.lock().unwrap().clear();
    h.settings
        .cloudformation(&h.config)
        .list_stacks()
        .send()
        .await
        .unwrap();
    assert_eq!(h.retries.lock().unwrap().len(), 1);
    let injected = h.proxy.injected();
    assert_eq!(injected.len(), 1);
    assert_eq!(
        injected[0].injected.as_deref(),
        Some("reset before forwarding")
    );
    assert!(!injected[0].forwarded && injected[0].status.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn create_stack_is_idempotent_by_token_as_in_cloudformation() {
    let h = Harness::new(Duration::from_secs(5));
    let client = h.settings.cloudformation(&h.config);
    let template = r#"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}"#;
    let create = |token: &'static str| {
        client
            .create_stack()
            .stack_name("idempotent")
            .template_body(template)
            .client_request_token(token)
            .send()
    };
    let first = create("token-1").await.unwrap();
    let again = create("token-1").await.unwrap();
    assert_eq!(
        first.stack_id(),
        again.stack_id(),
        "the same token, the same stack"
    );
    let other = create("token-2")
        .await
        .map_err(AwsError::from_sdk)
        .unwrap_err();
    assert_eq!(other.code(), Some("AlreadyExistsException"), "{other}");
    let calls = h.proxy.calls("CreateStack");
    assert_eq!(
        calls.iter().map(|c| c.forwarded).collect::<Vec<_>>(),
        [true, false, true],
        "the repeated token is answered by the proxy, the new one reaches moto"
    );
    assert!(
        calls[1]
            .injected
            .as_deref()
            .unwrap()
            .contains("ClientRequestToken token-1"),
        "{:?}",
        calls[1]
    );
}
