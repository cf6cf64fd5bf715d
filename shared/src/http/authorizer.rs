//! The API Gateway (HTTP API) Lambda authorizer: API key → tenant, with the answer in the
//! request context so recruiter functions need no lookup of their own.

use crate::app::{self, App, Caller};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

const TENANT_ID: &str = "tenantId";
const TENANT_NAME: &str = "tenantName";
const INVITE_LIMIT: &str = "monthlyInviteLimit";
const KEY_ID: &str = "keyId";
const KEY_LABEL: &str = "keyLabel";

/// The "simple response" format of HTTP API authorizers (payload format 2.0).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerResponse {
    pub is_authorized: bool,
    pub context: Value,
}

/// Decides a request from its `Authorization` header value. A failure to look the key up
/// (DynamoDB throttling, say) is an error, not a denial: API Gateway caches denials for the
/// authorizer's cache time, which would lock the tenant out; an error it answers with a 500
/// and asks again next time.
pub async fn authorize(
    app: &App,
    authorization: Option<&str>,
) -> Result<AuthorizerResponse, String> {
    let key = authorization
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    let caller = match key {
        Some(key) => app::tenants::authenticate(app, key).await,
        None => Err(app::Error::Unauthorized),
    };
    match caller {
        Ok(caller) => Ok(AuthorizerResponse {
            is_authorized: true,
            context: json!({
                TENANT_ID: caller.tenant_id,
                TENANT_NAME: caller.tenant_name,
                // HTTP API context values are strings, numbers or booleans; -1 means unlimited.
                INVITE_LIMIT: caller.monthly_invite_limit.map(i64::from).unwrap_or(-1),
                KEY_ID: caller.key_id.map(|k| k.to_string()).unwrap_or_default(),
                KEY_LABEL: caller.key_label,
            }),
        }),
        Err(app::Error::Internal(why)) => {
            tracing::error!(error = %why, "authorizer lookup failed");
            Err(format!("the API key could not be checked: {why}"))
        }
        Err(_) => Ok(AuthorizerResponse {
            is_authorized: false,
            context: json!({}),
        }),
    }
}

/// Reads back what [`authorize`] put in the context.
pub fn caller_from_context(fields: &HashMap<String, Value>) -> Option<Caller> {
    let tenant_id = fields
        .get(TENANT_ID)?
        .as_str()
        .and_then(crate::domain::TenantId::parse)?;
    let tenant_name = fields.get(TENANT_NAME)?.as_str()?.to_string();
    let limit = fields.get(INVITE_LIMIT).and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    });
    Some(Caller {
        tenant_id,
        tenant_name,
        monthly_invite_limit: limit.and_then(|l| u32::try_from(l).ok()),
        key_id: fields
            .get(KEY_ID)
            .and_then(Value::as_str)
            .and_then(crate::domain::ApiKeyId::parse),
        key_label: fields
            .get(KEY_LABEL)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_round_trips_including_string_numbers() {
        let id = crate::domain::TenantId::new();
        let fields: HashMap<String, Value> = serde_json::from_value(json!({
            "tenantId": id.to_string(), "tenantName": "Acme", "monthlyInviteLimit": "10"
        }))
        .unwrap();
        let caller = caller_from_context(&fields).unwrap();
        assert_eq!(caller.tenant_id, id);
        assert_eq!(caller.monthly_invite_limit, Some(10));
        let unlimited: HashMap<String, Value> = serde_json::from_value(json!({
            "tenantId": id.to_string(), "tenantName": "Acme", "monthlyInviteLimit": -1
        }))
        .unwrap();
        assert_eq!(
            caller_from_context(&unlimited)
                .unwrap()
                .monthly_invite_limit,
            None
        );
    }
}
