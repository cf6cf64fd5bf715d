//! `IdempotencyStore`: claims with a lease, replayed responses, expiry checked in code.

use crate::fixtures::now_seconds;
use crate::Store;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use reelview::domain::TenantId;
use reelview::ports::IdempotencyClaim::{Claimed, InProgress, Mismatch, Replay};
use reelview::ports::{IdempotencyClaim, StoredResponse};

contracts!(claims, finish_without_claim);

const LEASE: TimeDelta = TimeDelta::seconds(60);

/// One tenant's idempotency keys.
struct Keys<'a> {
    store: &'a Store,
    tenant: TenantId,
}

impl Keys<'_> {
    fn of(store: &Store) -> Keys<'_> {
        Keys {
            store,
            tenant: TenantId::new(),
        }
    }

    /// Claims `key` at `at` for a lease of [`LEASE`].
    async fn claim(&self, key: &str, fingerprint: &str, at: DateTime<Utc>) -> IdempotencyClaim {
        self.claim_until(key, fingerprint, at, at + LEASE).await
    }

    async fn claim_until(
        &self,
        key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> IdempotencyClaim {
        self.store
            .claim(self.tenant, key, fingerprint, at, until)
            .await
            .expect("claim")
    }

    async fn finish(&self, key: &str, response: &StoredResponse, keep_until: DateTime<Utc>) {
        self.store
            .finish(self.tenant, key, response, keep_until)
            .await
            .expect("finish");
    }

    async fn release(&self, key: &str) {
        self.store.release(self.tenant, key).await.expect("release");
    }
}

async fn claims(store: Store) {
    let keys = Keys::of(&store);
    let now = now_seconds();
    let lease = now + LEASE;
    let keep = now + TimeDelta::hours(24);
    let created = StoredResponse {
        status: 201,
        body: r#"{"id":"abc","name":"Zoë"}"#.into(),
    };

    assert_eq!(keys.claim("key-1", "fp-a", now).await, Claimed);
    assert_eq!(keys.claim("key-1", "fp-a", now).await, InProgress);
    // The key belongs to its tenant.
    assert_eq!(Keys::of(&store).claim("key-1", "fp-a", now).await, Claimed);

    keys.finish("key-1", &created, keep).await;
    assert_eq!(
        keys.claim("key-1", "fp-a", now).await,
        Replay(created.clone())
    );
    // The finished response outlives the lease.
    let after_lease = lease + TimeDelta::seconds(1);
    assert_eq!(
        keys.claim("key-1", "fp-a", after_lease).await,
        Replay(created.clone())
    );
    assert_eq!(keys.claim("key-1", "fp-b", now).await, Mismatch);

    keys.release("key-1").await;
    assert_eq!(keys.claim("key-1", "fp-b", now).await, Claimed);
    // Releasing an unknown key is fine.
    keys.release("never-claimed").await;

    // A lease in the past counts as absent, even for another request body.
    assert_eq!(keys.claim("key-2", "fp-a", now).await, Claimed);
    let just_before = lease - TimeDelta::seconds(1);
    assert_eq!(
        keys.claim_until("key-2", "fp-a", just_before, lease).await,
        InProgress
    );
    assert_eq!(keys.claim("key-2", "fp-b", lease).await, Claimed);

    // A finished record past its keep time counts as absent too.
    assert_eq!(keys.claim("key-3", "fp-a", now).await, Claimed);
    keys.finish("key-3", &created, keep).await;
    let after_keep = keep + TimeDelta::seconds(1);
    assert_eq!(keys.claim("key-3", "fp-a", after_keep).await, Claimed);
    assert_eq!(
        keys.claim("key-3", "fp-a", after_keep).await,
        InProgress,
        "the fresh claim replaced the expired response"
    );
}

/// `finish` for a key that holds no claim (released, or its record already deleted by TTL
/// while the request was still running) must not leave a record that breaks the key: the
/// next claim of that key simply claims it.
async fn finish_without_claim(store: Store) {
    let keys = Keys::of(&store);
    let now = now_seconds();
    let keep = now + TimeDelta::hours(24);
    let response = StoredResponse {
        status: 201,
        body: "{}".into(),
    };

    keys.finish("never-claimed", &response, keep).await;
    assert_eq!(keys.claim("never-claimed", "fp-a", now).await, Claimed);

    assert_eq!(keys.claim("released", "fp-a", now).await, Claimed);
    keys.release("released").await;
    keys.finish("released", &response, keep).await;
    assert_eq!(keys.claim("released", "fp-b", now).await, Claimed);
}
