//! `InterviewStore`: interviews with their lookups (token, email), the per-position guards,
//! the monthly quota, version-checked updates and link rotation, and the paged listing.

use crate::fixtures::{line, new_interview, new_position, random_secret};
use crate::Store;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use reelview::domain::{
    object_key, Answer, EmailDelivery, EmailStatus, Interview, InterviewStatus, PositionId,
    QuestionId, QuestionProgress, Secret, SecretHash, TenantId, Upload, UploadId, UploadMethod,
    UploadState,
};
use reelview::domain::{BounceKind, EmailTracking, Score, Stage, TranscriptStatus};
use reelview::ports::{
    CreateInterviewError, InterviewQuery, ListError, Page, QuotaCharge, UpdateError,
};

contracts!(
    lookups_and_guards,
    versioning,
    link_rotation,
    quota,
    quota_of_zero,
    listing,
    listing_ends_on_a_page_boundary,
    cursor,
    filtered_listing,
    selective_filters_read_a_bounded_page,
    ended_index,
    a_link_reads_its_position_too,
);

/// Ana's email as every lookup presents it: normalised.
const ANA: &str = "ana.silva@example.com";

/// Invites Ana (email in mixed case, externalId `ats-1`) to a new position of a new tenant.
async fn invite_ana(store: &Store, now: DateTime<Utc>) -> (Interview, Secret) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let (ana, token) = new_interview(
        tenant,
        position,
        "Ana.Silva@Example.com",
        Some("ats-1"),
        now,
    );
    store.create_interview(&ana, None).await.expect("create");
    (ana, token)
}

async fn by_email(
    store: &Store,
    tenant: TenantId,
    position: PositionId,
    email: &str,
) -> Option<Interview> {
    store
        .interview_by_email(tenant, position, email)
        .await
        .unwrap()
}

async fn by_token(store: &Store, token: &Secret) -> Option<Interview> {
    let found = store.interview_by_token(&token.hash()).await.unwrap();
    found.map(|(interview, _position)| interview)
}

/// Asserts every lookup finds `expected` as it is: by id, by link `token` and by `email`.
async fn assert_found(store: &Store, expected: &Interview, token: &Secret, email: &str) {
    let (tenant, position) = (expected.tenant_id, expected.position_id);
    let found = Some(expected.clone());
    let by_id = store.get_interview(tenant, expected.id).await.unwrap();
    assert_eq!(by_id, found, "by id");
    assert_eq!(by_token(store, token).await, found, "by token");
    assert_eq!(
        by_email(store, tenant, position, email).await,
        found,
        "by email"
    );
}

/// Asserts `interview` was not stored under any of its lookups.
async fn assert_not_stored(store: &Store, interview: &Interview, token: &Secret) {
    assert_eq!(
        store
            .get_interview(interview.tenant_id, interview.id)
            .await
            .unwrap(),
        None,
        "a refused interview must not be stored"
    );
    assert_eq!(
        by_token(store, token).await,
        None,
        "a refused interview's token must not open anything"
    );
}

/// Asserts that creating `interview` (charging `quota`) is refused with `error` and that
/// nothing of it was stored.
async fn assert_create_refused(
    store: &Store,
    (interview, token): &(Interview, Secret),
    quota: Option<&QuotaCharge>,
    error: CreateInterviewError,
) {
    assert_eq!(store.create_interview(interview, quota).await, Err(error));
    assert_not_stored(store, interview, token).await;
}

/// `interview` as the store answers a write of it: at the version after the one it was read at.
/// `interview` as the store writes it: its version bumped by one, and counted in its
/// position's counts under its status and stage.
fn bumped(interview: &Interview) -> Interview {
    Interview {
        version: interview.version + 1,
        counted_as: Some(interview.tally()),
        ..interview.clone()
    }
}

/// Creates `count` interviews of `position`, one second apart, oldest first.
async fn create_candidates(
    store: &Store,
    tenant: TenantId,
    position: PositionId,
    count: i64,
) -> Vec<Interview> {
    let start = Utc::now();
    let mut created = Vec::new();
    for i in 0..count {
        let (interview, _) = new_interview(
            tenant,
            position,
            &format!("candidate{i}@example.com"),
            None,
            start + TimeDelta::seconds(i),
        );
        store.create_interview(&interview, None).await.unwrap();
        created.push(interview);
    }
    // In listing order: newest first.
    created.reverse();
    created
}

