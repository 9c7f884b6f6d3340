//! What the AWS CLI makes of the files, as text and JSON for people and scripts: every profile with its kind
//! and chain, one profile hop by hop with where each setting is written, and every problem with its file,
//! line and what to change.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::{
    BaseCredentials, EffectiveProperty, EffectiveValue, Profile, ProfileChain, ProfileSet,
    ResolveError, keys,
};

fn base_kind(base: &BaseCredentials) -> &'static str {
    match base {
        BaseCredentials::Static { .. } => "static",
        BaseCredentials::Process { .. } => "process",
        BaseCredentials::CredentialSource { .. } => "credential_source",
        BaseCredentials::Sso { .. } => "sso",
        BaseCredentials::WebIdentity { .. } => "web_identity",
    }
}

/// One profile as JSON: its chain, or why it cannot be used.
pub fn chain_json(
    set: &ProfileSet,
    name: &str,
    chain: Result<&ProfileChain, &ResolveError>,
) -> Value {
    let profile = set.lookup(name);
    let location = (profile.as_ref())
        .and_then(|p| p.sections().first())
        .map(ToString::to_string);
    let properties = profile.as_deref().map(properties_json).unwrap_or_default();
    match chain {
        Ok(chain) => json!({
            "name": name,
            "location": location,
            "properties": properties,
            "kind": chain.describe(),
            "region": chain.region,
            "mfa": chain.needs_mfa(),
            "base": {"kind": base_kind(&chain.base), "profile": chain.base.profile()},
            "hops": chain.hops.iter().map(|hop| json!({
                "profile": hop.profile,
                "role_arn": hop.role_arn,
                "mfa_serial": hop.mfa_serial,
                "external_id": hop.external_id,
                "role_session_name": hop.role_session_name,
                "duration_seconds": hop.duration_seconds,
                "location": hop.location.to_string(),
            })).collect::<Vec<_>>(),
        }),
        Err(error) => {
            json!({"name": name, "location": location, "properties": properties, "error": error.to_string(), "hint": error.hint()})
        }
    }
}

/// What the profile means to the AWS CLI, setting by setting, with the file and line of each (secrets
/// redacted; the entries of a nested map as `properties` of their own).
fn properties_json(profile: &Profile) -> Vec<Value> {
    fn one(property: &EffectiveProperty) -> Value {
        let mut value = json!({
            "key": property.key,
            "location": property.location.to_string(),
            "inherited": property.inherited,
            "overrides": property.overrides.as_ref().map(ToString::to_string),
        });
        match &property.value {
            EffectiveValue::Text(text) => value["value"] = json!(text),
            EffectiveValue::Redacted => value["value"] = json!("REDACTED"),
            EffectiveValue::Map(entries) => {
                value["properties"] = Value::Array(entries.iter().map(one).collect());
            }
        }
        value
    }
    profile.effective_properties().iter().map(one).collect()
}

/// Every profile as a JSON list of [`chain_json`].
pub fn list_json(set: &ProfileSet) -> Value {
    Value::Array(
        set.names()
            .map(|name| chain_json(set, name, set.resolve(name).as_ref()))
            .collect(),
    )
}

