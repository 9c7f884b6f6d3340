//! Renewal as the SDK drives it: a client built on a project's session, a real STS (moto), and a clock moved
//! past the session's life instead of a test that sleeps for fifteen minutes. The SDK's identity cache and
//! the session's cache both read the moved clock; everything else is real.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_cache::{CredentialCache, ProjectKey};
use amplify_creds::Secret;
use amplify_profile::{FileLocations, ProfileSet};
use amplify_sts::session::{ProjectSession, Quiet, SessionOptions};
use amplify_sts::{AwsContext, MfaCodeSource, MfaError, MfaReason, MfaRequest, StsService};
use amplify_test_support::clock::{MovedClock, SdkClock};
use amplify_test_support::{Moto, SEED_CONFIG, SEED_CREDENTIALS};

/// Gives a code and remembers why each was asked for.
#[derive(Default)]
struct CountingMfa(Mutex<Vec<MfaReason>>);
impl MfaCodeSource for CountingMfa {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        self.0.lock().unwrap().push(request.reason);
        Ok(Secret::new("123456"))
    }
}

struct Setup {
    moto: Moto,
    _home: tempfile::TempDir,
    clock: Arc<MovedClock>,
    mfa: Arc<CountingMfa>,
    client: aws_sdk_sts::Client,
}

async fn setup(mfa_session: Option<u32>) -> Setup {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let files = FileLocations {
        config: home.path().join("config"),
        credentials: home.path().join("credentials"),
    };
    // The shortest session STS grants (moto grants what it is asked).
    let config = SEED_CONFIG.replace(
        "region=us-east-1\n\n",
        "region=us-east-1\nduration_seconds=900\n\n",
    );
    let chain = ProfileSet::from_texts(&files, Some(&config), Some(SEED_CREDENTIALS))
        .unwrap()
        .resolve("bizcorprole")
        .unwrap();

    let sdk = moto.sdk_loader().load().await;
    let context = AwsContext::from_sdk_config(sdk);
    let clock = Arc::new(MovedClock::default());
    let mfa = Arc::new(CountingMfa::default());
    let session_clock = clock.clone();
    let session = Arc::new(
        ProjectSession::new(
            StsService::new(context.clone()),
            CredentialCache::in_home(home.path()),
            ProjectKey::from_canonical(home.path()),
            chain,
            mfa.clone(),
            Arc::new(Quiet),
            SessionOptions {
                mfa_session,
                ..SessionOptions::default()
            },
        )
        .with_clock(move || session_clock.now_offset()),
    );
    let config = context
        .config_with(session.provider(), "us-east-1")
        .to_builder()
        .time_source(SdkClock(clock.clone()))
        .build();
    Setup {
        moto,
        _home: home,
        clock,
        mfa,
        client: aws_sdk_sts::Client::new(&config),
    }
}

async fn whoami(client: &aws_sdk_sts::Client) -> String {
    client
        .get_caller_identity()
        .send()
        .await
        .expect("no expired-token failure")
        .arn()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_outliving_its_session_renews_it_and_says_why_it_needs_a_code() {
    let s = setup(None).await;
    s.moto.start_recording();
    assert!(
        whoami(&s.client)
            .await
            .ends_with(":assumed-role/BizCorpAmplifyRole/amplify")
    );
    assert!(
        whoami(&s.client).await.ends_with("/amplify"),
        "the same session, no new call"
    );
    // Thirteen minutes into a fifteen-minute session. The SDK asks for new credentials between 5 and 2.5
    // minutes before expiry (its buffer is our five-minute margin, less a random jitter of up to half).
    s.clock.advance(Duration::from_secs(13 * 60));
    whoami(&s.client).await;

    let recording = s.moto.recording();
    let assumes = Moto::calls(&recording, "AssumeRole");
    assert_eq!(assumes.len(), 2, "one AssumeRole at the start, one renewal");
    let identities = Moto::calls(&recording, "GetCallerIdentity");
    assert_eq!(identities.len(), 3);
    assert_eq!(identities[0].access_key, identities[1].access_key);
    assert_ne!(
        identities[1].access_key, identities[2].access_key,
        "the third call is signed with the renewed session"
    );
    let reasons = s.mfa.0.lock().unwrap().clone();
    assert!(
        matches!(
            reasons.as_slice(),
            [MfaReason::Obtain, MfaReason::Renew { .. }]
        ),
        "{reasons:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_an_mfa_session_renewal_needs_no_code() {
    let s = setup(Some(3600)).await;
    s.moto.start_recording();
    whoami(&s.client).await;
    s.clock.advance(Duration::from_secs(13 * 60));
    whoami(&s.client).await;

    let recording = s.moto.recording();
    assert_eq!(Moto::calls(&recording, "GetSessionToken").len(), 1);
    assert_eq!(Moto::calls(&recording, "AssumeRole").len(), 2);
    let reasons = s.mfa.0.lock().unwrap().clone();
    assert_eq!(
        reasons,
        [MfaReason::Obtain],
        "the hour-long MFA session renews the role"
    );
}
