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