/// The query of one unfiltered page.
fn page_of(cursor: Option<&str>, limit: u32) -> InterviewQuery {
    InterviewQuery {
        cursor: cursor.map(str::to_string),
        limit,
        now: Utc::now(),
        ..InterviewQuery::default()
    }
}

async fn lookups_and_guards(store: Store) {
    let now = Utc::now();
    let (ana, ana_token) = invite_ana(&store, now).await;
    let (tenant, position) = (ana.tenant_id, ana.position_id);
    let other_position = PositionId::new();
    assert_found(&store, &ana, &ana_token, ANA).await;
    assert_eq!(
        store.get_interview(TenantId::new(), ana.id).await.unwrap(),
        None,
        "another tenant cannot read the interview"
    );
    assert_eq!(by_email(&store, tenant, other_position, ANA).await, None);
    assert_eq!(
        store
            .interview_by_token(&SecretHash::of("not-a-token"))
            .await
            .unwrap()
            .map(|(interview, _position)| interview),
        None
    );

    // One interview per (position, email), compared case-insensitively; a refused create
    // writes nothing at all (not its token, not its externalId guard).
    let twin = new_interview(
        tenant,
        position,
        "ANA.SILVA@example.COM",
        Some("ats-twin"),
        now,
    );
    assert_create_refused(&store, &twin, None, CreateInterviewError::EmailTaken).await;
    assert_eq!(by_email(&store, tenant, position, ANA).await, Some(ana));
    let (bea, _) = new_interview(tenant, position, "bea@example.com", Some("ats-twin"), now);
    store
        .create_interview(&bea, None)
        .await
        .expect("the refused interview's externalId was not claimed");

    // One interview per (position, externalId).
    let carl = new_interview(tenant, position, "carl@example.com", Some("ats-1"), now);
    assert_create_refused(&store, &carl, None, CreateInterviewError::ExternalIdTaken).await;
    assert_eq!(
        by_email(&store, tenant, position, "carl@example.com").await,
        None,
        "the refused interview's email was not claimed"
    );

    // Both guards are per position.
    let (elsewhere, elsewhere_token) =
        new_interview(tenant, other_position, ANA, Some("ats-1"), now);
    store
        .create_interview(&elsewhere, None)
        .await
        .expect("same email and externalId in another position");
    assert_found(&store, &elsewhere, &elsewhere_token, ANA).await;
}

/// `ana` started: every kind of field an update changes (status, times, email delivery, an
/// upload, an answer), at the version it was read at.
fn started(ana: &Interview, now: DateTime<Utc>) -> Interview {
    let tenant = ana.tenant_id;
    let question = QuestionId::new();
    let upload = UploadId::new();
    let key = object_key(tenant, ana.id, question, upload);
    let mut started = ana.clone();
    started.status = InterviewStatus::InProgress;
    started.started_at = Some(now);
    started.email = EmailDelivery {
        status: EmailStatus::Sent,
        reason: None,
        message_id: Some("msg-1".into()),
        attempts: 1,
        last_attempt_at: Some(now),
        // What the mail service reported, as stored.
        tracking: EmailTracking {
            delivered_at: Some(now),
            bounced_at: Some(now + TimeDelta::seconds(1)),
            bounce: Some(BounceKind::Soft),
            complained_at: None,
            opened_at: Some(now + TimeDelta::minutes(2)),
            recorded: vec!["msg-1/delivered".into(), "msg-1/bounced".into()],
        },
    };
    started.uploads.push(Upload {
        id: upload,
        question_id: question,
        object_key: key.clone(),
        content_type: "video/webm".into(),
        size: 7 * 1024 * 1024,
        duration_seconds: Some(42.5),
        method: UploadMethod::Multipart {
            storage_upload_id: "upload-1".into(),
            part_size: 5 * 1024 * 1024,
            part_count: 2,
        },
        state: UploadState::Completed,
        created_at: now,
        expires_at: now + TimeDelta::minutes(15),
        resumable_until: now + TimeDelta::hours(24),
    });
    started.progress.insert(
        question,
        QuestionProgress {
            confirmed_attempts: 1,
            answer: Some(Answer {
                upload_id: upload,
                object_key: key,
                content_type: "video/webm".into(),
                size: 7 * 1024 * 1024,
                duration_seconds: Some(42.5),
                confirmed_at: now,
                transcript: TranscriptStatus::Off,
            }),
            written: None,
        },
    );
    started
}

