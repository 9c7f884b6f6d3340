//! The root stack's name and template. The template is the original's, described in
//! `../shared/reference/amplify-cli.md` and written here as data.

use serde_json::{Value, json};

/// `amplify-<project>-<env>-<first 5 characters of a random UUID>`, normalised.
pub fn root_stack_name(project: &str, env: &str) -> String {
    let suffix: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(5)
        .collect();
    normalize_stack_name(&format!("amplify-{project}-{env}-{suffix}"))
}

/// Lower case, only `[-a-z0-9]`, starting with a letter.
pub fn normalize_stack_name(name: &str) -> String {
    let name: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name
    } else {
        format!("a{name}")
    }
}

fn deny_web_identity_trust() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "",
            "Effect": "Deny",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity"
        }]
    })
}

fn exported(description: &str, value: Value, name: &str) -> Value {
    json!({
        "Description": description,
        "Value": value,
        "Export": {"Name": {"Fn::Sub": format!("${{AWS::StackName}}-{name}")}}
    })
}

/// The template, with `description` (the original puts a JSON string of metadata there).
pub fn template(description: &str) -> Value {
    let bucket = json!({"Ref": "DeploymentBucketName"});
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        "Parameters": {
            "DeploymentBucketName": {"Type": "String", "Default": "DeploymentBucket", "Description": "Name of the common deployment bucket provided by the parent stack"},
            "AuthRoleName": {"Type": "String", "Default": "AuthRoleName", "Description": "Name of the IAM role for signed-in users"},
            "UnauthRoleName": {"Type": "String", "Default": "UnauthRoleName", "Description": "Name of the IAM role for guests"}
        },
        "Resources": {
            "DeploymentBucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": bucket,
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
                },
                "UpdateReplacePolicy": "Retain",
                "DeletionPolicy": "Retain"
            },
            "DeploymentBucketBlockHTTP": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": bucket,
                    "PolicyDocument": {
                        "Statement": [{
                            "Action": "s3:*",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Resource": [
                                {"Fn::Join": ["", ["arn:aws:s3:::", bucket, "/*"]]},
                                {"Fn::Join": ["", ["arn:aws:s3:::", bucket]]}
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": false}}
                        }]
                    }
                }
            },
            "AuthRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": {"Ref": "AuthRoleName"}, "AssumeRolePolicyDocument": deny_web_identity_trust()}
            },
            "UnauthRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": {"Ref": "UnauthRoleName"}, "AssumeRolePolicyDocument": deny_web_identity_trust()}
            }
        },
        "Outputs": {
            "Region": exported("CloudFormation provider root stack Region", json!({"Ref": "AWS::Region"}), "Region"),
            "StackName": exported("CloudFormation provider root stack name", json!({"Ref": "AWS::StackName"}), "StackName"),
            "StackId": exported("CloudFormation provider root stack ID", json!({"Ref": "AWS::StackId"}), "StackId"),
            "DeploymentBucketName": exported("CloudFormation provider root stack deployment bucket name", bucket, "DeploymentBucketName"),
            "AuthRoleArn": {"Value": {"Fn::GetAtt": ["AuthRole", "Arn"]}},
            "UnauthRoleArn": {"Value": {"Fn::GetAtt": ["UnauthRole", "Arn"]}},
            "AuthRoleName": {"Value": {"Ref": "AuthRole"}},
            "UnauthRoleName": {"Value": {"Ref": "UnauthRole"}}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_original() {
        assert_eq!(
            normalize_stack_name("amplify-My_App-dev-1a2b3"),
            "amplify-myapp-dev-1a2b3"
        );
        assert_eq!(normalize_stack_name("9lives"), "a9lives");
        let name = root_stack_name("myapp", "dev");
        assert!(
            name.starts_with("amplify-myapp-dev-") && name.len() == "amplify-myapp-dev-".len() + 5,
            "{name}"
        );
    }
}
