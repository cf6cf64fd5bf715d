//! The template keeps its promises to the operator: every function logs JSON to its own group
//! kept `LogRetentionDays`, has an errors-and-throttles alarm and is on the dashboard; every
//! dead-letter queue has a depth alarm; every alarm notifies the alarm topic; the API's access
//! log never holds a path; the custom domain is optional and feeds the links; and the
//! function crates on disk are exactly the template's functions.

use reelview_tests::template::{self as deployed, http_events, template};
use serde_yaml::Value;
use std::collections::BTreeSet;

/// The logical id a `!Ref` names.
fn ref_of(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "!Ref" => tagged.value.as_str(),
        _ => None,
    }
}

/// `(logical id, attribute)` of a `!GetAtt Id.Attribute`.
fn get_att(value: &Value) -> Option<(&str, &str)> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "!GetAtt" => tagged.value.as_str()?.split_once('.'),
        _ => None,
    }
}

/// Resources of one type: (logical id, resource).
fn of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    template["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(id, r)| (id.as_str().expect("logical id"), r))
        .collect()
}

/// Everything under `value`, depth first.
fn walk<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    found.push(value);
    match value {
        Value::Mapping(map) => map.values().for_each(|v| walk(v, found)),
        Value::Sequence(items) => items.iter().for_each(|v| walk(v, found)),
        Value::Tagged(tagged) => walk(&tagged.value, found),
        _ => {}
    }
}

fn notifies_the_alarm_topic(alarm: &Value) -> bool {
    alarm["Properties"]["AlarmActions"]
        .as_sequence()
        .is_some_and(|actions| actions.iter().any(|a| ref_of(a) == Some("AlarmTopic")))
}

#[test]
fn every_function_logs_json_to_its_own_group_kept_for_the_retention_parameter() {
    let template = template();
    let retention = &template["Parameters"]["LogRetentionDays"];
    assert_eq!(retention["Default"].as_u64(), Some(30), "{retention:?}");
    assert_eq!(
        template["Globals"]["Function"]["LoggingConfig"]["LogFormat"], "JSON",
        "the functions log JSON lines"
    );
    let functions = of_type(&template, "AWS::Serverless::Function");
    assert!(functions.len() >= 20, "the functions were read");
    let mut groups = BTreeSet::new();
    for (id, function) in functions {
        let group = ref_of(&function["Properties"]["LoggingConfig"]["LogGroup"])
            .unwrap_or_else(|| panic!("{id} names its log group"));
        let resource = &template["Resources"][group];
        assert_eq!(resource["Type"], "AWS::Logs::LogGroup", "{id}: {group}");
        assert_eq!(
            ref_of(&resource["Properties"]["RetentionInDays"]),
            Some("LogRetentionDays"),
            "{group} is kept LogRetentionDays"
        );
        assert!(groups.insert(group), "{id} shares {group}");
    }
    for (id, group) in of_type(&template, "AWS::Logs::LogGroup") {
        assert_eq!(
            ref_of(&group["Properties"]["RetentionInDays"]),
            Some("LogRetentionDays"),
            "{id} is kept LogRetentionDays"
        );
    }
}

#[test]
fn every_function_has_an_alarm_on_its_errors_and_throttles() {
    let template = template();
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for (id, _) in of_type(&template, "AWS::Serverless::Function") {
        let watched = |metric: &str| {
            alarms.iter().any(|(_, alarm)| {
                notifies_the_alarm_topic(alarm)
                    && alarm["Properties"]["Metrics"]
                        .as_sequence()
                        .into_iter()
                        .flatten()
                        .any(|m| {
                            let m = &m["MetricStat"]["Metric"];
                            m["Namespace"] == "AWS/Lambda"
                                && m["MetricName"] == metric
                                && m["Dimensions"][0]["Name"] == "FunctionName"
                                && ref_of(&m["Dimensions"][0]["Value"]) == Some(id)
                        })
            })
        };
        assert!(watched("Errors"), "{id}: an alarm on its errors");
        assert!(watched("Throttles"), "{id}: an alarm on its throttles");
    }
}