/// The store owns the version: an update based on the stored version is written whole and
/// bumps it by exactly one; any other is refused and changes nothing.
async fn versioning(store: Store) {
    let now = Utc::now();
    let (ana, ana_token) = invite_ana(&store, now).await;

    let started = started(&ana, now);
    let stored = store.update_interview(&started).await.expect("update");
    assert_eq!(stored.version, ana.version + 1);
    assert_eq!(stored, bumped(&started), "written whole");
    assert_found(&store, &stored, &ana_token, ANA).await;
    // The position's counts moved with it, in the same write.
    let counts = store
        .counts_of(ana.tenant_id, &[ana.position_id])
        .await
        .unwrap();
    assert_eq!((counts[0].invited, counts[0].in_progress), (0, 1));
    assert_eq!(counts[0].to_evaluate, 1);

    // A write based on the old version loses, and changes nothing; so does one that claims a
    // version the store never had.
    let mut stale = ana.clone();
    stale.candidate.first_name = line("Stale");
    for refused in [&stale, &bumped(&stored)] {
        assert_eq!(
            store.update_interview(refused).await,
            Err(UpdateError::Conflict),
            "read at version {}",
            refused.version
        );
    }
    assert_found(&store, &stored, &ana_token, ANA).await;

    // The next fresh write bumps again, by exactly one.
    let mut completed = stored.clone();
    completed.status = InterviewStatus::Completed;
    completed.completed_at = Some(now);
    let again = store.update_interview(&completed).await.expect("update");
    assert_eq!(again, bumped(&completed));
    assert_eq!(again.version, ana.version + 2);
    assert_found(&store, &again, &ana_token, ANA).await;

    // An update never creates (a missing item must not pass for version 0).
    let (ghost, ghost_token) = new_interview(
        ana.tenant_id,
        ana.position_id,
        "ghost@example.com",
        None,
        now,
    );
    for version in [0, 1] {
        let ghost_read = Interview {
            version,
            ..ghost.clone()
        };
        assert_eq!(
            store.update_interview(&ghost_read).await,
            Err(UpdateError::Conflict),
            "version {version}"
        );
    }
    assert_not_stored(&store, &ghost, &ghost_token).await;
}

/// A new link replaces the old one atomically: only the current token opens the interview,
/// and a stale write rotates nothing.
async fn link_rotation(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let (interview, old_token) =
        new_interview(tenant, position, "rotate@example.com", None, Utc::now());
    store.create_interview(&interview, None).await.unwrap();

    let new_token = random_secret("");
    let mut rotated = interview.clone();
    rotated.token_hash = new_token.hash();
    rotated.link_generation = 1;
    let stored = store
        .rotate_link(&rotated, &old_token.hash())
        .await
        .unwrap();
    assert_eq!(stored.version, interview.version + 1);
    assert_eq!(stored, bumped(&rotated));
    assert_eq!(by_token(&store, &old_token).await, None);
    assert_found(&store, &stored, &new_token, "rotate@example.com").await;

    // A writer that read the version before the rotation loses: nothing about the link
    // changes.
    let stale_token = random_secret("");
    let mut stale = interview.clone();
    stale.token_hash = stale_token.hash();
    assert_eq!(
        store.rotate_link(&stale, &new_token.hash()).await,
        Err(UpdateError::Conflict)
    );
    assert_eq!(by_token(&store, &stale_token).await, None);
    assert_eq!(by_token(&store, &new_token).await, Some(stored));
}

