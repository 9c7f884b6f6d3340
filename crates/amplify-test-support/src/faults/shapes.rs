//! AWS's error answers, in the shape each protocol has, for the errors the proxy injects. The codes are
//! those the AWS SDK's retry classifier knows (smithy-rs `aws-runtime` `retries/classifiers.rs`:
//! `THROTTLING_ERRORS` holds `Throttling`, `ThrottlingException`, `RequestLimitExceeded`, `SlowDown`, ...;
//! `aws-smithy-runtime` retries HTTP 500, 502, 503 and 504), with the status codes and messages of the API
//! references' "Common Errors" pages and S3's "Error responses" list:
//!
//! - query protocol (STS, CloudFormation, IAM): `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling
//!   </Code><Message>Rate exceeded</Message></Error><RequestId>..</RequestId></ErrorResponse>`, `text/xml`;
//! - S3 (REST-XML): `<Error><Code>SlowDown</Code><Message>..</Message><RequestId>..</RequestId><HostId>..
//!   </HostId></Error>`, `application/xml`, no body at all for a HEAD.

use super::http::Message;
use super::rules::CallInfo;

/// An error the proxy can answer with; its code, status and message depend on the service called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Throttling,
    ThrottlingException,
    RequestLimitExceeded,
    InternalFailure,
    ServiceUnavailable,
    SlowDown,
    ExpiredToken,
    AccessDenied {
        principal: Option<String>,
    },
    NoSuchBucket,
    Other {
        code: String,
        status: u16,
        message: String,
    },
}

/// The code, status and message of one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub code: String,
    pub status: u16,
    pub message: String,
}

fn shape(code: &str, status: u16, message: &str) -> Shape {
    Shape {
        code: code.to_string(),
        status,
        message: message.to_string(),
    }
}

/// IAM's sentence for a denied action: who, what, on which resource, why.
fn denied_sentence(principal: &str, call: &CallInfo) -> String {
    let action = format!("{}:{}", call.service, call.action);
    let account = principal.split(':').nth(4).unwrap_or("123456789012");
    let resource = match (call.service.as_str(), call.params.get("StackName")) {
        ("cloudformation", Some(stack)) => format!(
            "arn:aws:cloudformation:{}:{account}:stack/{stack}/*",
            call.region
        ),
        _ => "*".to_string(),
    };
    format!(
        "User: {principal} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
    )
}

