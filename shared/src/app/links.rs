//! Every public URL the product hands out: candidate links (and, as they come, apply, share
//! and playback links). One `Links` value is built at start-up from the public base URL and
//! the link key; nothing else formats a public URL.

use super::{Error, Result};
use crate::domain::{Interview, LinkKey, Position, Secret};
use std::borrow::Cow;

/// What follows `/i/` in a sealed candidate link at rest: never a working link.
const SEALED: &str = "~sealed~";

#[derive(Clone, Debug)]
pub struct Links {
    /// Without a trailing slash. `None` where the deployment has no public base URL: each
    /// request then supplies its own (see [`Links::for_request`]).
    base: Option<String>,
    key: LinkKey,
}

impl Links {
    pub fn new(base: Option<&str>, key: LinkKey) -> Self {
        let base = base
            .map(|b| b.trim().trim_end_matches('/').to_string())
            .filter(|b| !b.is_empty());
        Self { base, key }
    }

    /// The links of one request: the configured base if there is one, else `request_base`
    /// (on AWS, the API's own domain from the request context — never a client-set header).
    pub fn for_request(&self, request_base: Option<&str>) -> Cow<'_, Links> {
        match (&self.base, request_base) {
            (None, Some(base)) => Cow::Owned(Links::new(Some(base), self.key.clone())),
            _ => Cow::Borrowed(self),
        }
    }

    /// The key that derives candidate link tokens.
    pub fn key(&self) -> &LinkKey {
        &self.key
    }

    fn base(&self) -> Result<&str> {
        self.base
            .as_deref()
            .ok_or_else(|| Error::Internal("no public base URL for links".into()))
    }

    /// The candidate link carrying `token`.
    pub fn candidate_url(&self, token: &Secret) -> Result<String> {
        Ok(format!("{}/i/{}", self.base()?, token.expose()))
    }

    /// The interview's current candidate link, derived again from the link key.
    pub fn candidate(&self, interview: &Interview) -> Result<String> {
        let token = interview.current_token(&self.key).ok_or_else(|| {
            Error::Internal("the link key does not derive this interview's token".into())
        })?;
        self.candidate_url(&token)
    }

    /// The public page of a share link carrying `token`.
    pub fn share(&self, token: &Secret) -> Result<String> {
        Ok(format!("{}/s/{}", self.base()?, token.expose()))
    }

    /// `text` with every candidate link token sealed: XORed with a pad that only the link key
    /// derives (per `context` and occurrence), so text kept at rest (a replayable response)
    /// holds no live link. [`Links::open`] undoes it.
    pub fn seal(&self, text: &str, context: &str) -> String {
        self.rewrite(text, context, false)
    }

    /// `text` with every token sealed by [`Links::seal`] for `context` opened again.
    pub fn open(&self, text: &str, context: &str) -> String {
        self.rewrite(text, context, true)
    }

    fn rewrite(&self, text: &str, context: &str, opening: bool) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        const TOKEN_CHARS: usize = 43;
        // A link as it stands, and percent-encoded inside another link (share messages).
        const PLAIN: [&str; 2] = ["/i/", "%2Fi%2F"];
        let is_token_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        let markers: Vec<(String, String)> = PLAIN
            .iter()
            .map(|plain| {
                let sealed = format!("{plain}{SEALED}");
                if opening {
                    (sealed, plain.to_string())
                } else {
                    (plain.to_string(), sealed)
                }
            })
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut index = 0;
        loop {
            let next = markers
                .iter()
                .filter_map(|(from, to)| rest.find(from.as_str()).map(|at| (at, from, to)))
                .min_by_key(|(at, _, _)| *at);
            let Some((at, from, to)) = next else {
                break;
            };
            out.push_str(&rest[..at]);
            let after = &rest[at + from.len()..];
            let candidate = after.as_bytes();
            let whole = candidate.len() >= TOKEN_CHARS
                && candidate[..TOKEN_CHARS].iter().all(|b| is_token_char(*b))
                && candidate
                    .get(TOKEN_CHARS)
                    .is_none_or(|b| !is_token_char(*b));
            let bytes = whole
                .then(|| URL_SAFE_NO_PAD.decode(&after[..TOKEN_CHARS]).ok())
                .flatten()
                .filter(|b| b.len() == 32);
            match bytes {
                Some(bytes) => {
                    let pad = self.key.pad(context.as_bytes(), index);
                    index += 1;
                    let turned: Vec<u8> = bytes.iter().zip(pad).map(|(b, p)| b ^ p).collect();
                    out.push_str(to);
                    out.push_str(&URL_SAFE_NO_PAD.encode(turned));
                    rest = &after[TOKEN_CHARS..];
                }
                None => {
                    out.push_str(from);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The public application link of a position: by slug where it has one.
    pub fn apply(&self, position: &Position) -> Result<String> {
        let name = position
            .public_slug()
            .unwrap_or_else(|| position.id.to_string());
        Ok(format!("{}/apply/{name}", self.base()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_base_wins_over_the_request() {
        let key = LinkKey::new([1; 32]);
        let fixed = Links::new(Some("https://jobs.example.com/"), key.clone());
        let token = Secret::from_bytes("", [2; 32]);
        let url = fixed
            .for_request(Some("https://api.example.net"))
            .candidate_url(&token)
            .unwrap();
        assert_eq!(
            url,
            format!("https://jobs.example.com/i/{}", token.expose())
        );

        let open = Links::new(Some(""), key);
        assert!(open.candidate_url(&token).is_err(), "no base, no link");
        let url = open
            .for_request(Some("https://abc.execute-api.eu-west-1.amazonaws.com"))
            .candidate_url(&token)
            .unwrap();
        assert!(url.starts_with("https://abc.execute-api.eu-west-1.amazonaws.com/i/"));
    }

    #[test]
    fn sealed_links_hold_no_token_and_open_again_with_the_key_only() {
        let links = Links::new(Some("https://x.example"), LinkKey::new([5; 32]));
        let (a, b) = (
            Secret::from_bytes("", [1; 32]),
            Secret::from_bytes("", [2; 32]),
        );
        let text = format!(
            "{{\"url\":\"https://x.example/i/{}\",\"sms\":\"body=https%3A%2F%2Fx.example%2Fi%2F{}\",\"other\":\"https://x.example/i/{}\"}}",
            a.expose(),
            a.expose(),
            b.expose()
        );
        let sealed = links.seal(&text, "tenant/key");
        assert!(
            !sealed.contains(a.expose()) && !sealed.contains(b.expose()),
            "{sealed}"
        );
        assert_eq!(links.open(&sealed, "tenant/key"), text);
        assert_ne!(
            links.open(&sealed, "tenant/other"),
            text,
            "bound to its context"
        );
        let other_key = Links::new(Some("https://x.example"), LinkKey::new([6; 32]));
        assert_ne!(
            other_key.open(&sealed, "tenant/key"),
            text,
            "bound to the key"
        );
        assert_eq!(
            links.seal("no links here /i/short", "c"),
            "no links here /i/short"
        );
    }
}
