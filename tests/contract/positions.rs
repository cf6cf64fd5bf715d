//! `PositionStore`: positions are tenant-scoped, their slugs unique within the tenant (each
//! tenant's public slugs live in a namespace of their own), and updates are version-checked
//! by the store.

use crate::fixtures::{line, new_position};
use crate::Store;
use reelview::domain::{public_slug, Position, PositionId, PositionStatus, TenantId};
use reelview::ports::PositionWriteError;

contracts!(create_and_lookup, updates, versioning, paging_and_counts);

fn sorted_ids(positions: &[Position]) -> Vec<PositionId> {
    let mut ids: Vec<PositionId> = positions.iter().map(|p| p.id).collect();
    ids.sort();
    ids
}

/// Two tenants' positions: acme's `backend` (slug `backend-engineer`) and `designer` (no
/// slug), and globex's `theirs` (slug `accountant`).
struct Seeded {
    acme: TenantId,
    globex: TenantId,
    backend: Position,
    designer: Position,
    theirs: Position,
}

async fn seed(store: &Store) -> Seeded {
    let acme = TenantId::new();
    let globex = TenantId::new();
    let backend = new_position(acme, "Backend Engineer", Some("backend-engineer"));
    let designer = new_position(acme, "Designer", None);
    let theirs = new_position(globex, "Accountant", Some("accountant"));
    for position in [&backend, &designer, &theirs] {
        store.create_position(position).await.expect("create");
    }
    Seeded {
        acme,
        globex,
        backend,
        designer,
        theirs,
    }
}

/// Replaces `previous` by `next` and checks the answer: `next` whole, at the version after
/// `previous`'s (whatever version `next` carries), and what a read finds from now on.
async fn update(store: &Store, previous: &Position, next: &Position) -> Position {
    let stored = store
        .update_position(previous, next)
        .await
        .expect("a fresh update is written");
    assert_eq!(
        stored,
        Position {
            version: previous.version + 1,
            ..next.clone()
        },
        "the store bumps the version by exactly one"
    );
    assert_eq!(
        store.get_position(next.tenant_id, next.id).await.unwrap(),
        Some(stored.clone())
    );
    stored
}

/// The position `tenant` holds under `slug`, looked up the way the public apply link does.
async fn by_slug(store: &Store, tenant: TenantId, slug: &str) -> Option<Position> {
    store
        .position_by_slug(&public_slug(tenant, slug))
        .await
        .unwrap()
}

/// `position` moved to `slug` (or off its slug, with `None`).
fn with_slug(position: &Position, slug: Option<&str>) -> Position {
    Position {
        slug: slug.map(str::to_string),
        ..position.clone()
    }
}

/// Asserts that replacing `previous` by `next` is refused with `error` and that the position
/// is still stored as `unchanged`.
async fn assert_refused(
    store: &Store,
    (previous, next): (&Position, &Position),
    error: PositionWriteError,
    unchanged: &Position,
) {
    assert_eq!(
        store.update_position(previous, next).await,
        Err(error),
        "read at version {}, slug {:?} -> {:?}",
        previous.version,
        previous.slug,
        next.slug
    );
    assert_eq!(
        store
            .get_position(unchanged.tenant_id, unchanged.id)
            .await
            .unwrap(),
        Some(unchanged.clone()),
        "a refused write changes nothing"
    );
}

