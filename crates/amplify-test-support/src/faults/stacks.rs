//! The two things of CloudFormation that moto lacks and the fault tests need.
//!
//! - **CreateStack's idempotency.** CloudFormation answers a CreateStack whose `ClientRequestToken` it has
//!   already taken with the first answer, so a client that lost the answer (a dropped connection) and
//!   retries gets the same stack instead of `AlreadyExistsException` or a second stack. moto ignores the
//!   token; the proxy keeps the answers moto gave by stack name and token and replays them. A retry that
//!   carries no token, or another one, still reaches moto and is refused as a duplicate.
//! - **A stack that fails.** moto creates every stack it can parse. [`FailedStack`] makes the proxy play,
//!   for the next stack created, what CloudFormation shows when resources fail: DescribeStacks goes
//!   CREATE_IN_PROGRESS → ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE, one step per call, and
//!   DescribeStackEvents lists the resources' CREATE_IN_PROGRESS, CREATE_FAILED with their reasons (and
//!   CREATE_COMPLETE for the others), the rollback (DELETE_SKIPPED for resources whose DeletionPolicy is
//!   Retain) and the stack's own events. moto's stack stays as moto made it; once DeleteStack has been
//!   forwarded, moto's answers come through again, and its DELETE_* events follow the played ones.

use std::collections::HashMap;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::http::Message;
use super::rules::CallInfo;
use super::shapes::xml_escape;

/// A resource that fails to create, and CloudFormation's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceFailure {
    pub logical_id: String,
    pub reason: String,
}

/// A stack whose creation fails: the resources that fail and why; every other resource of its template is
/// created, then removed (or kept, if Retain) by the rollback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedStack {
    pub failures: Vec<ResourceFailure>,
}

impl FailedStack {
    /// `logical_id` fails with `reason`.
    pub fn failing(logical_id: &str, reason: &str) -> FailedStack {
        FailedStack {
            failures: Vec::new(),
        }
        .and(logical_id, reason)
    }

    /// And `logical_id` fails with `reason` too.
    pub fn and(mut self, logical_id: &str, reason: &str) -> FailedStack {
        self.failures.push(ResourceFailure {
            logical_id: logical_id.to_string(),
            reason: reason.to_string(),
        });
        self
    }

    /// The root stack of a role that may create stacks but not IAM roles: AuthRole is refused with IAM's
    /// message for `principal`, and UnauthRole, started alongside, is cancelled. The deployment bucket is
    /// created, and kept by the rollback (its DeletionPolicy is Retain).
    pub fn roles_denied(principal: &str) -> FailedStack {
        let account = principal.split(':').nth(4).unwrap_or("123456789012");
        FailedStack::failing(
            "AuthRole",
            &format!(
                "Resource handler returned message: \"User: {principal} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::{account}:role/amplify-auth because no identity-based policy allows the iam:CreateRole action (Service: Iam, Status Code: 403)\" (HandlerErrorCode: AccessDenied)"
            ),
        )
        .and("UnauthRole", "Resource creation cancelled")
    }
}

/// The stack statuses the play goes through, one per DescribeStacks.
const STATUSES: [&str; 3] = [
    "CREATE_IN_PROGRESS",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_COMPLETE",
];

#[derive(Debug)]
struct Resource {
    logical_id: String,
    resource_type: String,
    retained: bool,
}

#[derive(Debug)]
struct Play {
    name: String,
    id: String,
    script: FailedStack,
    resources: Vec<Resource>,
    step: usize,
    deleted: bool,
    started: OffsetDateTime,
}

/// What the proxy remembers of CloudFormation: answers by token, plays.
#[derive(Debug, Default)]
pub(crate) struct Stacks {
    created: HashMap<(String, String), Message>,
    next_play: Option<FailedStack>,
    plays: Vec<Play>,
}

fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(&xml[start..end])
}

