//! The Service a serving certificate is for, validated once: its name must be a DNS-1035 label
//! (as the API server requires of Service names) and its namespace an RFC 1123 label, so that
//! every DNS name derived from them is valid.

use crate::error::{CertError, Result};

/// A Service, by name and namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    name: String,
    namespace: String,
}

impl Service {
    /// Validates a Service name and namespace; errors name the flag (`--service`, `--namespace`).
    pub fn new(name: &str, namespace: &str) -> Result<Service> {
        check_label(name, "--service", "Service name", true)?;
        check_label(namespace, "--namespace", "namespace", false)?;
        Ok(Service {
            name: name.to_string(),
            namespace: namespace.to_string(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The name the API server uses to reach the Service: `NAME.NS.svc`, which must be among
    /// the certificate's DNS names.
    pub fn server_name(&self) -> String {
        format!("{}.{}.svc", self.name, self.namespace)
    }

    /// Every DNS name the serving certificate carries: `NAME`, `NAME.NS`, `NAME.NS.svc` and
    /// `NAME.NS.svc.cluster.local` (the last two are what the API server and in-cluster clients
    /// use; the short forms are customary for clients in the same namespace).
    pub fn dns_names(&self) -> Vec<String> {
        let (n, ns) = (&self.name, &self.namespace);
        vec![
            n.clone(),
            format!("{n}.{ns}"),
            format!("{n}.{ns}.svc"),
            format!("{n}.{ns}.svc.cluster.local"),
        ]
    }
}

fn check_label(value: &str, field: &'static str, what: &'static str, dns1035: bool) -> Result<()> {
    let invalid = |reason: &str| CertError::InvalidName {
        field,
        value: value.to_string(),
        what,
        reason: reason.to_string(),
    };
    if value.is_empty() {
        return Err(invalid("it is empty"));
    }
    if value.len() > 63 {
        return Err(invalid("it is longer than 63 characters"));
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid(
            "only lower-case letters, digits and '-' are allowed",
        ));
    }
    let first = value.bytes().next().unwrap_or(b'-');
    if dns1035 && !first.is_ascii_lowercase() {
        return Err(invalid("it must start with a lower-case letter"));
    }
    if first == b'-' || value.ends_with('-') {
        return Err(invalid("it must start and end with a letter or digit"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_names_the_api_server_uses() {
        let s =
            Service::new("palisade-webhook", "palisade-system").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.server_name(), "palisade-webhook.palisade-system.svc");
        assert_eq!(
            s.dns_names(),
            [
                "palisade-webhook",
                "palisade-webhook.palisade-system",
                "palisade-webhook.palisade-system.svc",
                "palisade-webhook.palisade-system.svc.cluster.local",
            ]
        );
    }

    #[test]
    fn rejects_names_that_are_not_labels_and_names_the_flag() {
        for (name, ns, flag) in [
            ("", "ns", "--service"),
            ("Web", "ns", "--service"),
            ("1web", "ns", "--service"),
            ("web-", "ns", "--service"),
            ("web.hook", "ns", "--service"),
            ("web", "-ns", "--namespace"),
            ("web", "kube_system", "--namespace"),
            ("web", &"n".repeat(64), "--namespace"),
        ] {
            let err = Service::new(name, ns).map(|_| ()).err();
            let msg = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(msg.starts_with(flag), "{name:?} {ns:?}: {msg:?}");
        }
        // A namespace may start with a digit (RFC 1123), a Service name may not (DNS-1035).
        assert!(Service::new("web", "1ns").is_ok());
    }
}