async fn quota(store: Store) {
    let tenant = TenantId::new();
    let position = PositionId::new();
    let now = Utc::now();
    let quota = QuotaCharge {
        month: "2026-11".into(),
        limit: 2,
    };
    let charged = Some(&quota);

    let (first, _) = new_interview(tenant, position, "one@example.com", None, now);
    store
        .create_interview(&first, charged)
        .await
        .expect("first of two");
    // A refused duplicate does not use up the quota.
    let duplicate = new_interview(tenant, position, "One@Example.com", None, now);
    assert_create_refused(
        &store,
        &duplicate,
        charged,
        CreateInterviewError::EmailTaken,
    )
    .await;
    let (second, _) = new_interview(tenant, position, "two@example.com", None, now);
    store
        .create_interview(&second, charged)
        .await
        .expect("second of two");

    let third = new_interview(tenant, position, "three@example.com", Some("ats-3"), now);
    assert_create_refused(&store, &third, charged, CreateInterviewError::QuotaExceeded).await;
    assert_eq!(
        by_email(&store, tenant, position, "three@example.com").await,
        None
    );

    // The counter is per month and per tenant; without a charge there is no limit.
    let next_month = QuotaCharge {
        month: "2026-12".into(),
        limit: 2,
    };
    store
        .create_interview(&third.0, Some(&next_month))
        .await
        .expect("a new month has a fresh counter");
    let (other_tenant, _) = new_interview(TenantId::new(), position, "x@example.com", None, now);
    store
        .create_interview(&other_tenant, charged)
        .await
        .expect("another tenant has its own counter");
    let (uncharged, _) = new_interview(tenant, position, "four@example.com", None, now);
    store
        .create_interview(&uncharged, None)
        .await
        .expect("no charge, no limit");
}

/// A limit of 0 refuses even the first invite of a month, and the refusal writes nothing: not
/// the interview, not its guards, not the counter.
async fn quota_of_zero(store: Store) {
    let tenant = TenantId::new();
    let position = PositionId::new();
    let now = Utc::now();
    let none_left = QuotaCharge {
        month: "2026-11".into(),
        limit: 0,
    };
    let exceeded = CreateInterviewError::QuotaExceeded;

    let first = new_interview(tenant, position, "one@example.com", Some("ats-1"), now);
    assert_create_refused(&store, &first, Some(&none_left), exceeded.clone()).await;
    assert_eq!(
        by_email(&store, tenant, position, "one@example.com").await,
        None
    );
    let listed = store
        .list_interviews(tenant, position, &page_of(None, 10))
        .await
        .unwrap();
    assert!(listed.items.is_empty(), "listed: {:?}", listed.items);

    // Neither guard was claimed, and the counter still reads 0: a limit of 1 allows one.
    let one = QuotaCharge {
        limit: 1,
        ..none_left.clone()
    };
    store
        .create_interview(&first.0, Some(&one))
        .await
        .expect("the refused invite claimed nothing and counted nothing");
    let second = new_interview(tenant, position, "two@example.com", None, now);
    assert_create_refused(&store, &second, Some(&one), exceeded.clone()).await;
    // A month that already has invites is refused at 0 too.
    assert_create_refused(&store, &second, Some(&none_left), exceeded).await;
}

/// Every page of the listing of `position`, `limit` at a time, following the cursors.
async fn all_pages(
    store: &Store,
    tenant: TenantId,
    position: PositionId,
    limit: u32,
) -> Vec<Page<Interview>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list_interviews(tenant, position, &page_of(cursor.as_deref(), limit))
            .await
            .expect("page");
        cursor = page.next_cursor.clone();
        pages.push(page);
        if cursor.is_none() {
            return pages;
        }
        assert!(pages.len() < 10, "listing does not terminate");
    }
}

fn sizes(pages: &[Page<Interview>]) -> Vec<usize> {
    pages.iter().map(|p| p.items.len()).collect()
}

fn flatten(pages: Vec<Page<Interview>>) -> Vec<Interview> {
    pages.into_iter().flat_map(|p| p.items).collect()
}

