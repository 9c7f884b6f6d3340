//! The root stack when the cloud misbehaves, through the fault proxy in front of moto: throttling, 5xx
//! answers and dropped connections are retried (and each retry reported); a refusal is reported at once
//! with AWS's code, message and a hint; `ExpiredToken` during the wait renews the session once; a dropped
//! connection after CloudFormation took a CreateStack does not create a second stack; a stack that fails
//! is reported resource by resource and can be deleted, leaving the account as it was.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::sync::Arc;
use std::time::Duration;

use amplify_creds::{Credentials, Secret};
use amplify_stack::{
    CreatedStack, RootStack, StackError, StackEvent, create_root_stack, delete_root_stack,
};
use amplify_sts::{MfaReason, NoPrompt, Session};
use amplify_test_support::{
    Call, FailedStack, Fault, Moto, Rule, SEED_ROLE_ARN, ScriptedPerson, SessionFixture,
};

const POLL: Duration = Duration::from_millis(10);

/// Keys of moto's default account, used as they are.
fn keys_session(fixture: &SessionFixture) -> Session {
    let keys = Credentials::long_lived(
        "AKIAIOSFODNN7EXAMPLE",
        Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    );
    fixture
        .sessions(Arc::new(NoPrompt))
        .for_keys(keys, "us-east-1".into())
}

fn new_stack(env: &str) -> RootStack {
    RootStack::for_environment("myapp", env, &[])
}

/// The statuses moto holds for stacks named `name` (a deleted stack stays listed as DELETE_COMPLETE).
fn statuses_in_moto(moto: &Moto, name: &str) -> Vec<String> {
    let xml = moto.call("cloudformation", &[("Action", "ListStacks")]);
    xml.split("<member>")
        .filter(|m| m.contains(&format!("<StackName>{name}</StackName>")))
        .filter_map(|m| {
            let start = m.find("<StackStatus>")? + "<StackStatus>".len();
            let end = m[start..].find("</StackStatus>")? + start;
            Some(m[start..end].to_string())
        })
        .collect()
}

