//! Use cases played end to end on the embedded adapters with a clock the test moves: the
//! rules that span several use cases (a deadline closes the link for opening, uploading and
//! submitting; a completed interview stays readable).

use crate::app::session::{open, submit};
use crate::app::testing;
use crate::app::{invite, positions, upload};
use crate::app::{App, Error};
use crate::domain::InterviewStatus;
use crate::domain::Position;
use serde_json::json;

async fn invited(app: &App, deadline_in: chrono::Duration) -> (String, Position) {
    testing::invited_by(app, &testing::caller(), deadline_in).await
}

#[tokio::test]
async fn a_passed_deadline_closes_the_link_but_not_a_completed_interview() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = testing::app(dir.path());
    let (token, position) = invited(&app, chrono::Duration::hours(1)).await;

    let opened = open(&app, &token).await.unwrap();
    assert_eq!(opened.interview.status, InterviewStatus::InProgress);
    let started_at = opened.interview.started_at;
    clock.advance(chrono::Duration::minutes(5));
    assert_eq!(
        open(&app, &token).await.unwrap().interview.started_at,
        started_at,
        "recorded once"
    );

    clock.advance(chrono::Duration::hours(1));
    assert_eq!(
        open(&app, &token).await.unwrap_err(),
        Error::InterviewExpired
    );
    let question = position.questions[0].id.to_string();
    let new_upload = || upload::NewUpload {
        content_type: Some("video/webm".into()),
        size: Some(10),
        multipart: None,
        duration_seconds: Some(3.5),
    };
    assert_eq!(
        upload::create(&app, &token, &question, new_upload())
            .await
            .unwrap_err(),
        Error::InterviewExpired
    );
    assert_eq!(
        submit(&app, &token).await.unwrap_err(),
        Error::InterviewExpired
    );

    // Completed before the deadline: still readable after it.
    let (token, position) = invited(&app, chrono::Duration::hours(1)).await;
    let question = position.questions[0].id.to_string();
    let ticket = upload::create(&app, &token, &question, new_upload())
        .await
        .unwrap();
    let key = &ticket.upload.object_key;
    std::fs::create_dir_all(dir.path().join("videos").join(key).parent().unwrap()).unwrap();
    std::fs::write(dir.path().join("videos").join(key), [0u8; 10]).unwrap();
    crate::app::complete::complete(&app, &token, &question, &ticket.upload.id.to_string())
        .await
        .unwrap();
    submit(&app, &token).await.unwrap();
    clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        open(&app, &token).await.unwrap().interview.status,
        InterviewStatus::Completed
    );
}

#[tokio::test]
async fn unknown_and_malformed_tokens_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = testing::app(dir.path());
    assert_eq!(open(&app, "short").await.unwrap_err(), Error::LinkNotFound);
    assert_eq!(
        open(&app, &"A".repeat(43)).await.unwrap_err(),
        Error::LinkNotFound
    );
}

#[tokio::test]
async fn a_share_link_works_until_the_second_it_expires_and_not_after_a_revoke() {
    use crate::app::shares;
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = testing::app(dir.path());
    let caller = testing::caller();
    let position: positions::NewPosition =
        serde_json::from_value(json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }))
            .unwrap();
    let position = positions::create_position(&app, &caller, position)
        .await
        .unwrap();
    let input: invite::InviteInput = serde_json::from_value(json!({
        "candidate": { "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva" },
        "sendEmail": false,
    }))
    .unwrap();
    let links = app.links().unwrap();
    let invited = invite::invite(&app, links, &caller, &position.id.to_string(), input)
        .await
        .unwrap();
    let interview = invited.interview.id.to_string();
    let new_share = |days| shares::NewShare {
        expires_in_days: Some(days),
        hide_contact: None,
    };
    let created = shares::create(&app, links, &caller, &interview, new_share(1))
        .await
        .unwrap();
    let token = created.url.rsplit('/').next().unwrap().to_string();
    assert!(created.share.hide_contact, "contact hidden by default");

    clock.advance(chrono::Duration::days(1) - chrono::Duration::seconds(1));
    let shared = shares::view(&app, &token).await.unwrap();
    assert_eq!(shared.interview.id, invited.interview.id);
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        shares::view(&app, &token).await.err(),
        Some(Error::ShareExpired)
    );
    assert_eq!(
        shares::list(&app, &caller, &interview).await.unwrap().len(),
        1,
        "an expired link is still listed (as expired) until storage drops it"
    );

    for days in [0, 366] {
        assert!(matches!(
            shares::create(&app, links, &caller, &interview, new_share(days)).await,
            Err(Error::Validation(_))
        ));
    }
    let fresh = shares::create(&app, links, &caller, &interview, new_share(365))
        .await
        .unwrap();
    let fresh_token = fresh.url.rsplit('/').next().unwrap().to_string();
    assert!(shares::view(&app, &fresh_token).await.is_ok());
    shares::revoke(&app, &caller, &interview, &fresh.share.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        shares::view(&app, &fresh_token).await.err(),
        Some(Error::ShareNotFound)
    );
    assert_eq!(
        shares::revoke(&app, &caller, &interview, &fresh.share.id.to_string())
            .await
            .err(),
        Some(Error::ShareNotFound)
    );
}