async fn listing(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let created = create_candidates(&store, tenant, position, 5).await;
    // Neighbours that must not show up: another position, another tenant.
    let start = created[0].created_at;
    let (neighbour, _) = new_interview(tenant, PositionId::new(), "n@example.com", None, start);
    store.create_interview(&neighbour, None).await.unwrap();
    let (foreign, _) = new_interview(TenantId::new(), position, "f@example.com", None, start);
    store.create_interview(&foreign, None).await.unwrap();

    let pages = all_pages(&store, tenant, position, 2).await;
    assert_eq!(sizes(&pages), vec![2, 2, 1]);
    assert_eq!(
        flatten(pages),
        created,
        "newest first, each interview whole"
    );

    let all = store
        .list_interviews(tenant, position, &page_of(None, 10))
        .await
        .unwrap();
    assert_eq!(all.items, created);
    assert_eq!(all.next_cursor, None);
    let empty = store
        .list_interviews(tenant, PositionId::new(), &page_of(None, 2))
        .await
        .unwrap();
    assert!(empty.items.is_empty());
    assert_eq!(empty.next_cursor, None);
}

/// A listing that ends exactly at a page boundary ends with that page: its last page carries
/// no cursor (to an empty page).
async fn listing_ends_on_a_page_boundary(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let created = create_candidates(&store, tenant, position, 4).await;

    let first = store
        .list_interviews(tenant, position, &page_of(None, 2))
        .await
        .unwrap();
    assert_eq!(first.items, created[..2]);
    let next = first.next_cursor.expect("a cursor to the second page");
    let last = store
        .list_interviews(tenant, position, &page_of(Some(next.as_str()), 2))
        .await
        .unwrap();
    assert_eq!(last.items, created[2..]);
    assert_eq!(last.next_cursor, None, "the last page has no cursor");

    let pages = all_pages(&store, tenant, position, 2).await;
    assert_eq!(sizes(&pages), vec![2, 2]);
    assert_eq!(flatten(pages), created);
    for limit in [1, 4] {
        let pages = all_pages(&store, tenant, position, limit).await;
        assert_eq!(pages.len(), 4 / limit as usize, "limit {limit}");
        assert_eq!(flatten(pages), created, "limit {limit}");
    }
}

/// A cursor the store did not issue is refused with exactly the error the HTTP layer maps to
/// 400: not a 500, and not a silently empty page.
async fn cursor(store: Store) {
    use base64::Engine;
    let (tenant, position) = (TenantId::new(), PositionId::new());
    create_candidates(&store, tenant, position, 3).await;
    let issued = store
        .list_interviews(tenant, position, &page_of(None, 1))
        .await
        .unwrap()
        .next_cursor
        .expect("a cursor for the second page");
    assert_eq!(
        store
            .list_interviews(tenant, position, &page_of(Some(issued.as_str()), 5))
            .await
            .unwrap()
            .items
            .len(),
        2
    );

    let text_cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not a cursor");
    let mut accepted = Vec::new();
    for garbage in ["garbage!", "%%%", "", text_cursor.as_str()] {
        match store
            .list_interviews(tenant, position, &page_of(Some(garbage), 2))
            .await
        {
            Err(e) => assert_eq!(e, ListError::InvalidCursor, "cursor {garbage:?}"),
            Ok(page) => accepted.push(format!(
                "{garbage:?} -> {} items, next cursor {:?}",
                page.items.len(),
                page.next_cursor
            )),
        }
    }
    assert!(
        accepted.is_empty(),
        "garbage cursors accepted: {accepted:#?}"
    );
}

