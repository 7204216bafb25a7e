//! The mappings from the peers' Pod Security policies to the built-in PSS rules, for
//! `pss_agreement.rs`.

use palisade_policies::{Finding, PssLevel};

/// One mapping a line: source (`gatekeeper/<policy>/<constraint folder>` or `kyverno/<folder>`) |
/// rules whose findings count (`*`: any PSS rule; `!RULE`s: any but these) | path suffixes a finding must
/// end with (empty: any) | level | for clear-cut mappings, why the semantics are the same.
pub const MAPPINGS: &str = "
gatekeeper/allow-privilege-escalation/psp-allow-privilege-escalation-container | PSS-ALLOW-PRIVILEGE-ESCALATION | | restricted |
gatekeeper/apparmor/psp-apparmor | PSS-APPARMOR | | baseline |
gatekeeper/capabilities/psp-capabilities-baseline | PSS-CAPABILITIES-BASELINE | | baseline |
gatekeeper/capabilities/psp-capabilities-restricted | PSS-CAPABILITIES-RESTRICTED | | restricted |
gatekeeper/flexvolume-drivers/psp-flexvolume-drivers | PSS-VOLUME-TYPES | | restricted |
gatekeeper/forbidden-sysctls/psp-forbidden-sysctls | PSS-SYSCTLS | | baseline |
gatekeeper/host-filesystem/psp-host-filesystem | PSS-HOST-PATH-VOLUMES | | baseline |
gatekeeper/host-filesystem/no-host-paths | PSS-HOST-PATH-VOLUMES | | baseline | no allowedHostPaths: every hostPath volume is a violation
gatekeeper/host-namespaces/psp-host-namespace | PSS-HOST-NAMESPACES | /hostPID /hostIPC | baseline | hostPID or hostIPC true is a violation (hostNetwork is host-network-ports' job)
gatekeeper/host-network-ports/block_host_network | PSS-HOST-NAMESPACES | /hostNetwork | baseline | hostNetwork: false without a port range: only hostNetwork true is a violation
gatekeeper/host-network-ports/port_range_block_host_network | PSS-HOST-NAMESPACES PSS-HOST-PORTS | /hostNetwork /hostPort | baseline |
gatekeeper/host-network-ports/psp-host-network-ports | PSS-HOST-NAMESPACES PSS-HOST-PORTS | /hostNetwork /hostPort | baseline |
gatekeeper/host-probes-lifecycle/psp-host-probes-lifecycle | PSS-HOST-PROBES-AND-LIFECYCLE | | baseline | any host in a probe or lifecycle handler of any container is a violation
gatekeeper/host-process/psp-host-process | PSS-WINDOWS-HOST-PROCESS | | baseline | hostProcess true on the pod or any container is a violation
gatekeeper/privileged-containers/psp-privileged-container | PSS-PRIVILEGED | | baseline | privileged true on any container is a violation
gatekeeper/proc-mount/psp-proc-mount | PSS-PROC-MOUNT | | restricted | procMount must be Default, with no user-namespace relaxation (PSS at restricted)
gatekeeper/seccomp/psp-seccomp | PSS-SECCOMP-RESTRICTED | | restricted |
gatekeeper/seccompv2/psp-seccomp-baseline | PSS-SECCOMP-BASELINE | | baseline |
gatekeeper/seccompv2/psp-seccomp-restricted | PSS-SECCOMP-RESTRICTED | | restricted |
gatekeeper/selinux/psp-selinux-v2 | PSS-SELINUX | | baseline |
gatekeeper/users/psp-pods-allowed-user-ranges | PSS-RUN-AS-NON-ROOT PSS-RUN-AS-USER | | restricted |
gatekeeper/volumes/psp-volume-types | PSS-VOLUME-TYPES | | restricted |
kyverno/baseline/disallow-capabilities | PSS-CAPABILITIES-BASELINE | | baseline | the same default capability set
kyverno/baseline/disallow-host-namespaces | PSS-HOST-NAMESPACES | | baseline | hostNetwork, hostPID and hostIPC unset or false
kyverno/baseline/disallow-host-path | PSS-HOST-PATH-VOLUMES | | baseline | hostPath must be unset
kyverno/baseline/disallow-host-ports | PSS-HOST-PORTS | | baseline | hostPort unset or 0 in every container
kyverno/baseline/disallow-host-ports-range | PSS-HOST-PORTS | | baseline |
kyverno/baseline/disallow-host-process | PSS-WINDOWS-HOST-PROCESS | | baseline |
kyverno/baseline/disallow-privileged-containers | PSS-PRIVILEGED | | baseline | privileged unset or false in every container
kyverno/baseline/disallow-proc-mount | PSS-PROC-MOUNT | | restricted | procMount unset or Default, with no user-namespace relaxation (PSS at restricted)
kyverno/baseline/disallow-selinux | PSS-SELINUX | | baseline |
kyverno/baseline/restrict-apparmor-profiles | PSS-APPARMOR | | baseline |
kyverno/baseline/restrict-seccomp | PSS-SECCOMP-BASELINE | | baseline |
kyverno/baseline/restrict-sysctls | PSS-SYSCTLS | | baseline |
kyverno/restricted/disallow-capabilities-strict | PSS-CAPABILITIES-RESTRICTED | | restricted |
kyverno/restricted/disallow-privilege-escalation | PSS-ALLOW-PRIVILEGE-ESCALATION | | restricted |
kyverno/restricted/require-run-as-non-root-user | PSS-RUN-AS-USER | | restricted |
kyverno/restricted/require-run-as-nonroot | PSS-RUN-AS-NON-ROOT | | restricted |
kyverno/restricted/restrict-seccomp-strict | PSS-SECCOMP-RESTRICTED | | restricted |
kyverno/restricted/restrict-volume-types | PSS-VOLUME-TYPES | | restricted |
kyverno/subrule/podsecurity-subrule-baseline | * | | baseline | Kyverno runs the upstream PSA checks at baseline:latest
kyverno/subrule/restricted/restricted-latest | * | | restricted | Kyverno runs the upstream PSA checks at restricted:latest
kyverno/subrule/restricted/restricted-exclude-capabilities | !PSS-CAPABILITIES-BASELINE !PSS-CAPABILITIES-RESTRICTED | | restricted |
kyverno/subrule/restricted/restricted-exclude-seccomp | !PSS-SECCOMP-BASELINE !PSS-SECCOMP-RESTRICTED | | restricted |
";

/// A library's policy and the PSS findings that stand for its verdict (one line of [`MAPPINGS`]).
#[derive(Debug)]
pub struct Mapping {
    pub source: String,
    pub rules: Vec<String>,
    pub fields: Vec<String>,
    pub level: PssLevel,
    pub clear_cut: Option<String>,
}

pub fn mappings() -> Vec<Mapping> {
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let parse = |line: &str| -> Mapping {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let [source, rules, fields, level, why] = cols[..] else {
            panic!("bad mapping {line}")
        };
        let level = level.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        let clear_cut = (!why.is_empty()).then(|| why.to_string());
        let source = source.to_string();
        Mapping {
            source,
            rules: words(rules),
            fields: words(fields),
            level,
            clear_cut,
        }
    };
    MAPPINGS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse)
        .collect()
}

impl Mapping {
    pub fn covers(&self, f: &Finding) -> bool {
        let any = self.rules.iter().all(|r| r == "*" || r.starts_with('!'));
        let excluded = |id: &str| self.rules.iter().any(|r| r.strip_prefix('!') == Some(id));
        let rule_ok = match any {
            true => f.rule.starts_with("PSS-") && !excluded(&f.rule),
            false => self.rules.contains(&f.rule),
        };
        let path = f.path.as_deref().unwrap_or_default();
        rule_ok && (self.fields.is_empty() || self.fields.iter().any(|s| path.ends_with(s)))
    }
}
