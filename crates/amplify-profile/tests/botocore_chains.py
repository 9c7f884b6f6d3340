"""The oracle of the chain tests (`differential.rs`, `conformance.rs`): the credential chain that botocore, the
AWS CLI's library, builds for a profile of a pair of `~/.aws/config` and `~/.aws/credentials` texts.

Reads a JSON list of cases from stdin, each
`{"id": N, "config": TEXT-or-null, "credentials": TEXT-or-null, "profiles": [NAME, ...]}` (null: the file does
not exist), and prints one JSON line per case, in order:

    {"id": N, "parsed": {"profiles": {...}, "sso_sessions": {...}}, "chains": {NAME: OUTCOME, ...}}
    {"id": N, "parse_error": {"file": "config"|"credentials", "error": "ConfigParseError"}}

where OUTCOME is `{"chain": {"base": {...}, "hops": [...]}}` or `{"error": {"kind": KIND, ...}}`, in the
shape `conformance.rs` documents (fixtures/chain-conformance/README.md).

How the chain is read from botocore, without a network call or a prompt:
- A real `Session` with `config_file`, `credentials_file` and `profile` set as instance variables, as
  `aws --profile NAME` does (so the environment provider is not in the resolver), and botocore's own
  `create_credential_resolver`, whose providers run in botocore's order.
- botocore builds assume-role and web identity and SSO credentials lazily: the objects it returns hold their
  fetchers, whose attributes are the request botocore would send. The oracle walks from the outermost
  AssumeRole fetcher to its source credentials.
- What would touch the machine is replaced: `credential_process` is not run (a marker comes back), the
  `credential_source` providers (environment, ECS, EC2 metadata) return markers, and the providers after the
  profile ones (`~/.boto`, ECS, EC2 metadata) are removed: a profile without credentials is "no credentials"
  here, where the AWS CLI on an EC2 instance would fall back to the instance's role.
- Which profile each credential came from is recorded by wrapping botocore's own provider builder.
- Last come the checks botocore makes when the credentials are first used, before anything is sent, from the
  base outwards: an SSO token provider's check of its `[sso-session]` section, and each STS request checked
  with botocore's parameter validator against the STS model (a web identity token is assumed readable). A
  chain botocore would refuse there (a `duration_seconds` under 900, an `external_id` of one character, an
  sso-session without its own `sso_region`...) is an error, as the AWS CLI fails before sending anything.
"""

import copy
import json
import locale
import os
import re
import sys
import tempfile

import botocore.configloader
import botocore.credentials as bc
import botocore.exceptions as be
import botocore.session
import botocore.validate

# ----------------------------------------------------------------------------------------------------------
# Instrumentation: record which profile each credential comes from; run no process.

PROVIDER_KINDS = {
    "assume-role-with-web-identity": "web_identity",
    "sso": "sso",
    "shared-credentials-file": "static",
    "login": "login",
    "custom-process": "process",
    "config-file": "static",
}


def tag(creds, **info):
    if creds is not None:
        creds._oracle = info
    return creds


def wrap_load(provider, profile_name):
    original = provider.load

    def load():
        creds = original()
        extra = {}
        if provider.METHOD == "custom-process":
            extra["command"] = provider._credential_process
        return tag(creds, kind=PROVIDER_KINDS[provider.METHOD], profile=profile_name,
                   method=provider.METHOD, **extra)

    provider.load = load
    return provider


_original_providers = bc.ProfileProviderBuilder.providers


def providers(self, profile_name, disable_env_vars=False):
    return [wrap_load(p, profile_name) for p in _original_providers(self, profile_name, disable_env_vars)]


bc.ProfileProviderBuilder.providers = providers

_original_assume = bc.AssumeRoleProvider._load_creds_via_assume_role


def load_creds_via_assume_role(self, profile_name):
    return tag(_original_assume(self, profile_name), kind="assume_role", profile=profile_name)


bc.AssumeRoleProvider._load_creds_via_assume_role = load_creds_via_assume_role

_original_from_source = bc.AssumeRoleProvider._resolve_credentials_from_source


def resolve_credentials_from_source(self, credential_source, profile_name):
    creds = _original_from_source(self, credential_source, profile_name)
    return tag(creds, kind="credential_source", profile=profile_name, source=credential_source)


bc.AssumeRoleProvider._resolve_credentials_from_source = resolve_credentials_from_source


def no_process(self, credential_process):
    return {"access_key": "process", "secret_key": "process", "token": None, "expiry_time": None,
            "account_id": None}


bc.ProcessProvider._retrieve_credentials_using = no_process


class MarkerProvider(bc.CredentialProvider):
    """Stands for the environment, ECS or EC2 metadata provider under its canonical name."""

    def __init__(self, canonical_name):
        super().__init__()
        self.CANONICAL_NAME = canonical_name
        self.METHOD = "marker-" + canonical_name

    def load(self):
        return bc.Credentials("marker", "marker", method=self.METHOD)


