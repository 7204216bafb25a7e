//! A NetworkPolicy as the API server stores it: `policyTypes` defaulted (Ingress always, Egress
//! only when egress rules are present), a direction left out of `policyTypes` ignored, peers
//! and ports parsed with the API server's validation.

use crate::cidr::IpBlock;
use crate::error::{FieldError, ModelError, Origin};
use crate::labels::Selector;
use crate::ports::PortSpec;
use serde_json::Value;

/// Traffic direction, from the selected pod's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ingress => "ingress",
            Self::Egress => "egress",
        }
    }
}

/// One peer of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Peer {
    /// Pods: `pods` (None: every pod) in the namespaces `namespaces` selects (None: the
    /// policy's own namespace). Both given: both must match.
    Pods {
        pods: Option<Selector>,
        namespaces: Option<Selector>,
    },
    Block(IpBlock),
}

/// One ingress or egress rule: allows traffic to/from any of `peers` (empty: every peer,
/// inside the cluster or not) on any of `ports` (empty: every port).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    pub peers: Vec<Peer>,
    pub ports: Vec<PortSpec>,
}

/// A parsed NetworkPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    pub origin: Origin,
    pub pod_selector: Selector,
    /// Rules of a direction the policy isolates (None: the policy does not apply to it).
    pub ingress: Option<Vec<Rule>>,
    pub egress: Option<Vec<Rule>>,
}

impl Policy {
    /// Rules of `direction` (None when the policy does not isolate that direction).
    pub fn rules(&self, direction: Direction) -> Option<&[Rule]> {
        match direction {
            Direction::Ingress => self.ingress.as_deref(),
            Direction::Egress => self.egress.as_deref(),
        }
    }

    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Parses a NetworkPolicy object; `namespace` is the one it lands in when the object names
    /// none.
    pub fn parse(object: &Value, origin: Origin, namespace: &str) -> Result<Self, ModelError> {
        let meta = object.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or(namespace)
            .to_owned();
        let wrap = |error: FieldError| ModelError {
            origin: origin.clone(),
            object: format!("NetworkPolicy {namespace}/{name}"),
            error,
        };
        if name.is_empty() {
            return Err(wrap(FieldError::new("metadata.name", "is required")));
        }
        let spec = object.get("spec").unwrap_or(&Value::Null);
        let pod_selector = match spec.get("podSelector") {
            Some(v) => Selector::parse(v, "spec.podSelector").map_err(wrap)?,
            None => return Err(wrap(FieldError::new("spec.podSelector", "is required"))),
        };
        let (ingress_type, egress_type) = policy_types(spec).map_err(wrap)?;
        let ingress = if ingress_type {
            Some(rules(spec, "ingress", "from").map_err(wrap)?)
        } else {
            None
        };
        let egress = if egress_type {
            Some(rules(spec, "egress", "to").map_err(wrap)?)
        } else {
            None
        };
        Ok(Self {
            namespace,
            name,
            origin,
            pod_selector,
            ingress,
            egress,
        })
    }
}

/// Which directions the policy isolates, defaulted as the API server does.
fn policy_types(spec: &Value) -> Result<(bool, bool), FieldError> {
    match spec.get("policyTypes") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if !items.is_empty() => {
            let (mut ingress, mut egress) = (false, false);
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some("Ingress") => ingress = true,
                    Some("Egress") => egress = true,
                    _ => {
                        return Err(FieldError::new(
                            format!("spec.policyTypes[{i}]"),
                            format!("{item} is not Ingress or Egress"),
                        ));
                    }
                }
            }
            return Ok((ingress, egress));
        }
        Some(Value::Array(_)) => {}
        Some(_) => return Err(FieldError::new("spec.policyTypes", "must be a list")),
    }
    let egress_rules = spec
        .get("egress")
        .and_then(Value::as_array)
        .is_some_and(|rules| !rules.is_empty());
    Ok((true, egress_rules))
}

fn rules(spec: &Value, key: &str, peers_key: &str) -> Result<Vec<Rule>, FieldError> {
    let items = match spec.get(key) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(FieldError::new(format!("spec.{key}"), "must be a list")),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("spec.{key}[{i}]");
        if !(item.is_object() || item.is_null()) {
            return Err(FieldError::new(at, "must be a mapping"));
        }
        let peers = match item.get(peers_key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(peers)) => peers
                .iter()
                .enumerate()
                .map(|(j, p)| peer(p, &format!("{at}.{peers_key}[{j}]")))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(FieldError::new(
                    format!("{at}.{peers_key}"),
                    "must be a list",
                ));
            }
        };
        let ports = match item.get("ports") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ports)) => ports
                .iter()
                .enumerate()
                .map(|(j, p)| PortSpec::parse(p, &format!("{at}.ports[{j}]")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(FieldError::new(format!("{at}.ports"), "must be a list")),
        };
        out.push(Rule { peers, ports });
    }
    Ok(out)
}

