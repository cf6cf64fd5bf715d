//! The manifest of the deployed functions: for each Lambda, its name (package, binary and
//! `BuildProperties.Binary` in `infra/template.yaml`), its routes, the adapters and settings it
//! needs, and the AWS actions its code calls. The route-drift test holds the template and the
//! routers against this list; a function's `main` names its entry, so it is composed at
//! compile time from only what it serves.

use crate::http::{self, HttpState};
use axum::Router;

/// What a function needs besides the table: each `true` adds an adapter and the settings it
/// reads (`REELVIEW_VIDEO_BUCKET`; `REELVIEW_MAIL_FROM` and `REELVIEW_MAIL_CONFIGURATION_SET`;
/// `REELVIEW_LINK_KEY_SECRET` — the secret's ARN, read at cold start — and `PUBLIC_BASE_URL`;
/// `REELVIEW_TRANSCRIPTION` and `REELVIEW_EVALUATION_MODEL` for the followup switches;
/// `REELVIEW_EVALUATION_MODEL` for the evaluator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The table (`REELVIEW_TABLE`); only the static page function goes without.
    pub store: bool,
    pub videos: bool,
    pub mail: bool,
    pub links: bool,
    /// Queues followups, so it reads whether transcription and evaluation are on.
    pub followup_switches: bool,
    /// Transcribes recordings (Amazon Transcribe; output in the video bucket).
    pub transcriber: bool,
    /// Evaluates completed interviews (Amazon Bedrock).
    pub evaluator: bool,
    /// Delivers webhooks, or checks where a subscription's URL leads (HTTP client).
    pub webhook_sender: bool,
}

impl Needs {
    const STORE: Needs = Needs {
        store: true,
        videos: false,
        mail: false,
        links: false,
        followup_switches: false,
        transcriber: false,
        evaluator: false,
        webhook_sender: false,
    };
    const NOTHING: Needs = Needs {
        store: false,
        ..Self::STORE
    };
    const MAIL_AND_LINKS: Needs = Needs {
        mail: true,
        links: true,
        ..Self::STORE
    };
}

#[derive(Debug, Clone, Copy)]
pub struct Function {
    pub name: &'static str,
    /// `(method, path)` as in the template's `HttpApi` events.
    pub routes: &'static [(&'static str, &'static str)],
    /// Builds the function's router; `None` for a function that serves no HTTP route.
    pub router: Option<fn() -> Router<HttpState>>,
    pub needs: Needs,
    /// The IAM actions the code calls (TransactWriteItems is authorized per item action).
    pub aws_actions: &'static [&'static str],
}

/// A deployed function, as a type: `main` passes it to `runtime::lambda_state`, which then
/// builds only the adapters its `needs` name (the others are not linked).
pub trait Deployed {
    const FUNCTION: Function;
}