async fn create_and_lookup(store: Store) {
    let Seeded {
        acme,
        globex,
        backend,
        designer,
        theirs,
    } = seed(&store).await;

    assert_eq!(
        store.get_position(acme, backend.id).await.unwrap(),
        Some(backend.clone())
    );
    assert_eq!(
        store.get_position(acme, designer.id).await.unwrap(),
        Some(designer.clone())
    );
    // Another tenant's position does not exist for this tenant.
    assert_eq!(store.get_position(acme, theirs.id).await.unwrap(), None);
    assert_eq!(store.get_position(globex, backend.id).await.unwrap(), None);
    assert_eq!(
        store.get_position(acme, PositionId::new()).await.unwrap(),
        None
    );

    // Listing shows only the tenant's own positions, complete.
    let listed = store.list_positions(acme, None, 100).await.unwrap().items;
    assert_eq!(
        sorted_ids(&listed),
        sorted_ids(&[backend.clone(), designer.clone()])
    );
    let listed_backend = listed.iter().find(|p| p.id == backend.id).unwrap();
    assert_eq!(listed_backend, &backend);
    assert_eq!(
        store.list_positions(globex, None, 100).await.unwrap().items,
        vec![theirs.clone()]
    );
    assert!(store
        .list_positions(TenantId::new(), None, 100)
        .await
        .unwrap()
        .items
        .is_empty());

    // Public lookups cross tenants.
    assert_eq!(
        by_slug(&store, acme, "backend-engineer").await,
        Some(backend.clone())
    );
    assert_eq!(
        by_slug(&store, globex, "accountant").await,
        Some(theirs.clone())
    );
    assert_eq!(by_slug(&store, acme, "no-such-slug").await, None);
    assert_eq!(
        by_slug(&store, acme, "accountant").await,
        None,
        "a slug is found only in its own tenant's namespace"
    );
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        None,
        "a bare slug names no position"
    );
    assert_eq!(
        store.position_by_id(designer.id).await.unwrap(),
        Some(designer.clone())
    );
    assert_eq!(
        store.position_by_id(theirs.id).await.unwrap(),
        Some(theirs.clone())
    );
    assert_eq!(store.position_by_id(PositionId::new()).await.unwrap(), None);

    // A slug is unique within its tenant, and a refused create stores nothing.
    let copycat = new_position(acme, "Copycat", Some("backend-engineer"));
    assert_eq!(
        store.create_position(&copycat).await,
        Err(PositionWriteError::SlugTaken)
    );
    assert_eq!(store.get_position(acme, copycat.id).await.unwrap(), None);
    assert_eq!(store.position_by_id(copycat.id).await.unwrap(), None);
    assert_eq!(
        by_slug(&store, acme, "backend-engineer").await,
        Some(backend.clone())
    );
    // Another tenant can neither squat nor probe it: the same slug is simply its own.
    let namesake = new_position(globex, "Backend", Some("backend-engineer"));
    store.create_position(&namesake).await.unwrap();
    assert_eq!(
        by_slug(&store, globex, "backend-engineer").await,
        Some(namesake.clone())
    );
    assert_eq!(
        by_slug(&store, acme, "backend-engineer").await,
        Some(backend)
    );
    assert_eq!(
        sorted_ids(&store.list_positions(globex, None, 100).await.unwrap().items),
        sorted_ids(&[theirs, namesake])
    );
}

async fn updates(store: Store) {
    let Seeded {
        acme,
        globex,
        backend,
        designer,
        theirs,
        ..
    } = seed(&store).await;
    use PositionWriteError::{Conflict, SlugTaken};

    // Archive through an update.
    let mut archive = backend.clone();
    archive.status = PositionStatus::Archived;
    let archived = update(&store, &backend, &archive).await;
    assert!(archived.is_archived());
    assert_eq!(
        by_slug(&store, acme, "backend-engineer").await,
        Some(archived.clone())
    );
    assert_eq!(
        store.position_by_id(backend.id).await.unwrap(),
        Some(archived.clone())
    );

    // An update based on a stale read is refused and changes nothing.
    let mut stale = backend.clone();
    stale.name = line("Stale Engineer");
    assert_refused(&store, (&backend, &stale), Conflict, &archived).await;

    // Changing the slug moves the claim: the old slug is free, the new one resolves.
    let rename = with_slug(&archived, Some("platform-engineer"));
    let renamed = update(&store, &archived, &rename).await;
    assert_eq!(by_slug(&store, acme, "backend-engineer").await, None);
    assert_eq!(
        by_slug(&store, acme, "platform-engineer").await,
        Some(renamed.clone())
    );
    let reuse = new_position(acme, "Backend", Some("backend-engineer"));
    store
        .create_position(&reuse)
        .await
        .expect("a released slug can be claimed again");
    assert_eq!(by_slug(&store, acme, "backend-engineer").await, Some(reuse));

    // Moving onto a slug another position of the tenant holds is refused and changes nothing.
    let grab = with_slug(&designer, Some("platform-engineer"));
    assert_refused(&store, (&designer, &grab), SlugTaken, &designer).await;
    assert_eq!(
        by_slug(&store, acme, "platform-engineer").await,
        Some(renamed)
    );
    // Another tenant's slug is no obstacle.
    let namesake = with_slug(&designer, Some("accountant"));
    update(&store, &designer, &namesake).await;
    assert_eq!(by_slug(&store, globex, "accountant").await, Some(theirs));
}