#[tokio::test]
async fn the_apply_form_resends_a_known_link_at_most_hourly_and_caps_applications() {
    use crate::app::apply::{self, Application};
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = testing::app(dir.path());
    let caller = testing::caller();
    let tenant = crate::domain::Tenant {
        id: caller.tenant_id,
        name: crate::domain::Line::parse("Acme", 10).unwrap(),
        monthly_invite_limit: None,
        created_at: app.clock.now(),
        retention_days: None,
    };
    let (key, _) = crate::app::tenants::new_key(&app, tenant.id, tenant.name.clone());
    app.tenants.create_tenant(&tenant, &key).await.unwrap();
    let position: positions::NewPosition = serde_json::from_value(json!({
        "name": "Engineer", "questions": [{ "text": "Why?" }],
        "publicApply": true, "maxApplicationsPerDay": 3,
    }))
    .unwrap();
    let position = positions::create_position(&app, &caller, position)
        .await
        .unwrap();
    let id = position.id.to_string();
    let links = app.links().unwrap();
    let person = |email: &str| Application {
        first_name: Some("Ana".into()),
        last_name: Some("Silva".into()),
        email: Some(email.into()),
    };
    let outbox = || std::fs::read_dir(dir.path().join("outbox")).map_or(0, |d| d.count());

    apply::apply(&app, links, &id, person("ana@example.com"), "198.51.100.1")
        .await
        .unwrap();
    apply::apply(&app, links, &id, person("ana@example.com"), "198.51.100.1")
        .await
        .unwrap();
    assert_eq!(outbox(), 1, "no second email within the hour");
    clock.advance(chrono::Duration::minutes(61));
    apply::apply(&app, links, &id, person("ana@example.com"), "198.51.100.1")
        .await
        .unwrap();
    assert_eq!(outbox(), 2, "the link again after an hour");

    // The position's daily cap (3) counts every application, known emails too.
    let refused = apply::apply(&app, links, &id, person("ben@example.com"), "198.51.100.2").await;
    assert!(
        matches!(refused, Err(Error::RateLimited { retry_after_seconds }) if retry_after_seconds > 0),
        "{refused:?}"
    );
    clock.advance(chrono::Duration::days(1));
    apply::apply(&app, links, &id, person("ben@example.com"), "198.51.100.2")
        .await
        .unwrap();

    // One sender: at most 10 an hour, across positions.
    let mut outcomes = Vec::new();
    for i in 0..apply::APPLICATIONS_PER_IP_PER_HOUR + 1 {
        let email = format!("c{i}@example.com");
        outcomes.push(apply::apply(&app, links, &id, person(&email), "203.0.113.9").await);
    }
    let refused = outcomes.iter().filter(|o| o.is_err()).count();
    assert!(refused >= 1, "the sender is limited");
}

#[tokio::test]
async fn reminders_are_never_sent_to_an_address_that_bounced_or_complained() {
    use crate::app::reminders;
    use crate::domain::{Suppression, SuppressionReason};
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = testing::app(dir.path());
    let (token, _) = invited(&app, chrono::Duration::days(5)).await;
    let interview = open(&app, &token).await.unwrap().interview;
    let outbox = || std::fs::read_dir(dir.path().join("outbox")).map_or(0, |d| d.count());
    let links = app.links().unwrap();
    let before_deadline = app.clock.now() + chrono::Duration::days(4) + chrono::Duration::hours(1);

    app.suppressions
        .suppress(&Suppression {
            tenant_id: interview.tenant_id,
            email: interview.candidate.email.normalized(),
            reason: SuppressionReason::HardBounce,
            detail: "the mailbox does not exist".into(),
            at: app.clock.now(),
            interview_id: Some(interview.id),
        })
        .await
        .unwrap();
    let run = reminders::run(&app, links, before_deadline, None)
        .await
        .unwrap();
    assert_eq!((run.due, run.sent), (1, 0), "{run:?}");
    assert_eq!(outbox(), 0, "nothing emailed");
    let stored = app
        .interviews
        .get_interview(interview.tenant_id, interview.id)
        .await
        .unwrap()
        .unwrap();
    let last = stored.timeline.last().unwrap();
    assert!(
        last.detail
            .as_deref()
            .is_some_and(|d| d.starts_with("reminder: not sent")),
        "{last:?}"
    );
    // Settled: a later run does not try again.
    let again = reminders::run(&app, links, before_deadline, None)
        .await
        .unwrap();
    assert_eq!(again.sent + again.skipped, 0, "{again:?}");
}

#[tokio::test]
async fn a_retention_run_out_of_time_leaves_the_rest_to_the_next_run() {
    use crate::app::retention;
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = testing::app(dir.path());
    let caller = testing::caller();
    let tenant = crate::domain::Tenant {
        id: caller.tenant_id,
        name: crate::domain::Line::parse("Acme", 10).unwrap(),
        monthly_invite_limit: None,
        created_at: app.clock.now(),
        retention_days: None,
    };
    let (key, _) = crate::app::tenants::new_key(&app, tenant.id, tenant.name.clone());
    app.tenants.create_tenant(&tenant, &key).await.unwrap();
    testing::invited_by(&app, &caller, chrono::Duration::hours(1)).await;
    let days = crate::domain::RetentionDays::parse(1).unwrap();
    assert!(app
        .tenants
        .set_retention(tenant.id, Some(days))
        .await
        .unwrap());
    clock.advance(chrono::Duration::days(2));

    // A run whose time is up when it starts deletes nothing and says it did not finish.
    let now = app.clock.now();
    let stopped = retention::run(&app, now, Some(std::time::Instant::now()))
        .await
        .unwrap();
    assert_eq!((stopped.deleted, stopped.finished), (0, false));
    let next = retention::run(&app, now, None).await.unwrap();
    assert_eq!((next.tenants, next.deleted, next.finished), (1, 1, true));
    let again = retention::run(&app, now, None).await.unwrap();
    assert_eq!((again.deleted, again.finished), (0, true));
}
