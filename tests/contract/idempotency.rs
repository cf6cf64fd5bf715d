//! `IdempotencyStore`: claims with a lease, replayed responses, expiry checked in code.

use crate::fixtures::now_seconds;
use crate::Store;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use reelview::domain::TenantId;
use reelview::ports::IdempotencyClaim::{Claimed, InProgress, Mismatch, Replay};
use reelview::ports::{IdempotencyClaim, Lease, StoredResponse};

contracts!(claims, finish_without_claim, only_the_holder_finishes);

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

    async fn finish(
        &self,
        key: &str,
        lease: &Lease,
        response: &StoredResponse,
        keep_until: DateTime<Utc>,
    ) {
        self.store
            .finish(self.tenant, key, lease, response, keep_until)
            .await
            .expect("finish");
    }

    async fn release(&self, key: &str, lease: &Lease) {
        self.store
            .release(self.tenant, key, lease)
            .await
            .expect("release");
    }
}

/// The lease of a claim that must have succeeded.
fn claimed(claim: IdempotencyClaim) -> Lease {
    match claim {
        Claimed(lease) => lease,
        other => panic!("expected a claim, got {other:?}"),
    }
}

fn someone_else() -> Lease {
    Lease("not-the-holder".into())
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

    let first = claimed(keys.claim("key-1", "fp-a", now).await);
    assert_eq!(keys.claim("key-1", "fp-a", now).await, InProgress);
    // The key belongs to its tenant.
    claimed(Keys::of(&store).claim("key-1", "fp-a", now).await);

    keys.finish("key-1", &first, &created, keep).await;
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

    keys.release("key-1", &first).await;
    claimed(keys.claim("key-1", "fp-b", now).await);
    // Releasing an unknown key is fine.
    keys.release("never-claimed", &first).await;

    // A lease in the past counts as absent, even for another request body.
    claimed(keys.claim("key-2", "fp-a", now).await);
    let just_before = lease - TimeDelta::seconds(1);
    assert_eq!(
        keys.claim_until("key-2", "fp-a", just_before, lease).await,
        InProgress
    );
    claimed(keys.claim("key-2", "fp-b", lease).await);

    // A finished record past its keep time counts as absent too.
    let third = claimed(keys.claim("key-3", "fp-a", now).await);
    keys.finish("key-3", &third, &created, keep).await;
    let after_keep = keep + TimeDelta::seconds(1);
    claimed(keys.claim("key-3", "fp-a", after_keep).await);
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

    keys.finish("never-claimed", &someone_else(), &response, keep)
        .await;
    claimed(keys.claim("never-claimed", "fp-a", now).await);

    let lease = claimed(keys.claim("released", "fp-a", now).await);
    keys.release("released", &lease).await;
    keys.finish("released", &lease, &response, keep).await;
    claimed(keys.claim("released", "fp-b", now).await);
}

/// A request whose lease ran out, and whose key another request then claimed, can neither
/// finish nor free the newer claim: the newer request's answer is the one replayed.
async fn only_the_holder_finishes(store: Store) {
    let keys = Keys::of(&store);
    let now = now_seconds();
    let keep = now + TimeDelta::hours(24);
    let answer = |body: &str| StoredResponse {
        status: 201,
        body: body.into(),
    };

    let slow = claimed(keys.claim("key", "fp", now).await);
    let later = now + LEASE + TimeDelta::seconds(1);
    let successor = claimed(keys.claim("key", "fp", later).await);
    keys.finish("key", &slow, &answer("slow"), keep).await;
    keys.release("key", &slow).await;
    assert_eq!(
        keys.claim("key", "fp", later).await,
        InProgress,
        "the successor still holds the key"
    );
    keys.finish("key", &successor, &answer("successor"), keep)
        .await;
    keys.finish("key", &slow, &answer("slow"), keep).await;
    assert_eq!(
        keys.claim("key", "fp", later).await,
        Replay(answer("successor"))
    );
}