/// Every queue is a dead-letter queue somebody watches: a depth alarm on the topic. A
/// dead-letter queue SAM would create itself (`Type: SQS`) has a name no alarm can refer to,
/// so none is left to SAM.
#[test]
fn every_dead_letter_queue_has_a_depth_alarm_on_the_alarm_topic() {
    let template = template();
    let mut all = Vec::new();
    walk(&template["Resources"], &mut all);
    let mut dead_letters = BTreeSet::new();
    for value in all {
        if let Some(config) = value.get("DeadLetterConfig") {
            assert!(
                config.get("Type").is_none(),
                "a dead-letter queue declared in the template, not by SAM: {config:?}"
            );
            dead_letters.insert(get_att(&config["Arn"]).expect("DeadLetterConfig.Arn").0);
        }
        if let Some(config) = value.get("DeadLetterQueue") {
            dead_letters.insert(get_att(&config["TargetArn"]).expect("TargetArn").0);
        }
        if let Some(failure) = value.get("DestinationConfig") {
            dead_letters.insert(
                get_att(&failure["OnFailure"]["Destination"])
                    .expect("OnFailure.Destination")
                    .0,
            );
        }
    }
    let queues: BTreeSet<&str> = of_type(&template, "AWS::SQS::Queue")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(dead_letters, queues, "dead-letter queues vs queues");
    assert!(queues.len() >= 5, "{queues:?}");
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for queue in queues {
        let watched = alarms.iter().any(|(_, alarm)| {
            let p = &alarm["Properties"];
            notifies_the_alarm_topic(alarm)
                && p["Namespace"] == "AWS/SQS"
                && p["MetricName"] == "ApproximateNumberOfMessagesVisible"
                && get_att(&p["Dimensions"][0]["Value"]) == Some((queue, "QueueName"))
                && p["Threshold"].as_f64() == Some(0.0)
        });
        assert!(watched, "{queue}: a depth alarm on the alarm topic");
    }
}

#[test]
fn every_alarm_notifies_the_alarm_topic_and_the_optional_address() {
    let template = template();
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for (id, alarm) in &alarms {
        assert!(notifies_the_alarm_topic(alarm), "{id} notifies AlarmTopic");
    }
    let subscription = &template["Resources"]["AlarmSubscription"];
    assert_eq!(subscription["Condition"], "HasAlarmEmail");
    assert_eq!(
        ref_of(&subscription["Properties"]["Endpoint"]),
        Some("AlarmEmail")
    );
    assert_eq!(template["Parameters"]["AlarmEmail"]["Default"], "");
    // The rest of what the operator is told about.
    let metric = |id: &str| alarms.iter().find(|(a, _)| *a == id).map(|(_, a)| a);
    let bounce = metric("MailBounceRateAlarm").expect("a bounce rate alarm");
    assert_eq!(bounce["Properties"]["MetricName"], "Reputation.BounceRate");
    assert!(bounce["Properties"]["Threshold"].as_f64().unwrap() < 0.05);
    let complaint = metric("MailComplaintRateAlarm").expect("a complaint rate alarm");
    assert_eq!(
        complaint["Properties"]["MetricName"],
        "Reputation.ComplaintRate"
    );
    assert!(complaint["Properties"]["Threshold"].as_f64().unwrap() < 0.001);
    let text = |id: &str| format!("{:?}", metric(id).unwrap_or_else(|| panic!("{id}")));
    assert!(text("ApiServerErrorAlarm").contains("5xx"));
    assert!(text("TableThrottleAlarm").contains("WriteThrottleEvents"));
}

