//! Role chains of one, two and three hops against a real STS (moto): one AssumeRole per hop, each signed
//! with the previous hop's credentials and carrying its own hop's parameters, and an MFA code asked for
//! exactly the hops that have `mfa_serial`.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::sync::Mutex;

use amplify_creds::Secret;
use amplify_sts::{MfaCodeSource, MfaError, MfaReason, MfaRequest, StsService};
use amplify_test_support::{Moto, Recorded, SessionFixture};

const KEYS: &str = "[devcorpuser]\naws_access_key_id=AKIADEVCORPUSER00001\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEVCORPKEY\n";

/// Answers with a code per profile and remembers who asked.
#[derive(Default)]
struct Codes(Mutex<Vec<String>>);
impl MfaCodeSource for Codes {
    fn code(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        let mut asked = self.0.lock().unwrap();
        asked.push(request.profile.to_string());
        Ok(Secret::new(format!("{:06}", asked.len() * 111_111)))
    }
}

async fn run(config: &str, profile: &str) -> (Vec<Recorded>, Vec<String>, String) {
    let fixture = SessionFixture::new(config, KEYS);
    let moto = &fixture.moto;
    let chain = fixture.chain(profile);
    let sts = StsService::new(fixture.settings());
    let codes = Codes::default();
    moto.start_recording();
    let credentials = sts
        .run_chain(&chain, &codes, MfaReason::Obtain)
        .await
        .unwrap();
    let recording = Moto::calls(&moto.recording(), "AssumeRole");
    let asked = codes.0.lock().unwrap().clone();
    (recording, asked, credentials.access_key_id)
}

#[tokio::test(flavor = "multi_thread")]
async fn one_hop_with_mfa() {
    let config = "[profile biz]\nrole_arn=arn:aws:iam::111122223333:role/Biz\nsource_profile=devcorpuser\nmfa_serial=arn:aws:iam::444455556666:mfa/dev\nexternal_id=ext-1\n";
    let (calls, asked, _) = run(config, "biz").await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].access_key, "AKIADEVCORPUSER00001");
    assert_eq!(calls[0].params["ExternalId"], "ext-1");
    assert_eq!(calls[0].params["TokenCode"], "111111");
    assert_eq!(asked, ["biz"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hops_each_signed_by_the_previous_one() {
    let config = "\
[profile jump]
role_arn=arn:aws:iam::222222222222:role/Jump
source_profile=devcorpuser
mfa_serial=arn:aws:iam::444455556666:mfa/dev
duration_seconds=3600

[profile biz]
role_arn=arn:aws:iam::111122223333:role/Biz
source_profile=jump
external_id=ext-2
role_session_name=dev-alice
";
    let (calls, asked, final_key) = run(config, "biz").await;
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(
        calls[0].params["RoleArn"],
        "arn:aws:iam::222222222222:role/Jump"
    );
    assert_eq!(calls[0].access_key, "AKIADEVCORPUSER00001");
    assert_eq!(calls[0].params["TokenCode"], "111111");
    assert_eq!(calls[0].params["DurationSeconds"], "3600");
    assert!(!calls[0].params.contains_key("ExternalId"));
    assert_eq!(
        calls[1].params["RoleArn"],
        "arn:aws:iam::111122223333:role/Biz"
    );
    assert_ne!(
        calls[1].access_key, "AKIADEVCORPUSER00001",
        "signed by the first hop's session"
    );
    assert!(calls[1].has_session_token);
    assert_eq!(calls[1].params["ExternalId"], "ext-2");
    assert_eq!(calls[1].params["RoleSessionName"], "dev-alice");
    assert!(
        !calls[1].params.contains_key("TokenCode") && !calls[1].params.contains_key("SerialNumber")
    );
    assert_eq!(asked, ["jump"], "one code, for the hop with mfa_serial");
    assert_ne!(final_key, calls[1].access_key);
}

#[tokio::test(flavor = "multi_thread")]
async fn three_hops_with_mfa_on_the_first_and_last() {
    let config = "\
[profile one]
role_arn=arn:aws:iam::111111111111:role/One
source_profile=devcorpuser
mfa_serial=arn:aws:iam::444455556666:mfa/dev

[profile two]
role_arn=arn:aws:iam::222222222222:role/Two
source_profile=one
duration_seconds=900

[profile three]
role_arn=arn:aws:iam::333333333333:role/Three
source_profile=two
mfa_serial=arn:aws:iam::222222222222:mfa/ops
external_id=ext-3
";
    let (calls, asked, _) = run(config, "three").await;
    let roles: Vec<&str> = calls.iter().map(|c| c.params["RoleArn"].as_str()).collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::111111111111:role/One",
            "arn:aws:iam::222222222222:role/Two",
            "arn:aws:iam::333333333333:role/Three"
        ]
    );
    assert_eq!(calls[0].access_key, "AKIADEVCORPUSER00001");
    assert_ne!(calls[1].access_key, calls[0].access_key);
    assert_ne!(calls[2].access_key, calls[1].access_key);
    assert!(calls[1].has_session_token && calls[2].has_session_token);
    assert_eq!(
        calls[0].params["SerialNumber"],
        "arn:aws:iam::444455556666:mfa/dev"
    );
    assert!(!calls[1].params.contains_key("SerialNumber"));
    assert_eq!(calls[1].params["DurationSeconds"], "900");
    assert_eq!(
        calls[2].params["SerialNumber"],
        "arn:aws:iam::222222222222:mfa/ops"
    );
    assert_eq!(calls[2].params["TokenCode"], "222222");
    assert_eq!(calls[2].params["ExternalId"], "ext-3");
    assert_eq!(asked, ["one", "three"]);
}
