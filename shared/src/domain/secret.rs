//! Bearer secrets: candidate link tokens, share tokens and API keys. Each is 32 random bytes,
//! base64url without padding. Only the SHA-256 of a secret is ever stored, so a leaked table
//! dump opens nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A freshly generated secret in clear text. Shown once (in a link or an API response), never
/// stored, never logged: `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Builds a secret from 32 bytes of randomness; `prefix` tells a human what it is
    /// (`rv_live_` for API keys, empty for link tokens).
    pub fn from_bytes(prefix: &str, bytes: [u8; 32]) -> Self {
        Self(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash::of(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The stored form of a secret: lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretHash(String);

impl SecretHash {
    /// Hashes whatever a client presented. Anything goes in; a wrong value simply finds nothing.
    pub fn of(presented: &str) -> Self {
        let digest = Sha256::digest(presented.as_bytes());
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push_str(&format!("{byte:02x}"));
        }
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// True when `presented` looks like a link token we could have issued (43 base64url chars).
/// Lets handlers answer 404 without a store round trip for obvious garbage.
pub fn looks_like_token(presented: &str) -> bool {
    presented.len() == 43
        && presented
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_256_bits_base64url_and_hash_is_stable() {
        let secret = Secret::from_bytes("", [7u8; 32]);
        assert_eq!(secret.expose().len(), 43);
        assert!(looks_like_token(secret.expose()));
        assert_eq!(secret.hash(), SecretHash::of(secret.expose()));
        assert_eq!(secret.hash().as_str().len(), 64);
        assert_ne!(secret.hash().as_str(), secret.expose());
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    }
}
