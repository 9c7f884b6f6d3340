//! Renewal as the SDK drives it: a client built on a project's session, a real STS (moto), and a clock moved
//! past the session's life instead of a test that sleeps for fifteen minutes. The SDK's identity cache and
//! the session's cache both read the moved clock; everything else is real.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::sync::Arc;
use std::time::Duration;

use amplify_sts::MfaReason;
use amplify_test_support::{Moto, ScriptedPerson, SessionFixture};

struct Setup {
    fixture: SessionFixture,
    person: Arc<ScriptedPerson>,
    /// One client for the whole test: its identity cache decides when to ask the session again.
    client: amplify_aws::sts::Client,
}

fn setup(mfa_session: Option<u32>) -> Setup {
    let fixture = SessionFixture::seed_short_session();
    let person = ScriptedPerson::typing("123456");
    let sessions = fixture
        .sessions(person.clone())
        .mfa_session_by_default(mfa_session.is_some());
    let session = fixture.session("bizcorprole", &sessions);
    let client = session.settings().sts(&session.sdk_config());
    Setup {
        fixture,
        person,
        client,
    }
}

async fn whoami(client: &amplify_aws::sts::Client) -> String {
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
    let s = setup(None);
    s.fixture.moto.start_recording();
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
    s.fixture.clock.advance(Duration::from_secs(13 * 60));
    whoami(&s.client).await;

    let recording = s.fixture.moto.recording();
    let assumes = Moto::calls(&recording, "AssumeRole");
    assert_eq!(assumes.len(), 2, "one AssumeRole at the start, one renewal");
    let identities = Moto::calls(&recording, "GetCallerIdentity");
    assert_eq!(identities.len(), 3);
    assert_eq!(identities[0].access_key, identities[1].access_key);
    assert_ne!(
        identities[1].access_key, identities[2].access_key,
        "the third call is signed with the renewed session"
    );
    let reasons = s.person.reasons();
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
    let s = setup(Some(3600));
    s.fixture.moto.start_recording();
    whoami(&s.client).await;
    s.fixture.clock.advance(Duration::from_secs(13 * 60));
    whoami(&s.client).await;

    let recording = s.fixture.moto.recording();
    assert_eq!(Moto::calls(&recording, "GetSessionToken").len(), 1);
    assert_eq!(Moto::calls(&recording, "AssumeRole").len(), 2);
    let reasons = s.person.reasons();
    assert_eq!(
        reasons,
        [MfaReason::Obtain],
        "the hour-long MFA session renews the role"
    );
}

/// What another program is handed by `aws credentials` (each call a new process, so a new session reading
/// the cache), and how long those credentials have left on the moved clock.
async fn exported(
    fixture: &SessionFixture,
    sessions: &amplify_sts::Sessions,
) -> (String, Duration) {
    let session = sessions
        .for_chain(
            &fixture.profiles,
            fixture.chain("bizcorprole"),
            fixture.project(),
            amplify_sts::Purpose::Export,
        )
        .unwrap();
    let credentials = session.credentials().await.unwrap().credentials;
    let left = credentials.expiration.unwrap() - fixture.clock.now_offset();
    (
        credentials.access_key_id,
        Duration::from_secs(left.whole_seconds().try_into().unwrap_or(0)),
    )
}

/// botocore blocks on a `credential_process` below 10 minutes left (its mandatory refresh) and fails if
/// that call fails: whatever `aws credentials` hands out from the cache must have more.
const BOTOCORE_MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);

/// The seed's profiles with `bizcorprole` lasting `seconds`.
fn fixture_lasting(seconds: u32) -> SessionFixture {
    let config = amplify_test_support::SEED_CONFIG.replace(
        "region=us-east-1\n\n",
        &format!("region=us-east-1\nduration_seconds={seconds}\n\n"),
    );
    SessionFixture::new(&config, amplify_test_support::SEED_CREDENTIALS)
}

