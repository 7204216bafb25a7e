//! Palisade's webhook certificates.
//!
//! The API server calls an admission webhook over TLS and trusts only the CA in the webhook
//! configuration's `caBundle`. This crate issues that CA and the webhook's serving certificate
//! ([`issue`]: rcgen with the ring backend, ECDSA P-256), keeps them in a directory laid out as a
//! Kubernetes TLS Secret and rotates the serving certificate under the same CA ([`store`]),
//! reads expiry and checks that a key belongs to a certificate ([`inspect`]: the webhook's
//! certificate-expiry metric and its live reload use these), and writes the CA into the
//! `caBundle` of webhook configurations without disturbing the rest of the manifest
//! ([`ca_bundle`]). A webhook that manages its own certificates in a Secret moves that Secret
//! from one state to the next with [`managed`].

pub mod ca_bundle;
pub mod error;
pub mod inspect;
pub mod issue;
pub mod managed;
pub mod service;
pub mod store;
mod yaml_tree;

pub use ca_bundle::{Change, PatchReport, ca_bundle, check_path, patch_path, patch_text};
pub use error::CertError;
pub use inspect::{CertInfo, certificates_der, check_key_pair, inspect, key_ids, not_after, utc};
pub use issue::{DEFAULT_DAYS, PemPair, ca_days, issue_serving, new_ca};
pub use service::Service;
pub use store::{Generated, Request, generate, write_private};
