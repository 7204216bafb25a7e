//! MicroShield `flows.json`: one connection per line,
//! `{"timestamp","hostname","tuple":{"src_addr","src_port","dst_addr","dst_port"},
//! "src":{"pod":{…}},"dst":{"pod":{…},"service":{…,"selector":"k=v,…"}}}`. Pod labels may be
//! an object or a `k=v,…` string; an optional `proto`/`protocol` field defaults to TCP.

use super::{LineOutcome, Observation};
use crate::record::{Endpoint, Proto, parse_time};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Parses one line; `Err` names the field that is wrong.
pub fn parse_line(line: &Value) -> Result<LineOutcome, String> {
    let tuple = line.get("tuple").ok_or("missing field tuple")?;
    let proto = match line.get("proto").or_else(|| line.get("protocol")) {
        None | Some(Value::Null) => Proto::Tcp,
        Some(v) => match v.as_str().map(Proto::parse).or_else(|| {
            v.as_u64()
                .map(|n| u8::try_from(n).ok().and_then(Proto::from_number))
        }) {
            Some(Some(p)) => p,
            _ => return Ok(LineOutcome::Ignored("not TCP, UDP or SCTP")),
        },
    };
    let mut src = endpoint(line.get("src"), "src")?;
    src.ip = Some(ip(tuple, "src_addr")?);
    let mut dst = endpoint(line.get("dst"), "dst")?;
    dst.ip = Some(ip(tuple, "dst_addr")?);
    dst.port = Some(port(tuple, "dst_port")?);
    if let Some(service) = line
        .get("dst")
        .and_then(|d| d.get("service"))
        .filter(|s| !s.is_null())
    {
        dst.service = Some(service_id(service, dst.namespace.as_deref())?);
    }
    Ok(LineOutcome::Flow(Box::new(Observation {
        time: timestamp(line.get("timestamp"))?,
        node: line
            .get("hostname")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        proto,
        src,
        dst,
        connections: 1,
    })))
}

fn endpoint(side: Option<&Value>, name: &str) -> Result<Endpoint, String> {
    let mut endpoint = Endpoint::default();
    let Some(pod) = side.and_then(|s| s.get("pod")).filter(|p| !p.is_null()) else {
        return Ok(endpoint);
    };
    endpoint.pod = text(pod, "name", &format!("{name}.pod"))?;
    endpoint.namespace = text(pod, "namespace", &format!("{name}.pod"))?;
    endpoint.labels = labels(pod.get("labels"), &format!("{name}.pod.labels"))?;
    Ok(endpoint)
}

fn service_id(service: &Value, pod_namespace: Option<&str>) -> Result<String, String> {
    let name = text(service, "name", "dst.service")?.ok_or("field dst.service.name: missing")?;
    let namespace = text(service, "namespace", "dst.service")?
        .or_else(|| pod_namespace.map(str::to_owned))
        .ok_or("field dst.service.namespace: missing")?;
    Ok(format!("{namespace}/{name}"))
}

fn text(object: &Value, key: &str, at: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("field {at}.{key}: expected a string, got {other}")),
    }
}

/// Labels as an object of strings or a `k=v,k=v` string.
pub fn labels(value: Option<&Value>, at: &str) -> Result<BTreeMap<String, String>, String> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Ok((k.clone(), other.to_string())),
            })
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                pair.split_once('=')
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .ok_or_else(|| format!("field {at}: {pair:?} is not key=value"))
            })
            .collect(),
        Some(other) => Err(format!(
            "field {at}: expected an object or \"k=v,…\", got {other}"
        )),
    }
}

fn ip(tuple: &Value, key: &str) -> Result<IpAddr, String> {
    let value = tuple
        .get(key)
        .ok_or_else(|| format!("missing field tuple.{key}"))?;
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("field tuple.{key}: {value} is not an IP address"))
}

fn port(tuple: &Value, key: &str) -> Result<u16, String> {
    let value = tuple
        .get(key)
        .ok_or_else(|| format!("missing field tuple.{key}"))?;
    let number = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()));
    number
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| format!("field tuple.{key}: {value} is not a port number"))
}

/// RFC 3339 text, or Unix seconds / milliseconds.
fn timestamp(value: Option<&Value>) -> Result<DateTime<Utc>, String> {
    let value = value.ok_or("missing field timestamp")?;
    let parsed = match value {
        Value::String(s) => parse_time(s),
        Value::Number(n) => n.as_f64().and_then(|secs| {
            let secs = if secs > 1e12 { secs / 1000.0 } else { secs };
            DateTime::from_timestamp_millis((secs * 1000.0) as i64)
        }),
        _ => None,
    };
    parsed
        .ok_or_else(|| format!("field timestamp: {value} is not an RFC 3339 time or Unix seconds"))
}