/// The store owns the version: a write based on the stored version is written and bumps it by
/// exactly one; any other is refused as a whole, slug move included.
async fn versioning(store: Store) {
    use PositionWriteError::{Conflict, SlugTaken};
    let tenant = TenantId::new();
    let read = new_position(tenant, "Backend Engineer", Some("backend"));
    let holder = new_position(tenant, "Holder", Some("taken"));
    store.create_position(&read).await.unwrap();
    store.create_position(&holder).await.unwrap();

    // `next`'s own version is not what gets stored.
    let mut rename = read.clone();
    rename.name = line("Platform Engineer");
    rename.version = 41;
    let first = update(&store, &read, &rename).await;
    assert_eq!(first.version, read.version + 1);

    // The copy read before that write is stale; so is a version the store never had.
    let mut stale = read.clone();
    stale.name = line("Stale");
    assert_refused(&store, (&read, &stale), Conflict, &first).await;
    let ahead = Position {
        version: first.version + 1,
        ..first.clone()
    };
    assert_refused(&store, (&ahead, &stale), Conflict, &first).await;
    // A stale slug move (or slug removal) is refused with the write: the new slug is not
    // claimed and the old one not released.
    for slug in [Some("moved"), None] {
        let next = with_slug(&read, slug);
        assert_refused(&store, (&read, &next), Conflict, &first).await;
    }
    assert_eq!(
        by_slug(&store, tenant, "backend").await,
        Some(first.clone())
    );
    assert_eq!(by_slug(&store, tenant, "moved").await, None);

    // A fresh slug move is written (onto the slug the stale one did not claim).
    let second = update(&store, &first, &with_slug(&first, Some("moved"))).await;
    assert_eq!(second.version, first.version + 1);
    assert_eq!(by_slug(&store, tenant, "moved").await, Some(second.clone()));
    assert_eq!(by_slug(&store, tenant, "backend").await, None);

    // Once another position holds the released slug, a stale writer that still thinks it
    // holds it cannot release it: its whole write is refused.
    let successor = new_position(tenant, "Successor", Some("backend"));
    store.create_position(&successor).await.unwrap();
    let late = with_slug(&first, Some("late"));
    assert_refused(&store, (&first, &late), Conflict, &second).await;
    assert_eq!(by_slug(&store, tenant, "backend").await, Some(successor));
    assert_eq!(by_slug(&store, tenant, "late").await, None);
    assert_eq!(by_slug(&store, tenant, "moved").await, Some(second.clone()));

    // A fresh write refused for its slug uses up no version.
    let grab = with_slug(&second, Some("taken"));
    assert_refused(&store, (&second, &grab), SlugTaken, &second).await;
    let mut archive = second.clone();
    archive.status = PositionStatus::Archived;
    let third = update(&store, &second, &archive).await;
    assert_eq!(third.version, second.version + 1);

    // An update never creates, not even its slug claim.
    let ghost = new_position(tenant, "Ghost", Some("ghost"));
    for next in [ghost.clone(), with_slug(&ghost, Some("haunt"))] {
        assert_eq!(
            store.update_position(&ghost, &next).await,
            Err(Conflict),
            "slug {:?}",
            next.slug
        );
    }
    assert_eq!(store.get_position(tenant, ghost.id).await.unwrap(), None);
    assert_eq!(store.position_by_id(ghost.id).await.unwrap(), None);
    assert_eq!(by_slug(&store, tenant, "haunt").await, None);
}

/// Positions list a page at a time, oldest first, with a cursor only while more follow; the
/// counts of a page come in one batch read, zeros where a position has no interviews.
async fn paging_and_counts(store: Store) {
    let acme = TenantId::new();
    let mut created = Vec::new();
    for i in 0..5 {
        let position = new_position(acme, &format!("Role {i}"), None);
        store.create_position(&position).await.unwrap();
        created.push(position.id);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_positions(acme, cursor.as_deref(), 2)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|p| p.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, created, "oldest first, each once");
    assert_eq!(pages, 3);
    assert_eq!(
        store.list_positions(acme, Some("garbage"), 2).await.err(),
        Some(reelview::ports::ListError::InvalidCursor)
    );

    let (interview, _) = crate::fixtures::new_interview(
        acme,
        created[1],
        "ana@example.com",
        None,
        chrono::Utc::now(),
    );
    store.create_interview(&interview, None).await.unwrap();
    let counts = store
        .counts_of(acme, &[created[0], created[1]])
        .await
        .unwrap();
    assert_eq!(counts[0], Default::default());
    assert_eq!((counts[1].invited, counts[1].to_evaluate), (1, 1));
}
