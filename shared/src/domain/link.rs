//! Candidate link tokens. A token is HMAC-SHA256(link key, interview id, generation): 256 bits
//! that nobody can guess without the deployment's link key. Only its SHA-256 is stored, so a
//! table dump opens nothing; and because the server can derive the same token again, a resend
//! delivers the very link the candidate already has. A re-invite bumps the generation, which
//! yields a new token and retires the old one.

use super::{InterviewId, Secret};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl LinkKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The link token of `interview` at `generation`.
    pub fn candidate_token(&self, interview: InterviewId, generation: u32) -> Secret {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"reelview candidate link\0");
        mac.update(interview.0.as_bytes());
        mac.update(&generation.to_be_bytes());
        Secret::from_bytes("", mac.finalize().into_bytes().into())
    }
}

impl LinkKey {
    /// 32 bytes only the holder of the key can compute, for `context` and `index`: a one-time
    /// pad that seals a token at rest (see `app::Links::seal`).
    pub fn pad(&self, context: &[u8], index: u32) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"reelview sealed link\0");
        mac.update(&(context.len() as u64).to_be_bytes());
        mac.update(context);
        mac.update(&index.to_be_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_generation_and_differ_across_keys_and_generations() {
        let key = LinkKey::new([1; 32]);
        let id = InterviewId::new();
        let first = key.candidate_token(id, 0);
        assert_eq!(first, key.candidate_token(id, 0));
        assert_ne!(first, key.candidate_token(id, 1));
        assert_ne!(first, LinkKey::new([2; 32]).candidate_token(id, 0));
        assert_ne!(first, key.candidate_token(InterviewId::new(), 0));
        assert!(super::super::looks_like_token(first.expose()));
    }
}
