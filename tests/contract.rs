//! Adapter contract tests: the same contract runs against the embedded adapters
//! (`reelview::local`) and against the AWS adapters (`reelview::aws`) pointed at moto, so the
//! two backends cannot drift apart. Each contract is one `async fn` over the port trait; the
//! `*_local` and `*_aws` tests only build the adapter.

use chrono::{DateTime, Duration as TimeDelta, DurationRound, Utc};
use reelview::aws::{DynamoStore, S3Videos, SesMailer};
use reelview::domain::{
    object_key, Answer, Candidate, Email, EmailDelivery, EmailStatus, Interview, InterviewId,
    InterviewStatus, Line, Position, PositionId, PositionStatus, Question, QuestionId,
    QuestionProgress, Secret, SecretHash, Tenant, TenantId, Upload, UploadId, UploadMethod,
    UploadState,
};
use reelview::local::{DiskVideos, LocalStore, OutboxMailer};
use reelview::ports::{
    CreateInterviewError, IdempotencyClaim, IdempotencyStore, InterviewStore, ListError, Mailer,
    OutgoingEmail, PositionStore, PositionWriteError, QuotaCharge, SignedRequest, StoredObject,
    StoredResponse, TenantStore, UpdateError, UploadedPart, VideoStorage,
};
use reelview_tests::emulator::{self, Resources};
use reelview_tests::mail::{self, Mail};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Fixtures.

fn line(text: &str) -> Line {
    Line::parse(text, 200).expect("valid line")
}

fn random_secret(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    Secret::from_bytes(prefix, bytes)
}

/// Whole seconds, so expiry comparisons mean the same in every adapter.
fn now_seconds() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(TimeDelta::seconds(1))
        .expect("truncate to seconds")
}

fn new_tenant(name: &str) -> (Tenant, Secret) {
    let api_key = random_secret("rv_live_");
    let tenant = Tenant {
        id: TenantId::new(),
        name: line(name),
        monthly_invite_limit: Some(100),
        api_key_hash: api_key.hash(),
        created_at: Utc::now(),
    };
    (tenant, api_key)
}

fn new_position(tenant: TenantId, name: &str, slug: Option<&str>) -> Position {
    Position {
        tenant_id: tenant,
        id: PositionId::new(),
        name: line(name),
        company_name: Some(line("Acme & Zoë Ltd")),
        intro: Some("Welcome!\nTwo questions.".into()),
        questions: vec![
            Question {
                id: QuestionId::new(),
                text: "Tell us about a system you built.".into(),
                max_answer_seconds: 120,
                thinking_seconds: 30,
                retakes: 1,
            },
            Question {
                id: QuestionId::new(),
                text: "Why this role?".into(),
                max_answer_seconds: 60,
                thinking_seconds: 10,
                retakes: 0,
            },
        ],
        status: PositionStatus::Active,
        max_upload_bytes: 200 * 1024 * 1024,
        public_apply: slug.is_some(),
        slug: slug.map(str::to_string),
        tenant_name: "Acme".into(),
        created_at: Utc::now(),
        version: 0,
    }
}

fn new_interview(
    tenant: TenantId,
    position: PositionId,
    email: &str,
    external_id: Option<&str>,
    created_at: DateTime<Utc>,
) -> (Interview, Secret) {
    let token = random_secret("");
    let interview = Interview {
        tenant_id: tenant,
        id: InterviewId::new(),
        position_id: position,
        candidate: Candidate {
            email: Email::parse(email).expect("valid email"),
            first_name: line("Zoë"),
            last_name: line("Silva"),
            phone: Some(line("+351 900 000 000")),
        },
        external_id: external_id.map(str::to_string),
        status: InterviewStatus::Invited,
        token_hash: token.hash(),
        link_generation: 0,
        created_at,
        deadline: Some(created_at + TimeDelta::days(7)),
        started_at: None,
        completed_at: None,
        email: EmailDelivery::new(true),
        progress: Default::default(),
        uploads: vec![],
        version: 0,
    };
    (interview, token)
}

fn video_key() -> String {
    object_key(
        TenantId::new(),
        InterviewId::new(),
        QuestionId::new(),
        UploadId::new(),
    )
}

