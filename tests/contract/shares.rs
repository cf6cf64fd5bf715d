//! The share-link contract: stored under the token's hash and in the interview's list, both
//! written and revoked together.

use crate::fixtures::{new_interview, random_secret};
use crate::Store;
use chrono::{Duration as TimeDelta, Utc};
use reelview::domain::{PositionId, ShareId, ShareLink, TenantId};

contracts!(lifecycle);

async fn lifecycle(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let now = Utc::now();
    let (interview, _) = new_interview(tenant, position, "ana@example.com", None, now);
    let token = random_secret("");
    let share = ShareLink {
        tenant_id: tenant,
        id: ShareId::new(),
        interview_id: interview.id,
        token_hash: token.hash(),
        created_at: now,
        expires_at: now + TimeDelta::days(30),
        hide_contact: true,
    };
    let other = ShareLink {
        id: ShareId::new(),
        token_hash: random_secret("").hash(),
        hide_contact: false,
        ..share.clone()
    };
    store.create_share(&share).await.expect("create");
    store.create_share(&other).await.expect("create another");

    assert_eq!(
        store.share_by_token(&token.hash()).await.unwrap(),
        Some(share.clone())
    );
    let mut listed = store.shares_of(tenant, interview.id).await.unwrap();
    listed.sort_by_key(|s| s.id);
    let mut expected = vec![share.clone(), other.clone()];
    expected.sort_by_key(|s| s.id);
    assert_eq!(listed, expected);
    assert!(
        store
            .shares_of(TenantId::new(), interview.id)
            .await
            .unwrap()
            .is_empty(),
        "another tenant sees none"
    );
    assert!(
        !store
            .revoke_share(TenantId::new(), interview.id, share.id)
            .await
            .unwrap(),
        "another tenant cannot revoke"
    );

    assert!(store
        .revoke_share(tenant, interview.id, share.id)
        .await
        .unwrap());
    assert_eq!(store.share_by_token(&token.hash()).await.unwrap(), None);
    assert_eq!(
        store.shares_of(tenant, interview.id).await.unwrap(),
        vec![other]
    );
    assert!(
        !store
            .revoke_share(tenant, interview.id, share.id)
            .await
            .unwrap(),
        "revoked once"
    );
}