MARKER_SOURCER = bc.CanonicalNameCredentialSourcer(
    [MarkerProvider(p.CANONICAL_NAME) for p in (bc.EnvProvider, bc.ContainerProvider, bc.InstanceMetadataProvider)]
)
AFTER_PROFILE = ("ec2-credentials-file", "boto-config", "container-role", "iam-role")

# ----------------------------------------------------------------------------------------------------------
# From botocore's credential objects to the chain.


def fetcher_of(creds):
    refresh = creds._refresh_using
    if not hasattr(refresh, "__self__"):
        refresh = refresh._refresh  # the MFA wrapper
    return refresh.__self__


def session_name(fetcher):
    return None if fetcher._using_default_session_name else fetcher._assume_kwargs["RoleSessionName"]


def base_of(creds):
    info = creds._oracle
    kind = info["kind"]
    if kind == "static":
        return {"kind": "static", "profile": info["profile"],
                "file": "credentials" if info["method"] == "shared-credentials-file" else "config",
                "access_key_id": creds.access_key, "secret_access_key": creds.secret_key,
                "session_token": creds.token or None}
    if kind == "process":
        return {"kind": "process", "profile": info["profile"], "command": info["command"]}
    if kind == "credential_source":
        return {"kind": "credential_source", "profile": info["profile"], "source": info["source"]}
    if kind == "web_identity":
        f = fetcher_of(creds)
        return {"kind": "web_identity", "profile": info["profile"], "role_arn": f._role_arn,
                "web_identity_token_file": f._web_identity_token_loader._web_identity_token_path,
                "role_session_name": session_name(f)}
    if kind == "sso":
        f = fetcher_of(creds)
        return {"kind": "sso", "profile": info["profile"], "start_url": f._start_url,
                "sso_region": f._sso_region, "account_id": f._account_id, "role_name": f._role_name,
                "sso_session": f._sso_session_name}
    raise RuntimeError(f"botocore_chains.py: unknown credentials {info!r}")


def chain_of(creds):
    """The base and the hops (in the order they run) of botocore's credentials, with each STS request."""
    hops, requests = [], []
    while creds._oracle["kind"] == "assume_role":
        f = fetcher_of(creds)
        kwargs = f._assume_kwargs
        hops.append({"profile": creds._oracle["profile"], "role_arn": f._role_arn,
                     "external_id": kwargs.get("ExternalId"), "mfa_serial": kwargs.get("SerialNumber"),
                     "role_session_name": session_name(f), "duration_seconds": kwargs.get("DurationSeconds")})
        request = copy.deepcopy(kwargs)
        if "SerialNumber" in request:
            request["TokenCode"] = "123456"
        requests.append((creds._oracle["profile"], "AssumeRole", request))
        creds = f._source_credentials
    base = base_of(creds)
    if base["kind"] == "web_identity":
        f = fetcher_of(creds)
        request = dict(copy.deepcopy(f._assume_kwargs), WebIdentityToken="token")
        requests.append((base["profile"], "AssumeRoleWithWebIdentity", request))
    if base["kind"] == "sso" and base["sso_session"] is not None:
        # Before it reads a cached token, the token provider checks the [sso-session] section itself.
        requests.append((base["profile"], "SsoToken", fetcher_of(creds)._token_provider))
    hops.reverse()
    requests.reverse()
    return {"base": base, "hops": hops}, requests


STS = botocore.session.get_session().get_service_model("sts")


def first_invalid(requests):
    """The first parameter botocore's client would refuse, from the base outwards, as an error."""
    for profile, operation, params in requests:
        if operation == "SsoToken":
            try:
                params._load_sso_config()
            except be.InvalidConfigError as e:
                return error_of(e)
            continue
        report = botocore.validate.ParamValidator().validate(params, STS.operation_model(operation).input_shape)
        if report.has_errors():
            _, name, details = report._errors[0]
            return {"kind": "invalid_parameter", "profile": profile, "parameter": name.split(".")[-1],
                    "detail": str(details)[:200]}
    return None


# ----------------------------------------------------------------------------------------------------------
# botocore's errors, by kind.

