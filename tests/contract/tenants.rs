//! `TenantStore`: a tenant is found by id, and a key (with its tenant) by the hash of the key;
//! a tenant's keys are listed, touched and revoked.

use crate::fixtures::{new_key, new_tenant, now_seconds};
use crate::Store;
use chrono::Duration as TimeDelta;
use reelview::domain::{ApiKeyId, RetentionDays, SecretHash, TenantId};

contracts!(lookups, keys, retention);

async fn lookups(store: Store) {
    let (acme, acme_key, acme_secret) = new_tenant("Acme");
    let (globex, globex_key, globex_secret) = new_tenant("Globex");
    store
        .create_tenant(&acme, &acme_key)
        .await
        .expect("create acme");
    store
        .create_tenant(&globex, &globex_key)
        .await
        .expect("create globex");

    assert_eq!(store.get_tenant(acme.id).await.unwrap(), Some(acme.clone()));
    assert_eq!(
        store.get_tenant(globex.id).await.unwrap(),
        Some(globex.clone())
    );
    assert_eq!(store.get_tenant(TenantId::new()).await.unwrap(), None);

    // Authentication hashes whatever the client presented and looks the hash up.
    let presented = SecretHash::of(acme_secret.expose());
    assert_eq!(
        store.key_by_hash(&presented).await.unwrap(),
        Some((acme.clone(), acme_key.clone()))
    );
    assert_eq!(
        store.key_by_hash(&globex_secret.hash()).await.unwrap(),
        Some((globex, globex_key))
    );
    assert_eq!(
        store
            .key_by_hash(&SecretHash::of("rv_live_not-a-key"))
            .await
            .unwrap(),
        None
    );
    // The stored hash is not itself a key: presenting it finds nothing.
    assert_eq!(
        store
            .key_by_hash(&SecretHash::of(acme_key.key_hash.as_str()))
            .await
            .unwrap(),
        None
    );
}

async fn keys(store: Store) {
    let (acme, first, _) = new_tenant("Acme");
    store.create_tenant(&acme, &first).await.unwrap();
    let (second, second_secret) = new_key(&acme, "ATS integration");
    store.add_key(&acme, &second).await.expect("add a key");
    let (other, other_first, _) = new_tenant("Globex");
    store.create_tenant(&other, &other_first).await.unwrap();

    let mut listed = store.keys_of(acme.id).await.unwrap();
    listed.sort_by_key(|k| k.id);
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort_by_key(|k| k.id);
    assert_eq!(listed, expected, "only acme's keys");

    // Last use is recorded on both copies: the list and the lookup.
    let used = now_seconds() + TimeDelta::minutes(3);
    store.touch_key(&second, used).await.unwrap();
    let (_, looked_up) = store
        .key_by_hash(&second_secret.hash())
        .await
        .unwrap()
        .expect("still a key");
    assert_eq!(looked_up.last_used_at, Some(used));
    let listed = store.keys_of(acme.id).await.unwrap();
    let listed_second = listed.iter().find(|k| k.id == second.id).unwrap();
    assert_eq!(listed_second.last_used_at, Some(used));

    // Another tenant cannot revoke it; its owner can, once.
    assert!(!store.revoke_key(other.id, second.id).await.unwrap());
    assert!(!store.revoke_key(acme.id, ApiKeyId::new()).await.unwrap());
    assert!(store.revoke_key(acme.id, second.id).await.unwrap());
    assert!(!store.revoke_key(acme.id, second.id).await.unwrap());
    assert_eq!(
        store.key_by_hash(&second_secret.hash()).await.unwrap(),
        None
    );
    assert_eq!(store.keys_of(acme.id).await.unwrap(), vec![first]);
    // Touching a revoked key does not bring it back.
    store.touch_key(&second, used).await.unwrap();
    assert_eq!(
        store.key_by_hash(&second_secret.hash()).await.unwrap(),
        None
    );
    assert_eq!(store.keys_of(acme.id).await.unwrap().len(), 1);
}

/// A retention period is set on the tenant and enters it in the retention job's list (one
/// query); clearing it takes it off; an unknown tenant is refused and listed nowhere.
async fn retention(store: Store) {
    let (acme, acme_key, _) = new_tenant("Acme");
    let (globex, globex_key, _) = new_tenant("Globex");
    store.create_tenant(&acme, &acme_key).await.unwrap();
    store.create_tenant(&globex, &globex_key).await.unwrap();
    assert_eq!(store.tenants_with_retention().await.unwrap(), vec![]);

    let month = RetentionDays::parse(30).unwrap();
    assert!(store.set_retention(acme.id, Some(month)).await.unwrap());
    let stored = store.get_tenant(acme.id).await.unwrap().unwrap();
    assert_eq!(stored.retention_days, Some(month));
    assert_eq!(stored.name, acme.name, "nothing else of the tenant changes");
    assert_eq!(
        store.tenants_with_retention().await.unwrap(),
        vec![(acme.id, month)]
    );
    let year = RetentionDays::parse(365).unwrap();
    assert!(store.set_retention(acme.id, Some(year)).await.unwrap());
    assert_eq!(
        store.tenants_with_retention().await.unwrap(),
        vec![(acme.id, year)]
    );

    assert!(store.set_retention(acme.id, None).await.unwrap());
    assert_eq!(
        store
            .get_tenant(acme.id)
            .await
            .unwrap()
            .unwrap()
            .retention_days,
        None
    );
    assert_eq!(store.tenants_with_retention().await.unwrap(), vec![]);

    let unknown = TenantId::new();
    assert!(!store.set_retention(unknown, Some(month)).await.unwrap());
    assert_eq!(store.get_tenant(unknown).await.unwrap(), None);
    assert_eq!(store.tenants_with_retention().await.unwrap(), vec![]);
}