fn resources_of(template: Option<&String>) -> Vec<Resource> {
    let Some(template) = template.and_then(|t| serde_json::from_str::<Value>(t).ok()) else {
        return Vec::new();
    };
    template["Resources"]
        .as_object()
        .map(|resources| {
            resources
                .iter()
                .map(|(id, r)| Resource {
                    logical_id: id.clone(),
                    resource_type: r["Type"].as_str().unwrap_or_default().to_string(),
                    retained: r["DeletionPolicy"] == "Retain",
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Stacks {
    pub fn play_next(&mut self, stack: FailedStack) {
        self.next_play = Some(stack);
    }

    pub fn cancel_next(&mut self) {
        self.next_play = None;
    }

    /// CloudFormation's own answer to `call` when the proxy gives it instead of moto: a CreateStack whose
    /// token was answered already.
    pub fn answer_instead(&self, call: &CallInfo) -> Option<(Message, String)> {
        if call.action != "CreateStack" || call.service != "cloudformation" {
            return None;
        }
        let key = (
            call.params.get("StackName")?.clone(),
            call.params.get("ClientRequestToken")?.clone(),
        );
        self.created.get(&key).map(|answer| {
            (
                answer.clone(),
                format!(
                    "CreateStack answered again for ClientRequestToken {}",
                    key.1
                ),
            )
        })
    }

    /// Learns from moto's `answer` to `call`, and rewrites it if a play says so; returns what was played.
    pub fn after_forward(&mut self, call: &CallInfo, answer: &mut Message) -> Option<String> {
        if call.service != "cloudformation" || answer.status() != 200 {
            return None;
        }
        let body = String::from_utf8_lossy(&answer.body).into_owned();
        match call.action.as_str() {
            "CreateStack" => {
                self.created_stack(call, answer, &body);
                None
            }
            "DeleteStack" => {
                let play = self.play_of(call)?;
                play.deleted = true;
                None
            }
            "DescribeStacks" => {
                let play = self.play_of(call).filter(|p| !p.deleted)?;
                let status = STATUSES[play.step];
                answer.body = play.describe(&body).into_bytes();
                play.step = (play.step + 1).min(STATUSES.len() - 1);
                Some(format!("played stack status {status}"))
            }
            "DescribeStackEvents" => {
                let play = self.play_of(call)?;
                answer.body = play.events(&body).into_bytes();
                Some(format!("played the events up to {}", STATUSES[play.step]))
            }
            _ => None,
        }
    }

    fn created_stack(&mut self, call: &CallInfo, answer: &Message, body: &str) {
        let Some(name) = call.params.get("StackName") else {
            return;
        };
        if let Some(token) = call.params.get("ClientRequestToken") {
            self.created
                .insert((name.clone(), token.clone()), answer.clone());
        }
        if let Some(script) = self.next_play.take() {
            self.plays.push(Play {
                name: name.clone(),
                id: element(body, "StackId").unwrap_or(name).to_string(),
                script,
                resources: resources_of(call.params.get("TemplateBody")),
                step: 0,
                deleted: false,
                started: OffsetDateTime::now_utc(),
            });
        }
    }

    fn play_of(&mut self, call: &CallInfo) -> Option<&mut Play> {
        let wanted = call.params.get("StackName")?;
        self.plays
            .iter_mut()
            .find(|p| p.name == *wanted || p.id == *wanted)
    }
}

/// One line of a stack's event log.
struct Event<'a> {
    logical_id: &'a str,
    resource_type: &'a str,
    status: &'a str,
    reason: Option<String>,
}

fn resource<'a>(r: &'a Resource, status: &'a str, reason: Option<String>) -> Event<'a> {
    Event {
        logical_id: &r.logical_id,
        resource_type: &r.resource_type,
        status,
        reason,
    }
}

impl Play {
    fn failure(&self, logical_id: &str) -> Option<&ResourceFailure> {
        self.script
            .failures
            .iter()
            .find(|f| f.logical_id == logical_id)
    }

    /// moto's DescribeStacks answer with the played status and no outputs (a failed stack has none).
    fn describe(&self, moto: &str) -> String {
        let status = STATUSES[self.step];
        let mut xml = moto.to_string();
        if let Some(current) = element(moto, "StackStatus") {
            let reason = match self.step {
                0 => String::new(),
                _ => format!(
                    "<StackStatusReason>{}</StackStatusReason>",
                    xml_escape(&self.rollback_reason())
                ),
            };
            xml = xml.replacen(
                &format!("<StackStatus>{current}</StackStatus>"),
                &format!("<StackStatus>{status}</StackStatus>{reason}"),
                1,
            );
        }
        if let (Some(start), Some(end)) = (xml.find("<Outputs>"), xml.find("</Outputs>")) {
            xml.replace_range(start..end + "</Outputs>".len(), "");
        }
        xml.replace("<Outputs/>", "")
    }

    fn rollback_reason(&self) -> String {
        let failed: Vec<&str> = self
            .script
            .failures
            .iter()
            .map(|f| f.logical_id.as_str())
            .collect();
        format!(
            "The following resource(s) failed to create: [{}]. Rollback requested by user.",
            failed.join(", ")
        )
    }

    /// The events of the steps played so far, oldest first.
    fn played_events(&self) -> Vec<Event<'_>> {
        let stack = |status, reason: Option<String>| Event {
            logical_id: &self.name,
            resource_type: "AWS::CloudFormation::Stack",
            status,
            reason,
        };
        let mut events = vec![stack("CREATE_IN_PROGRESS", Some("User Initiated".into()))];
        events.extend(
            self.resources
                .iter()
                .map(|r| resource(r, "CREATE_IN_PROGRESS", None)),
        );
        if self.step >= 1 {
            for r in &self.resources {
                events.push(match self.failure(&r.logical_id) {
                    Some(f) => resource(r, "CREATE_FAILED", Some(f.reason.clone())),
                    None => resource(r, "CREATE_COMPLETE", None),
                });
            }
            events.push(stack("ROLLBACK_IN_PROGRESS", Some(self.rollback_reason())));
        }
        if self.step >= 2 {
            for r in &self.resources {
                if self.failure(&r.logical_id).is_none() && r.retained {
                    events.push(resource(r, "DELETE_SKIPPED", None));
                    continue;
                }
                if self.failure(&r.logical_id).is_none() {
                    events.push(resource(r, "DELETE_IN_PROGRESS", None));
                }
                events.push(resource(r, "DELETE_COMPLETE", None));
            }
            events.push(stack("ROLLBACK_COMPLETE", None));
        }
        events
    }

    /// The DescribeStackEvents answer: moto's DELETE_* events once the stack is deleted, then the played
    /// ones, newest first.
    fn events(&self, moto: &str) -> String {
        let mut members: Vec<String> = Vec::new();
        if self.deleted {
            members.extend(
                moto.split("<member>")
                    .skip(1)
                    .filter(|m| {
                        element(m, "ResourceStatus").is_some_and(|s| s.starts_with("DELETE_"))
                    })
                    .map(|m| {
                        format!(
                            "<member>{}",
                            &m[..m.find("</member>").map_or(m.len(), |e| e + 9)]
                        )
                    }),
            );
        }
        for (index, event) in self.played_events().iter().enumerate().rev() {
            members.push(self.member(index, event));
        }
        let request_id = element(moto, "RequestId").unwrap_or("fault-proxy");
        format!(
            "<DescribeStackEventsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><DescribeStackEventsResult><StackEvents>{}</StackEvents></DescribeStackEventsResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></DescribeStackEventsResponse>",
            members.concat()
        )
    }

    fn member(&self, index: usize, event: &Event<'_>) -> String {
        let time = (self.started + time::Duration::milliseconds(10 * index as i64))
            .format(&Rfc3339)
            .unwrap_or_default();
        let physical = if event.resource_type == "AWS::CloudFormation::Stack" {
            self.id.as_str()
        } else {
            ""
        };
        let reason = event
            .reason
            .as_ref()
            .map(|r| {
                format!(
                    "<ResourceStatusReason>{}</ResourceStatusReason>",
                    xml_escape(r)
                )
            })
            .unwrap_or_default();
        format!(
            "<member><StackId>{id}</StackId><EventId>{name}-played-{index}</EventId><StackName>{name}</StackName><LogicalResourceId>{}</LogicalResourceId><PhysicalResourceId>{physical}</PhysicalResourceId><ResourceType>{}</ResourceType><Timestamp>{time}</Timestamp><ResourceStatus>{}</ResourceStatus>{reason}</member>",
            event.logical_id,
            event.resource_type,
            event.status,
            id = self.id,
            name = self.name,
        )
    }
}