ERROR_PATTERNS = [
    (r'^The profile "(?P<profile>.*)" contains both source_profile and credential_source\.$', "both_sources"),
    (r'^The credential source "(?P<value>.*)" referenced in profile "(?P<profile>.*)" is not valid\.$',
     "invalid_credential_source"),
    (r'^The source_profile "(?P<source_profile>.*)" referenced in the profile "(?P<profile>.*)" does not exist\.$',
     "source_profile_not_found"),
    (r'^The source profile "(?P<profile>.*)" must have credentials\.$', "source_no_credentials"),
    (r"^The provided profile or the current environment is configured to assume role with web identity but "
     r"has no role ARN configured", "web_identity_no_role_arn"),
    (r'^The profile "(?P<profile>.*)" is configured to use SSO but is missing required configuration: '
     r"(?P<missing>.*)$", "sso_missing"),
    (r'^The specified sso-session does not exist: "(?P<sso_session>.*)"$', "sso_session_not_found"),
    (r"^The value for (?P<key>\S+) is inconsistent between profile \(.*\) and sso-session \(.*\)\.$",
     "sso_conflict"),
    (r'^The profile "(?P<profile>.*)" is configured to use the SSO token provider but is missing the following '
     r"configuration: \[(?P<missing>.*)\]\.$", "sso_session_incomplete"),
    (r'^The profile "(?P<profile>.*)" is configured to use the SSO token provider but the "(?P<sso_session>.*)" '
     r"sso_session configuration does not exist\.$", "sso_session_incomplete"),
]


def error_of(e):
    if isinstance(e, be.ProfileNotFound):
        return {"kind": "profile_not_found", "profile": e.kwargs["profile"]}
    if isinstance(e, be.InfiniteLoopConfigError):
        return {"kind": "loop", "source_profile": e.kwargs["source_profile"],
                "visited": list(e.kwargs["visited_profiles"]) + [e.kwargs["source_profile"]]}
    if isinstance(e, be.PartialCredentialsError):
        if e.kwargs["provider"] == "assume-role":
            return {"kind": "no_source"}
        return {"kind": "partial_keys", "missing": e.kwargs["cred_var"],
                "file": "credentials" if e.kwargs["provider"] == "shared-credentials-file" else "config"}
    if isinstance(e, be.MissingDependencyException):
        return {"kind": "unsupported", "key": "login_session"}
    if isinstance(e, be.InvalidConfigError):
        message = e.kwargs.get("error_msg", str(e))
        for pattern, kind in ERROR_PATTERNS:
            m = re.match(pattern, message, re.S)
            if m:
                found = {"kind": kind, **m.groupdict()}
                if kind == "sso_missing":
                    found["missing"] = found["missing"].split(", ")
                if kind == "sso_session_incomplete":
                    # An empty section "does not exist" to the token provider: it lacks both keys.
                    missing = found.pop("missing", "'sso_start_url', 'sso_region'")
                    found.pop("sso_session", None)
                    found["missing"] = [m.strip(" '") for m in missing.split(",")]
                return found
    return {"kind": "unknown", "type": type(e).__name__, "detail": str(e)[:300]}


def outcome(session, name):
    session.set_config_variable("profile", name)
    try:
        resolver = bc.create_credential_resolver(session)
        for method in AFTER_PROFILE:
            resolver.remove(method)
        resolver.get_provider("assume-role")._credential_sourcer = MARKER_SOURCER
        creds = resolver.load_credentials()
    except Exception as e:  # noqa: BLE001 - any exception is botocore's answer
        return {"error": error_of(e)}
    if creds is None:
        return {"error": {"kind": "no_credentials", "profile": name}}
    chain, requests = chain_of(creds)
    invalid = first_invalid(requests)
    if invalid is not None:
        return {"error": invalid}
    return {"chain": chain}


def failing_file(paths):
    """Which of the two files botocore cannot read."""
    for kind in ("config", "credentials"):
        try:
            botocore.configloader.raw_config_parse(paths[kind])
        except be.ConfigNotFound:
            pass
        except Exception:  # noqa: BLE001
            return kind
    return "?"


def main():
    encoding = locale.getpreferredencoding(False).lower().replace("-", "")
    if encoding != "utf8":
        sys.exit(f"botocore_chains.py: the locale encoding is {encoding}; run with PYTHONUTF8=1")
    cases = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="amplify-rs-chains-") as tmp:
        for case in cases:
            folder = os.path.join(tmp, str(case["id"]))
            os.mkdir(folder)
            paths = {}
            for kind in ("config", "credentials"):
                paths[kind] = os.path.join(folder, kind)
                if case.get(kind) is not None:
                    with open(paths[kind], "wb") as f:
                        f.write(case[kind].encode("utf-8"))
            session = botocore.session.Session()
            session.set_config_variable("config_file", paths["config"])
            session.set_config_variable("credentials_file", paths["credentials"])
            try:
                full = session.full_config
                answer = {"parsed": {"profiles": full["profiles"], "sso_sessions": full.get("sso_sessions", {})}}
            except Exception as e:  # noqa: BLE001
                answer = {"parse_error": {"file": failing_file(paths), "error": type(e).__name__}}
            else:
                answer["chains"] = {name: outcome(session, name) for name in case["profiles"]}
            out.write(json.dumps({"id": case["id"], **answer}))
            out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