/// Every profile, a line each: name, region, what it is.
pub fn list_table(set: &ProfileSet) -> String {
    let mut out = Vec::new();
    write_list_table(set, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the table is text")
}

/// [`list_table`] written as it is made: each profile is resolved, written and dropped, so a list of
/// 100,000 profiles holds one chain at a time, not a table.
pub fn write_list_table(set: &ProfileSet, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let width = set
        .names()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(out, "{:<width$}  {:<10}  DESCRIPTION", "NAME", "REGION")?;
    // Each line is made in one buffer and written whole: no string of its own per profile.
    let mut line = String::new();
    for profile in set.views() {
        let name = profile.name();
        line.clear();
        padded(&mut line, name, width);
        match set.resolve_from(name, profile) {
            Ok(chain) => {
                padded(&mut line, chain.region.as_deref().unwrap_or("-"), 10);
                chain.describe_into(&mut line);
            }
            Err(error) => {
                padded(&mut line, "-", 10);
                let _ = write!(line, "cannot be used: {error}");
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// `text` left-aligned in `width` characters, as `{:<width$}` writes it, then the two spaces between columns.
fn padded(line: &mut String, text: &str, width: usize) {
    line.push_str(text);
    let count = text.chars().count();
    line.extend(std::iter::repeat_n(' ', width.saturating_sub(count) + 2));
}

/// One profile hop by hop, with where each setting is written.
pub fn describe_one(set: &ProfileSet, chain: &ProfileChain) -> String {
    let profile = set.get(&chain.profile).expect("resolved profiles exist");
    let mut out = format!(
        "Profile {} ({})\n",
        chain.profile,
        profile
            .sections()
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  region: {}",
        chain
            .region
            .as_deref()
            .unwrap_or("(none: AWS_REGION is used)")
    );
    let (label, key) = match &chain.base {
        BaseCredentials::Static { .. } => {
            ("static keys".to_string(), keys::static_keys::ACCESS_KEY_ID)
        }
        BaseCredentials::Process { .. } => (
            "credential_process".to_string(),
            keys::source::CREDENTIAL_PROCESS,
        ),
        BaseCredentials::CredentialSource { source, .. } => (
            format!("credential_source {}", source.as_str()),
            keys::role::CREDENTIAL_SOURCE,
        ),
        BaseCredentials::Sso { .. } => ("SSO".to_string(), keys::source::SSO_SESSION),
        BaseCredentials::WebIdentity { .. } => (
            "web identity".to_string(),
            keys::source::WEB_IDENTITY_TOKEN_FILE,
        ),
    };
    let at = set
        .get(chain.base.profile())
        .map(|p| p.location_of(key).to_string())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  1. {label} of profile {} ({at})",
        chain.base.profile()
    );
    for (i, hop) in chain.hops.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. AssumeRole {} as profile {} ({})",
            i + 2,
            hop.role_arn,
            hop.profile,
            hop.location
        );
        if let Some(serial) = &hop.mfa_serial {
            let _ = writeln!(out, "       MFA device {serial}");
        }
        if let Some(external_id) = &hop.external_id {
            let _ = writeln!(out, "       external ID {external_id}");
        }
        let _ = writeln!(
            out,
            "       session {}, {}",
            hop.role_session_name.as_deref().unwrap_or("amplify"),
            hop.duration_seconds
                .map_or("STS's default duration (1 hour)".to_string(), |d| format!(
                    "{d} seconds"
                ))
        );
    }
    out
}

/// Every problem of the files: each warning, each profile that cannot be used with its hint, and a count;
/// with how many profiles cannot be used.
pub fn check(set: &ProfileSet, json_output: bool) -> (String, usize) {
    let errors: Vec<(String, ResolveError)> = set
        .names()
        .filter_map(|name| set.resolve(name).err().map(|e| (name.to_string(), e)))
        .collect();
    let text = if json_output {
        let value = json!({
            "profiles": set.names().len(),
            "warnings": set.warnings().iter().map(|w| json!({"location": w.location.to_string(), "message": w.message})).collect::<Vec<_>>(),
            "errors": errors.iter().map(|(name, e)| json!({"profile": name, "error": e.to_string(), "hint": e.hint()})).collect::<Vec<_>>(),
        });
        format!("{value:#}\n")
    } else {
        let mut out = String::new();
        for warning in set.warnings() {
            let _ = writeln!(out, "warning: {warning}");
        }
        for (name, error) in &errors {
            let _ = writeln!(
                out,
                "error: profile {name}: {error}\n  hint: {}",
                error.hint()
            );
        }
        let _ = writeln!(
            out,
            "{} profiles in {} and {}: {} cannot be used, {} warnings",
            set.names().len(),
            set.files().config.display(),
            set.files().credentials.display(),
            errors.len(),
            set.warnings().len()
        );
        out
    };
    (text, errors.len())
}
