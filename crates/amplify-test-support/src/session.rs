//! One way to build a session in a test, for every crate: a [`SessionFixture`] holds a moto server, a
//! temporary home with profile files in it, and a clock that both the session and the SDK read, so a test
//! ages credentials in an instant. Optionally a [`FaultProxy`] stands between the SDK and moto
//! ([`SessionFixture::through_fault_proxy`]); the retries the SDK makes are recorded either way, with the
//! standard backoff shortened to 10 ms so tests do not wait on it. [`ScriptedPerson`] plays the person at
//! the MFA prompt.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amplify_aws::{AwsSettings, Retry};
use amplify_cache::{CredentialCache, ProjectKey};
use amplify_creds::Secret;
use amplify_creds::env::Env;
use amplify_profile::{FileLocations, ProfileChain, ProfileSet};
use amplify_sts::{MfaError, MfaPrompt, MfaReason, MfaRequest, Purpose, Session, Sessions};

use crate::clock::{MovedClock, SdkClock};
use crate::context::{SEED_CONFIG, SEED_CREDENTIALS};
use crate::faults::FaultProxy;
use crate::moto::Moto;

/// moto, a home with the profile files, a moved clock.
#[derive(Debug)]
pub struct SessionFixture {
    pub moto: Moto,
    pub home: tempfile::TempDir,
    pub clock: Arc<MovedClock>,
    pub profiles: ProfileSet,
    attempt_timeout: Option<Duration>,
    proxy: Option<FaultProxy>,
    retries: Arc<Mutex<Vec<Retry>>>,
}

impl SessionFixture {
    /// The given files, read as `~/.aws/config` and `~/.aws/credentials`.
    pub fn new(config: &str, credentials: &str) -> SessionFixture {
        let moto = Moto::start();
        let home = tempfile::Builder::new()
            .prefix("amplify-rs-session-")
            .tempdir()
            .unwrap();
        let files = FileLocations::from_env(home.path(), |_| None);
        fs_err::create_dir_all(home.path().join(".aws")).unwrap();
        fs_err::write(&files.config, config).unwrap();
        fs_err::write(&files.credentials, credentials).unwrap();
        let profiles = ProfileSet::load(&files).unwrap();
        SessionFixture {
            moto,
            home,
            clock: Arc::new(MovedClock::default()),
            profiles,
            attempt_timeout: None,
            proxy: None,
            retries: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Every AWS call goes through a [`FaultProxy`] in front of moto.
    pub fn through_fault_proxy(mut self) -> SessionFixture {
        self.proxy = Some(FaultProxy::start(&self.moto.endpoint()));
        self
    }

    pub fn proxy(&self) -> &FaultProxy {
        self.proxy
            .as_ref()
            .expect("this fixture has no proxy: call through_fault_proxy()")
    }

    /// The retries the SDK reported so far, in order.
    pub fn retries(&self) -> Vec<Retry> {
        self.retries.lock().unwrap().clone()
    }

    /// The seed's two profiles, `bizcorprole` lasting the shortest session STS grants (900 s).
    pub fn seed_short_session() -> SessionFixture {
        let config = SEED_CONFIG.replace(
            "region=us-east-1\n\n",
            "region=us-east-1\nduration_seconds=900\n\n",
        );
        SessionFixture::new(&config, SEED_CREDENTIALS)
    }

    /// Each attempt of an AWS call may take `timeout`.
    pub fn attempt_timeout(mut self, timeout: Duration) -> SessionFixture {
        self.attempt_timeout = Some(timeout);
        self
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// AWS settings pointed at moto (or the proxy), on the moved clock, retries recorded.
    pub fn settings(&self) -> AwsSettings {
        let endpoint = match &self.proxy {
            Some(proxy) => proxy.endpoint(),
            None => self.moto.endpoint(),
        };
        let env = Env::from_pairs([("AWS_ENDPOINT_URL", endpoint)]);
        let retries = self.retries.clone();
        let settings = AwsSettings::from_env(&env)
            .unwrap()
            .with_time_source(SdkClock(self.clock.clone()))
            .with_initial_backoff(Duration::from_millis(10))
            .with_retry_observer(Arc::new(move |retry: &Retry| {
                retries.lock().unwrap().push(retry.clone())
            }));
        match self.attempt_timeout {
            Some(timeout) => settings.with_attempt_timeout(timeout),
            None => settings,
        }
    }

    /// Sessions with the cache in the fixture's home and `person` at the prompt, on the moved clock.
    pub fn sessions(&self, person: Arc<dyn MfaPrompt>) -> Sessions {
        let clock = self.clock.clone();
        Sessions::new(
            self.settings(),
            CredentialCache::in_home(self.home()),
            Env::default(),
        )
        .prompt(person)
        .clock(move || clock.now_offset())
    }

    pub fn chain(&self, profile: &str) -> ProfileChain {
        self.profiles.resolve(profile).unwrap()
    }

    /// The project key of the fixture's home (tests need one project).
    pub fn project(&self) -> ProjectKey {
        ProjectKey::from_canonical(self.home())
    }

    /// `profile`'s session for the fixture's project.
    pub fn session(&self, profile: &str, sessions: &Sessions) -> Session {
        sessions
            .for_chain(
                &self.profiles,
                self.chain(profile),
                self.project(),
                Purpose::Own,
            )
            .unwrap()
    }
}

/// A person at the MFA prompt who types `code` (after `delay`), and the reasons they were asked.
#[derive(Debug)]
pub struct ScriptedPerson {
    code: String,
    delay: Duration,
    pub asked: Mutex<Vec<MfaReason>>,
}

impl ScriptedPerson {
    pub fn typing(code: &str) -> Arc<ScriptedPerson> {
        ScriptedPerson::slow(code, Duration::ZERO)
    }

    /// Takes `delay` to type each code.
    pub fn slow(code: &str, delay: Duration) -> Arc<ScriptedPerson> {
        Arc::new(ScriptedPerson {
            code: code.to_string(),
            delay,
            asked: Mutex::new(Vec::new()),
        })
    }

    pub fn reasons(&self) -> Vec<MfaReason> {
        self.asked.lock().unwrap().clone()
    }
}

impl MfaPrompt for ScriptedPerson {
    fn can_ask(&self) -> bool {
        true
    }

    fn ask(&self, request: &MfaRequest<'_>) -> Result<Secret, MfaError> {
        std::thread::sleep(self.delay);
        self.asked.lock().unwrap().push(request.reason);
        Ok(Secret::new(self.code.clone()))
    }
}
