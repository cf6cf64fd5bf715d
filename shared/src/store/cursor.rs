//! Listing cursors: where the previous page ended, as opaque base64url JSON. A cursor is
//! accepted only for the listing that issued it, so it can never steer a query elsewhere.

use super::engine::IndexPosition;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode(position: &IndexPosition) -> String {
    let parts = [&position.sort, &position.pk, &position.sk];
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&parts).unwrap_or_default())
}

/// Decodes a cursor of the listing whose items live in partition `pk` with sort keys
/// starting `sk_prefix`, and whose index sort keys are valid for `valid_sort`.
pub fn decode(
    cursor: &str,
    pk: &str,
    sk_prefix: &str,
    valid_sort: impl Fn(&str) -> bool,
) -> Option<IndexPosition> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let [sort, item_pk, sk]: [String; 3] = serde_json::from_slice(&bytes).ok()?;
    (item_pk == pk && sk.starts_with(sk_prefix) && valid_sort(&sort)).then_some(IndexPosition {
        sort,
        pk: item_pk,
        sk,
    })
}