#[test]
fn the_dashboard_names_every_function() {
    let template = template();
    let body = match &template["Resources"]["Dashboard"]["Properties"]["DashboardBody"] {
        Value::Tagged(tagged) if tagged.tag == "!Sub" => {
            tagged.value.as_str().expect("a body").to_string()
        }
        other => panic!("DashboardBody is a !Sub: {other:?}"),
    };
    let json: serde_json::Value = serde_json::from_str(&body).expect("the body is JSON");
    assert!(json["widgets"].as_array().is_some_and(|w| w.len() >= 8));
    let http: BTreeSet<String> = http_events(&template)
        .into_iter()
        .map(|e| e.function)
        .collect();
    for function in deployed::functions(&template) {
        assert!(
            body.contains(&format!("${{{}}}", function.logical_id)),
            "the dashboard names {}",
            function.logical_id
        );
        // Requests, 4xx, 5xx and p99 per function come from its request lines.
        if http.contains(&function.binary) {
            let group = ref_of(
                &template["Resources"][function.logical_id.as_str()]["Properties"]["LoggingConfig"]
                    ["LogGroup"],
            )
            .expect("a log group");
            assert!(
                body.contains(&format!("SOURCE '${{{group}}}'")),
                "the per-function table reads {group}"
            );
        }
    }
    for metric in [
        "\"5xx\"",
        "\"4xx\"",
        "\"Send\"",
        "\"Bounce\"",
        "RemindersSent",
        "WebhookFailedAttempts",
    ] {
        assert!(body.contains(metric), "the dashboard shows {metric}");
    }
}

/// The access log names the route template, never the path (tokens travel in paths), and the
/// API keeps the `$default` stage that the pages' absolute paths assume.
#[test]
fn the_api_access_log_holds_no_path() {
    let template = template();
    let (_, api) = of_type(&template, "AWS::Serverless::HttpApi")[0];
    assert_eq!(api["Properties"]["StageName"], "$default");
    let settings = &api["Properties"]["AccessLogSettings"];
    assert_eq!(
        get_att(&settings["DestinationArn"]),
        Some(("ApiAccessLogGroup", "Arn"))
    );
    let format: serde_json::Value =
        serde_json::from_str(settings["Format"].as_str().expect("a format")).expect("JSON");
    for field in ["requestId", "routeKey", "status", "latency"] {
        assert!(format.get(field).is_some(), "the access log has {field}");
    }
    let text = format.to_string();
    for path in [
        "$context.path",
        "$context.http.path",
        "$context.resourcePath",
    ] {
        assert!(!text.contains(path), "the access log holds {path}");
    }
}

/// Without the custom domain parameters nothing of it is created; with them the links use it.
#[test]
fn the_custom_domain_is_optional_and_feeds_the_links() {
    let template = template();
    for parameter in ["DomainName", "CertificateArn", "HostedZoneId"] {
        assert_eq!(
            template["Parameters"][parameter]["Default"], "",
            "{parameter}"
        );
    }
    let resources = &template["Resources"];
    assert_eq!(resources["ApiDomain"]["Condition"], "HasCustomDomain");
    assert_eq!(
        resources["ApiDomainMapping"]["Condition"],
        "HasCustomDomain"
    );
    assert_eq!(resources["ApiDomainRecord"]["Condition"], "HasDnsRecord");
    let with_base_url: Vec<_> = deployed::functions(&template)
        .into_iter()
        .filter_map(|f| {
            f.environment
                .get("PUBLIC_BASE_URL")
                .map(|v| (f.logical_id, format!("{v:?}")))
        })
        .collect();
    assert!(with_base_url.len() >= 5, "{with_base_url:?}");
    for (function, value) in with_base_url {
        assert!(
            value.contains("HasCustomDomain") && value.contains("https://${DomainName}"),
            "{function}: PUBLIC_BASE_URL is the custom domain when set: {value}"
        );
    }
}

/// Every workspace function crate (functions/* but `local`) is deployed, and every deployed
/// function is a crate on disk.
#[test]
fn every_function_crate_has_a_template_entry_and_back() {
    let root = reelview_tests::workspace_root().join("functions");
    let mut crates = BTreeSet::new();
    for entry in std::fs::read_dir(&root).expect("functions/") {
        let dir = entry.expect("an entry").path();
        let manifest = dir.join("Cargo.toml");
        if dir.file_name().is_some_and(|n| n == "local") || !manifest.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).expect("Cargo.toml");
        let name = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{} names its package", manifest.display()));
        crates.insert(name.to_string());
    }
    let deployed: BTreeSet<String> = deployed::functions(&template())
        .into_iter()
        .map(|f| f.binary)
        .collect();
    assert!(crates.len() >= 20, "{crates:?}");
    assert_eq!(crates, deployed, "function crates on disk vs the template");
}