impl ErrorKind {
    /// The code, status and message `call`'s service answers with.
    pub fn shape(&self, call: &CallInfo) -> Shape {
        let s3 = call.service == "s3";
        match self {
            ErrorKind::Throttling if s3 => ErrorKind::SlowDown.shape(call),
            ErrorKind::Throttling => shape("Throttling", 400, "Rate exceeded"),
            ErrorKind::ThrottlingException => shape("ThrottlingException", 400, "Rate exceeded"),
            ErrorKind::RequestLimitExceeded => {
                shape("RequestLimitExceeded", 400, "Request limit exceeded.")
            }
            ErrorKind::InternalFailure if s3 => shape(
                "InternalError",
                500,
                "We encountered an internal error. Please try again.",
            ),
            ErrorKind::InternalFailure => shape(
                "InternalFailure",
                500,
                "The request processing has failed because of an unknown error, exception or failure.",
            ),
            ErrorKind::ServiceUnavailable if s3 => {
                shape("ServiceUnavailable", 503, "Reduce your request rate.")
            }
            ErrorKind::ServiceUnavailable => shape(
                "ServiceUnavailable",
                503,
                "The request has failed due to a temporary failure of the server.",
            ),
            ErrorKind::SlowDown => shape("SlowDown", 503, "Please reduce your request rate."),
            ErrorKind::ExpiredToken if s3 => {
                shape("ExpiredToken", 400, "The provided token has expired.")
            }
            ErrorKind::ExpiredToken => shape(
                "ExpiredToken",
                403,
                "The security token included in the request is expired",
            ),
            ErrorKind::AccessDenied { .. } if s3 => shape("AccessDenied", 403, "Access Denied"),
            ErrorKind::AccessDenied {
                principal: Some(principal),
            } => shape("AccessDenied", 403, &denied_sentence(principal, call)),
            ErrorKind::AccessDenied { principal: None } => shape(
                "AccessDenied",
                403,
                &format!(
                    "You are not authorized to perform {}:{}",
                    call.service, call.action
                ),
            ),
            ErrorKind::NoSuchBucket => {
                shape("NoSuchBucket", 404, "The specified bucket does not exist")
            }
            ErrorKind::Other {
                code,
                status,
                message,
            } => shape(code, *status, message),
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The XML namespace of a query-protocol service's answers (`Version` names the API version).
fn namespace(call: &CallInfo) -> String {
    let version = call
        .params
        .get("Version")
        .map(String::as_str)
        .unwrap_or("2011-06-15");
    match call.service.as_str() {
        // CloudFormation's answers name it over http, as the service itself does.
        "cloudformation" => format!("http://cloudformation.amazonaws.com/doc/{version}/"),
        service => format!("https://{service}.amazonaws.com/doc/{version}/"),
    }
}

/// The whole answer: status, headers and body in the protocol of `call`'s service.
pub fn render(shape: &Shape, call: &CallInfo, method: &str, request_id: &str) -> Message {
    if call.service == "s3" {
        let body = if method == "HEAD" {
            Vec::new()
        } else {
            let bucket = match shape.code.as_str() {
                "NoSuchBucket" => call
                    .params
                    .get("Bucket")
                    .map(|b| format!("<BucketName>{}</BucketName>", escape(b)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>{bucket}<RequestId>{request_id}</RequestId><HostId>{}</HostId></Error>",
                shape.code,
                escape(&shape.message),
                host_id(request_id)
            )
            .into_bytes()
        };
        let headers = vec![
            ("Content-Type".to_string(), "application/xml".to_string()),
            ("x-amz-request-id".to_string(), request_id.to_string()),
            ("x-amz-id-2".to_string(), host_id(request_id)),
        ];
        return Message::answer(shape.status, headers, body);
    }
    let kind = if shape.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let body = format!(
        "<ErrorResponse xmlns=\"{}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        namespace(call),
        shape.code,
        escape(&shape.message)
    );
    let headers = vec![
        ("Content-Type".to_string(), "text/xml".to_string()),
        ("x-amzn-RequestId".to_string(), request_id.to_string()),
    ];
    Message::answer(shape.status, headers, body.into_bytes())
}

/// S3's extended request id: opaque base64-looking text.
fn host_id(request_id: &str) -> String {
    format!("{}{}=", request_id.replace('-', ""), "AmplifyRsFaultProxy")
}

pub fn xml_escape(text: &str) -> String {
    escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_fault_takes_each_services_shape() {
        let mut call = CallInfo {
            service: "cloudformation".into(),
            action: "CreateStack".into(),
            region: "us-east-1".into(),
            ..CallInfo::default()
        };
        call.params.insert("Version".into(), "2010-05-15".into());
        call.params
            .insert("StackName".into(), "amplify-a-dev-12345".into());
        let query = render(&ErrorKind::Throttling.shape(&call), &call, "POST", "r-1");
        assert_eq!(query.status(), 400);
        let body = String::from_utf8(query.body).unwrap();
        assert!(body.contains("<Type>Sender</Type>"), "{body}");
        assert!(body.contains("<Code>Throttling</Code>"), "{body}");
        assert!(body.contains("<Message>Rate exceeded</Message>"), "{body}");
        assert!(body.contains("xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\""));

        let denied = ErrorKind::AccessDenied {
            principal: Some("arn:aws:sts::111122223333:assumed-role/R/amplify".into()),
        }
        .shape(&call);
        assert_eq!(denied.status, 403);
        assert_eq!(
            denied.message,
            "User: arn:aws:sts::111122223333:assumed-role/R/amplify is not authorized to perform: cloudformation:CreateStack on resource: arn:aws:cloudformation:us-east-1:111122223333:stack/amplify-a-dev-12345/* because no identity-based policy allows the cloudformation:CreateStack action"
        );

        let s3 = CallInfo {
            service: "s3".into(),
            action: "ListObjectsV2".into(),
            ..CallInfo::default()
        };
        let slow = render(&ErrorKind::Throttling.shape(&s3), &s3, "GET", "r-2");
        assert_eq!(slow.status(), 503);
        assert!(
            String::from_utf8(slow.body)
                .unwrap()
                .contains("<Code>SlowDown</Code>")
        );
        let head = render(&ErrorKind::Throttling.shape(&s3), &s3, "HEAD", "r-3");
        assert!(head.body.is_empty(), "S3 answers a HEAD without a body");
    }
}
