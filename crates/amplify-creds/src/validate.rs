//! What a person may type where the original asks for keys and codes, with the original's messages: an access
//! key id, a secret access key, an MFA code.

/// `^[A-Z0-9]{20}$`, as the original checks it.
pub fn access_key_id(id: &str) -> Result<(), String> {
    if id.len() == 20
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err("Access Key ID must be 20 characters, and uppercase alphanumeric only.".into())
    }
}

/// `^[A-Za-z0-9/+=]{40}$`, as the original checks it.
pub fn secret_access_key(secret: &str) -> Result<(), String> {
    if secret.len() == 40
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/+=".contains(&b))
    {
        Ok(())
    } else {
        Err("Secret Access Key must be 40 characters, and base-64 string only.".into())
    }
}

/// Exactly six digits, with the original's two messages.
pub fn mfa_code(code: &str) -> Result<(), String> {
    if code.len() != 6 {
        return Err("Must have length equal to 6".into());
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Must only contain digits".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_originals_rules() {
        assert!(access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(access_key_id("akiaiosfodnn7example").is_err());
        assert!(access_key_id("AKIA").is_err());
        assert!(secret_access_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_ok());
        assert!(secret_access_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE!").is_err());
        assert_eq!(
            mfa_code("12345").unwrap_err(),
            "Must have length equal to 6"
        );
        assert_eq!(mfa_code("12345a").unwrap_err(), "Must only contain digits");
        assert!(mfa_code("123456").is_ok());
    }
}
