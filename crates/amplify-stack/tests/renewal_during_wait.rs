//! A stack wait that outlives its credentials, where the renewal needs an MFA code that takes a person longer
//! to type than one AWS call may take. The renewal happens between calls, so the SDK's per-attempt limit
//! never cuts the person off. Real pieces: moto, the SDK with its timeouts, a single-threaded runtime as the
//! binary uses; the clock is moved instead of waiting 13 minutes.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_creds::Secret;
use amplify_stack::{RootStack, create_root_stack};
use amplify_sts::{MfaError, MfaPrompt, MfaReason, MfaRequest};
use amplify_test_support::clock::MovedClock;
use amplify_test_support::{Moto, SessionFixture};

/// A person who takes two seconds to type each code. moto dates a new session by the real clock, so once
/// the renewal's code is typed the moved clock goes back: it was only there to age the old session.
struct SlowPerson {
    clock: Arc<MovedClock>,
    asked: Mutex<Vec<MfaReason>>,
}

impl MfaPrompt for SlowPerson {
    fn can_ask(&self) -> bool {
        true
    }

    fn ask(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        std::thread::sleep(Duration::from_secs(2));
        self.asked.lock().unwrap().push(request.reason);
        if matches!(request.reason, MfaReason::Renew { .. }) {
            self.clock.set_ahead(Duration::ZERO);
        }
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
        // One attempt of any call may take one second: less than the person needs to type a code.
        let fixture = SessionFixture::seed_short_session().attempt_timeout(Duration::from_secs(1));
        let moto = &fixture.moto;
        // moto loads CloudFormation on its first call, which takes longer than the one-second limit.
        moto.call("cloudformation", &[("Action", "ListStacks")]);
        let person = Arc::new(SlowPerson {
            clock: fixture.clock.clone(),
            asked: Mutex::new(Vec::new()),
        });
        let sessions = fixture.sessions(person.clone());
        let session = fixture.session("bizcorprole", &sessions);
        session.credentials().await.unwrap();

        moto.start_recording();
        let stack = RootStack::for_environment("myapp", "dev", &[]);
        let clock = fixture.clock.clone();
        // After CreateStack's first events, thirteen minutes pass: the 15-minute session has two left and
        // is renewed, with a new code, before the next call.
        let outputs = create_root_stack(&session, &stack, Duration::from_millis(10), &mut |_| {
            clock.set_ahead(Duration::from_secs(13 * 60));
        })
        .await;
        assert!(outputs.is_ok(), "{outputs:?}");

        let reasons = person.asked.lock().unwrap().clone();
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
