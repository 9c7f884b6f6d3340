//! The root stack against a real CloudFormation (moto): it is created with the original's resources,
//! parameters, capabilities and tags, and its outputs come back in the original's order.

#![allow(clippy::disallowed_methods, clippy::too_many_lines)] // tests may use std::fs and be long

use std::time::Duration;

use amplify_creds::{Credentials, Secret};
use amplify_stack::{RootStack, create_root_stack, root_stack_name};
use amplify_sts::{NoPrompt, Session};
use amplify_test_support::{Moto, SessionFixture};

/// Keys of moto's default account, used as they are.
fn keys_session(fixture: &SessionFixture) -> Session {
    let keys = Credentials::long_lived(
        "AKIAIOSFODNN7EXAMPLE",
        Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    );
    fixture
        .sessions(std::sync::Arc::new(NoPrompt))
        .for_keys(keys, "us-east-1".into())
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_the_root_stack_and_returns_its_outputs() {
    let fixture = SessionFixture::new("", "");
    let moto = &fixture.moto;
    moto.start_recording();
    let stack = RootStack {
        stack_name: root_stack_name("myapp", "dev"),
        tags: vec![
            ("user:Stack".into(), "dev".into()),
            ("user:Application".into(), "myapp".into()),
        ],
        description: r#"{"createdBy":"Amplify"}"#.into(),
        permissions_boundary: None,
    };
    let mut events = Vec::new();
    let outputs = create_root_stack(
        &keys_session(&fixture),
        &stack,
        Duration::from_millis(100),
        &mut |e| events.push(e.clone()),
    )
    .await
    .unwrap();

    let keys: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Region",
            "StackName",
            "StackId",
            "DeploymentBucketName",
            "AuthRoleArn",
            "UnauthRoleArn",
            "AuthRoleName",
            "UnauthRoleName"
        ]
    );
    assert_eq!(outputs["StackName"], stack.stack_name.as_str());
    assert_eq!(
        outputs["DeploymentBucketName"],
        format!("{}-deployment", stack.stack_name).as_str()
    );
    assert_eq!(
        outputs["AuthRoleName"],
        format!("{}-authRole", stack.stack_name).as_str()
    );
    assert!(
        outputs["UnauthRoleArn"]
            .as_str()
            .unwrap()
            .ends_with(&format!(":role/{}-unauthRole", stack.stack_name))
    );
    assert!(
        events
            .iter()
            .any(|e| e.status == "CREATE_COMPLETE" && e.logical_id == stack.stack_name),
        "{events:?}"
    );

    let recording = moto.recording();
    let create = &Moto::calls(&recording, "CreateStack")[0];
    assert_eq!(
        create.params["Capabilities.member.1"],
        "CAPABILITY_NAMED_IAM"
    );
    assert_eq!(
        create.params["Capabilities.member.2"],
        "CAPABILITY_AUTO_EXPAND"
    );
    assert_eq!(create.params["Tags.member.1.Key"], "user:Stack");
    assert_eq!(create.params["Tags.member.2.Value"], "myapp");
    let template: serde_json::Value = serde_json::from_str(&create.params["TemplateBody"]).unwrap();
    assert_eq!(
        template["Resources"]["DeploymentBucket"]["DeletionPolicy"],
        "Retain"
    );
    assert_eq!(
        template["Resources"]["DeploymentBucketBlockHTTP"]["Type"],
        "AWS::S3::BucketPolicy"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_name_is_refused_with_the_reason() {
    let fixture = SessionFixture::new("", "");
    let session = keys_session(&fixture);
    let stack = RootStack {
        stack_name: "amplify-myapp-dev-aaaaa".into(),
        tags: vec![],
        description: "{}".into(),
        permissions_boundary: None,
    };
    create_root_stack(&session, &stack, Duration::from_millis(10), &mut |_| {})
        .await
        .unwrap();
    let error = create_root_stack(&session, &stack, Duration::from_millis(10), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("AlreadyExistsException"),
        "{error}"
    );
    assert!(error.hint().unwrap().contains("new name"));
}
