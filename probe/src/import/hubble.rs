//! `hubble observe -o json` lines: either a bare flow or `{"flow": {…}, "node_name", "time"}`.
//! Reads `time`, `node_name`, `verdict`, `is_reply`, `IP{source,destination}`,
//! `l4{TCP|UDP|SCTP{source_port,destination_port}}`, `source`/`destination` endpoints
//! (`namespace`, `pod_name`, `labels` as `k8s:key=value`, `workloads[{name,kind}]`) and
//! `destination_service{name,namespace}`. Replies and non-forwarded verdicts are ignored;
//! a TCP packet counts as a connection only when it is a SYN without ACK.

use super::{LineOutcome, Observation};
use crate::record::{Endpoint, Proto, parse_time};
use serde_json::Value;
use std::collections::BTreeMap;

/// Verdicts of traffic that was let through.
const PASSED: &[&str] = &["FORWARDED", "REDIRECTED", "TRANSLATED", "TRACED"];
/// Label prefixes that are Cilium bookkeeping, not pod labels.
const NOT_POD_LABELS: &[&str] = &["io.kubernetes.pod.namespace", "io.cilium."];

/// Parses one line; `Err` names the field that is wrong.
pub fn parse_line(line: &Value) -> Result<LineOutcome, String> {
    let flow = line.get("flow").unwrap_or(line);
    if !flow.is_object() {
        return Err("field flow: expected an object".into());
    }
    if flow.get("is_reply").and_then(Value::as_bool) == Some(true) {
        return Ok(LineOutcome::Ignored("reply direction"));
    }
    let verdict = flow
        .get("verdict")
        .and_then(Value::as_str)
        .unwrap_or("FORWARDED");
    if !PASSED.contains(&verdict) {
        return Ok(LineOutcome::Ignored("verdict not forwarded"));
    }
    if flow.get("Type").and_then(Value::as_str) == Some("L7") {
        return Ok(LineOutcome::Ignored(
            "L7 record (its L3/L4 flow is counted)",
        ));
    }
    let Some((proto, l4)) = l4(flow) else {
        return Ok(LineOutcome::Ignored("not TCP, UDP or SCTP"));
    };
    let ip = flow.get("IP").ok_or("missing field IP")?;
    let node = text(flow.get("node_name"))
        .or_else(|| text(line.get("node_name")))
        .unwrap_or_default();
    let mut src = endpoint(flow.get("source"), "source", &node)?;
    src.ip = Some(address(ip, "source")?);
    let mut dst = endpoint(flow.get("destination"), "destination", &node)?;
    dst.ip = Some(address(ip, "destination")?);
    dst.port = Some(port(l4, "destination_port", proto)?);
    if let Some(service) = flow.get("destination_service").filter(|s| !s.is_null()) {
        let name = text(service.get("name")).ok_or("field destination_service.name: missing")?;
        let namespace = text(service.get("namespace"))
            .or_else(|| dst.namespace.clone())
            .unwrap_or_default();
        dst.service = Some(format!("{namespace}/{name}"));
    }
    let time_text = text(flow.get("time"))
        .or_else(|| text(line.get("time")))
        .ok_or("missing field time")?;
    let time = parse_time(&time_text)
        .ok_or_else(|| format!("field time: {time_text:?} is not an RFC 3339 time"))?;
    let connections = match (proto, l4.get("flags")) {
        (Proto::Tcp, Some(flags)) => {
            let set = |f: &str| flags.get(f).and_then(Value::as_bool) == Some(true);
            u64::from(set("SYN") && !set("ACK"))
        }
        _ => 1,
    };
    Ok(LineOutcome::Flow(Box::new(Observation {
        time,
        node,
        proto,
        src,
        dst,
        connections,
    })))
}

fn l4(flow: &Value) -> Option<(Proto, &Value)> {
    let l4 = flow.get("l4")?;
    [
        ("TCP", Proto::Tcp),
        ("UDP", Proto::Udp),
        ("SCTP", Proto::Sctp),
    ]
    .into_iter()
    .find_map(|(key, proto)| l4.get(key).filter(|v| v.is_object()).map(|v| (proto, v)))
}

fn endpoint(value: Option<&Value>, at: &str, node: &str) -> Result<Endpoint, String> {
    let mut endpoint = Endpoint::default();
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(endpoint);
    };
    let raw_labels = match value.get("labels") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(other) => {
            return Err(format!(
                "field {at}.labels: expected a list of strings, got {other}"
            ));
        }
    };
    let (labels, reserved) = split_labels(&raw_labels);
    if reserved.contains(&"host") {
        endpoint.host = Some(node.to_owned());
    }
    endpoint.pod = text(value.get("pod_name"));
    endpoint.namespace = text(value.get("namespace"));
    if endpoint.pod.is_some() {
        endpoint.labels = labels;
    }
    if let Some(workload) = value
        .get("workloads")
        .and_then(Value::as_array)
        .and_then(|w| w.first())
    {
        let name = text(workload.get("name"))
            .ok_or_else(|| format!("field {at}.workloads[0].name: missing"))?;
        let kind = text(workload.get("kind")).unwrap_or_else(|| "Deployment".to_owned());
        endpoint.workload = Some(format!("{kind}/{name}"));
    }
    Ok(endpoint)
}

/// `k8s:app=web` → pod label `app=web`; `reserved:host` → reserved identity `host`.
fn split_labels<'a>(raw: &[&'a str]) -> (BTreeMap<String, String>, Vec<&'a str>) {
    let mut labels = BTreeMap::new();
    let mut reserved = Vec::new();
    for label in raw {
        if let Some(identity) = label.strip_prefix("reserved:") {
            reserved.push(identity);
            continue;
        }
        let Some(pair) = label.strip_prefix("k8s:") else {
            continue;
        };
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !NOT_POD_LABELS.iter().any(|p| key.starts_with(p)) {
            labels.insert(key.to_owned(), value.to_owned());
        }
    }
    (labels, reserved)
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn address(ip: &Value, key: &str) -> Result<std::net::IpAddr, String> {
    let value = ip
        .get(key)
        .ok_or_else(|| format!("missing field IP.{key}"))?;
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("field IP.{key}: {value} is not an IP address"))
}

fn port(l4: &Value, key: &str, proto: Proto) -> Result<u16, String> {
    let value = l4
        .get(key)
        .ok_or_else(|| format!("missing field l4.{proto}.{key}"))?;
    value
        .as_u64()
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| format!("field l4.{proto}.{key}: {value} is not a port number"))
}
