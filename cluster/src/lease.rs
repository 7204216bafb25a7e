//! A coordination.k8s.io Lease as a lock, so that of several webhook replicas one writes the
//! certificate Secret at a time: a replica holds the Lease while it renews it before
//! `leaseDurationSeconds` run out; another takes it over only after that. Every write carries
//! the resourceVersion read, so two replicas racing for a free Lease cannot both win (the loser
//! gets 409 Conflict). Only get and update are needed when the Lease exists (the manifests ship
//! it, so RBAC can be narrowed by resourceNames); create is tried when it does not.

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, PostParams};
use std::time::{Duration, SystemTime};

/// One Lease, held as `identity`.
#[derive(Debug, Clone)]
pub(crate) struct LeaseLock {
    pub api: Api<Lease>,
    pub name: String,
    pub identity: String,
    pub duration: Duration,
}

impl LeaseLock {
    /// Takes or renews the Lease at `now`: true while this replica holds it. A conflict (another
    /// replica wrote first) is `Ok(false)`; other API errors are errors.
    pub async fn try_hold(&self, now: SystemTime) -> Result<bool, kube::Error> {
        let stamp = MicroTime(Timestamp::try_from(now).unwrap_or(Timestamp::UNIX_EPOCH));
        let seconds = i32::try_from(self.duration.as_secs().max(1)).unwrap_or(i32::MAX);
        let Some(mut lease) = self.api.get_opt(&self.name).await? else {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(self.name.clone()),
                    ..ObjectMeta::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(self.identity.clone()),
                    lease_duration_seconds: Some(seconds),
                    acquire_time: Some(stamp.clone()),
                    renew_time: Some(stamp),
                    lease_transitions: Some(0),
                    ..LeaseSpec::default()
                }),
            };
            return lost_on_conflict(self.api.create(&PostParams::default(), &lease).await);
        };
        let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
        let holder = spec.holder_identity.clone().filter(|h| !h.is_empty());
        let mine = holder.as_deref() == Some(self.identity.as_str());
        if !mine && holder.is_some() && !expired(spec, now) {
            return Ok(false);
        }
        if !mine {
            spec.holder_identity = Some(self.identity.clone());
            spec.acquire_time = Some(stamp.clone());
            spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0).saturating_add(1));
        }
        spec.lease_duration_seconds = Some(seconds);
        spec.renew_time = Some(stamp);
        lost_on_conflict(
            self.api
                .replace(&self.name, &PostParams::default(), &lease)
                .await,
        )
    }
}

/// Whether the holder has not renewed within its lease duration (a Lease never renewed, or with
/// no duration, has expired).
fn expired(spec: &LeaseSpec, now: SystemTime) -> bool {
    let (Some(renewed), Some(seconds)) = (&spec.renew_time, spec.lease_duration_seconds) else {
        return true;
    };
    let until = SystemTime::from(renewed.0)
        + Duration::from_secs(u64::try_from(seconds.max(0)).unwrap_or_default());
    until <= now
}

fn lost_on_conflict(result: Result<Lease, kube::Error>) -> Result<bool, kube::Error> {
    match result {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(false),
        Err(e) => Err(e),
    }
}
