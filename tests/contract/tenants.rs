//! `TenantStore`: a tenant is found by id and by the hash of the API key it was given.

use crate::fixtures::new_tenant;
use crate::Store;
use reelview::domain::{SecretHash, TenantId};

contracts!(lookups);

async fn lookups(store: Store) {
    let (acme, acme_key) = new_tenant("Acme");
    let (globex, globex_key) = new_tenant("Globex");
    store.create_tenant(&acme).await.expect("create acme");
    store.create_tenant(&globex).await.expect("create globex");

    assert_eq!(store.get_tenant(acme.id).await.unwrap(), Some(acme.clone()));
    assert_eq!(
        store.get_tenant(globex.id).await.unwrap(),
        Some(globex.clone())
    );
    assert_eq!(store.get_tenant(TenantId::new()).await.unwrap(), None);

    // Authentication hashes whatever the client presented and looks the hash up.
    let presented = SecretHash::of(acme_key.expose());
    assert_eq!(
        store.tenant_by_api_key(&presented).await.unwrap(),
        Some(acme.clone())
    );
    assert_eq!(
        store.tenant_by_api_key(&globex_key.hash()).await.unwrap(),
        Some(globex)
    );
    assert_eq!(
        store
            .tenant_by_api_key(&SecretHash::of("rv_live_not-a-key"))
            .await
            .unwrap(),
        None
    );
    // The stored hash is not itself a key: presenting it finds nothing.
    assert_eq!(
        store
            .tenant_by_api_key(&SecretHash::of(acme.api_key_hash.as_str()))
            .await
            .unwrap(),
        None
    );
}
