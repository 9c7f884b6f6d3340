//! `--verbose`'s log of AWS calls: an SDK interceptor that names each call (`sts:AssumeRole`,
//! `cloudformation:CreateStack`) once it is done, with what became of it, and nothing of its content: no
//! headers, no body, so no secret can reach the log through it.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Logs at `info` level under this crate's target, `amplify_aws`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogCalls;

fn name(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map(|m| format!("{}:{}", m.service().to_lowercase(), m.name()))
        .unwrap_or_else(|| "aws".into())
}

impl Intercept for LogCalls {
    fn name(&self) -> &'static str {
        "LogCalls"
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = context
            .response()
            .map(|r| r.status().as_u16().to_string())
            .unwrap_or_else(|| "no response".into());
        let outcome = if context.output_or_error().is_some_and(|r| r.is_err()) {
            "failed"
        } else {
            "ok"
        };
        tracing::info!("{} {outcome} (HTTP {status})", name(cfg));
        Ok(())
    }
}
