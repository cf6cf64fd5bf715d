//! `SuppressionStore`: an address a tenant no longer emails is found by the tenant and the
//! normalised address; the first record of an address stays; other tenants are unaffected.

use crate::fixtures::now_seconds;
use crate::Store;
use chrono::Duration as TimeDelta;
use reelview::domain::{InterviewId, Suppression, SuppressionReason, TenantId};

contracts!(first_reason_stays, per_tenant);

fn bounced(tenant: TenantId, email: &str) -> Suppression {
    Suppression {
        tenant_id: tenant,
        email: email.into(),
        reason: SuppressionReason::HardBounce,
        // Non-ASCII and quotes, as mail servers write them.
        detail: "The address does not exist (hard bounce). The server said: “550 5.1.1 \
                 <zoë@exämple.com>… user unknown”."
            .into(),
        at: now_seconds(),
        interview_id: Some(InterviewId::new()),
    }
}

async fn first_reason_stays(store: Store) {
    let tenant = TenantId::new();
    assert_eq!(
        store.suppression(tenant, "ana@example.com").await.unwrap(),
        None
    );
    let first = bounced(tenant, "ana@example.com");
    assert!(store.suppress(&first).await.unwrap(), "a new suppression");
    assert_eq!(
        store.suppression(tenant, "ana@example.com").await.unwrap(),
        Some(first.clone())
    );

    // The same report delivered again, or a complaint after the bounce: the first stays.
    assert!(!store.suppress(&first).await.unwrap());
    let complaint = Suppression {
        reason: SuppressionReason::Complaint,
        detail: "The candidate reported the invitation as spam.".into(),
        at: first.at + TimeDelta::hours(1),
        interview_id: None,
        ..first.clone()
    };
    assert!(!store.suppress(&complaint).await.unwrap());
    assert_eq!(
        store.suppression(tenant, "ana@example.com").await.unwrap(),
        Some(first)
    );
    assert_eq!(
        store.suppression(tenant, "bea@example.com").await.unwrap(),
        None,
        "only that address"
    );
}

async fn per_tenant(store: Store) {
    let (acme, globex) = (TenantId::new(), TenantId::new());
    let complaint = Suppression {
        reason: SuppressionReason::Complaint,
        interview_id: None,
        ..bounced(acme, "ana@example.com")
    };
    assert!(store.suppress(&complaint).await.unwrap());
    assert_eq!(
        store.suppression(globex, "ana@example.com").await.unwrap(),
        None,
        "another tenant may still email the address"
    );
    // Each tenant keeps its own record of the same address.
    let theirs = bounced(globex, "ana@example.com");
    assert!(store.suppress(&theirs).await.unwrap());
    assert_eq!(
        store.suppression(globex, "ana@example.com").await.unwrap(),
        Some(theirs)
    );
    assert_eq!(
        store.suppression(acme, "ana@example.com").await.unwrap(),
        Some(complaint)
    );
}