macro_rules! deployed {
    ($($(#[$doc:meta])* $type:ident => $function:expr;)*) => {$(
        $(#[$doc])*
        pub struct $type;
        impl Deployed for $type {
            const FUNCTION: Function = $function;
        }
    )*};
}

deployed! {
    /// Operators create tenants (IAM-authorized).
    Admin => Function {
        name: "reelview-admin",
        routes: &[("POST", "/admin/v1/tenants")],
        router: Some(http::admin::routes),
        needs: Needs::STORE,
        aws_actions: &["dynamodb:PutItem"],
    };
    /// API key → tenant, for API Gateway.
    Authorizer => Function {
        name: "reelview-authorizer",
        routes: &[],
        router: None,
        needs: Needs::STORE,
        // Reads the key; records its last use at most every 15 minutes.
        aws_actions: &["dynamodb:GetItem", "dynamodb:UpdateItem"],
    };
    Positions => Function {
        name: "reelview-positions",
        routes: &[
            ("POST", "/v1/positions"),
            ("GET", "/v1/positions"),
            ("GET", "/v1/positions/{positionId}"),
            ("PATCH", "/v1/positions/{positionId}"),
            ("DELETE", "/v1/positions/{positionId}"),
            ("POST", "/v1/positions/{positionId}/archive"),
            ("POST", "/v1/positions/{positionId}/unarchive"),
        ],
        router: Some(http::positions::routes),
        // Deleting a position starts purging its recordings.
        needs: Needs {
            videos: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            // A deletion starts purging the recordings.
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
        ],
    };
    Invite => Function {
        name: "reelview-invite",
        routes: &[
            ("POST", "/v1/positions/{positionId}/interviews"),
            ("POST", "/v1/positions/{positionId}/interviews/batch"),
        ],
        router: Some(http::invite::routes),
        needs: Needs::MAIL_AND_LINKS,
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "ses:SendEmail",
        ],
    };
    Interviews => Function {
        name: "reelview-interviews",
        routes: &[
            ("GET", "/v1/positions/{positionId}/interviews"),
            ("GET", "/v1/interviews/{interviewId}"),
            ("DELETE", "/v1/interviews/{interviewId}"),
            ("PUT", "/v1/interviews/{interviewId}/score"),
            ("POST", "/v1/interviews/{interviewId}/stage"),
            ("POST", "/v1/interviews/{interviewId}/reinvite"),
            ("PUT", "/v1/interviews/{interviewId}/deadline"),
            ("DELETE", "/v1/interviews/{interviewId}/answers/{questionId}"),
            ("GET", "/v1/interviews/{interviewId}/answers/{questionId}/captions.vtt"),
            // A candidate's erasure: the same deletion, for each of their interviews.
            ("POST", "/v1/erasure"),
        ],
        router: Some(http::interview_routes),
        needs: Needs {
            videos: true,
            ..Needs::MAIL_AND_LINKS
        },
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            // A position's counts move with a stage change.
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "ses:SendEmail",
            // Presigned playback URLs.
            "s3:GetObject",
            // A removed answer's video; a deleted interview's videos and pending uploads.
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
        ],
    };
    /// Resending an invitation with the same link, within limits.
    Resend => Function {
        name: "reelview-resend",
        routes: &[("POST", "/v1/interviews/{interviewId}/resend")],
        router: Some(http::resend::routes),
        needs: Needs::MAIL_AND_LINKS,
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            // The resend is taken, and the email's outcome recorded, on the interview.
            "dynamodb:PutItem",
            // Storing an interview counted before counts were kept moves them.
            "dynamodb:UpdateItem",
            "ses:SendEmail",
        ],
    };
    CandidateSession => Function {
        name: "reelview-candidate-session",
        routes: &[
            ("GET", "/v1/candidate/{token}"),
            ("POST", "/v1/candidate/{token}/submit"),
            ("PUT", "/v1/candidate/{token}/answers/{questionId}/text"),
        ],
        router: Some(http::session::routes),
        // Submitting queues the advisory evaluation where it is on.
        needs: Needs {
            followup_switches: true,
            ..Needs::STORE
        },
        // Opening and submitting move the position's counts; a submission may queue an
        // evaluation in the same write.
        aws_actions: &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    };
    AnswerUpload => Function {
        name: "reelview-answer-upload",
        routes: &[
            ("POST", "/v1/candidate/{token}/answers/{questionId}/uploads"),
            ("GET", "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}"),
            ("DELETE", "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}"),
            ("POST", "/v1/candidate/{token}/answers/{questionId}/uploads/{uploadId}/complete"),
        ],
        router: Some(http::uploads::routes),
        // A confirmed recording is queued for transcription where it is on.
        needs: Needs {
            videos: true,
            followup_switches: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            // The first upload starts the interview, which moves the position's counts.
            "dynamodb:UpdateItem",
            // Presigned PUTs and parts, CreateMultipartUpload, CompleteMultipartUpload, and
            // CopyObject's destination (a completed upload leaves pending/).
            "s3:PutObject",
            // HeadObject, and CopyObject's source.
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
            "s3:DeleteObject",
        ],
    };
    /// Share links: managed by recruiters, opened by anyone holding one until it expires.
    Share => Function {
        name: "reelview-share",
        routes: &[
            ("POST", "/v1/interviews/{interviewId}/shares"),
            ("GET", "/v1/interviews/{interviewId}/shares"),
            ("DELETE", "/v1/interviews/{interviewId}/shares/{shareId}"),
            ("GET", "/v1/shares/{token}"),
            ("GET", "/v1/shares/{token}/answers/{questionId}/captions.vtt"),
            ("GET", "/s/{token}"),
        ],
        router: Some(http::shares::routes),
        needs: Needs {
            videos: true,
            links: true,
            ..Needs::STORE
        },
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            // Presigned playback URLs.
            "s3:GetObject",
        ],
    };
    /// Reviewers' comments on interviews.
    Comments => Function {
        name: "reelview-comments",
        routes: &[
            ("POST", "/v1/interviews/{interviewId}/comments"),
            ("GET", "/v1/interviews/{interviewId}/comments"),
            ("DELETE", "/v1/interviews/{interviewId}/comments/{commentId}"),
        ],
        router: Some(http::comments::routes),
        needs: Needs::STORE,
        aws_actions: &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
        ],
    };
    /// The tenant's API keys: one per person or system.
    ApiKeys => Function {
        name: "reelview-api-keys",
        routes: &[
            ("POST", "/v1/api-keys"),
            ("GET", "/v1/api-keys"),
            ("DELETE", "/v1/api-keys/{keyId}"),
            ("GET", "/v1/me"),
            ("GET", "/v1/tenant"),
            ("PATCH", "/v1/tenant"),
        ],
        router: Some(http::team_routes),
        needs: Needs::STORE,
        aws_actions: &[
            "dynamodb:GetItem",
            // A key; the team's entry in the retention job's list.
            "dynamodb:PutItem",
            // The team's retention setting.
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
        ],
    };
    /// Purges deleted positions on a schedule: what a `DELETE` started and did not finish.
    Purge => Function {
        name: "reelview-purge",
        routes: &[],
        router: None,
        needs: Needs {
            videos: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            // A deleted interview's announcement to webhooks, written with the deletion.
            "dynamodb:PutItem",
            // The position's counts, which the deleted interview leaves.
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
        ],
    };
    /// Deletes interviews that ended longer ago than their team keeps them, on a schedule:
    /// reads only the teams with a retention period and the ended index up to each cutoff.
    Retention => Function {
        name: "reelview-retention",
        routes: &[],
        router: None,
        needs: Needs {
            videos: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            // A deleted interview's announcement to webhooks, written with the deletion.
            "dynamodb:PutItem",
            // The position's counts, which the deleted interview leaves.
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            // The teams with a retention period; the ended index; an interview's shares,
            // comments, transcripts, evaluations and queued work.
            "dynamodb:Query",
            // Recordings, transcripts and pending uploads.
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
        ],
    };
    /// Reminders and expiries, on a schedule: reads only the due index.
    Reminders => Function {
        name: "reelview-reminders",
        routes: &[],
        router: None,
        needs: Needs::MAIL_AND_LINKS,
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            // A reminder is claimed, then settled, on the interview.
            "dynamodb:PutItem",
            // An expiry moves the position's counts.
            "dynamodb:UpdateItem",
            // The due index.
            "dynamodb:Query",
            "ses:SendEmail",
        ],
    };
    /// What SES reports about sent email (through SNS): recorded on the interview; a hard
    /// bounce or a complaint stops further email to the address for the tenant.
    EmailEvents => Function {
        name: "reelview-email-events",
        routes: &[],
        router: None,
        needs: Needs::STORE,
        aws_actions: &[
            "dynamodb:GetItem",
            // The interview, and the suppressed address.
            "dynamodb:PutItem",
            // An interview stored before position counts existed is counted when stored.
            "dynamodb:UpdateItem",
        ],
    };
    /// Runs queued followups as the table's change stream reports them: starts transcribing
    /// a confirmed recording, evaluates a completed interview.
    Followups => Function {
        name: "reelview-followups",
        routes: &[],
        router: None,
        needs: Needs {
            videos: true,
            transcriber: true,
            evaluator: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            // A transcript beside its interview; an evaluation.
            "dynamodb:PutItem",
            // An interview stored before position counts existed is counted when stored.
            "dynamodb:UpdateItem",
            // A followup that ran.
            "dynamodb:DeleteItem",
            // An interview's transcripts and evaluations.
            "dynamodb:Query",
            // Transcribe reads the recording, and writes its result under transcripts/, with
            // the permissions of the caller that starts the job.
            "s3:GetObject",
            "s3:PutObject",
            "transcribe:StartTranscriptionJob",
            // Starting a job that exists reports that job instead.
            "transcribe:GetTranscriptionJob",
            "bedrock:InvokeModel",
        ],
    };
    /// Stores the outcome of a transcription job when Amazon Transcribe reports its end
    /// (through EventBridge).
    Transcripts => Function {
        name: "reelview-transcripts",
        routes: &[],
        router: None,
        needs: Needs {
            transcriber: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            // The transcript beside its interview (the evaluation may be queued with it).
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "transcribe:GetTranscriptionJob",
            // The job's output document under transcripts/.
            "s3:GetObject",
        ],
    };
    /// The tenant's webhook subscriptions and their delivery logs.
    Webhooks => Function {
        name: "reelview-webhooks",
        routes: &[
            ("POST", "/v1/webhooks"),
            ("GET", "/v1/webhooks"),
            ("GET", "/v1/webhooks/{webhookId}"),
            ("PATCH", "/v1/webhooks/{webhookId}"),
            ("DELETE", "/v1/webhooks/{webhookId}"),
            ("POST", "/v1/webhooks/{webhookId}/rotate-secret"),
            ("POST", "/v1/webhooks/{webhookId}/test"),
            ("GET", "/v1/webhooks/{webhookId}/deliveries"),
            ("POST", "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry"),
        ],
        router: Some(http::webhooks::routes),
        // A subscription's URL is resolved when it is set, to refuse internal addresses.
        needs: Needs {
            webhook_sender: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
        ],
    };
    /// Delivers webhooks: new events and deliveries from the table's stream, due retries on
    /// a schedule.
    WebhookDelivery => Function {
        name: "reelview-webhook-delivery",
        routes: &[],
        router: None,
        needs: Needs {
            webhook_sender: true,
            ..Needs::STORE
        },
        aws_actions: &[
            "dynamodb:GetItem",
            // A delivery per subscription; each attempt recorded.
            "dynamodb:PutItem",
            // An event that ran.
            "dynamodb:DeleteItem",
            // The tenant's subscriptions; due deliveries (the due index).
            "dynamodb:Query",
        ],
    };
    /// The candidate page and its assets: static, no table, no AWS client.
    CandidatePage => Function {
        name: "reelview-candidate-page",
        routes: &[("GET", "/i/{token}"), ("GET", "/assets/{asset}")],
        router: Some(http::pages::routes::<HttpState>),
        needs: Needs::NOTHING,
        aws_actions: &[],
    };
    /// The recruiter console's single-page app and its assets.
    Console => Function {
        name: "reelview-console",
        routes: &[("GET", "/app"), ("GET", "/app/{proxy+}")],
        router: Some(http::console::routes::<HttpState>),
        needs: Needs::NOTHING,
        aws_actions: &[],
    };
    Apply => Function {
        name: "reelview-apply",
        routes: &[("GET", "/apply/{slugOrId}"), ("POST", "/apply/{slugOrId}")],
        router: Some(http::apply::routes),
        needs: Needs::MAIL_AND_LINKS,
        aws_actions: &[
            // The link key, read once at cold start.
            "secretsmanager:GetSecretValue",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "ses:SendEmail",
        ],
    };
}

/// Every deployed function.
pub const ALL: [Function; 22] = [
    Admin::FUNCTION,
    Authorizer::FUNCTION,
    Positions::FUNCTION,
    Invite::FUNCTION,
    Interviews::FUNCTION,
    Resend::FUNCTION,
    CandidateSession::FUNCTION,
    AnswerUpload::FUNCTION,
    CandidatePage::FUNCTION,
    Console::FUNCTION,
    Apply::FUNCTION,
    Share::FUNCTION,
    Comments::FUNCTION,
    ApiKeys::FUNCTION,
    Purge::FUNCTION,
    Retention::FUNCTION,
    Reminders::FUNCTION,
    EmailEvents::FUNCTION,
    Followups::FUNCTION,
    Transcripts::FUNCTION,
    Webhooks::FUNCTION,
    WebhookDelivery::FUNCTION,
];

/// The manifest entry of a function, by name.
pub fn named(name: &str) -> Option<&'static Function> {
    ALL.iter().find(|f| f.name == name)
}
