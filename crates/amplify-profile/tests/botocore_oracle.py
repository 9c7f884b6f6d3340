"""The oracle of the differential test (`differential.rs`): what botocore, the AWS CLI's library, makes of
pairs of `~/.aws/config` and `~/.aws/credentials` texts.

Reads a JSON list of cases from stdin, each `{"id": N, "config": TEXT-or-null, "credentials": TEXT-or-null}`
(null: the file does not exist), and prints one JSON line per case, in order:

    {"id": N, "profiles": {NAME: {KEY: VALUE-or-{KEY: VALUE}}}}
    {"id": N, "error": "ConfigParseError", "file": "config"|"credentials", "detail": "DuplicateOptionError"}

The profile map is built as `botocore.session.Session.full_config` builds it: `load_config` (that is
`raw_config_parse` + `build_profile_map`) on the config file, then every section of
`raw_config_parse(credentials)` merged in, the credentials file's values overriding. Every 25th case is
also run through a real `Session` and the script stops if the two disagree, so the replica cannot drift
from botocore.

One process serves the whole corpus. Each text is written to a file as its exact UTF-8 bytes (binary
mode, so no newline translation); botocore then reads it as the AWS CLI does (text mode, universal
newlines, the locale's encoding, which must be UTF-8: run with PYTHONUTF8=1).
"""

import json
import locale
import os
import sys
import tempfile

import botocore.configloader
import botocore.exceptions
import botocore.session

SESSION_CHECK_EVERY = 25


def write_or_remove(path, text):
    if text is None:
        if os.path.exists(path):
            os.remove(path)
    else:
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))


def full_config_profiles(config_path, credentials_path):
    """Session.full_config's profiles, step by step, remembering which file failed."""
    stage = "config"
    try:
        try:
            profiles = botocore.configloader.load_config(config_path)["profiles"]
        except botocore.exceptions.ConfigNotFound:
            profiles = {}
        stage = "credentials"
        try:
            cred_profiles = botocore.configloader.raw_config_parse(credentials_path)
        except botocore.exceptions.ConfigNotFound:
            cred_profiles = {}
        for profile, cred_vars in cred_profiles.items():
            if profile not in profiles:
                profiles[profile] = cred_vars
            else:
                profiles[profile].update(cred_vars)
        return {"profiles": profiles}
    except Exception as e:  # noqa: BLE001 - any exception is botocore's answer
        inner = getattr(e, "kwargs", {}).get("error")
        return {
            "error": type(e).__name__,
            "file": stage,
            "detail": type(inner).__name__ if inner is not None else str(e)[:200],
        }


def session_profiles(config_path, credentials_path):
    session = botocore.session.Session()
    session.set_config_variable("config_file", config_path)
    session.set_config_variable("credentials_file", credentials_path)
    try:
        return {"profiles": session.full_config["profiles"]}
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__}


def main():
    encoding = locale.getpreferredencoding(False).lower().replace("-", "")
    if encoding != "utf8":
        sys.exit(f"botocore_oracle.py: the locale encoding is {encoding}; run with PYTHONUTF8=1")
    cases = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="amplify-rs-oracle-") as tmp:
        config_path = os.path.join(tmp, "config")
        credentials_path = os.path.join(tmp, "credentials")
        for n, case in enumerate(cases):
            write_or_remove(config_path, case.get("config"))
            write_or_remove(credentials_path, case.get("credentials"))
            result = full_config_profiles(config_path, credentials_path)
            if n % SESSION_CHECK_EVERY == 0:
                real = session_profiles(config_path, credentials_path)
                mine = {k: v for k, v in result.items() if k in ("profiles", "error")}
                if real != mine:
                    sys.exit(
                        f"botocore_oracle.py: the replica of Session.full_config disagrees with botocore "
                        f"on case {case['id']}: {mine!r} != {real!r}"
                    )
            out.write(json.dumps({"id": case["id"], **result}))
            out.write("\n")
    out.flush()


if __name__ == "__main__":
    main()