/// Runs `aws credentials` at each of `seconds` into the session (on the moved clock) and returns the
/// access keys handed out. moto's own clock does not move, so only credentials handed out again (from the
/// cache) are checked for what they have left.
async fn export_at(fixture: &SessionFixture, seconds: &[u64]) -> Vec<String> {
    let sessions = fixture.sessions(ScriptedPerson::typing("123456"));
    let mut keys: Vec<String> = Vec::new();
    let mut now = 0;
    for &at in seconds {
        fixture.clock.advance(Duration::from_secs(at - now));
        now = at;
        let (key, left) = exported(fixture, &sessions).await;
        if keys.last() == Some(&key) {
            assert!(
                left > BOTOCORE_MANDATORY_REFRESH,
                "at {at} s the cached credentials handed out have {left:?} left"
            );
        }
        keys.push(key);
    }
    keys
}

#[tokio::test(flavor = "multi_thread")]
async fn a_900_second_session_is_exported_again_without_a_new_assume_role() {
    let fixture = fixture_lasting(900);
    fixture.moto.start_recording();
    // At once twice (botocore asking again), 2 minutes in, 3 min 50 s in (11 min 10 s left), then 4 min
    // 30 s in (10 min 30 s left: too little to hand out).
    let keys = export_at(&fixture, &[0, 0, 120, 230, 270]).await;
    assert!(
        keys[..4].iter().all(|key| *key == keys[0]),
        "the first four calls share one session: {keys:?}"
    );
    assert_ne!(keys[4], keys[0], "renewed before it is handed out");
    let assumes = Moto::calls(&fixture.moto.recording(), "AssumeRole");
    assert_eq!(
        assumes.len(),
        2,
        "one AssumeRole (one MFA code) for the first four calls"
    );
    assert!(assumes.iter().all(|a| a.params["DurationSeconds"] == "900"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hour_long_session_is_exported_until_11_minutes_are_left() {
    let fixture = fixture_lasting(3600);
    fixture.moto.start_recording();
    // 48 min 50 s in: 11 min 10 s left, handed out; 49 min 30 s in: 10 min 30 s left, renewed.
    let keys = export_at(&fixture, &[0, 1800, 2930, 2970]).await;
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[0], keys[2]);
    assert_ne!(keys[0], keys[3]);
    assert_eq!(
        Moto::calls(&fixture.moto.recording(), "AssumeRole").len(),
        2
    );
}

/// AWS refusing credentials as expired while the clock gives them time left (a clock that is off): the
/// session gets new ones from STS though the cache still holds the old ones, asking for a code as a renewal;
/// a second session of the same project that meets the same refusal afterwards takes the renewed ones from
/// the cache instead of assuming the role again.
#[tokio::test(flavor = "multi_thread")]
async fn expired_token_renews_past_the_cache_once_for_every_process() {
    let fixture = SessionFixture::seed_short_session();
    let person = ScriptedPerson::typing("123456");
    let sessions = fixture.sessions(person.clone());
    let first = fixture.session("bizcorprole", &sessions);
    let second = fixture.session("bizcorprole", &sessions);
    fixture.moto.start_recording();
    let rejected = first.credentials().await.unwrap().credentials.access_key_id;
    assert_eq!(
        second
            .credentials()
            .await
            .unwrap()
            .credentials
            .access_key_id,
        rejected,
        "both use the cached session"
    );

    assert!(
        first.renew_expired().await.unwrap(),
        "a profile's session can renew"
    );
    let renewed = first.credentials().await.unwrap().credentials.access_key_id;
    assert_ne!(renewed, rejected);
    assert!(matches!(
        person.reasons().as_slice(),
        [MfaReason::Obtain, MfaReason::Renew { .. }]
    ));

    assert!(second.renew_expired().await.unwrap());
    assert_eq!(
        second
            .credentials()
            .await
            .unwrap()
            .credentials
            .access_key_id,
        renewed,
        "the other session's renewal, from the cache"
    );
    assert_eq!(person.reasons().len(), 2, "no third code");
    assert_eq!(
        Moto::calls(&fixture.moto.recording(), "AssumeRole").len(),
        2,
        "one to obtain, one to renew"
    );
}
