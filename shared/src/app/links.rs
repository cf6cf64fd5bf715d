//! Every public URL the product hands out: candidate links (and, as they come, apply, share
//! and playback links). One `Links` value is built at start-up from the public base URL and
//! the link key; nothing else formats a public URL.

use super::{Error, Result};
use crate::domain::{Interview, LinkKey, Position, Secret};
use std::borrow::Cow;

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

    /// The public application link of a position: by slug where it has one.
    pub fn apply(&self, position: &Position) -> Result<String> {
        let name = match &position.slug {
            Some(slug) => slug.clone(),
            None => position.id.to_string(),
        };
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
}