/// `len` bytes that differ from position to position, so a reordered or truncated copy shows.
fn bytes_of(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(31).wrapping_add(seed as u32) as u8)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Adapters under test.

fn local_store() -> (TempDir, LocalStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = LocalStore::open(dir.path()).expect("local store opens");
    (dir, store)
}

async fn dynamo_store() -> DynamoStore {
    let resources = Resources::create(true).await;
    let client = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    DynamoStore::new(client, resources.table)
}

/// Disk videos whose signed URLs point at their own routes, served on a free local port.
async fn disk_videos() -> (TempDir, Arc<DiskVideos>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    let videos = Arc::new(
        DiskVideos::open(dir.path(), &format!("http://127.0.0.1:{port}")).expect("videos open"),
    );
    let routes = videos.clone().routes();
    tokio::spawn(async move {
        axum::serve(listener, routes)
            .await
            .expect("upload routes serve");
    });
    (dir, videos)
}

async fn s3_videos() -> S3Videos {
    let resources = Resources::create(true).await;
    S3Videos::new(emulator::s3_client().await, resources.bucket)
}

/// Where a mailer's messages can be read back.
enum Sent {
    Outbox(PathBuf),
    Moto(String),
}

impl Sent {
    async fn read(&self) -> Vec<Mail> {
        match self {
            Sent::Outbox(dir) => mail::read_outbox(dir),
            Sent::Moto(source) => emulator::sent_mail(source).await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. TenantStore.

async fn tenant_store_contract(store: &dyn TenantStore) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_store_local() {
    let (_dir, store) = local_store();
    tenant_store_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_store_aws() {
    tenant_store_contract(&dynamo_store().await).await;
}

// ---------------------------------------------------------------------------------------------
// 2. PositionStore.

fn sorted_ids(positions: &[Position]) -> Vec<PositionId> {
    let mut ids: Vec<PositionId> = positions.iter().map(|p| p.id).collect();
    ids.sort();
    ids
}

async fn position_store_contract(store: &dyn PositionStore) {
    let acme = TenantId::new();
    let globex = TenantId::new();

    let backend = new_position(acme, "Backend Engineer", Some("backend-engineer"));
    let designer = new_position(acme, "Designer", None);
    let theirs = new_position(globex, "Accountant", Some("accountant"));
    for position in [&backend, &designer, &theirs] {
        store.create_position(position).await.expect("create");
    }

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
    let listed = store.list_positions(acme).await.unwrap();
    assert_eq!(
        sorted_ids(&listed),
        sorted_ids(&[backend.clone(), designer.clone()])
    );
    let listed_backend = listed.iter().find(|p| p.id == backend.id).unwrap();
    assert_eq!(listed_backend, &backend);
    assert_eq!(
        store.list_positions(globex).await.unwrap(),
        vec![theirs.clone()]
    );
    assert!(store
        .list_positions(TenantId::new())
        .await
        .unwrap()
        .is_empty());

    // Public lookups cross tenants.
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        Some(backend.clone())
    );
    assert_eq!(
        store.position_by_slug("accountant").await.unwrap(),
        Some(theirs.clone())
    );
    assert_eq!(store.position_by_slug("no-such-slug").await.unwrap(), None);
    assert_eq!(
        store.position_by_id(designer.id).await.unwrap(),
        Some(designer.clone())
    );
    assert_eq!(
        store.position_by_id(theirs.id).await.unwrap(),
        Some(theirs.clone())
    );
    assert_eq!(store.position_by_id(PositionId::new()).await.unwrap(), None);

    // A slug is unique across the deployment, and a refused create stores nothing.
    let copycat = new_position(globex, "Copycat", Some("backend-engineer"));
    assert_eq!(
        store.create_position(&copycat).await,
        Err(PositionWriteError::SlugTaken)
    );
    assert_eq!(store.get_position(globex, copycat.id).await.unwrap(), None);
    assert_eq!(store.position_by_id(copycat.id).await.unwrap(), None);
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        Some(backend.clone())
    );
    assert_eq!(
        store.list_positions(globex).await.unwrap(),
        vec![theirs.clone()]
    );

    // Archive through an update.
    let mut archived = backend.clone();
    archived.status = PositionStatus::Archived;
    archived.version = backend.version + 1;
    store
        .update_position(&backend, &archived)
        .await
        .expect("archive");
    let stored = store.get_position(acme, backend.id).await.unwrap().unwrap();
    assert!(stored.is_archived());
    assert_eq!(stored, archived);
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        Some(archived.clone())
    );
    assert_eq!(
        store.position_by_id(backend.id).await.unwrap(),
        Some(archived.clone())
    );

    // An update based on a stale read is refused and changes nothing.
    let mut stale = backend.clone();
    stale.name = line("Stale Engineer");
    stale.version = backend.version + 1;
    assert_eq!(
        store.update_position(&backend, &stale).await,
        Err(PositionWriteError::Conflict)
    );
    assert_eq!(
        store.get_position(acme, backend.id).await.unwrap(),
        Some(archived.clone())
    );

    // Changing the slug moves the claim: the old slug is free, the new one resolves.
    let mut renamed = archived.clone();
    renamed.slug = Some("platform-engineer".into());
    renamed.version = archived.version + 1;
    store
        .update_position(&archived, &renamed)
        .await
        .expect("change slug");
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        None
    );
    assert_eq!(
        store.position_by_slug("platform-engineer").await.unwrap(),
        Some(renamed.clone())
    );
    let reuse = new_position(globex, "Backend", Some("backend-engineer"));
    store
        .create_position(&reuse)
        .await
        .expect("a released slug can be claimed again");
    assert_eq!(
        store.position_by_slug("backend-engineer").await.unwrap(),
        Some(reuse.clone())
    );

