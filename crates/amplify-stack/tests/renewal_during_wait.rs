//! A stack wait that outlives its credentials, where the renewal needs an MFA code that takes a person longer
//! to type than one AWS call may take. The renewal happens between calls (the `fresh` step), so the SDK's
//! per-attempt limit never cuts the person off. Real pieces: moto, the SDK with its timeouts, a
//! single-threaded runtime as the binary uses; the clock is moved instead of waiting 13 minutes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_cache::{CredentialCache, ProjectKey};
use amplify_creds::Secret;
use amplify_profile::{FileLocations, ProfileSet};
use amplify_stack::{RootStack, create_root_stack, root_stack_name};
use amplify_sts::session::{ProjectSession, Quiet, SessionOptions};
use amplify_sts::{AwsContext, MfaCodeSource, MfaError, MfaReason, MfaRequest, StsService};
use amplify_test_support::clock::{MovedClock, SdkClock};
use amplify_test_support::{Moto, SEED_CONFIG, SEED_CREDENTIALS};

/// A person who takes two seconds to type each code.
#[derive(Default)]
struct SlowPerson(Mutex<Vec<MfaReason>>);
impl MfaCodeSource for SlowPerson {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        std::thread::sleep(Duration::from_secs(2));
        self.0.lock().unwrap().push(request.reason);
        Ok(Secret::new("123456"))
    }
}

#[test]
fn a_slow_mfa_code_during_the_wait_is_not_cut_off() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let moto = Moto::start();
        // moto loads CloudFormation on its first call, which takes longer than the one-second limit below.
        moto.call("cloudformation", &[("Action", "ListStacks")]);
        let home = tempfile::tempdir().unwrap();
        let files = FileLocations {
            config: home.path().join("config"),
            credentials: home.path().join("credentials"),
        };
        let config = SEED_CONFIG.replace(
            "region=us-east-1\n\n",
            "region=us-east-1\nduration_seconds=900\n\n",
        );
        let chain = ProfileSet::from_texts(&files, Some(&config), Some(SEED_CREDENTIALS))
            .unwrap()
            .resolve("bizcorprole")
            .unwrap();
        // One attempt of any call may take one second: less than the person needs to type a code.
        let sdk = moto
            .sdk_loader()
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_secs(1))
                    .build(),
            )
            .load()
            .await;
        let context = AwsContext::from_sdk_config(sdk);
        let clock = Arc::new(MovedClock::default());
        let person = Arc::new(SlowPerson::default());
        let session_clock = clock.clone();
        let session = Arc::new(
            ProjectSession::new(
                StsService::new(context.clone()),
                CredentialCache::in_home(home.path()),
                ProjectKey::from_canonical(home.path()),
                chain,
                person.clone(),
                Arc::new(Quiet),
                SessionOptions::default(),
            )
            .with_clock(move || session_clock.now_offset()),
        );
        session.credentials().await.unwrap();
        let config = context
            .config_with(session.provider(), "us-east-1")
            .to_builder()
            .time_source(SdkClock(clock.clone()))
            .build();
        let client = aws_sdk_cloudformation::Client::new(&config);

        moto.start_recording();
        let calls = AtomicUsize::new(0);
        let mut fresh = async || {
            // After CreateStack, thirteen minutes pass: the 15-minute session has two left and is renewed,
            // with a new code. moto dates the new session by the real clock, so the moved clock goes back
            // once the renewal is done: it was only there to age the old session.
            let aged = calls.fetch_add(1, Ordering::SeqCst) == 1;
            if aged {
                clock.set_ahead(Duration::from_secs(13 * 60));
            }
            let result = session.credentials().await.map(|_| ()).map_err(Into::into);
            if aged {
                clock.set_ahead(Duration::ZERO);
            }
            result
        };
        let stack = RootStack {
            stack_name: root_stack_name("myapp", "dev"),
            tags: vec![],
            description: "{}".into(),
        };
        let outputs = create_root_stack(
            &client,
            &stack,
            Duration::from_millis(10),
            &mut fresh,
            &mut |_| {},
        )
        .await;
        assert!(outputs.is_ok(), "{outputs:?}");

        let reasons = person.0.lock().unwrap().clone();
        assert!(
            matches!(
                reasons.as_slice(),
                [MfaReason::Obtain, MfaReason::Renew { .. }]
            ),
            "{reasons:?}"
        );
        let recording = moto.recording();
        assert_eq!(
            Moto::calls(&recording, "CreateStack").len(),
            1,
            "no attempt was cut off and retried"
        );
        assert_eq!(
            Moto::calls(&recording, "AssumeRole").len(),
            1,
            "the renewal, made between two calls of the wait"
        );
    });
}
