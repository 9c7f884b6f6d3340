//! The root stack's template, the original's (described in `../shared/reference/amplify-cli.md`), written
//! here as data.

use serde_json::{Value, json};

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

/// An IAM role of the template, bounded by `boundary` when there is one (the original's pre-push template
/// modifier adds `PermissionsBoundary` to every `AWS::IAM::Role` that has none).
fn role(name_parameter: &str, boundary: Option<&str>) -> Value {
    let mut properties = json!({"RoleName": {"Ref": name_parameter}, "AssumeRolePolicyDocument": deny_web_identity_trust()});
    if let Some(arn) = boundary {
        properties["PermissionsBoundary"] = arn.into();
    }
    json!({"Type": "AWS::IAM::Role", "Properties": properties})
}

/// The template, with `description` (the original puts a JSON string of metadata there) and the roles'
/// permissions boundary.
pub fn template(description: &str, boundary: Option<&str>) -> Value {
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
            "AuthRole": role("AuthRoleName", boundary),
            "UnauthRole": role("UnauthRoleName", boundary)
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
    fn a_boundary_bounds_both_roles_and_nothing_else() {
        let arn = "arn:aws:iam::111122223333:policy/AmplifyBoundary";
        let bounded = template("{}", Some(arn));
        for role in ["AuthRole", "UnauthRole"] {
            assert_eq!(
                bounded["Resources"][role]["Properties"]["PermissionsBoundary"],
                arn
            );
        }
        assert!(
            bounded["Resources"]["DeploymentBucket"]["Properties"]
                .get("PermissionsBoundary")
                .is_none()
        );
        let free = template("{}", None);
        assert!(
            free["Resources"]["AuthRole"]["Properties"]
                .get("PermissionsBoundary")
                .is_none()
        );
    }
}