fn codes_of_retries(fixture: &SessionFixture) -> Vec<String> {
    fixture
        .retries()
        .iter()
        .map(|r| format!("{} {}", r.call, r.cause))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_are_retried_and_each_retry_reported() {
    let fixture = SessionFixture::seed_short_session().through_fault_proxy();
    let proxy = fixture.proxy();
    proxy
        .add(
            Rule::on(Call::action("sts", "AssumeRole"))
                .nth(1)
                .answer(Fault::throttling()),
        )
        .add(
            Rule::on(Call::action("cloudformation", "CreateStack"))
                .nth(1)
                .answer(Fault::internal_failure()),
        )
        .add(
            Rule::on(Call::action("cloudformation", "DescribeStackEvents"))
                .nth(1)
                .answer(Fault::service_unavailable()),
        )
        .add(
            Rule::on(Call::action("cloudformation", "DescribeStacks"))
                .first(2)
                .answer_one_of(vec![Fault::throttling_exception()]),
        );
    fixture.moto.start_recording();
    let person = ScriptedPerson::typing("123456");
    let sessions = fixture.sessions(person.clone());
    let session = fixture.session("bizcorprole", &sessions);
    let stack = new_stack("dev");
    let outputs = create_root_stack(&session, &stack, POLL, &mut |_| {}).await;
    assert!(outputs.is_ok(), "{outputs:?}");

    assert_eq!(
        codes_of_retries(&fixture),
        [
            "sts:AssumeRole AWS answered Throttling (HTTP 400)",
            "cloudformation:CreateStack AWS answered InternalFailure (HTTP 500)",
            "cloudformation:DescribeStackEvents AWS answered ServiceUnavailable (HTTP 503)",
            "cloudformation:DescribeStacks AWS answered ThrottlingException (HTTP 400)",
            "cloudformation:DescribeStacks AWS answered ThrottlingException (HTTP 400)",
        ]
    );
    let injected: Vec<String> = proxy
        .injected()
        .iter()
        .map(|e| format!("{} {}", e.action, e.injected.as_deref().unwrap()))
        .collect();
    assert_eq!(
        injected,
        [
            "AssumeRole Throttling (HTTP 400)",
            "CreateStack InternalFailure (HTTP 500)",
            "DescribeStackEvents ServiceUnavailable (HTTP 503)",
            "DescribeStacks ThrottlingException (HTTP 400)",
            "DescribeStacks ThrottlingException (HTTP 400)",
        ]
    );
    // moto saw each call once: the refused attempts never reached it.
    let recording = fixture.moto.recording();
    assert_eq!(Moto::calls(&recording, "AssumeRole").len(), 1);
    assert_eq!(Moto::calls(&recording, "CreateStack").len(), 1);
    assert_eq!(
        person.reasons(),
        [MfaReason::Obtain],
        "a retry needs no new code"
    );
    // The stack is in the role's account (111122223333), seen with the role's session.
    let described = session
        .cloudformation()
        .describe_stacks()
        .stack_name(&stack.stack_name)
        .send()
        .await
        .unwrap();
    assert_eq!(described.stacks().len(), 1);
    assert_eq!(
        described.stacks()[0].stack_status().unwrap().as_str(),
        "CREATE_COMPLETE"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_end_after_three_attempts_with_the_code_the_message_and_a_hint() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    let session = keys_session(&fixture);

    proxy.add(Rule::on(Call::action("cloudformation", "CreateStack")).answer(Fault::throttling()));
    let stack = new_stack("dev");
    let error = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "CloudFormation refused to create stack {}: Throttling: Rate exceeded",
            stack.stack_name
        )
    );
    assert_eq!(
        error.hint().unwrap(),
        "AWS is limiting the account's request rate: wait a minute and run the command again"
    );
    assert_eq!(
        proxy.calls("CreateStack").len(),
        3,
        "three attempts, then the error"
    );
    assert!(proxy.calls("CreateStack").iter().all(|c| !c.forwarded));
    assert!(error.created_stack().is_none(), "no stack was created");
    assert!(statuses_in_moto(&fixture.moto, &stack.stack_name).is_empty());

    proxy.clear_rules();
    proxy.take_exchanges();
    proxy.add(
        Rule::on(Call::action("cloudformation", "DescribeStacks"))
            .answer(Fault::internal_failure()),
    );
    let stack = new_stack("test");
    let error = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "CloudFormation refused to create stack {}: InternalFailure: The request processing has failed because of an unknown error, exception or failure.",
            stack.stack_name
        )
    );
    assert!(
        error
            .hint()
            .unwrap()
            .starts_with("AWS failed on its side on every attempt"),
        "{:?}",
        error.hint()
    );
    assert_eq!(proxy.calls("DescribeStacks").len(), 3);
    assert_eq!(fixture.retries().len(), 4, "two retries of each call");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_is_reported_at_once_with_awss_words_and_a_hint() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    let principal = "arn:aws:sts::111122223333:assumed-role/BizCorpAmplifyRole/amplify";
    proxy.add(
        Rule::on(Call::action("cloudformation", "CreateStack"))
            .answer(Fault::access_denied_to(principal)),
    );
    let stack = new_stack("dev");
    let error = create_root_stack(&keys_session(&fixture), &stack, POLL, &mut |_| {})
        .await
        .unwrap_err();
    let name = &stack.stack_name;
    assert_eq!(
        error.to_string(),
        format!(
            "CloudFormation refused to create stack {name}: AccessDenied: User: {principal} is not authorized to perform: cloudformation:CreateStack on resource: arn:aws:cloudformation:us-east-1:111122223333:stack/{name}/* because no identity-based policy allows the cloudformation:CreateStack action"
        )
    );
    assert!(
        error
            .hint()
            .unwrap()
            .contains("the role needs permission for CloudFormation")
    );
    assert_eq!(
        proxy.calls("CreateStack").len(),
        1,
        "a refusal is not retried"
    );
    assert!(fixture.retries().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_dropped_after_create_stack_was_taken_creates_one_stack() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    proxy
        .add(
            Rule::on(Call::action("cloudformation", "CreateStack"))
                .nth(1)
                .answer(Fault::reset_after_forwarding()),
        )
        .add(
            Rule::on(Call::action("cloudformation", "DescribeStackEvents"))
                .nth(1)
                .answer(Fault::reset_before_forwarding()),
        );
    fixture.moto.start_recording();
    let stack = new_stack("dev");
    let outputs = create_root_stack(&keys_session(&fixture), &stack, POLL, &mut |_| {}).await;
    assert!(outputs.is_ok(), "{outputs:?}");

    let creates = proxy.calls("CreateStack");
    assert_eq!(creates.len(), 2, "{creates:?}");
    assert!(
        creates[0].forwarded,
        "the first attempt reached CloudFormation"
    );
    assert!(
        creates[0]
            .injected
            .as_deref()
            .unwrap()
            .starts_with("reset after moto answered HTTP 200")
    );
    assert_eq!(creates[0].status, None, "the client never saw its answer");
    let token = &creates[0].params["ClientRequestToken"];
    assert_eq!(
        &creates[1].params["ClientRequestToken"], token,
        "the retry carries the same token"
    );
    assert!(
        !creates[1].forwarded,
        "CloudFormation answered it by its token"
    );
    assert_eq!(
        Moto::calls(&fixture.moto.recording(), "CreateStack").len(),
        1
    );
    assert_eq!(
        statuses_in_moto(&fixture.moto, &stack.stack_name),
        ["CREATE_COMPLETE"],
        "one stack"
    );
    let retries = fixture.retries();
    assert_eq!(retries.len(), 2, "{retries:?}");
    assert!(
        retries
            .iter()
            .all(|r| matches!(r.cause, amplify_aws::RetryCause::NoAnswer { .. }))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_token_during_the_wait_renews_the_session_once_and_retries_the_call() {
    let fixture = SessionFixture::seed_short_session().through_fault_proxy();
    let proxy = fixture.proxy();
    proxy.add(
        Rule::on(Call::action("cloudformation", "DescribeStacks"))
            .nth(1)
            .answer(Fault::expired_token()),
    );
    fixture.moto.start_recording();
    let person = ScriptedPerson::typing("123456");
    let sessions = fixture.sessions(person.clone());
    let session = fixture.session("bizcorprole", &sessions);
    let outputs = create_root_stack(&session, &new_stack("dev"), POLL, &mut |_| {}).await;
    assert!(outputs.is_ok(), "{outputs:?}");

    let reasons = person.reasons();
    assert!(
        matches!(
            reasons.as_slice(),
            [MfaReason::Obtain, MfaReason::Renew { .. }]
        ),
        "one prompt to obtain, one to renew: {reasons:?}"
    );
    let recording = fixture.moto.recording();
    let assumed = Moto::calls(&recording, "AssumeRole");
    assert_eq!(assumed.len(), 2, "one renewal");
    assert_eq!(assumed[1].params["RoleArn"], SEED_ROLE_ARN);
    let describes = proxy.calls("DescribeStacks");
    assert_eq!(
        describes[0].injected.as_deref(),
        Some("ExpiredToken (HTTP 403)")
    );
    assert!(describes[1].forwarded);
    assert_ne!(
        describes[1].access_key, describes[0].access_key,
        "signed with the renewed session"
    );
    let cache =
        fs_err::read_to_string(fixture.home().join(".amplify/awscloudformation/cache.json"))
            .unwrap();
    assert!(
        cache.contains(&describes[1].access_key),
        "the renewed session is cached"
    );
    assert!(
        !cache.contains(&describes[0].access_key),
        "the rejected one is not"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_token_again_after_the_renewal_is_an_error_with_a_hint() {
    let fixture = SessionFixture::seed_short_session().through_fault_proxy();
    let proxy = fixture.proxy();
    proxy.add(
        Rule::on(Call::action("cloudformation", "DescribeStacks")).answer(Fault::expired_token()),
    );
    fixture.moto.start_recording();
    let person = ScriptedPerson::typing("123456");
    let sessions = fixture.sessions(person.clone());
    let session = fixture.session("bizcorprole", &sessions);
    let stack = new_stack("dev");
    let error = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "CloudFormation refused to create stack {}: ExpiredToken: The security token included in the request is expired",
            stack.stack_name
        )
    );
    assert_eq!(
        error.hint().unwrap(),
        "the session has expired: run the command again to renew it"
    );
    assert_eq!(person.reasons().len(), 2, "renewed once, not in a loop");
    assert_eq!(
        Moto::calls(&fixture.moto.recording(), "AssumeRole").len(),
        2
    );
    assert_eq!(
        proxy.calls("DescribeStacks").len(),
        2,
        "the call, and its one retry after renewing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_stack_is_reported_resource_by_resource_and_deleted_leaving_the_account_clean() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    let principal = "arn:aws:sts::123456789012:assumed-role/BizCorpAmplifyRole/amplify";
    proxy.play_failed_stack(FailedStack::roles_denied(principal));
    proxy.add(
        Rule::on(Call::action("s3", "DeleteBucket"))
            .nth(1)
            .answer(Fault::slow_down()),
    );
    let session = keys_session(&fixture);
    let stack = new_stack("dev");
    let name = stack.stack_name.clone();
    let mut events: Vec<StackEvent> = Vec::new();
    let error = create_root_stack(&session, &stack, POLL, &mut |e| events.push(e.clone()))
        .await
        .unwrap_err();

    let StackError::Failed {
        status, failures, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(status, "ROLLBACK_COMPLETE", "the rollback was waited for");
    let failed: Vec<(&str, &str)> = failures
        .iter()
        .map(|f| {
            (
                f.logical_id.as_str(),
                f.reason.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].0, "AuthRole");
    assert!(
        failed[0].1.contains(&format!(
            "User: {principal} is not authorized to perform: iam:CreateRole"
        )),
        "{}",
        failed[0].1
    );
    assert_eq!(failed[1], ("UnauthRole", "Resource creation cancelled"));
    let stack_events: Vec<&str> = events
        .iter()
        .filter(|e| e.logical_id == name)
        .map(|e| e.status.as_str())
        .collect();
    assert_eq!(
        stack_events,
        [
            "CREATE_IN_PROGRESS",
            "ROLLBACK_IN_PROGRESS",
            "ROLLBACK_COMPLETE"
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| e.logical_id == "DeploymentBucket" && e.status == "DELETE_SKIPPED")
    );
    assert_eq!(
        error.hint().unwrap(),
        format!(
            "fix the cause shown above (often a permission the role lacks), delete the failed stack with `aws cloudformation delete-stack --stack-name {name} --region us-east-1`, and run the command again"
        )
    );

    let created = error
        .created_stack()
        .expect("the failed stack is offered for deletion");
    assert_eq!(created.stack_name, name);
    let mut deletion_events = Vec::new();
    let deletion = delete_root_stack(&session, &created, POLL, &mut |e| {
        deletion_events.push(e.clone())
    })
    .await
    .unwrap();
    assert_eq!(deletion.deleted_buckets, [format!("{name}-deployment")]);
    assert!(
        deletion.kept_buckets.is_empty(),
        "{:?}",
        deletion.kept_buckets
    );
    let statuses: Vec<&str> = deletion_events.iter().map(|e| e.status.as_str()).collect();
    assert!(statuses.ends_with(&["DELETE_COMPLETE"]), "{statuses:?}");
    assert!(
        !statuses.contains(&"ROLLBACK_COMPLETE"),
        "only new events: {statuses:?}"
    );

    // The account as it was: the stack deleted, its roles and its bucket gone.
    assert_eq!(statuses_in_moto(&fixture.moto, &name), ["DELETE_COMPLETE"]);
    let roles = fixture.moto.call("iam", &[("Action", "ListRoles")]);
    assert!(!roles.contains(&name), "{roles}");
    let buckets = session.s3().list_buckets().send().await.unwrap();
    assert!(
        buckets
            .buckets()
            .iter()
            .all(|b| b.name() != Some(&format!("{name}-deployment")))
    );
    assert_eq!(proxy.calls("DeleteStack").len(), 1);
    assert_eq!(
        proxy
            .calls("DeleteBucket")
            .iter()
            .map(|c| c.forwarded)
            .collect::<Vec<_>>(),
        [false, true],
        "S3 slowed the first DeleteBucket down; the retry deleted it"
    );
    assert!(
        codes_of_retries(&fixture)
            .contains(&"s3:DeleteBucket AWS answered SlowDown (HTTP 503)".to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_failed_stack_is_deleted_and_a_bucket_with_files_is_kept() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    let session = keys_session(&fixture);
    let stack = new_stack("dev");
    let outputs = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap();
    let working = CreatedStack::failed(&stack.stack_name, outputs["StackId"].as_str().unwrap());
    let error = delete_root_stack(&session, &working, POLL, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StackError::NotDeletable { status, .. } if status == "CREATE_COMPLETE"),
        "{error:?}"
    );
    assert!(proxy.calls("DeleteStack").is_empty(), "nothing was deleted");
    assert_eq!(
        statuses_in_moto(&fixture.moto, &stack.stack_name),
        ["CREATE_COMPLETE"]
    );

    // A failed stack whose kept bucket holds a file: the stack goes, the bucket and its file stay. The
    // last look at its events is refused: the failures seen during the wait are reported all the same.
    proxy.play_failed_stack(FailedStack::failing("AuthRole", "Access denied"));
    proxy.add(
        Rule::on(Call::action("cloudformation", "DescribeStackEvents"))
            .nth(4)
            .answer(Fault::access_denied()),
    );
    let stack = new_stack("test");
    let error = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        proxy.injected().last().map(|e| e.action.as_str()),
        Some("DescribeStackEvents"),
        "the last look was refused"
    );
    let StackError::Failed { failures, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].reason.as_deref(), Some("Access denied"));
    let bucket = stack.deployment_bucket();
    session
        .s3()
        .put_object()
        .bucket(&bucket)
        .key("notes.txt")
        .body(b"keep me".to_vec().into())
        .send()
        .await
        .unwrap();
    let deletion = delete_root_stack(&session, &error.created_stack().unwrap(), POLL, &mut |_| {})
        .await
        .unwrap();
    assert!(deletion.deleted_buckets.is_empty());
    assert_eq!(
        deletion.kept_buckets,
        [(
            bucket.clone(),
            "it holds files: delete them, then the bucket".to_string()
        )]
    );
    assert_eq!(
        statuses_in_moto(&fixture.moto, &stack.stack_name),
        ["DELETE_COMPLETE"]
    );
    assert!(
        proxy.calls("DeleteBucket").is_empty(),
        "a bucket with files is never deleted"
    );
}

/// Storing the environment's state failed after the stack was created whole (S3 refused the last upload):
/// the front end may delete the stack as unfinished, and the files this run put in its bucket go with it.
#[tokio::test(flavor = "multi_thread")]
async fn an_unfinished_environments_stack_is_deleted_with_its_bucket() {
    let fixture = SessionFixture::new("", "").through_fault_proxy();
    let proxy = fixture.proxy();
    let session = keys_session(&fixture);
    let stack = new_stack("dev");
    let outputs = create_root_stack(&session, &stack, POLL, &mut |_| {})
        .await
        .unwrap();
    let bucket = stack.deployment_bucket();
    for key in ["#current-cloud-backend.zip", "studio-backend/cli.json"] {
        session
            .s3()
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(b"state".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let unfinished =
        CreatedStack::unfinished(&stack.stack_name, outputs["StackId"].as_str().unwrap());
    let deletion = delete_root_stack(&session, &unfinished, POLL, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(deletion.deleted_buckets, std::slice::from_ref(&bucket));
    assert!(deletion.kept_buckets.is_empty());
    assert_eq!(
        statuses_in_moto(&fixture.moto, &stack.stack_name),
        ["DELETE_COMPLETE"]
    );
    assert_eq!(proxy.calls("DeleteObject").len(), 2, "the run's two files");
    let buckets = session.s3().list_buckets().send().await.unwrap();
    assert!(
        buckets
            .buckets()
            .iter()
            .all(|b| b.name() != Some(bucket.as_str()))
    );
}
