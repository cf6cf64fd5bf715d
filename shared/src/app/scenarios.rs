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
    let caller = testing::caller();
    let position: positions::NewPosition =
        serde_json::from_value(json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }))
            .unwrap();
    let position = positions::create_position(app, &caller, position)
        .await
        .unwrap();
    let input: invite::InviteInput = serde_json::from_value(json!({
        "candidate": { "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva" },
        "sendEmail": false,
        "deadline": (app.clock.now() + deadline_in).to_rfc3339(),
    }))
    .unwrap();
    let links = app.links().unwrap();
    let invited = invite::invite(app, links, &caller, &position.id.to_string(), input)
        .await
        .unwrap();
    (
        invited.url.rsplit('/').next().unwrap().to_string(),
        position,
    )
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
