//! moto as the AWS emulator: one server per test run (or the one `MOTO_ENDPOINT` names), and
//! per-test tables, buckets and senders so tests never share state.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The emulator's endpoint, starting `tests/emulator/moto_server.py` on a free port unless
/// `MOTO_ENDPOINT` names a running one.
pub fn endpoint() -> String {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            if let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") {
                return endpoint.trim_end_matches('/').to_string();
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let python = std::env::var("MOTO_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    let venv = super::workspace_root().join(".venv/bin/python");
                    if venv.exists() {
                        venv
                    } else {
                        PathBuf::from("python3")
                    }
                });
            let script = super::workspace_root().join("tests/emulator/moto_server.py");
            // Started from a thread that lives as long as the test process, so the server
            // dies with it (PR_SET_PDEATHSIG fires when the spawning thread ends).
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut command = Command::new(&python);
                command
                    .arg(&script)
                    .args(["127.0.0.1", &port.to_string()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null());
                unsafe {
                    use std::os::unix::process::CommandExt;
                    command.pre_exec(|| {
                        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                        Ok(())
                    });
                }
                let child = command.spawn();
                tx.send(
                    child
                        .map(|_| ())
                        .map_err(|e| format!("{}: {e}", python.display())),
                )
                .ok();
                loop {
                    std::thread::park();
                }
            });
            rx.recv()
                .expect("spawner")
                .expect("moto_server starts (pip install 'moto[server]')");
            let endpoint = format!("http://127.0.0.1:{port}");
            for _ in 0..300 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return endpoint;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            panic!("moto_server did not start on {endpoint}");
        })
        .clone()
}

/// Environment for an SDK client of the emulator.
pub fn sdk_env() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]
}

pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(reelview::aws::http_client())
        .endpoint_url(endpoint())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .load()
        .await
}

pub async fn s3_client() -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&sdk_config().await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// One test's table, bucket and sender.
#[derive(Debug, Clone)]
pub struct Resources {
    pub table: String,
    pub bucket: String,
    pub mail_from: String,
    /// An SES configuration set that exists (events go nowhere: moto publishes none).
    pub mail_configuration_set: String,
    /// The ARN of a Secrets Manager secret holding `LINK_KEY_TEXT`.
    pub link_key_secret: String,
}

/// The link key text of every emulated deployment (44 characters, like the generated one).
pub const LINK_KEY_TEXT: &str = "LambdaPathTestLinkKey0123456789abcdefghijklm";

impl Resources {
    /// Creates the table exactly as `infra/template.yaml` defines it, a bucket, an SES
    /// configuration set and (when `verified_sender`) a verified SES identity for the sender.
    pub async fn create(verified_sender: bool) -> Resources {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let resources = Resources {
            table: format!("reelview-{id}"),
            bucket: format!("reelview-{}", &id[..16]),
            mail_from: if verified_sender {
                format!("hiring-{id}@reelview.test")
            } else {
                format!("unverified-{id}@reelview.test")
            },
            mail_configuration_set: format!("reelview-mail-{id}"),
            link_key_secret: String::new(),
        };
        let config = sdk_config().await;
        let secret = aws_sdk_secretsmanager::Client::new(&config)
            .create_secret()
            .name(format!("reelview-link-key-{id}"))
            .secret_string(LINK_KEY_TEXT)
            .send()
            .await
            .expect("create the link key secret");
        let resources = Resources {
            link_key_secret: secret.arn().expect("secret ARN").to_string(),
            ..resources
        };
        create_table(&aws_sdk_dynamodb::Client::new(&config), &resources.table).await;
        s3_client()
            .await
            .create_bucket()
            .bucket(&resources.bucket)
            .send()
            .await
            .expect("create bucket");
        let ses = aws_sdk_sesv2::Client::new(&config);
        ses.create_configuration_set()
            .configuration_set_name(&resources.mail_configuration_set)
            .send()
            .await
            .expect("create the configuration set");
        if verified_sender {
            ses.create_email_identity()
                .email_identity(&resources.mail_from)
                .send()
                .await
                .expect("verify sender");
        }
        resources
    }
}

/// The `Table` resource's properties from the SAM template: the one definition of the table.
pub fn table_definition() -> serde_yaml::Value {
    let text = std::fs::read_to_string(super::workspace_root().join("infra/template.yaml"))
        .expect("infra/template.yaml");
    let template: serde_yaml::Value = serde_yaml::from_str(&text).expect("template is YAML");
    template["Resources"]["Table"]["Properties"].clone()
}

pub async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    use aws_sdk_dynamodb::types::*;
    let props = table_definition();
    let str_of = |v: &serde_yaml::Value| v.as_str().expect("string").to_string();
    let keys = |v: &serde_yaml::Value| -> Vec<KeySchemaElement> {
        v.as_sequence()
            .expect("key schema")
            .iter()
            .map(|k| {
                KeySchemaElement::builder()
                    .attribute_name(str_of(&k["AttributeName"]))
                    .key_type(KeyType::from(str_of(&k["KeyType"]).as_str()))
                    .build()
                    .expect("key")
            })
            .collect()
    };
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::from(str_of(&props["BillingMode"]).as_str()))
        .set_key_schema(Some(keys(&props["KeySchema"])));
    for attribute in props["AttributeDefinitions"]
        .as_sequence()
        .expect("attributes")
    {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(str_of(&attribute["AttributeName"]))
                .attribute_type(ScalarAttributeType::from(
                    str_of(&attribute["AttributeType"]).as_str(),
                ))
                .build()
                .expect("attribute"),
        );
    }
    for index in props["GlobalSecondaryIndexes"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(str_of(&index["IndexName"]))
                .set_key_schema(Some(keys(&index["KeySchema"])))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(
                            str_of(&index["Projection"]["ProjectionType"]).as_str(),
                        ))
                        .build(),
                )
                .build()
                .expect("index"),
        );
    }
    request.send().await.expect("create table");
}

/// Raw messages moto accepted from `source`, oldest first.
pub async fn sent_mail(source: &str) -> Vec<super::mail::Mail> {
    let messages: Value = reqwest::get(format!("{}/_reelview/ses/raw", endpoint()))
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("a JSON list of messages");
    messages
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["source"] == source)
        .map(|m| {
            let text = |v: &Value| v.as_str().map(str::to_string);
            let tag = |name: &str| text(&m["tags"][name]);
            super::mail::Mail {
                about: tag("reelview-tenant").zip(tag("reelview-interview")),
                message_id: text(&m["messageId"]),
                configuration_set: text(&m["configurationSet"]),
                ..super::mail::Mail::parse(m["rawData"].as_str().unwrap_or(""))
            }
        })
        .collect()
}
