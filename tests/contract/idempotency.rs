//! `IdempotencyStore`: claims with a lease, replayed responses, expiry checked in code.

use crate::fixtures::now_seconds;
use crate::Store;
use chrono::Duration as TimeDelta;
use reelview::domain::TenantId;
use reelview::ports::{IdempotencyClaim, IdempotencyStore, StoredResponse};

contracts!(claims, finish_without_claim);

async fn claims(store: Store) {
    let tenant = TenantId::new();
    let now = now_seconds();
    let lease = now + TimeDelta::seconds(60);
    let keep = now + TimeDelta::hours(24);
    let created = StoredResponse {
        status: 201,
        body: r#"{"id":"abc","name":"Zoë"}"#.into(),
    };

    assert_eq!(
        store
            .claim(tenant, "key-1", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        store
            .claim(tenant, "key-1", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
    // The key belongs to its tenant.
    assert_eq!(
        store
            .claim(TenantId::new(), "key-1", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );

    store
        .finish(tenant, "key-1", &created, keep)
        .await
        .expect("finish");
    assert_eq!(
        store
            .claim(tenant, "key-1", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Replay(created.clone())
    );
    // The finished response outlives the lease.
    let after_lease = lease + TimeDelta::seconds(1);
    assert_eq!(
        store
            .claim(
                tenant,
                "key-1",
                "fp-a",
                after_lease,
                after_lease + TimeDelta::seconds(60)
            )
            .await
            .unwrap(),
        IdempotencyClaim::Replay(created.clone())
    );
    assert_eq!(
        store
            .claim(tenant, "key-1", "fp-b", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Mismatch
    );

    store.release(tenant, "key-1").await.expect("release");
    assert_eq!(
        store
            .claim(tenant, "key-1", "fp-b", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    store
        .release(tenant, "never-claimed")
        .await
        .expect("releasing an unknown key is fine");

    // A lease in the past counts as absent, even for another request body.
    assert_eq!(
        store
            .claim(tenant, "key-2", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    let just_before = lease - TimeDelta::seconds(1);
    assert_eq!(
        store
            .claim(tenant, "key-2", "fp-a", just_before, lease)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        store
            .claim(
                tenant,
                "key-2",
                "fp-b",
                lease,
                lease + TimeDelta::seconds(60)
            )
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );

    // A finished record past its keep time counts as absent too.
    assert_eq!(
        store
            .claim(tenant, "key-3", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    store.finish(tenant, "key-3", &created, keep).await.unwrap();
    let after_keep = keep + TimeDelta::seconds(1);
    assert_eq!(
        store
            .claim(
                tenant,
                "key-3",
                "fp-a",
                after_keep,
                after_keep + TimeDelta::seconds(60)
            )
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        store
            .claim(
                tenant,
                "key-3",
                "fp-a",
                after_keep,
                after_keep + TimeDelta::seconds(60)
            )
            .await
            .unwrap(),
        IdempotencyClaim::InProgress,
        "the fresh claim replaced the expired response"
    );
}

/// `finish` for a key that holds no claim (released, or its record already deleted by TTL
/// while the request was still running) must not leave a record that breaks the key: the
/// next claim of that key simply claims it.
async fn finish_without_claim(store: Store) {
    let tenant = TenantId::new();
    let now = now_seconds();
    let lease = now + TimeDelta::seconds(60);
    let response = StoredResponse {
        status: 201,
        body: "{}".into(),
    };

    store
        .finish(
            tenant,
            "never-claimed",
            &response,
            now + TimeDelta::hours(24),
        )
        .await
        .expect("finish");
    assert_eq!(
        store
            .claim(tenant, "never-claimed", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );

    assert_eq!(
        store
            .claim(tenant, "released", "fp-a", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    store.release(tenant, "released").await.unwrap();
    store
        .finish(tenant, "released", &response, now + TimeDelta::hours(24))
        .await
        .expect("finish");
    assert_eq!(
        store
            .claim(tenant, "released", "fp-b", now, lease)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
}
