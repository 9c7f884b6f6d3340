//! A stand-in for the one STS answer moto cannot give: a rejected MFA code. [`StsReplay`] is a
//! [`FaultProxy`] in front of moto whose rules answer a call carrying one of the codes the test declared
//! wrong with the recorded STS response in `fixtures/sts-invalid-mfa/response.http` (its status, headers
//! and body as recorded); every other request is forwarded to moto unchanged.

use crate::context::repo_root;
use crate::faults::{Call, Fault, FaultProxy, Rule};

/// The recorded answer as a fault: status line, headers, then the body after the blank line.
fn recorded_response() -> Fault {
    let path = repo_root().join("fixtures/sts-invalid-mfa/response.http");
    let raw = fs_err::read(&path).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end with a blank line");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    Fault::Recorded {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[derive(Debug)]
pub struct StsReplay {
    proxy: FaultProxy,
}

impl StsReplay {
    /// Forwards to `upstream` (moto's endpoint) except for calls carrying one of `wrong_codes`.
    pub fn start(upstream: String, wrong_codes: &[&str]) -> Self {
        let proxy = FaultProxy::start(&upstream);
        let recorded = recorded_response();
        for code in wrong_codes {
            proxy.add(
                Rule::on(Call::service("sts").with_param("TokenCode", code))
                    .answer(recorded.clone()),
            );
        }
        Self { proxy }
    }

    pub fn endpoint(&self) -> String {
        self.proxy.endpoint()
    }

    /// The wrong codes that were answered with the recorded rejection, in order.
    pub fn rejected(&self) -> Vec<String> {
        self.proxy
            .injected()
            .into_iter()
            .filter_map(|e| e.params.get("TokenCode").cloned())
            .collect()
    }
}