    // Moving onto a slug somebody else holds is refused and changes nothing.
    let mut grab = designer.clone();
    grab.slug = Some("accountant".into());
    grab.version = designer.version + 1;
    assert_eq!(
        store.update_position(&designer, &grab).await,
        Err(PositionWriteError::SlugTaken)
    );
    assert_eq!(
        store.get_position(acme, designer.id).await.unwrap(),
        Some(designer.clone())
    );
    assert_eq!(
        store.position_by_slug("accountant").await.unwrap(),
        Some(theirs)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn position_store_local() {
    let (_dir, store) = local_store();
    position_store_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn position_store_aws() {
    position_store_contract(&dynamo_store().await).await;
}

// ---------------------------------------------------------------------------------------------
// 3. InterviewStore.

/// Asserts `interview` was not stored under any of its lookups.
async fn assert_not_stored(store: &dyn InterviewStore, interview: &Interview, token: &Secret) {
    assert_eq!(
        store
            .get_interview(interview.tenant_id, interview.id)
            .await
            .unwrap(),
        None,
        "a refused interview must not be stored"
    );
    assert_eq!(
        store.interview_by_token(&token.hash()).await.unwrap(),
        None,
        "a refused interview's token must not open anything"
    );
}

async fn interview_store_contract(store: &dyn InterviewStore) {
    let tenant = TenantId::new();
    let position = PositionId::new();
    let other_position = PositionId::new();
    let now = Utc::now();

    let (ana, ana_token) = new_interview(
        tenant,
        position,
        "Ana.Silva@Example.com",
        Some("ats-1"),
        now,
    );
    store.create_interview(&ana, None).await.expect("create");
    assert_eq!(
        store.get_interview(tenant, ana.id).await.unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store.interview_by_token(&ana_token.hash()).await.unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store
            .interview_by_email(tenant, position, "ana.silva@example.com")
            .await
            .unwrap(),
        Some(ana.clone())
    );
    assert_eq!(
        store.get_interview(TenantId::new(), ana.id).await.unwrap(),
        None,
        "another tenant cannot read the interview"
    );
    assert_eq!(
        store
            .interview_by_email(tenant, other_position, "ana.silva@example.com")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .interview_by_token(&SecretHash::of("not-a-token"))
            .await
            .unwrap(),
        None
    );

    // One interview per (position, email), compared case-insensitively; a refused create
    // writes nothing at all (not its token, not its externalId guard).
    let (twin, twin_token) = new_interview(
        tenant,
        position,
        "ANA.SILVA@example.COM",
        Some("ats-twin"),
        now,
    );
    assert_eq!(
        store.create_interview(&twin, None).await,
        Err(CreateInterviewError::EmailTaken)
    );
    assert_not_stored(store, &twin, &twin_token).await;
    assert_eq!(
        store
            .interview_by_email(tenant, position, "ana.silva@example.com")
            .await
            .unwrap(),
        Some(ana.clone())
    );
    let (bea, _) = new_interview(tenant, position, "bea@example.com", Some("ats-twin"), now);
    store
        .create_interview(&bea, None)
        .await
        .expect("the refused interview's externalId was not claimed");

    // One interview per (position, externalId).
    let (carl, carl_token) =
        new_interview(tenant, position, "carl@example.com", Some("ats-1"), now);
    assert_eq!(
        store.create_interview(&carl, None).await,
        Err(CreateInterviewError::ExternalIdTaken)
    );
    assert_not_stored(store, &carl, &carl_token).await;
    assert_eq!(
        store
            .interview_by_email(tenant, position, "carl@example.com")
            .await
            .unwrap(),
        None,
        "the refused interview's email was not claimed"
    );

    // Both guards are per position.
    let (elsewhere, elsewhere_token) = new_interview(
        tenant,
        other_position,
        "ana.silva@example.com",
        Some("ats-1"),
        now,
    );
    store
        .create_interview(&elsewhere, None)
        .await
        .expect("same email and externalId in another position");
    assert_eq!(
        store
            .interview_by_token(&elsewhere_token.hash())
            .await
            .unwrap(),
        Some(elsewhere.clone())
    );
    assert_eq!(
        store
            .interview_by_email(tenant, other_position, "ana.silva@example.com")
            .await
            .unwrap(),
        Some(elsewhere)
    );

    // Optimistic concurrency: version + 1 over the stored version is written whole.
    let question = QuestionId::new();
    let upload = UploadId::new();
    let key = object_key(tenant, ana.id, question, upload);
    let mut started = ana.clone();
    started.version = ana.version + 1;
    started.status = InterviewStatus::InProgress;
    started.started_at = Some(now);
    started.email = EmailDelivery {
        status: EmailStatus::Sent,
        reason: None,
        message_id: Some("msg-1".into()),
        attempts: 1,
        last_attempt_at: Some(now),
    };
    started.uploads.push(Upload {
        id: upload,
        question_id: question,
        object_key: key.clone(),
        content_type: "video/webm".into(),
        size: 7 * 1024 * 1024,
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
                confirmed_at: now,
            }),
        },
    );
    store.update_interview(&started).await.expect("update");
    assert_eq!(
        store.get_interview(tenant, ana.id).await.unwrap(),
        Some(started.clone())
    );
    assert_eq!(
        store.interview_by_token(&ana_token.hash()).await.unwrap(),
        Some(started.clone())
    );
    assert_eq!(
        store
            .interview_by_email(tenant, position, "ana.silva@example.com")
            .await
            .unwrap(),
        Some(started.clone())
    );

    // A write based on the old version loses, and changes nothing.
    let mut stale = ana.clone();
    stale.version = ana.version + 1;
    stale.candidate.first_name = line("Stale");
    assert_eq!(
        store.update_interview(&stale).await,
        Err(UpdateError::Conflict)
    );
    let mut skipping = started.clone();
    skipping.version = started.version + 2;
    assert_eq!(
        store.update_interview(&skipping).await,
        Err(UpdateError::Conflict)
    );
    assert_eq!(
        store.get_interview(tenant, ana.id).await.unwrap(),
        Some(started.clone())
    );
    // An update never creates.
    let (ghost, ghost_token) = new_interview(tenant, position, "ghost@example.com", None, now);
    let mut ghost_next = ghost.clone();
    ghost_next.version = 1;
    assert_eq!(
        store.update_interview(&ghost_next).await,
        Err(UpdateError::Conflict)
    );
    assert_not_stored(store, &ghost, &ghost_token).await;
}

/// A new link replaces the old one atomically: only the current token opens the interview,
/// and a stale write rotates nothing.
async fn link_rotation_contract(store: &dyn InterviewStore) {
    let (tenant, position) = (TenantId::new(), PositionId::new());
    let (interview, old_token) =
        new_interview(tenant, position, "rotate@example.com", None, Utc::now());
    store.create_interview(&interview, None).await.unwrap();

    let new_token = random_secret("");
    let mut rotated = interview.clone();
    rotated.token_hash = new_token.hash();
    rotated.link_generation = 1;
    rotated.version = 1;
    store
        .rotate_link(&rotated, &old_token.hash())
        .await
        .unwrap();
    assert!(store
        .interview_by_token(&old_token.hash())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.interview_by_token(&new_token.hash()).await.unwrap(),
        Some(rotated.clone())
    );

    // A writer that read version 0 loses: nothing about the link changes.
    let stale_token = random_secret("");
    let mut stale = interview.clone();
    stale.token_hash = stale_token.hash();
    stale.version = 1;
    assert_eq!(
        store.rotate_link(&stale, &new_token.hash()).await,
        Err(UpdateError::Conflict)
    );
    assert!(store
        .interview_by_token(&stale_token.hash())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.interview_by_token(&new_token.hash()).await.unwrap(),
        Some(rotated)
    );
}

async fn interview_quota_contract(store: &dyn InterviewStore) {
    let tenant = TenantId::new();
    let position = PositionId::new();
    let now = Utc::now();
    let quota = QuotaCharge {
        month: "2026-11".into(),
        limit: 2,
    };

    let (first, _) = new_interview(tenant, position, "one@example.com", None, now);
    store
        .create_interview(&first, Some(&quota))
        .await
        .expect("first of two");
    // A refused duplicate does not use up the quota.
    let (duplicate, duplicate_token) =
        new_interview(tenant, position, "One@Example.com", None, now);
    assert_eq!(
        store.create_interview(&duplicate, Some(&quota)).await,
        Err(CreateInterviewError::EmailTaken)
    );
    assert_not_stored(store, &duplicate, &duplicate_token).await;
    let (second, _) = new_interview(tenant, position, "two@example.com", None, now);
    store
        .create_interview(&second, Some(&quota))
        .await
        .expect("second of two");

    let (third, third_token) =
        new_interview(tenant, position, "three@example.com", Some("ats-3"), now);
    assert_eq!(
        store.create_interview(&third, Some(&quota)).await,
        Err(CreateInterviewError::QuotaExceeded)
    );
    assert_not_stored(store, &third, &third_token).await;
    assert_eq!(
        store
            .interview_by_email(tenant, position, "three@example.com")
            .await
            .unwrap(),
        None
    );

    // The counter is per month and per tenant; without a charge there is no limit.
    let next_month = QuotaCharge {
        month: "2026-12".into(),
        limit: 2,
    };
    store
        .create_interview(&third, Some(&next_month))
        .await
        .expect("a new month has a fresh counter");
    let (other_tenant, _) = new_interview(TenantId::new(), position, "x@example.com", None, now);
    store
        .create_interview(&other_tenant, Some(&quota))
        .await
        .expect("another tenant has its own counter");
    let (uncharged, _) = new_interview(tenant, position, "four@example.com", None, now);
    store
        .create_interview(&uncharged, None)
        .await
        .expect("no charge, no limit");
}

async fn interview_listing_contract(store: &dyn InterviewStore) {
    let tenant = TenantId::new();
    let position = PositionId::new();
    let start = Utc::now();

    let mut created = Vec::new();
    for i in 0..5 {
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
    // Neighbours that must not show up: another position, another tenant.
    let (neighbour, _) = new_interview(tenant, PositionId::new(), "n@example.com", None, start);
    store.create_interview(&neighbour, None).await.unwrap();
    let (foreign, _) = new_interview(TenantId::new(), position, "f@example.com", None, start);
    store.create_interview(&foreign, None).await.unwrap();

    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list_interviews(tenant, position, cursor.as_deref(), 2)
            .await
            .expect("page");
        pages.push(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages.len() < 10, "listing does not terminate");
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![2, 2, 1]);
    let listed: Vec<Interview> = pages.into_iter().flatten().collect();
    assert_eq!(listed, created, "oldest first, each interview whole");

    let all = store
        .list_interviews(tenant, position, None, 10)
        .await
        .unwrap();
    assert_eq!(all.items, created);
    assert_eq!(all.next_cursor, None);
    let empty = store
        .list_interviews(tenant, PositionId::new(), None, 2)
        .await
        .unwrap();
    assert!(empty.items.is_empty());
    assert_eq!(empty.next_cursor, None);
}

/// A cursor the store did not issue is refused with exactly the error the HTTP layer maps to
/// 400: not a 500, and not a silently empty page.
async fn interview_cursor_contract(store: &dyn InterviewStore) {
    use base64::Engine;
    let tenant = TenantId::new();
    let position = PositionId::new();
    for i in 0..3 {
        let (interview, _) = new_interview(
            tenant,
            position,
            &format!("candidate{i}@example.com"),
            None,
            Utc::now(),
        );
        store.create_interview(&interview, None).await.unwrap();
    }
    let issued = store
        .list_interviews(tenant, position, None, 1)
        .await
        .unwrap()
        .next_cursor
        .expect("a cursor for the second page");
    assert_eq!(
        store
            .list_interviews(tenant, position, Some(&issued), 5)
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
            .list_interviews(tenant, position, Some(garbage), 2)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_store_local() {
    let (_dir, store) = local_store();
    interview_store_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_store_aws() {
    interview_store_contract(&dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_rotation_local() {
    let (_dir, store) = local_store();
    link_rotation_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_rotation_aws() {
    link_rotation_contract(&dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_quota_local() {
    let (_dir, store) = local_store();
    interview_quota_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_quota_aws() {
    interview_quota_contract(&dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_listing_local() {
    let (_dir, store) = local_store();
    interview_listing_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_listing_aws() {
    interview_listing_contract(&dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_cursor_local() {
    let (_dir, store) = local_store();
    interview_cursor_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interview_cursor_aws() {
    interview_cursor_contract(&dynamo_store().await).await;
}

// ---------------------------------------------------------------------------------------------
// 4. IdempotencyStore.

async fn idempotency_contract(store: &dyn IdempotencyStore) {
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
async fn idempotency_finish_without_claim_contract(store: &dyn IdempotencyStore) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_local() {
    let (_dir, store) = local_store();
    idempotency_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_aws() {
    idempotency_contract(&dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_finish_without_claim_local() {
    let (_dir, store) = local_store();
    idempotency_finish_without_claim_contract(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_finish_without_claim_aws() {
    idempotency_finish_without_claim_contract(&dynamo_store().await).await;
}

// ---------------------------------------------------------------------------------------------
// 5. VideoStorage.

const MIB: usize = 1024 * 1024;
const EXPIRES: Duration = Duration::from_secs(300);

async fn put_signed(
    http: &reqwest::Client,
    signed: &SignedRequest,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = http.put(&signed.url);
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    request.body(body).send().await.expect("upload answers")
}

async fn get_bytes(http: &reqwest::Client, url: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = http.get(url).send().await.expect("download answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.bytes().await.expect("body").to_vec();
    (status, content_type, body)
}

/// `enforces_signed_limits`: whether a PUT that differs from what was signed (size, type,
/// URL) is refused. Real S3 refuses it (the size and type are signed), but moto does not check
/// presigned signatures, so only the local adapter is held to it here.
async fn video_storage_contract(videos: &dyn VideoStorage, enforces_signed_limits: bool) {
    let http = reqwest::Client::new();

    // Single PUT.
    let key = video_key();
    let body = bytes_of(300_000, 1);
    let signed = videos
        .presign_put(&key, "video/webm", body.len() as u64, EXPIRES)
        .await
        .unwrap();
    assert!(
        signed
            .headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("content-type") && v == "video/webm"),
        "the browser must be told to send the signed type: {:?}",
        signed.headers
    );
    assert!(
        !signed
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length")),
        "browsers refuse to set Content-Length"
    );
    assert_eq!(videos.head(&key).await.unwrap(), None);

    if enforces_signed_limits {
        for wrong_size in [body.len() - 1, body.len() + 1] {
            let response = put_signed(&http, &signed, bytes_of(wrong_size, 1)).await;
            assert_eq!(response.status().as_u16(), 403, "{wrong_size} bytes");
        }
        let response = http
            .put(&signed.url)
            .header("content-type", "video/mp4")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "another content type");
        let response = http
            .put(&signed.url)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "no content type");
        // Editing the signed size in the URL breaks the signature.
        let forged = SignedRequest {
            url: signed.url.replace(
                &format!("size={}", body.len()),
                &format!("size={}", body.len() - 1),
            ),
            headers: signed.headers.clone(),
        };
        assert_ne!(forged.url, signed.url);
        let response = put_signed(&http, &forged, bytes_of(body.len() - 1, 1)).await;
        assert_eq!(response.status().as_u16(), 403, "forged size");
        assert_eq!(
            videos.head(&key).await.unwrap(),
            None,
            "refused uploads store nothing"
        );
    }

    let response = put_signed(&http, &signed, body.clone()).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        videos.head(&key).await.unwrap(),
        Some(StoredObject {
            size: body.len() as u64,
            content_type: Some("video/webm".into()),
        })
    );
    let url = videos.presign_get(&key, EXPIRES).await.unwrap();
    let (status, content_type, downloaded) = get_bytes(&http, &url).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("video/webm"));
    assert!(
        downloaded == body,
        "downloaded bytes differ from the upload"
    );

    // Multipart: parts of at least 5 MiB except the last (S3's minimum).
    let big = video_key();
    let part_one = bytes_of(5 * MIB, 2);
    let part_two = bytes_of(123_457, 3);
    let upload_id = videos.start_multipart(&big, "video/mp4").await.unwrap();
    assert!(!upload_id.is_empty());
    assert!(videos
        .list_parts(&big, &upload_id)
        .await
        .unwrap()
        .is_empty());
    let url_one = videos
        .presign_part(&big, &upload_id, 1, part_one.len() as u64, EXPIRES)
        .await
        .unwrap();
    let url_two = videos
        .presign_part(&big, &upload_id, 2, part_two.len() as u64, EXPIRES)
        .await
        .unwrap();
    if enforces_signed_limits {
        let response = put_signed(&http, &url_two, bytes_of(part_two.len() + 1, 3)).await;
        assert_eq!(response.status().as_u16(), 403, "part larger than signed");
    }
    let response = put_signed(&http, &url_one, part_one.clone()).await;
    assert!(response.status().is_success(), "{}", response.status());
    let listed = videos.list_parts(&big, &upload_id).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|p| (p.part_number, p.size))
            .collect::<Vec<_>>(),
        vec![(1, part_one.len() as u64)],
        "a resumed upload sees the finished part"
    );
    assert!(!listed[0].etag.is_empty());
    let response = put_signed(&http, &url_two, part_two.clone()).await;
    assert!(response.status().is_success(), "{}", response.status());
    let parts: Vec<UploadedPart> = videos.list_parts(&big, &upload_id).await.unwrap();
    assert_eq!(
        parts
            .iter()
            .map(|p| (p.part_number, p.size))
            .collect::<Vec<_>>(),
        vec![(1, part_one.len() as u64), (2, part_two.len() as u64)]
    );
    assert_eq!(videos.head(&big).await.unwrap(), None, "not complete yet");
    videos
        .complete_multipart(&big, &upload_id, &parts)
        .await
        .expect("complete");
    let total = (part_one.len() + part_two.len()) as u64;
    assert_eq!(
        videos.head(&big).await.unwrap(),
        Some(StoredObject {
            size: total,
            content_type: Some("video/mp4".into()),
        })
    );
    assert!(
        videos
            .list_parts(&big, &upload_id)
            .await
            .unwrap()
            .is_empty(),
        "a completed upload has no parts left"
    );
    let url = videos.presign_get(&big, EXPIRES).await.unwrap();
    let (status, content_type, downloaded) = get_bytes(&http, &url).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("video/mp4"));
    assert_eq!(downloaded.len() as u64, total);
    assert!(
        downloaded[..part_one.len()] == part_one[..]
            && downloaded[part_one.len()..] == part_two[..],
        "parts are joined in order"
    );

    // Abort discards another upload's parts and creates no object.
    let abandoned = video_key();
    let abandoned_id = videos
        .start_multipart(&abandoned, "video/webm")
        .await
        .unwrap();
    assert_ne!(abandoned_id, upload_id);
    let url = videos
        .presign_part(&abandoned, &abandoned_id, 1, 1000, EXPIRES)
        .await
        .unwrap();
    let response = put_signed(&http, &url, bytes_of(1000, 4)).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        videos
            .list_parts(&abandoned, &abandoned_id)
            .await
            .unwrap()
            .len(),
        1
    );
    videos
        .abort_multipart(&abandoned, &abandoned_id)
        .await
        .expect("abort");
    assert!(videos
        .list_parts(&abandoned, &abandoned_id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(videos.head(&abandoned).await.unwrap(), None);
    videos
        .abort_multipart(&abandoned, &abandoned_id)
        .await
        .expect("aborting twice is fine");

    // Delete.
    videos.delete(&key).await.expect("delete");
    assert_eq!(videos.head(&key).await.unwrap(), None);
    let url = videos.presign_get(&key, EXPIRES).await.unwrap();
    let (status, _, _) = get_bytes(&http, &url).await;
    assert_eq!(status, 404, "a deleted video cannot be downloaded");
    videos
        .delete(&video_key())
        .await
        .expect("deleting a missing object is fine");
    assert_eq!(
        videos.head(&big).await.unwrap().map(|o| o.size),
        Some(total),
        "other objects are untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn video_storage_local() {
    let (_dir, videos) = disk_videos().await;
    video_storage_contract(videos.as_ref(), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn video_storage_aws() {
    video_storage_contract(&s3_videos().await, false).await;
}

// ---------------------------------------------------------------------------------------------
// 6. Mailer.

fn sample_email() -> OutgoingEmail {
    OutgoingEmail {
        to: "ana.silva@example.com".into(),
        subject: "Entrevista — Zoë, o teu convite".into(),
        text: "Olá Zoë,\n\nRecord your answers here: https://reelview.test/i/abc\n".into(),
        html:
            "<p>Olá <b>Zoë</b> & team,</p><p><a href=\"https://reelview.test/i/abc\">Start</a></p>"
                .into(),
    }
}

async fn mailer_contract(mailer: &dyn Mailer, sent: &Sent, from: &str) {
    assert!(sent.read().await.is_empty());
    let email = sample_email();
    let message_id = mailer.send(&email).await.expect("send");
    assert!(!message_id.is_empty());

    let mails = sent.read().await;
    assert_eq!(mails.len(), 1, "exactly one message");
    let mail = &mails[0];
    assert_eq!(mail.to, email.to);
    assert_eq!(mail.subject, email.subject);
    assert!(mail.content_type.starts_with("multipart/alternative"));
    assert_eq!(mail.text, email.text);
    assert_eq!(mail.html, email.html);
    assert!(
        mail.raw.lines().any(|l| l == format!("From: {from}")),
        "From header in {:?}",
        mail.raw
    );
    assert!(mail.raw.is_ascii(), "the raw message is 7-bit clean");
}

/// A mailer that cannot deliver says so, and nothing is delivered.
async fn mailer_refusal_contract(mailer: &dyn Mailer, sent: &Sent) {
    let refused = mailer.send(&sample_email()).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(!refused.unwrap_err().0.is_empty());
    assert!(sent.read().await.is_empty());
}

const LOCAL_FROM: &str = "Reelview <hiring@reelview.test>";

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailer_local() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mailer = OutboxMailer::new(outbox.clone(), LOCAL_FROM.into());
    mailer_contract(&mailer, &Sent::Outbox(outbox.clone()), LOCAL_FROM).await;
    let files = eml_files(&outbox);
    assert_eq!(files.len(), 1, "one file and no leftovers: {files:?}");
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailer_aws() {
    let resources = Resources::create(true).await;
    let client = aws_sdk_sesv2::Client::new(&emulator::sdk_config().await);
    let mailer = SesMailer::new(client, resources.mail_from.clone());
    let sent = Sent::Moto(resources.mail_from.clone());
    mailer_contract(&mailer, &sent, &resources.mail_from).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailer_refusal_local() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the outbox's parent folder should be: every write fails.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"").unwrap();
    let outbox = blocker.join("outbox");
    let mailer = OutboxMailer::new(outbox.clone(), LOCAL_FROM.into());
    mailer_refusal_contract(&mailer, &Sent::Outbox(outbox)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailer_refusal_aws() {
    let resources = Resources::create(false).await;
    let client = aws_sdk_sesv2::Client::new(&emulator::sdk_config().await);
    let mailer = SesMailer::new(client, resources.mail_from.clone());
    mailer_refusal_contract(&mailer, &Sent::Moto(resources.mail_from.clone())).await;
}