/// Every listing filter, alone and combined, selects the same interviews on both engines;
/// email and externalId find their interview through its guard.
async fn filtered_listing(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let now = Utc::now();
    // Newest first: [4, 3, 2, 1, 0].
    let mut all = create_candidates(&store, tenant, position, 5).await;
    let at = |i: usize| 4 - i;
    // 0: invited, no deadline; 1: in progress, shortlisted, 4.5; 2: completed, discarded,
    // 3.0; 3: invited with a deadline passed (expired); 4: in progress, deadline ahead.
    let change = |i: usize, edit: &dyn Fn(&mut Interview)| {
        let mut next = all[at(i)].clone();
        edit(&mut next);
        next
    };
    let updates = vec![
        change(0, &|x| x.deadline = None),
        change(1, &|x| {
            x.open(now).unwrap();
            x.set_stage(Stage::Shortlisted, now);
            x.set_score(Score::parse(4.5), now);
        }),
        change(2, &|x| {
            x.submit(&[], false, now).unwrap();
            x.set_stage(Stage::Discarded, now);
            x.set_score(Score::parse(3.0), now);
        }),
        change(3, &|x| x.deadline = Some(now - TimeDelta::minutes(1))),
        change(4, &|x| {
            x.open(now).unwrap();
        }),
    ];
    for (i, next) in updates.into_iter().enumerate() {
        all[at(i)] = store.update_interview(&next).await.expect("update");
    }
    let ids = |page: Page<Interview>| -> Vec<usize> {
        page.items
            .iter()
            .map(|x| {
                all.iter()
                    .position(|y| y.id == x.id)
                    .map(at)
                    .expect("listed")
            })
            .collect()
    };
    let list = |query: InterviewQuery| {
        let store = &store;
        async move {
            store
                .list_interviews(tenant, position, &query)
                .await
                .expect("filtered page")
        }
    };
    let query = |edit: &dyn Fn(&mut InterviewQuery)| {
        let mut q = page_of(None, 10);
        q.now = now;
        edit(&mut q);
        q
    };
    use InterviewStatus::*;
    let cases: Vec<(&str, InterviewQuery, Vec<usize>)> = vec![
        ("invited", query(&|q| q.status = Some(Invited)), vec![0]),
        (
            "in progress",
            query(&|q| q.status = Some(InProgress)),
            vec![4, 1],
        ),
        ("completed", query(&|q| q.status = Some(Completed)), vec![2]),
        ("expired", query(&|q| q.status = Some(Expired)), vec![3]),
        (
            "shortlisted",
            query(&|q| q.stage = Some(Stage::Shortlisted)),
            vec![1],
        ),
        (
            "to evaluate",
            query(&|q| q.stage = Some(Stage::ToEvaluate)),
            vec![4, 3, 0],
        ),
        (
            "score >= 3",
            query(&|q| q.min_score = Score::parse(3.0)),
            vec![2, 1],
        ),
        (
            "score >= 4",
            query(&|q| q.min_score = Score::parse(4.0)),
            vec![1],
        ),
        (
            "in progress, score >= 4",
            query(&|q| {
                q.status = Some(InProgress);
                q.min_score = Score::parse(4.0);
            }),
            vec![1],
        ),
        (
            "email",
            query(&|q| q.email = Some("candidate2@example.com".into())),
            vec![2],
        ),
        (
            "email and a stage it does not have",
            query(&|q| {
                q.email = Some("candidate2@example.com".into());
                q.stage = Some(Stage::Shortlisted);
            }),
            vec![],
        ),
        (
            "unknown email",
            query(&|q| q.email = Some("nobody@example.com".into())),
            vec![],
        ),
    ];
    for (name, query, expected) in cases {
        let page = list(query).await;
        assert_eq!(page.next_cursor, None, "{name}: one page");
        assert_eq!(ids(page), expected, "{name}");
    }
    // externalId: Ana's guard.
    let (ana, _) = new_interview(tenant, position, "x@example.com", Some("ats-9"), now);
    store.create_interview(&ana, None).await.unwrap();
    let page = list(query(&|q| q.external_id = Some("ats-9".into()))).await;
    assert_eq!(page.items, vec![ana]);
}