fn peer(value: &Value, at: &str) -> Result<Peer, FieldError> {
    if !value.is_object() {
        return Err(FieldError::new(at, "must be a mapping"));
    }
    let selector = |key: &str| -> Result<Option<Selector>, FieldError> {
        match value.get(key) {
            None => Ok(None),
            Some(v) => Selector::parse(v, &format!("{at}.{key}")).map(Some),
        }
    };
    let pods = selector("podSelector")?;
    let namespaces = selector("namespaceSelector")?;
    match value.get("ipBlock") {
        Some(block) => {
            if pods.is_some() || namespaces.is_some() {
                return Err(FieldError::new(
                    format!("{at}.ipBlock"),
                    "may not be combined with podSelector or namespaceSelector in one peer",
                ));
            }
            Ok(Peer::Block(IpBlock::parse(
                block,
                &format!("{at}.ipBlock"),
            )?))
        }
        None if pods.is_none() && namespaces.is_none() => Err(FieldError::new(
            at,
            "must specify a peer (podSelector, namespaceSelector or ipBlock)",
        )),
        None => Ok(Peer::Pods { pods, namespaces }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(spec: Value) -> Result<Policy, ModelError> {
        Policy::parse(
            &json!({"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "a"}, "spec": spec}),
            Origin::new("np.yaml", 1),
            "default",
        )
    }

    fn ok(spec: Value) -> Policy {
        parse(spec.clone()).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    #[test]
    fn policy_types_default_as_the_api_server_does() {
        let p = ok(json!({"podSelector": {}}));
        assert_eq!(
            (p.ingress.as_deref().map(<[Rule]>::len), p.egress.is_none()),
            (Some(0), true)
        );
        // `egress: []` adds no Egress type; `egress: [{}]` does.
        assert!(
            ok(json!({"podSelector": {}, "egress": []}))
                .egress
                .is_none()
        );
        let p = ok(json!({"podSelector": {}, "egress": [{}]}));
        assert_eq!(p.egress.as_deref().map(<[Rule]>::len), Some(1));
        // policyTypes [Egress]: ingress rules are ignored.
        let p = ok(json!({"podSelector": {}, "policyTypes": ["Egress"], "ingress": [{}]}));
        assert!(p.ingress.is_none() && p.egress.as_deref().is_some_and(<[Rule]>::is_empty));
        // Both orders are accepted.
        let p = ok(json!({"podSelector": {}, "policyTypes": ["Egress", "Ingress"]}));
        assert!(p.ingress.is_some() && p.egress.is_some());
    }

    #[test]
    fn peers_keep_their_and_or_structure() {
        let p = ok(json!({"podSelector": {}, "ingress": [{"from": [
            {"podSelector": {"matchLabels": {"app": "a"}}, "namespaceSelector": {}},
            {"ipBlock": {"cidr": "198.18.0.0/15"}}]}]}));
        let rules = p.ingress.unwrap_or_default();
        assert!(
            matches!(&rules[0].peers[0], Peer::Pods { pods: Some(_), namespaces: Some(n) } if n.is_everything())
        );
        assert!(matches!(&rules[0].peers[1], Peer::Block(_)));
    }

    #[test]
    fn invalid_policies_name_file_object_and_field() {
        for (spec, field) in [
            (json!({}), "spec.podSelector"),
            (
                json!({"podSelector": {}, "policyTypes": ["Both"]}),
                "spec.policyTypes[0]",
            ),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{}]}]}),
                "spec.ingress[0].from[0]",
            ),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}]}),
                "spec.ingress[0].from[0].ipBlock",
            ),
            (
                json!({"podSelector": {}, "egress": [{"ports": [{"port": 0}]}]}),
                "spec.egress[0].ports[0].port",
            ),
        ] {
            let err = parse(spec.clone())
                .err()
                .unwrap_or_else(|| panic!("{spec} accepted"));
            assert_eq!(err.error.field, field, "{spec}");
            assert!(
                err.to_string()
                    .starts_with("np.yaml:1: NetworkPolicy a/p: "),
                "{err}"
            );
        }
    }
}