/// A filter that matches little still costs a bounded number of reads per page: the page
/// comes back short with a cursor, and following the cursors finds every match exactly once.
async fn selective_filters_read_a_bounded_page(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let now = Utc::now();
    let created = create_candidates(&store, tenant, position, 230).await;
    // The oldest and one in the middle are shortlisted.
    let mut wanted = Vec::new();
    for i in [229, 100] {
        let mut next = created[i].clone();
        next.set_stage(Stage::Shortlisted, chrono::Utc::now());
        wanted.push(store.update_interview(&next).await.unwrap().id);
    }
    wanted.reverse();
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = page_of(cursor.as_deref(), 50);
        query.now = now;
        query.stage = Some(Stage::Shortlisted);
        let page = store
            .list_interviews(tenant, position, &query)
            .await
            .unwrap();
        pages += 1;
        found.extend(page.items.iter().map(|i| i.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
        assert!(pages < 10, "listing does not terminate");
    }
    assert_eq!(found, wanted, "every match once, newest first");
    assert!(pages >= 2, "230 interviews take more than one bounded page");
}

/// The ended index: a tenant's interviews by when they end (completion, else deadline), read
/// up to a cutoff, earliest first, in pages; kept in step by every write; none without an end,
/// none of another tenant, none once deleted.
async fn ended_index(store: Store) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let t0 = Utc::now();
    let mut ids = Vec::new();
    // Deadlines t0+7d, +8d, +9d (the fixture's is creation + 7 days).
    for day in 0..3 {
        let (interview, _) = new_interview(
            tenant,
            position,
            &format!("c{day}@example.com"),
            None,
            t0 + TimeDelta::days(day),
        );
        store.create_interview(&interview, None).await.unwrap();
        ids.push(interview);
    }
    let (mut open, _) = new_interview(tenant, position, "open@example.com", None, t0);
    open.deadline = None;
    store.create_interview(&open, None).await.unwrap();
    let (elsewhere, _) = new_interview(TenantId::new(), position, "c0@example.com", None, t0);
    store.create_interview(&elsewhere, None).await.unwrap();

    let read = |cutoff: DateTime<Utc>, cursor: Option<String>, limit: usize| {
        let store = &store;
        async move {
            store
                .ended_interviews(tenant, cutoff, cursor.as_deref(), limit)
                .await
                .unwrap()
        }
    };
    let all = read(t0 + TimeDelta::days(100), None, 10).await;
    assert_eq!(
        all.items,
        vec![ids[0].id, ids[1].id, ids[2].id],
        "earliest first, no open one"
    );
    assert_eq!(all.next_cursor, None);
    let until_eight = read(t0 + TimeDelta::days(8), None, 10).await;
    assert_eq!(
        until_eight.items,
        vec![ids[0].id, ids[1].id],
        "the cutoff is inclusive"
    );
    let first = read(t0 + TimeDelta::days(100), None, 2).await;
    assert_eq!(first.items, vec![ids[0].id, ids[1].id]);
    let rest = read(t0 + TimeDelta::days(100), first.next_cursor, 2).await;
    assert_eq!(rest.items, vec![ids[2].id]);

    // A submission moves it to its completion; a deadline taken away takes it out.
    let mut done = ids[2].clone();
    assert_eq!(done.submit(&[], false, t0 + TimeDelta::hours(1)), Ok(true));
    done.take_followups();
    let done = store.update_interview(&done).await.unwrap();
    let mut reopened = ids[0].clone();
    reopened.deadline = None;
    store.update_interview(&reopened).await.unwrap();
    let after = read(t0 + TimeDelta::days(100), None, 10).await;
    assert_eq!(after.items, vec![done.id, ids[1].id]);

    store.delete_interview(&done).await.unwrap();
    let left = read(t0 + TimeDelta::days(100), None, 10).await;
    assert_eq!(left.items, vec![ids[1].id]);
}

/// A candidate link's lookup brings the interview's position with it (every request on the
/// link needs both); once the position is deleted, the link finds the interview but no
/// position, which closes the link.
async fn a_link_reads_its_position_too(store: Store) {
    let tenant = TenantId::new();
    let position = new_position(tenant, "Engineer", None);
    store.create_position(&position).await.unwrap();
    let (ana, token) = new_interview(tenant, position.id, ANA, None, Utc::now());
    store.create_interview(&ana, None).await.unwrap();

    let (found, its_position) = store
        .interview_by_token(&token.hash())
        .await
        .unwrap()
        .expect("the link finds its interview");
    assert_eq!(found, ana);
    assert_eq!(its_position.map(|p| p.id), Some(position.id));

    let stored = store
        .get_position(tenant, position.id)
        .await
        .unwrap()
        .unwrap();
    store.delete_position(&stored).await.unwrap();
    let (found, its_position) = store
        .interview_by_token(&token.hash())
        .await
        .unwrap()
        .expect("the interview is still there while its purge runs");
    assert_eq!(found.id, ana.id);
    assert!(its_position.is_none(), "a deleted position is not read");
}
